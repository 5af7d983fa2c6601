// The rules of simulated time, behind POST /_emulator/clock: freezing, releasing, advancing and
// setting the server's SimulatedClock. Advancing a frozen clock stops at every due lifecycle
// step on the way, so each happens at its own instant and in order; afterwards everything due
// by the new time has run. The clock never moves backwards.
//
// THREADING: state strand only (it runs the control plane's reconciler).
#pragma once

#include "common/clock.h"
#include "common/status.h"
#include "control/control_plane.h"

namespace ecs::control {

class SimulatedTime {
 public:
  SimulatedTime(ControlPlane* control, SimulatedClock* clock) : control_(control), clock_(clock) {}

  const SimulatedClock& clock() const { return *clock_; }
  void Freeze() { clock_->Freeze(); }
  void Release() { clock_->Release(); }
  // Only when the state is replaced (reset, snapshot restore): see SimulatedClock.
  void ReturnToRealTime() { clock_->ReturnToRealTime(); }
  void Restore(Millis now, bool frozen) { clock_->Restore(now, frozen); }
  // Moves time forward by `delta` (InvalidParameterException when negative).
  Status Advance(Millis delta);
  // Moves time forward to `to` (InvalidParameterException when in the simulated past).
  Status Set(Millis to);

 private:
  ControlPlane* control_;
  SimulatedClock* clock_;
};

}  // namespace ecs::control

#include "control/simulated_time.h"

#include <algorithm>

namespace ecs::control {

namespace {
constexpr int kMaxRoundsPerInstant = 10000;
}  // namespace

Status SimulatedTime::Advance(Millis delta) {
  if (delta < 0) return Status::InvalidParameter("The clock only moves forward.");
  const Millis target = clock_->Now() + delta;
  if (clock_->frozen()) {
    // Stop at every due transition on the way so each happens at its own instant, in order.
    // Something due now that a round does not act on must not hold the advance: a bounded
    // number of rounds per instant.
    Millis instant = -1;
    int rounds_at_instant = 0;
    while (auto next = control_->NextDue()) {
      if (*next > target) break;
      const Millis at = std::max(*next, clock_->Now());
      rounds_at_instant = at == instant ? rounds_at_instant + 1 : 0;
      if (rounds_at_instant >= kMaxRoundsPerInstant) break;
      instant = at;
      clock_->FreezeAt(at);
      ECS_RETURN_IF_ERROR(control_->RunDue(at, /*advancing=*/true));
    }
    clock_->FreezeAt(target);
  } else {
    clock_->Advance(delta);
  }
  // Catch up with everything due by now (several rounds: a step can schedule another one).
  for (int i = 0; i < 1000; ++i) {
    const Millis now = clock_->Now();
    ECS_RETURN_IF_ERROR(control_->RunDue(now, /*advancing=*/true));
    auto next = control_->NextDue();
    if (!next || *next > now) break;
  }
  return Status::Ok();
}

Status SimulatedTime::Set(Millis to) {
  if (to < clock_->Now()) return Status::InvalidParameter("The clock only moves forward.");
  return Advance(to - clock_->Now());
}

}  // namespace ecs::control

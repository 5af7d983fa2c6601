// Time is injected: everything that needs "now" takes a Clock&. Times are epoch milliseconds.
// SimulatedClock backs /_emulator/clock: real time by default, or frozen and advanced by hand.
// Thread-safe (atomics), though in the server only the state strand moves it.
#pragma once

#include <atomic>
#include <cstdint>

namespace ecs {

using Millis = int64_t;  // milliseconds since the Unix epoch

class Clock {
 public:
  virtual ~Clock() = default;
  virtual Millis Now() const = 0;
  // Whether time stands still until it is advanced by hand (the one place this is kept).
  virtual bool frozen() const { return false; }
};

Millis SystemNowMillis();

// A clock whose time can be frozen, advanced and released. It never moves backwards: releasing a
// frozen clock lets time flow on from the frozen instant rather than jumping to the wall clock.
class SimulatedClock final : public Clock {
 public:
  Millis Now() const override;
  bool frozen() const override { return frozen_.load(); }
  void Freeze();               // stops time at the current instant
  void FreezeAt(Millis t);     // stops time at t (ignored if t is in the simulated past)
  void Advance(Millis delta);  // moves time forward, frozen or not
  void Release();              // time flows again from the current simulated instant
  // The exceptions to "never backwards", for when the state that lived in simulated time is
  // replaced (a reset, a restored snapshot):
  void ReturnToRealTime();                // unfrozen, at the wall clock's time
  void Restore(Millis now, bool frozen);  // at `now`, frozen there or flowing on from it

 private:
  std::atomic<bool> frozen_{false};
  std::atomic<Millis> frozen_at_{0};
  std::atomic<Millis> offset_{0};  // simulated = wall + offset while not frozen
};

// A test clock: starts at a fixed instant and only moves when told. It can also play a frozen
// simulated clock (set_frozen), as /_emulator/clock freezes the server's.
class ManualClock final : public Clock {
 public:
  explicit ManualClock(Millis start = 1'700'000'000'000) : now_(start) {}
  Millis Now() const override { return now_; }
  bool frozen() const override { return frozen_; }
  void Advance(Millis delta) { now_ += delta; }
  void Set(Millis t) { now_ = t; }
  void set_frozen(bool frozen) { frozen_ = frozen; }

 private:
  Millis now_;
  bool frozen_ = false;
};

}  // namespace ecs

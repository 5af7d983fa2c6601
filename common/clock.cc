#include "common/clock.h"

#include <chrono>

namespace ecs {

Millis SystemNowMillis() {
  using namespace std::chrono;
  return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
}

Millis SimulatedClock::Now() const {
  if (frozen_.load()) return frozen_at_.load();
  return SystemNowMillis() + offset_.load();
}

void SimulatedClock::Freeze() {
  if (frozen_.load()) return;
  frozen_at_.store(Now());
  frozen_.store(true);
}

void SimulatedClock::FreezeAt(Millis t) {
  Freeze();
  if (t > frozen_at_.load()) frozen_at_.store(t);
}

void SimulatedClock::Advance(Millis delta) {
  if (delta <= 0) return;
  if (frozen_.load()) {
    frozen_at_.fetch_add(delta);
  } else {
    offset_.fetch_add(delta);
  }
}

void SimulatedClock::Release() {
  if (!frozen_.load()) return;
  offset_.store(frozen_at_.load() - SystemNowMillis());
  frozen_.store(false);
}

void SimulatedClock::ReturnToRealTime() {
  frozen_.store(false);
  offset_.store(0);
}

void SimulatedClock::Restore(Millis now, bool frozen) {
  frozen_at_.store(now);
  offset_.store(now - SystemNowMillis());
  frozen_.store(frozen);
}

}  // namespace ecs

#include "scheduler/target_health.h"

#include <algorithm>
#include <cstdint>

namespace ecs::scheduler {

namespace {

// The instant of the first check at or after `t` (checks run at registered + k * interval,
// k >= 1; with no interval, at every instant from registration).
Millis FirstCheckFrom(const TargetHealthConfig& c, Millis registered, Millis t) {
  if (c.interval == 0) return std::max(registered, t);
  const Millis since = std::max<Millis>(t - registered, 0);
  const int64_t k = std::max<int64_t>(1, (since + c.interval - 1) / c.interval);
  return registered + k * c.interval;
}

}  // namespace

TargetAt TargetStateAt(const TargetHealthConfig& c, const TargetTimes& times, Millis now) {
  if (times.deregistered_at) {
    const Millis drained = *times.deregistered_at + c.deregistration_delay;
    if (now < drained) return {TargetState::kDraining, *times.deregistered_at, drained};
    return {TargetState::kUnused, drained, std::nullopt};
  }
  const Millis first_check = FirstCheckFrom(c, times.registered_at, times.registered_at);
  std::optional<Millis> unhealthy_at;
  if (times.failing_from) {
    const Millis first_fail = FirstCheckFrom(c, times.registered_at, *times.failing_from);
    unhealthy_at = first_fail + (std::max(1, c.unhealthy_threshold) - 1) * c.interval;
  }
  // Healthy once the first check passed, unless it already failed.
  const bool ever_healthy = !times.failing_from || *times.failing_from > first_check;
  if (unhealthy_at && now >= *unhealthy_at) {
    return {TargetState::kUnhealthy, *unhealthy_at, std::nullopt};
  }
  if (ever_healthy && now >= first_check) return {TargetState::kHealthy, first_check, unhealthy_at};
  return {TargetState::kInitial, times.registered_at,
          ever_healthy ? std::optional<Millis>(first_check) : unhealthy_at};
}

std::string_view TargetReason(TargetState state) {
  switch (state) {
    case TargetState::kInitial:
      return "Elb.RegistrationInProgress";
    case TargetState::kUnhealthy:
      return "Target.FailedHealthChecks";
    case TargetState::kDraining:
      return "Target.DeregistrationInProgress";
    case TargetState::kUnused:
      return "Target.NotRegistered";
    case TargetState::kHealthy:
      break;
  }
  return "";
}

}  // namespace ecs::scheduler

// Simulated Elastic Load Balancing target health of a load-balanced service's task: a pure
// function of when the target was registered, when its container began failing checks (a
// scripted behaviour) and when it was deregistered. The rules are ELB's: a new target is
// `initial` until it passes one health check ("After your target is registered, it must pass
// one health check to be considered healthy", the ALB user guide, target-group-health-checks);
// `unhealthy_threshold` consecutive failed checks `interval` apart make it `unhealthy`; a
// deregistered target is `draining` for the deregistration delay, then `unused`. Checks take no
// time and run every `interval` from registration. With an interval of 0 (the instant timing
// profile) a check runs at every instant, so a target is healthy at registration.
//
// Pure; thread-compatible.
#pragma once

#include <array>
#include <optional>
#include <string_view>

#include "common/clock.h"
#include "model/wire_enum.h"

namespace ecs::scheduler {

enum class TargetState { kInitial, kHealthy, kUnhealthy, kDraining, kUnused };

struct TargetHealthConfig {
  Millis interval = 0;  // HealthCheckIntervalSeconds
  int unhealthy_threshold = 2;
  Millis deregistration_delay = 0;
  bool operator==(const TargetHealthConfig&) const = default;
};

struct TargetTimes {
  Millis registered_at = 0;
  std::optional<Millis> failing_from;     // its checks fail from then on
  std::optional<Millis> deregistered_at;  // the task was told to stop
};

struct TargetAt {
  TargetState state = TargetState::kInitial;
  Millis since = 0;                   // when it entered this state
  std::optional<Millis> next_change;  // when the state changes next on its own
};

TargetAt TargetStateAt(const TargetHealthConfig& config, const TargetTimes& times, Millis now);

// ELB's TargetHealth.Reason for a state ("" for healthy).
std::string_view TargetReason(TargetState state);

}  // namespace ecs::scheduler

namespace ecs::model {
template <>
struct WireNames<scheduler::TargetState> {
  static constexpr std::array<std::string_view, 5> kNames = {"initial", "healthy", "unhealthy",
                                                             "draining", "unused"};
};
}  // namespace ecs::model

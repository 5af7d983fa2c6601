// What the simulated data plane needs to know about a container beyond what DescribeTasks shows:
// the parts of its definition that decide how it runs (health check, dependencies, timeouts),
// what it is scripted to do (ContainerBehavior, from dockerLabels). Copied into the task when it
// is launched and persisted with it (storage/codec_tasks.cc). Plain data.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/clock.h"
#include "model/wire_enum.h"

namespace ecs::model {

// ContainerDefinition.healthCheck, in milliseconds, defaults filled (the model's HealthCheck
// documentation: interval 30 s, timeout 5 s, retries 3, no start period).
struct HealthCheckConfig {
  Millis interval = 30'000;
  Millis timeout = 5'000;
  int retries = 3;
  Millis start_period = 0;
  bool operator==(const HealthCheckConfig&) const = default;
};

// ContainerDependency.condition.
enum class DependencyCondition { kStart, kComplete, kSuccess, kHealthy };
template <>
struct WireNames<DependencyCondition> {
  static constexpr std::array<std::string_view, 4> kNames = {"START", "COMPLETE", "SUCCESS",
                                                             "HEALTHY"};
};

struct ContainerDependency {
  std::string container;  // the name of the container depended on
  DependencyCondition condition = DependencyCondition::kStart;
  bool operator==(const ContainerDependency&) const = default;
};

// What a container is scripted to do (the ecs-emulator.* dockerLabels, taskdef/runtime.h).
// Durations run on the simulated clock from the moment the container starts.
struct ContainerBehavior {
  std::optional<int64_t> exit_code;  // exits by itself with this code...
  Millis exit_after = 0;             // ...this long after it started
  std::string fail_to_start;         // not empty: never starts; this is the reason it gives
  // Its health checks (and the load balancer's checks of it) fail from this long after it
  // started; 0 = from the start.
  std::optional<Millis> unhealthy_after;
  Millis stop_takes = 0;  // how long it takes to exit once told to stop (SIGTERM)
  bool empty() const {
    return !exit_code && fail_to_start.empty() && !unhealthy_after && stop_takes == 0;
  }
  bool operator==(const ContainerBehavior&) const = default;
};

}  // namespace ecs::model

// A normalized task definition: the facts the scheduler and control plane need (sizes, ports,
// network mode, where it can run, constraints) and the TaskDefinition body that every operation
// returning a `taskDefinition` shows. Made by taskdef::NormalizeTaskDefinition from a request,
// or by taskdef::SpecFromStoredBody from a stored body. Plain data.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "common/packed_text.h"
#include "common/shared_value.h"
#include "model/container_runtime.h"
#include "model/launch.h"
#include "model/tag.h"
#include "model/task_behavior.h"

namespace ecs::taskdef {

struct PortMappingSpec {
  int container_port = 0;  // 0 when the mapping is a containerPortRange
  // The host port to reserve: 0 = dynamic (bridge without hostPort, or hostPort 0). In host and
  // awsvpc modes it always equals container_port.
  int host_port = 0;
  std::string protocol = "tcp";  // tcp | udp
  // containerPortRange "first-last"; both 0 when the mapping is a single port.
  int range_first = 0;
  int range_last = 0;
  bool operator==(const PortMappingSpec&) const = default;
};

struct ContainerSpec {
  std::string name;
  std::string image;
  int64_t cpu = 0;                            // CPU units; 0 when omitted
  std::optional<int64_t> memory;              // hard limit, MiB
  std::optional<int64_t> memory_reservation;  // soft limit, MiB
  bool essential = true;
  bool has_health_check = false;
  // What the simulated container needs (taskdef/runtime.h): the health check with its defaults,
  // dependsOn, stopTimeout / startTimeout in seconds, and the ecs-emulator.* dockerLabels.
  std::optional<model::HealthCheckConfig> health_check;
  std::vector<model::ContainerDependency> depends_on;
  std::optional<int64_t> stop_timeout;
  std::optional<int64_t> start_timeout;
  model::BehaviorEffects label_behavior;
  int gpu_count = 0;  // resourceRequirements of type GPU
  std::vector<PortMappingSpec> port_mappings;
  bool operator==(const ContainerSpec&) const = default;
};

struct TaskDefinitionSpec {
  std::string family;
  std::optional<model::NetworkMode> network_mode;     // unset: not given (behaves as bridge)
  std::vector<std::string> requires_compatibilities;  // as sent
  std::vector<model::LaunchType> compatibilities;     // computed, in ECS's order
  std::optional<int64_t> cpu;     // task level, CPU units (normalized from "1 vCPU" etc.)
  std::optional<int64_t> memory;  // task level, MiB (normalized from "1 GB" etc.)
  std::vector<SharedValue<ContainerSpec>> containers;  // shared with other revisions when equal
  SharedValue<std::vector<std::string>> member_of_expressions;  // placementConstraints (memberOf)
  // Attribute names, as in the body; a family's revisions mostly share one list.
  SharedValue<std::vector<std::string>> requires_attributes;
  model::TagList tags;  // validated; NOT part of `body`
  // The TaskDefinition object (a complete JSON object, braces included) without the members the
  // control plane owns: taskDefinitionArn, revision, status, registeredAt, deregisteredAt,
  // deleteRequestedAt, registeredBy. Members are already in the order AWS writes them; pass it
  // to RenderTaskDefinition to splice those in at their places. The registry keeps a revision's
  // body as its difference from its family's (control/task_definition_registry.h).
  PackedText body;
  // Where RenderTaskDefinition inserts the control plane's members into the body, as byte
  // offsets just after the member each follows (before that member's comma): revision after
  // networkMode's place (before volumes), status after volumes, the registration timestamps and
  // registeredBy after proxyConfiguration's place. All 0 when unknown (render then scans).
  struct Splices {
    size_t revision = 0;
    size_t status = 0;
    size_t registered = 0;
    bool operator==(const Splices&) const = default;
  } splices;

  bool awsvpc() const { return network_mode == model::NetworkMode::kAwsvpc; }
  bool SupportsLaunchType(model::LaunchType t) const {
    for (auto c : compatibilities) {
      if (c == t) return true;
    }
    return false;
  }
  bool operator==(const TaskDefinitionSpec&) const = default;
};

}  // namespace ecs::taskdef

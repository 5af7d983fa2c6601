// Scale-in victim selection (docs/scheduling.md §6 "Scale-in", §8.1-§8.2): which tasks of a service
// to stop when it has too many, or which old-deployment tasks to retire during a rolling update.
//
// Rule: tasks not yet RUNNING (or unhealthy) go first; then the service's strategies, each
// reversed so that removing the task restores balance (spread: the AZ / instance / attribute
// bucket holding the most tasks; binpack: the instance with the most remaining resource after the
// stop); then a seeded random tie-break. No strategies = the default service rule: the AZ with the
// most tasks of the service, then the instance with the most. Victims are picked one at a time and
// the counts updated, so a multi-task scale-in stays balanced.
//
// Pure: no I/O, no clock, randomness only from request.seed; results do not depend on the order of
// the inputs.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "model/task.h"
#include "scheduler/instance_view.h"
#include "scheduler/placement_types.h"

namespace ecs::scheduler {

// One non-STOPPED task of the service.
struct ScaleInTask {
  std::string arn;
  std::string instance_arn;       // empty for tasks without an instance (Fargate)
  std::string availability_zone;  // empty: taken from the instance's ecs.availability-zone
  model::TaskState last_status = model::TaskState::kRunning;
  bool healthy = true;  // false: failing health checks (preferred victim)
  // false: never picked (task protection, or not in the set being shrunk, e.g. PRIMARY tasks in a
  // deployment), but still counted when balancing AZs and instances.
  bool stoppable = true;
  int64_t cpu = 0;  // the task's reservation, for binpack scale-in
  int64_t memory = 0;
};

struct ScaleInRequest {
  int32_t count = 0;                          // how many tasks to stop
  std::vector<PlacementStrategy> strategies;  // the service's strategies; empty = default rule
  uint64_t seed = 0;
};

// Returns indices into `tasks` of at most request.count stoppable tasks, in the order picked.
// `instances` supplies remaining resources (binpack) and attributes (spread attribute:<name>, AZ
// fallback); tasks whose instance is not listed count as an instance with nothing remaining and
// no attributes.
std::vector<size_t> PickTasksToStop(std::span<const ScaleInTask> tasks,
                                    std::span<const InstanceView* const> instances,
                                    const ScaleInRequest& request);

// Convenience overload for a contiguous array of instances.
std::vector<size_t> PickTasksToStop(std::span<const ScaleInTask> tasks,
                                    std::span<const InstanceView> instances,
                                    const ScaleInRequest& request);

}  // namespace ecs::scheduler

// Why a placement went where it went (or nowhere): the verdict of every instance of the cluster,
// how each strategy step narrowed the survivors for each task, the seeded tie-break and the
// choice. PlaceTasks fills one only when its caller passes one (GET /_emulator/placement/...), so
// a placement nobody traces pays one null check per task. Plain data.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace ecs::scheduler {

// A trace lists at most this many instances (the rest are counted in instances_omitted), so one
// decision on a very large cluster stays a bounded record.
inline constexpr size_t kMaxTracedInstances = 1000;

struct PlacementTrace {
  // One instance as the first task of the request saw it.
  struct Instance {
    std::string arn;
    // Empty: passed every filter. Otherwise the first filter that rejected it: STATUS,
    // LAUNCH_TYPE, CAPACITY_PROVIDER (not a candidate at all), then the placement failure reasons
    // in the order they are checked (AGENT, ATTRIBUTE, LOCATION, RESOURCE:CPU, RESOURCE:MEMORY,
    // RESOURCE:PORTS, RESOURCE:PORTS_UDP, RESOURCE:GPU, RESOURCE:ENI), then a constraint
    // (distinctInstance, memberOf).
    std::string filter;
    std::string detail;         // why, in numbers: "needs 4096 MiB of memory, 2048 remaining"
    std::vector<int64_t> keys;  // survivors: each strategy's key (lower is preferred)
  };
  // One strategy step for one task: the best key among the candidates still tied, and how many
  // candidates had it.
  struct Step {
    std::string strategy;  // "binpack(memory)", "spread(attribute:ecs.availability-zone)", ...
    int64_t best_key = 0;
    size_t remaining = 0;
  };
  struct Task {
    bool placed = false;
    std::string instance_arn;  // placed: the choice; not placed: the closest instance
    std::string failure;       // not placed: the failure reason (RESOURCE:MEMORY, ...)
    size_t candidates = 0;     // instances that passed every filter for this task
    std::vector<Step> steps;
    size_t tied = 0;  // candidates left after the last step: the seeded tie-break chose among them
  };

  std::vector<std::string> constraints;  // "distinctInstance", "memberOf(<expression>)"
  std::vector<std::string> strategies;   // as applied: defaults filled in, nothing after random
  std::vector<Instance> instances;
  size_t instances_omitted = 0;
  std::vector<Task> tasks;
};

}  // namespace ecs::scheduler

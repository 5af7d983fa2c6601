// Task sets (docs/scheduling.md §8.7): how many tasks a set keeps, which tasks a tick starts or
// stops to get there, and whether the set is steady. Pure: no clock, no state.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace ecs::scheduler {

// computedDesiredCount = ceil(desiredCount x scale / 100), scale a PERCENT in [0, 100] (the
// TaskSet documentation [M]: "The result is always rounded up"). A product that is an integer
// but for floating-point noise (e.g. 3 x 33.3333...) is not pushed to the next task.
int64_t ComputedDesiredCount(int64_t desired_count, double scale_percent);

struct TaskSetTask {
  std::string arn;
  enum class Phase { kPending, kRunning, kStopping } phase = Phase::kPending;
  bool scale_in_protected = false;
};

struct TaskSetPlan {
  int64_t start = 0;
  std::vector<std::string> stops;  // arns
  int64_t running = 0;             // RUNNING and wanted
  int64_t pending = 0;             // before RUNNING and wanted
  // STEADY_STATE: runningCount == computedDesiredCount, pendingCount 0 and nothing stopping
  // (the TaskSet.stabilityStatus documentation [M]).
  bool steady = false;
};

// `tasks` in creation order. Scale-in stops pending tasks before running ones and the newest
// first, never a protected task (docs/scheduling.md §8.9).
TaskSetPlan PlanTaskSet(int64_t computed_desired_count, const std::vector<TaskSetTask>& tasks);

}  // namespace ecs::scheduler

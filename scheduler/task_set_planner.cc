#include "scheduler/task_set_planner.h"

#include <algorithm>
#include <cmath>

namespace ecs::scheduler {

int64_t ComputedDesiredCount(int64_t desired_count, double scale_percent) {
  const double percent = std::clamp(scale_percent, 0.0, 100.0);
  const double exact = static_cast<double>(desired_count) * percent / 100.0;
  return static_cast<int64_t>(std::ceil(exact - 1e-9));
}

TaskSetPlan PlanTaskSet(int64_t computed_desired_count, const std::vector<TaskSetTask>& tasks) {
  TaskSetPlan plan;
  bool stopping = false;
  for (const auto& t : tasks) {
    if (t.phase == TaskSetTask::Phase::kRunning) ++plan.running;
    if (t.phase == TaskSetTask::Phase::kPending) ++plan.pending;
    if (t.phase == TaskSetTask::Phase::kStopping) stopping = true;
  }
  const int64_t live = plan.running + plan.pending;
  if (live < computed_desired_count) plan.start = computed_desired_count - live;
  int64_t excess = live - computed_desired_count;
  // Pending first, then running; newest first within each.
  for (auto phase : {TaskSetTask::Phase::kPending, TaskSetTask::Phase::kRunning}) {
    for (auto it = tasks.rbegin(); it != tasks.rend() && excess > 0; ++it) {
      if (it->phase != phase || it->scale_in_protected) continue;
      plan.stops.push_back(it->arn);
      --excess;
    }
  }
  plan.steady = !stopping && plan.pending == 0 && plan.running == computed_desired_count;
  return plan;
}

}  // namespace ecs::scheduler

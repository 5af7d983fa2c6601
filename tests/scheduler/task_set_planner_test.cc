// Task-set counts: computedDesiredCount (rounding up, 0 % and 100 %) and the tick plan that keeps
// a set at it (start, scale-in order, protection, stability).
#include "scheduler/task_set_planner.h"

#include <catch2/catch.hpp>
#include <string>
#include <vector>

namespace ecs::scheduler {
namespace {

using Phase = TaskSetTask::Phase;

TEST_CASE("computedDesiredCount is desiredCount x scale %, rounded up") {
  struct Row {
    int64_t desired;
    double scale;
    int64_t expected;
  };
  const std::vector<Row> table = {
      {10, 100, 10}, {10, 0, 0},    {0, 100, 0},       {10, 50, 5},       {3, 50, 2},
      {1, 1, 1},     {10, 12, 2},   {10, 33.3, 4},     {3, 100.0 / 3, 1}, {6, 100.0 / 3, 2},
      {10, 10, 1},   {7, 0.001, 1}, {100, 99.99, 100}, {5, 150, 5},       {5, -1, 0},
  };
  for (const auto& r : table) {
    INFO(r.desired << " x " << r.scale << "%");
    CHECK(ComputedDesiredCount(r.desired, r.scale) == r.expected);
  }
}

std::vector<TaskSetTask> Tasks(const std::vector<Phase>& phases) {
  std::vector<TaskSetTask> out;
  out.reserve(phases.size());
  for (size_t i = 0; i < phases.size(); ++i) out.push_back({"t" + std::to_string(i), phases[i]});
  return out;
}

TEST_CASE("a task set starts what it lacks and is steady once all run") {
  TaskSetPlan p = PlanTaskSet(3, Tasks({Phase::kRunning}));
  CHECK(p.start == 2);
  CHECK(p.stops.empty());
  CHECK_FALSE(p.steady);

  p = PlanTaskSet(3, Tasks({Phase::kRunning, Phase::kRunning, Phase::kPending}));
  CHECK(p.start == 0);
  CHECK(p.pending == 1);
  CHECK_FALSE(p.steady);

  p = PlanTaskSet(3, Tasks({Phase::kRunning, Phase::kRunning, Phase::kRunning}));
  CHECK(p.steady);
  CHECK(p.running == 3);

  // A stopped task is replaced; while one is still stopping the set is not steady.
  p = PlanTaskSet(2, Tasks({Phase::kRunning, Phase::kStopping}));
  CHECK(p.start == 1);
  CHECK_FALSE(p.steady);

  CHECK(PlanTaskSet(0, {}).steady);
}

TEST_CASE("a task set scales in pending tasks first, newest first, never a protected one") {
  auto tasks = Tasks({Phase::kRunning, Phase::kRunning, Phase::kPending, Phase::kRunning});
  TaskSetPlan p = PlanTaskSet(2, tasks);
  CHECK(p.stops == std::vector<std::string>{"t2", "t3"});
  CHECK(p.start == 0);

  tasks[3].scale_in_protected = true;
  p = PlanTaskSet(1, tasks);
  CHECK(p.stops == std::vector<std::string>{"t2", "t1", "t0"});

  p = PlanTaskSet(0, Tasks({Phase::kRunning, Phase::kPending}));
  CHECK(p.stops == std::vector<std::string>{"t1", "t0"});
  CHECK_FALSE(p.steady);
}

}  // namespace
}  // namespace ecs::scheduler

// BLUE_GREEN, CANARY and LINEAR stage machine: whole deployments on a manual clock, driven together
// with the rolling planner as the service scheduler drives them (min 100 %, max 200 %, blue's stops
// held back until CLEAN_UP). After every step: the stage order, blue and green task counts, traffic
// shares, the production traffic steps and their holds, and the bake time.
#include "scheduler/blue_green_planner.h"

#include <algorithm>
#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "scheduler/deployment_planner.h"

namespace ecs::scheduler {
namespace {

using model::LifecycleStage;
using Phase = PlannerTask::Phase;

constexpr const char* kBlue = "ecs-svc/1";
constexpr const char* kGreen = "ecs-svc/2";
constexpr Millis kMinute = 60'000;

// A service in mid blue/green deployment: tasks start in one tick and become healthy the next;
// stopped tasks leave one tick after their stop.
struct Sim {
  int64_t desired = 4;
  Millis now = 0;
  Millis dwell = 1;
  Millis bake = 5 * kMinute;
  LifecycleStage stage = LifecycleStage::kPreScaleUp;
  Millis entered_at = 0;
  ProductionShift shift;  // BLUE_GREEN unless a test sets CANARY's or LINEAR's
  double production = 0;
  Millis shifted_at = 0;
  std::vector<PlannerTask> tasks;
  int next = 0;
  BlueGreenStep last;

  explicit Sim(int64_t blue) {
    for (int64_t i = 0; i < blue; ++i) Add(kBlue, Phase::kRunning);
  }
  void Add(const char* deployment, Phase phase) {
    PlannerTask t;
    t.arn = "arn:task/" + std::to_string(next++);
    t.deployment_id = deployment;
    t.phase = phase;
    t.healthy = phase == Phase::kRunning;
    tasks.push_back(t);
  }
  int64_t Count(const std::string& deployment, bool healthy_only) const {
    return std::count_if(tasks.begin(), tasks.end(), [&](const PlannerTask& t) {
      return t.deployment_id == deployment && (!healthy_only || t.healthy);
    });
  }
  // One scheduler tick at `now`.
  void Tick() {
    // Last tick's transitions: stopping tasks leave, pending ones run healthy.
    tasks.erase(std::remove_if(tasks.begin(), tasks.end(),
                               [](const PlannerTask& t) { return t.phase == Phase::kStopping; }),
                tasks.end());
    for (auto& t : tasks) {
      if (t.phase == Phase::kPending) t = {t.arn, t.deployment_id, Phase::kRunning, true};
    }
    BlueGreenInput in{
        stage, entered_at, now, dwell, bake, desired, Count(kGreen, true), Count(kBlue, false)};
    in.shift = shift;
    in.production_traffic = production;
    in.production_shifted_at = shifted_at;
    last = StepBlueGreen(in);
    if (last.entered) {
      stage = last.stage;
      entered_at = now;
    }
    if (last.shifted) shifted_at = now;
    production = last.production_traffic;
    if (!last.scale_up_green) return;
    PlanInput plan_in;
    plan_in.desired_count = desired;
    plan_in.minimum_healthy_percent = 100;
    plan_in.maximum_percent = 200;
    plan_in.deployments = {{kGreen, true, PlannerDeployment::Rollout::kInProgress},
                           {kBlue, false, PlannerDeployment::Rollout::kCompleted}};
    plan_in.tasks = tasks;
    Plan plan = PlanStep(plan_in);
    for (const auto& stop : plan.stops) {
      if (stop.reason == PlannedStop::Reason::kReplacedByDeployment && !last.scale_in_blue) {
        continue;
      }
      for (auto& t : tasks) {
        if (t.arn == stop.arn) t.phase = Phase::kStopping;
      }
    }
    for (int64_t i = 0; i < plan.start_primary; ++i) Add(kGreen, Phase::kPending);
  }
};

const std::vector<LifecycleStage> kAllStages = {LifecycleStage::kPreScaleUp,
                                                LifecycleStage::kScaleUp,
                                                LifecycleStage::kPostScaleUp,
                                                LifecycleStage::kTestTrafficShift,
                                                LifecycleStage::kPostTestTrafficShift,
                                                LifecycleStage::kProductionTrafficShift,
                                                LifecycleStage::kPostProductionTrafficShift,
                                                LifecycleStage::kBakeTime,
                                                LifecycleStage::kCleanUp};

TEST_CASE("blue/green walks every stage, keeps blue whole until CLEAN_UP and bakes on time") {
  Sim sim(4);
  std::vector<LifecycleStage> seen = {sim.stage};
  Millis bake_started = -1;
  for (int tick = 0; tick < 100 && !sim.last.finished; ++tick) {
    sim.now += 1;
    // Jump to the last millisecond of the bake.
    if (sim.stage == LifecycleStage::kBakeTime) {
      sim.now = std::max(sim.now, sim.entered_at + sim.bake - 1);
    }
    sim.Tick();
    if (sim.stage != seen.back()) seen.push_back(sim.stage);
    if (sim.stage == LifecycleStage::kBakeTime && bake_started < 0) bake_started = sim.now;
    const int64_t blue = sim.Count(kBlue, false), green = sim.Count(kGreen, false);
    // Never fewer healthy than desired, never more than 200 %.
    CHECK(sim.Count(kBlue, true) + sim.Count(kGreen, true) >= sim.desired);
    CHECK(blue + green <= 2 * sim.desired);
    if (sim.stage < LifecycleStage::kCleanUp) CHECK(blue == sim.desired);
    if (sim.stage > LifecycleStage::kScaleUp) CHECK(sim.Count(kGreen, true) == sim.desired);
    const TrafficShare share = GreenTraffic(sim.stage);
    CHECK(sim.last.production_traffic == share.production);
    CHECK(sim.last.test_traffic == share.test);
    if (sim.stage == LifecycleStage::kBakeTime) {
      CHECK(sim.now - bake_started < sim.bake);
    }
  }
  CHECK(seen == kAllStages);
  CHECK(sim.last.finished);
  CHECK(sim.Count(kBlue, false) == 0);
  CHECK(sim.Count(kGreen, true) == 4);
}

// The production traffic steps of a whole deployment (percent, and when each happened), with the
// clock jumped to the last millisecond of every hold and of the bake; checks the task bounds and
// that blue stays whole until CLEAN_UP at every tick.
struct Shifts {
  std::vector<double> percents;
  std::vector<Millis> at;
  Millis left_shift_stage_at = -1;
};
Shifts RunShifting(Sim& sim) {
  Shifts out;
  for (int tick = 0; tick < 200 && !sim.last.finished; ++tick) {
    sim.now += 1;
    if (sim.stage == LifecycleStage::kProductionTrafficShift && sim.production < 100) {
      sim.now = std::max(sim.now, sim.shifted_at + sim.shift.hold - 1);
    }
    if (sim.stage == LifecycleStage::kBakeTime) {
      sim.now = std::max(sim.now, sim.entered_at + sim.bake - 1);
    }
    const LifecycleStage before = sim.stage;
    sim.Tick();
    if (sim.last.shifted) {
      out.percents.push_back(sim.last.production_traffic);
      out.at.push_back(sim.now);
    }
    if (before == LifecycleStage::kProductionTrafficShift && sim.stage != before) {
      out.left_shift_stage_at = sim.now;
    }
    CHECK(sim.Count(kBlue, true) + sim.Count(kGreen, true) >= sim.desired);
    CHECK(sim.Count(kBlue, false) + sim.Count(kGreen, false) <= 2 * sim.desired);
    if (sim.stage < LifecycleStage::kCleanUp) CHECK(sim.Count(kBlue, false) == sim.desired);
    if (sim.stage > LifecycleStage::kScaleUp) CHECK(sim.Count(kGreen, true) == sim.desired);
    // Production traffic moves only in PRODUCTION_TRAFFIC_SHIFT; test traffic all at once.
    if (sim.stage != LifecycleStage::kProductionTrafficShift) {
      CHECK(sim.last.production_traffic == GreenTraffic(sim.stage).production);
    }
    CHECK(sim.last.test_traffic == GreenTraffic(sim.stage).test);
  }
  return out;
}

TEST_CASE("canary: canaryPercent on entering the shift, held canaryBakeTimeInMinutes, then 100") {
  Sim sim(4);
  sim.shift = ProductionShiftFor(model::DeploymentStrategy::kCanary, 10, 15);
  const Shifts shifts = RunShifting(sim);
  CHECK(shifts.percents == std::vector<double>{10, 100});
  REQUIRE(shifts.at.size() == 2);
  CHECK(shifts.at[1] - shifts.at[0] == 15 * kMinute);
  // Leaves the stage one dwell after the last shift, then BAKE_TIME and CLEAN_UP as blue/green.
  CHECK(shifts.left_shift_stage_at == shifts.at[1] + sim.dwell);
  CHECK(sim.last.finished);
  CHECK(sim.Count(kBlue, false) == 0);
  CHECK(sim.Count(kGreen, true) == 4);
}

TEST_CASE("linear: stepPercent steps with stepBakeTimeInMinutes between, none after 100") {
  Sim sim(3);
  sim.desired = 3;
  sim.shift = ProductionShiftFor(model::DeploymentStrategy::kLinear, 25, 6);
  const Shifts shifts = RunShifting(sim);
  CHECK(shifts.percents == std::vector<double>{25, 50, 75, 100});
  REQUIRE(shifts.at.size() == 4);
  for (size_t i = 1; i < shifts.at.size(); ++i) {
    CHECK(shifts.at[i] - shifts.at[i - 1] == 6 * kMinute);
  }
  CHECK(shifts.left_shift_stage_at == shifts.at[3] + sim.dwell);
  CHECK(sim.last.finished);
  CHECK(sim.Count(kBlue, false) == 0);
}

TEST_CASE("linear: the last step caps at 100; steps of 0.1 multiples add up exactly") {
  const ProductionShift thirty = ProductionShiftFor(model::DeploymentStrategy::kLinear, 30, 0);
  CHECK(NextProductionTraffic(thirty, 0) == 30);
  CHECK(NextProductionTraffic(thirty, 90) == 100);
  const ProductionShift small = ProductionShiftFor(model::DeploymentStrategy::kLinear, 3.3, 0);
  double p = 0;
  int steps = 0;
  while (p < 100) {
    p = NextProductionTraffic(small, p);
    ++steps;
  }
  CHECK(steps == 31);  // 30 x 3.3 = 99.0, then 100
  CHECK(p == 100);
  // A canary of 100 % is one shift; BLUE_GREEN's schedule is one shift of 100.
  CHECK(NextProductionTraffic(ProductionShiftFor(model::DeploymentStrategy::kCanary, 100, 5), 0) ==
        100);
  CHECK(NextProductionTraffic(ProductionShiftFor(model::DeploymentStrategy::kBlueGreen, 0, 0), 0) ==
        100);
}

TEST_CASE("a shift waits for the hold and for the stage's hooks; the stage waits for 100") {
  BlueGreenInput in;
  in.stage = LifecycleStage::kProductionTrafficShift;
  in.shift = ProductionShiftFor(model::DeploymentStrategy::kLinear, 50, 6);
  in.stage_dwell = 1;
  in.production_traffic = 50;
  in.production_shifted_at = 1000;
  in.now = 1000 + 6 * kMinute - 1;
  auto step = StepBlueGreen(in);
  CHECK_FALSE(step.shifted);
  CHECK_FALSE(step.entered);
  CHECK(step.production_traffic == 50);
  in.now += 1;
  in.hooks_pending = true;
  CHECK_FALSE(StepBlueGreen(in).shifted);
  in.hooks_pending = false;
  step = StepBlueGreen(in);
  CHECK(step.shifted);
  CHECK(step.stage == LifecycleStage::kProductionTrafficShift);
  CHECK(step.production_traffic == 100);
}

TEST_CASE("traffic shares per stage: test first, then production, all at once") {
  CHECK(GreenTraffic(LifecycleStage::kPostScaleUp).production == 0);
  CHECK(GreenTraffic(LifecycleStage::kPostScaleUp).test == 0);
  CHECK(GreenTraffic(LifecycleStage::kTestTrafficShift).test == 100);
  CHECK(GreenTraffic(LifecycleStage::kPostTestTrafficShift).production == 0);
  CHECK(GreenTraffic(LifecycleStage::kProductionTrafficShift).production == 100);
  CHECK(GreenTraffic(LifecycleStage::kBakeTime).production == 100);
}

TEST_CASE("bake time: BAKE_TIME is left exactly when bakeTimeInMinutes has passed") {
  BlueGreenInput in;
  in.stage = LifecycleStage::kBakeTime;
  in.entered_at = 1000;
  in.bake_time = 5 * kMinute;
  in.stage_dwell = 1;
  in.now = 1000 + 5 * kMinute - 1;
  CHECK(StepBlueGreen(in).stage == LifecycleStage::kBakeTime);
  in.now += 1;
  auto step = StepBlueGreen(in);
  CHECK(step.stage == LifecycleStage::kCleanUp);
  CHECK(step.entered);
  CHECK(step.scale_in_blue);
  CHECK_FALSE(step.finished);  // CLEAN_UP is observable before the deployment finishes
}

TEST_CASE("every stage before CLEAN_UP keeps blue's tasks, so a rollback from it is instant") {
  for (LifecycleStage stage : kAllStages) {
    BlueGreenInput in;
    in.stage = stage;
    in.now = 0;  // dwell not over: the stage holds
    in.stage_dwell = 1;
    const auto step = StepBlueGreen(in);
    CHECK(step.stage == stage);
    CHECK(step.scale_in_blue == (stage == LifecycleStage::kCleanUp));
    CHECK(step.scale_up_green == (stage >= LifecycleStage::kScaleUp));
  }
}

TEST_CASE("SCALE_UP waits for every green task to be healthy; no dwell without a frozen clock") {
  BlueGreenInput in;
  in.stage = LifecycleStage::kScaleUp;
  in.desired_count = 3;
  in.green_healthy = 2;
  CHECK(StepBlueGreen(in).stage == LifecycleStage::kScaleUp);
  in.green_healthy = 3;
  CHECK(StepBlueGreen(in).stage == LifecycleStage::kPostScaleUp);
}

TEST_CASE("RECONCILE_SERVICE only with more than one older revision still ACTIVE") {
  CHECK(FirstStage(0) == LifecycleStage::kPreScaleUp);
  CHECK(FirstStage(1) == LifecycleStage::kPreScaleUp);
  CHECK(FirstStage(2) == LifecycleStage::kReconcileService);
  BlueGreenInput in;
  in.stage = LifecycleStage::kReconcileService;
  CHECK(StepBlueGreen(in).stage == LifecycleStage::kPreScaleUp);
}

TEST_CASE("a stage holds while one of its lifecycle hooks has not resolved") {
  for (LifecycleStage stage :
       {LifecycleStage::kPreScaleUp, LifecycleStage::kPostScaleUp,
        LifecycleStage::kTestTrafficShift, LifecycleStage::kPostProductionTrafficShift}) {
    BlueGreenInput in;
    in.stage = stage;
    in.now = 10 * kMinute;  // long past the dwell
    in.hooks_pending = true;
    auto step = StepBlueGreen(in);
    CHECK(step.stage == stage);
    CHECK_FALSE(step.entered);
    CHECK(step.production_traffic == GreenTraffic(stage).production);
    in.hooks_pending = false;
    CHECK(StepBlueGreen(in).entered);
  }
}

TEST_CASE("CLEAN_UP finishes only once no blue task is left") {
  BlueGreenInput in;
  in.stage = LifecycleStage::kCleanUp;
  in.now = 5;
  in.blue_live = 1;
  CHECK_FALSE(StepBlueGreen(in).finished);
  in.blue_live = 0;
  CHECK(StepBlueGreen(in).finished);
}

}  // namespace
}  // namespace ecs::scheduler

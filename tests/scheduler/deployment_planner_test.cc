// Deployment planner: whole rolling deployments driven through a tiny simulator that checks the
// minimumHealthyPercent / maximumPercent invariants after every step and in both application
// orders; scale-out, scale-in victims, draining, deadlock, circuit breaker, bound tables.
#include "scheduler/deployment_planner.h"

#include <algorithm>
#include <catch2/catch.hpp>
#include <cstdint>
#include <map>
#include <random>
#include <string>
#include <tuple>
#include <vector>

namespace ecs::scheduler {
namespace {

using Phase = PlannerTask::Phase;
using Reason = PlannedStop::Reason;
using Strings = std::vector<std::string>;

constexpr const char* kOld = "ecs-svc/1";
constexpr const char* kNew = "ecs-svc/2";

struct Host {
  std::string arn;
  std::string az;
  bool draining = false;
};

// Three AZs, two instances each: ci/a1 ci/a2 ci/b1 ci/b2 ci/c1 ci/c2.
std::vector<Host> DefaultHosts() {
  std::vector<Host> hosts;
  for (const char* az : {"a", "b", "c"}) {
    for (int i = 1; i <= 2; ++i) hosts.push_back({std::string("ci/") + az + std::to_string(i), az});
  }
  return hosts;
}

PlannerTask MakeTask(std::string arn, std::string deployment, const Host& host,
                     Phase phase = Phase::kRunning, bool healthy = true) {
  PlannerTask t;
  t.arn = std::move(arn);
  t.deployment_id = std::move(deployment);
  t.phase = phase;
  t.healthy = healthy;
  t.instance_arn = host.arn;
  t.availability_zone = host.az;
  t.on_draining_instance = host.draining;
  return t;
}

struct Counts {
  int64_t healthy = 0;
  int64_t total = 0;  // pending + running + stopping: the planner's maxPercent count
  int64_t pending = 0;
  int64_t running = 0;
};

Counts Count(const std::vector<PlannerTask>& tasks) {
  Counts c;
  for (const PlannerTask& t : tasks) {
    ++c.total;
    if (t.phase == Phase::kPending) ++c.pending;
    if (t.phase == Phase::kRunning) ++c.running;
    if (t.phase == Phase::kRunning && t.healthy) ++c.healthy;
  }
  return c;
}

// Applies plans the way control/ would, with a simulated agent: a stopped task leaves after
// `stop_delay` steps (0: at once; otherwise it lingers as kStopping), a launched task is pending
// and becomes healthy RUNNING on the next step. New tasks go round-robin to non-draining hosts.
class Simulator {
 public:
  Simulator(int64_t desired, int min_percent, int max_percent, int stop_delay = 0)
      : stop_delay_(stop_delay), hosts_(DefaultHosts()) {
    in_.desired_count = desired;
    in_.minimum_healthy_percent = min_percent;
    in_.maximum_percent = max_percent;
  }

  // A service whose `old_tasks` healthy tasks belong to kOld, now replaced by PRIMARY kNew.
  static Simulator Deployment(int64_t desired, int min_percent, int max_percent,
                              int stop_delay = 0) {
    Simulator sim(desired, min_percent, max_percent, stop_delay);
    sim.in_.deployments = {{kOld, false, PlannerDeployment::Rollout::kCompleted},
                           {kNew, true, PlannerDeployment::Rollout::kInProgress}};
    for (int64_t i = 0; i < desired; ++i) sim.Launch(kOld, Phase::kRunning);
    return sim;
  }

  // A single completed deployment with `running` healthy tasks.
  static Simulator Steady(int64_t running, int64_t desired, int min_percent, int max_percent) {
    Simulator sim(desired, min_percent, max_percent);
    sim.in_.deployments = {{kNew, true, PlannerDeployment::Rollout::kCompleted}};
    for (int64_t i = 0; i < running; ++i) sim.Launch(kNew, Phase::kRunning);
    return sim;
  }

  void Launch(const std::string& deployment, Phase phase) {
    std::vector<const Host*> usable;
    for (const Host& h : hosts_) {
      if (!h.draining) usable.push_back(&h);
    }
    const Host& host = *usable[next_host_++ % usable.size()];
    std::string number = std::to_string(next_task_++);
    std::string arn = "task/" + std::string(4 - std::min<size_t>(4, number.size()), '0') + number;
    in_.tasks.push_back(MakeTask(arn, deployment, host, phase, phase == Phase::kRunning));
  }

  void Drain(const std::string& host_arn) {
    for (Host& h : hosts_) {
      if (h.arn == host_arn) h.draining = true;
    }
    for (PlannerTask& t : in_.tasks) {
      if (t.instance_arn == host_arn) t.on_draining_instance = true;
    }
  }

  // One reconcile tick: plan, check the invariants in both orders, apply, let the agent advance.
  Plan Step() {
    const Plan plan = PlanStep(in_);
    const Counts before = Count(in_.tasks);
    const int64_t min_healthy = std::min(plan.lower, before.healthy);
    const int64_t max_total = std::max(plan.upper, before.total);
    auto check = [&](const std::vector<PlannerTask>& tasks, const char* when) {
      INFO("step " << steps_ << " " << when);
      const Counts c = Count(tasks);
      CHECK(c.healthy >= min_healthy);
      CHECK(c.total <= max_total);
      CHECK(c.pending + c.running <= max_total);
    };

    std::vector<PlannerTask> saved = in_.tasks;
    AddStarts(plan);
    check(in_.tasks, "starts only");
    in_.tasks = saved;
    ApplyStops(plan);
    check(in_.tasks, "stops only");
    AddStarts(plan);
    check(in_.tasks, "stops and starts");
    for (const PlannedStop& s : plan.stops) all_stops_.push_back(s);

    // The control layer drops drained deployments and records completion.
    for (const std::string& id : plan.drained_deployments) {
      std::erase_if(in_.deployments, [&](const PlannerDeployment& d) { return d.id == id; });
    }
    if (plan.primary_completed) {
      for (PlannerDeployment& d : in_.deployments) {
        if (d.primary) d.rollout = PlannerDeployment::Rollout::kCompleted;
      }
    }
    Advance();
    ++steps_;
    return plan;
  }

  // Steps until the service is steady or the planner reports a deadlock; returns the last plan.
  Plan Run(int max_steps = 60) {
    Plan plan;
    for (int i = 0; i < max_steps; ++i) {
      plan = Step();
      if (plan.steady || plan.deadlocked) return plan;
    }
    FAIL("no steady state after " << max_steps << " steps");
    return plan;
  }

  int64_t HealthyOf(const std::string& deployment) const {
    return std::count_if(in_.tasks.begin(), in_.tasks.end(), [&](const PlannerTask& t) {
      return t.deployment_id == deployment && t.phase == Phase::kRunning && t.healthy;
    });
  }
  int64_t TasksOf(const std::string& deployment) const {
    return std::count_if(in_.tasks.begin(), in_.tasks.end(),
                         [&](const PlannerTask& t) { return t.deployment_id == deployment; });
  }

  PlanInput& input() { return in_; }
  int steps() const { return steps_; }
  const std::vector<PlannedStop>& all_stops() const { return all_stops_; }

 private:
  void AddStarts(const Plan& plan) {
    for (int64_t i = 0; i < plan.start_primary; ++i) Launch(kNew, Phase::kPending);
  }

  void ApplyStops(const Plan& plan) {
    for (const PlannedStop& s : plan.stops) {
      auto it = std::find_if(in_.tasks.begin(), in_.tasks.end(),
                             [&](const PlannerTask& t) { return t.arn == s.arn; });
      REQUIRE(it != in_.tasks.end());
      REQUIRE(it->phase != Phase::kStopping);  // never asked to stop twice
      if (stop_delay_ == 0) {
        in_.tasks.erase(it);
      } else {
        it->phase = Phase::kStopping;
        it->healthy = false;
        stopping_left_[it->arn] = stop_delay_;
      }
    }
  }

  void Advance() {
    std::vector<PlannerTask> next;
    for (PlannerTask& t : in_.tasks) {
      if (t.phase == Phase::kStopping && --stopping_left_[t.arn] < 0) continue;  // STOPPED
      if (t.phase == Phase::kPending) {
        t.phase = Phase::kRunning;
        t.healthy = true;
      }
      next.push_back(t);
    }
    in_.tasks = std::move(next);
  }

  PlanInput in_;
  int stop_delay_;
  std::vector<Host> hosts_;
  size_t next_host_ = 0;
  int next_task_ = 1;
  int steps_ = 0;
  std::map<std::string, int> stopping_left_;
  std::vector<PlannedStop> all_stops_;
};

Strings Arns(const std::vector<PlannedStop>& stops) {
  Strings out;
  for (const PlannedStop& s : stops) out.push_back(s.arn);
  return out;
}

// Finished: exactly `desired` healthy PRIMARY tasks, no other task, one deployment.
void RequireFinished(Simulator& sim, int64_t desired) {
  CHECK(sim.HealthyOf(kNew) == desired);
  CHECK(static_cast<int64_t>(sim.input().tasks.size()) == desired);
  CHECK(sim.TasksOf(kOld) == 0);
  REQUIRE(sim.input().deployments.size() == 1);
  CHECK(sim.input().deployments[0].id == kNew);
  CHECK(sim.input().deployments[0].rollout == PlannerDeployment::Rollout::kCompleted);
}

TEST_CASE("LowerBound rounds up, UpperBound rounds down", "[planner]") {
  struct Row {
    int64_t desired;
    int percent;
    int64_t lower, upper;
  };
  const Row rows[] = {
      {4, 50, 2, 2},        {4, 100, 4, 4},          {4, 0, 0, 0},   {4, 200, 8, 8},
      {2, 75, 2, 1},        {3, 125, 4, 3},          {3, 50, 2, 1},  {3, 150, 5, 4},
      {5, 50, 3, 2},        {5, 150, 8, 7},          {7, 50, 4, 3},  {7, 150, 11, 10},
      {1, 1, 1, 0},         {0, 100, 0, 0},          {0, 200, 0, 0}, {10, 33, 4, 3},
      {100, 100, 100, 100}, {1000, 200, 2000, 2000},
  };
  for (const Row& r : rows) {
    INFO("desired " << r.desired << " percent " << r.percent);
    CHECK(LowerBound(r.desired, r.percent) == r.lower);
    CHECK(UpperBound(r.desired, r.percent) == r.upper);
  }
}

TEST_CASE("Circuit breaker threshold is min(200, max(3, ceil(desired / 2)))", "[planner]") {
  const std::vector<std::pair<int64_t, int64_t>> rows = {
      {0, 3},   {1, 3},     {5, 3},     {6, 3},     {7, 4},     {25, 13},
      {26, 13}, {398, 199}, {399, 200}, {400, 200}, {401, 200}, {5000, 200}};
  for (auto [desired, threshold] : rows) {
    INFO("desired " << desired);
    CHECK(CircuitBreakerThreshold(desired) == threshold);
  }
  CHECK_FALSE(CircuitBreakerTripped(2, false, 1));
  CHECK(CircuitBreakerTripped(3, false, 1));
  CHECK_FALSE(CircuitBreakerTripped(12, false, 25));
  CHECK(CircuitBreakerTripped(13, false, 25));
  CHECK_FALSE(CircuitBreakerTripped(199, false, 1000));
  CHECK(CircuitBreakerTripped(200, false, 1000));
  // Once a task of the deployment reached RUNNING, start failures no longer count.
  CHECK_FALSE(CircuitBreakerTripped(500, true, 1));
}

TEST_CASE("Worked example 50/200: start 4 and stop 2 at once, then the last 2", "[planner]") {
  Simulator sim = Simulator::Deployment(4, 50, 200);
  Plan first = sim.Step();
  CHECK(first.lower == 2);
  CHECK(first.upper == 8);
  CHECK(first.start_primary == 4);
  REQUIRE(first.stops.size() == 2);
  for (const PlannedStop& s : first.stops) CHECK(s.reason == Reason::kReplacedByDeployment);
  CHECK_FALSE(first.primary_completed);

  Plan second = sim.Step();
  CHECK(second.start_primary == 0);
  CHECK(second.stops.size() == 2);

  Plan third = sim.Step();
  CHECK(third.drained_deployments == Strings{kOld});
  CHECK(third.primary_completed);
  CHECK_FALSE(third.steady);  // the old deployment is still listed in this snapshot
  CHECK(sim.Step().steady);
  RequireFinished(sim, 4);
}

TEST_CASE("Worked example 100/200: start 4, stop none until they are healthy", "[planner]") {
  Simulator sim = Simulator::Deployment(4, 100, 200);
  Plan first = sim.Step();
  CHECK(first.start_primary == 4);
  CHECK(first.stops.empty());
  CHECK_FALSE(first.deadlocked);
  Plan second = sim.Step();
  CHECK(second.start_primary == 0);
  CHECK(second.stops.size() == 4);
  sim.Run();
  RequireFinished(sim, 4);
}

TEST_CASE("Worked example 0/100: stop all 4 first, then start 4", "[planner]") {
  Simulator sim = Simulator::Deployment(4, 0, 100);
  Plan first = sim.Step();
  CHECK(first.start_primary == 0);
  CHECK(first.stops.size() == 4);
  Plan second = sim.Step();
  CHECK(second.start_primary == 4);
  CHECK(second.stops.empty());
  sim.Run();
  RequireFinished(sim, 4);
}

TEST_CASE("Worked example 100/100 deadlocks and keeps its tasks", "[planner]") {
  Simulator sim = Simulator::Deployment(4, 100, 100);
  for (int i = 0; i < 3; ++i) {
    Plan plan = sim.Step();
    CHECK(plan.deadlocked);
    CHECK(plan.start_primary == 0);
    CHECK(plan.stops.empty());
    CHECK_FALSE(plan.primary_completed);
    CHECK(plan.drained_deployments.empty());
  }
  CHECK(sim.HealthyOf(kOld) == 4);
  CHECK(sim.TasksOf(kNew) == 0);
  CHECK(sim.input().deployments.size() == 2);
}

TEST_CASE("Documented edge cases: 75% of 2 stops nothing first, 125% of 3 starts nothing first",
          "[planner]") {
  SECTION("min 75, D 2: lower 2 blocks every stop until the new tasks are healthy") {
    Simulator sim = Simulator::Deployment(2, 75, 200);
    Plan first = sim.Step();
    CHECK(first.lower == 2);
    CHECK(first.stops.empty());
    CHECK(first.start_primary == 2);
    sim.Run();
    RequireFinished(sim, 2);
  }
  SECTION("max 125, D 3: upper 3 blocks every start until an old task stops") {
    Simulator sim = Simulator::Deployment(3, 50, 125);
    Plan first = sim.Step();
    CHECK(first.upper == 3);
    CHECK(first.start_primary == 0);
    CHECK(first.stops.size() == 1);  // lower 2 of 3 healthy
    sim.Run();
    RequireFinished(sim, 3);
  }
  SECTION("min 75 and max 125 with D 3: lower = upper = 3 deadlocks") {
    Simulator sim = Simulator::Deployment(3, 75, 125);
    CHECK(sim.Step().deadlocked);
  }
}

TEST_CASE("Rolling deployments keep both bounds at every step", "[planner]") {
  const int64_t desired = GENERATE(1, 2, 3, 4, 5, 7, 10);
  // The worked examples, the defaults, odd percentages and the deadlocking pairs.
  const std::vector<std::tuple<int, int>> percents = {
      {50, 200}, {100, 200}, {0, 100}, {100, 100}, {50, 150}, {100, 150}, {50, 100},
      {75, 125}, {90, 110},  {0, 200}, {25, 125},  {60, 140}, {100, 101}, {33, 133}};
  const auto [min_percent, max_percent] = GENERATE_REF(from_range(percents));
  const int stop_delay = GENERATE(0, 1, 2);
  INFO("D " << desired << " min " << min_percent << " max " << max_percent << " stop delay "
            << stop_delay);

  // Stuck exactly when neither a start (upper > D) nor a stop (lower < D) is ever possible.
  const bool expect_deadlock =
      UpperBound(desired, max_percent) <= desired && LowerBound(desired, min_percent) >= desired;
  Simulator sim = Simulator::Deployment(desired, min_percent, max_percent, stop_delay);
  Plan last = sim.Run();
  if (expect_deadlock) {
    CHECK(last.deadlocked);
    CHECK(sim.steps() == 1);  // reported on the first step, nothing touched
    CHECK(sim.HealthyOf(kOld) == desired);
    CHECK(sim.TasksOf(kNew) == 0);
  } else {
    CHECK_FALSE(last.deadlocked);
    RequireFinished(sim, desired);
    for (const PlannedStop& s : sim.all_stops()) CHECK(s.reason == Reason::kReplacedByDeployment);
  }
}

TEST_CASE("Odd counts round the bounds: D 3 at 50/150 runs between 2 healthy and 4 tasks",
          "[planner]") {
  Simulator sim = Simulator::Deployment(3, 50, 150);
  Plan first = sim.Step();
  CHECK(first.lower == 2);
  CHECK(first.upper == 4);
  CHECK(first.start_primary == 1);  // 3 + 1 = upper
  CHECK(first.stops.size() == 1);   // 3 - 1 = lower
  sim.Run();
  RequireFinished(sim, 3);
  CHECK(sim.all_stops().size() == 3);
}

TEST_CASE("First rollout from zero starts every task at once", "[planner]") {
  Simulator sim(4, 100, 200);
  sim.input().deployments = {{kNew, true, PlannerDeployment::Rollout::kInProgress}};
  Plan first = sim.Step();
  CHECK(first.start_primary == 4);
  CHECK_FALSE(first.deadlocked);  // below lower, but launches are in flight
  Plan second = sim.Step();
  CHECK(second.primary_completed);
  CHECK(second.steady);
}

TEST_CASE("Scale-out starts the difference within the upper bound", "[planner]") {
  Simulator sim = Simulator::Steady(4, 6, 100, 200);
  Plan first = sim.Step();
  CHECK(first.start_primary == 2);
  CHECK(first.stops.empty());
  CHECK_FALSE(first.steady);
  CHECK(sim.Run().steady);
  CHECK(sim.HealthyOf(kNew) == 6);

  // With max 100 the new desired is the ceiling: a scale-out from 4 to 6 still fits (6 <= 6).
  Simulator capped = Simulator::Steady(4, 6, 100, 100);
  CHECK(capped.Step().start_primary == 2);
}

// maximumPercent bounds tasks "during a deployment" (the model's DeploymentConfiguration docs;
// the AWS SDK references repeat it). Issue 11: a REPLICA service at 50 % used to stall at half
// its desired count forever; outside a deployment it now reaches its desired count, and during
// one the bound still holds.
TEST_CASE("maximumPercent below 100 bounds only a deployment", "[planner]") {
  Simulator fresh(4, 0, 50);
  fresh.input().deployments = {{kNew, true, PlannerDeployment::Rollout::kInProgress}};
  Plan first = fresh.Step();
  CHECK(first.start_primary == 4);
  CHECK(fresh.Run().steady);
  CHECK(fresh.HealthyOf(kNew) == 4);

  Simulator scale_out = Simulator::Steady(2, 4, 0, 50);
  CHECK(scale_out.Step().start_primary == 2);

  // Replacing 4 old tasks at 0/50: at most 2 tasks at any time, so old ones stop first.
  Simulator rolling = Simulator::Deployment(4, 0, 50);
  Plan step = rolling.Step();
  CHECK(step.upper == 2);
  CHECK(step.start_primary == 0);
  CHECK(step.stops.size() == 4);
  rolling.Run();
  RequireFinished(rolling, 4);
}

TEST_CASE("Scale-in stops the surplus from the most crowded AZ, then instance, then ARN",
          "[planner]") {
  const Host a1{"ci/a1", "a"}, a2{"ci/a2", "a"}, b1{"ci/b1", "b"}, c1{"ci/c1", "c"};
  PlanInput in;
  in.desired_count = 3;
  in.minimum_healthy_percent = 100;
  in.maximum_percent = 200;
  in.deployments = {{kNew, true, PlannerDeployment::Rollout::kCompleted}};
  // AZ a: a1 {t1, t2}, a2 {t3}; AZ b: b1 {t4, t5}; AZ c: c1 {t6}.
  in.tasks = {MakeTask("t6", kNew, c1), MakeTask("t5", kNew, b1), MakeTask("t4", kNew, b1),
              MakeTask("t3", kNew, a2), MakeTask("t2", kNew, a1), MakeTask("t1", kNew, a1)};

  SECTION("balanced victims, one per pick with updated tallies") {
    Plan plan = PlanStep(in);
    CHECK(plan.start_primary == 0);
    // a(3) > b(2): a's fullest instance a1, smaller ARN t1. Then a(2) = b(2): b1 holds 2 ⇒ t4.
    // Then a(2) > b(1) = c(1): a1 and a2 hold 1 each ⇒ smaller ARN t2.
    CHECK(Arns(plan.stops) == Strings{"t1", "t4", "t2"});
    for (const PlannedStop& s : plan.stops) CHECK(s.reason == Reason::kScaleIn);
    CHECK_FALSE(plan.deadlocked);
  }
  SECTION("the AZ count decides before the instance count") {
    // AZ a: three instances with one task each; AZ b: one instance with two.
    in.tasks = {MakeTask("t1", kNew, b1), MakeTask("t2", kNew, b1), MakeTask("t3", kNew, a1),
                MakeTask("t4", kNew, a2), MakeTask("t5", kNew, {"ci/a3", "a"})};
    in.desired_count = 4;
    CHECK(Arns(PlanStep(in).stops) == Strings{"t3"});
    in.desired_count = 3;  // a(3) then a(2) = b(2) with b1 holding 2
    CHECK(Arns(PlanStep(in).stops) == Strings{"t3", "t1"});
  }
  SECTION("pending and not-yet-healthy tasks go first, wherever they are") {
    in.desired_count = 4;
    in.tasks.push_back(MakeTask("t9", kNew, c1, Phase::kPending, false));
    in.tasks.push_back(MakeTask("t8", kNew, c1, Phase::kRunning, false));
    in.tasks.push_back(MakeTask("t7", kNew, c1, Phase::kRunning, false));
    Plan plan = PlanStep(in);
    // 9 tasks, 4 wanted: pending t9, then the unhealthy t7 and t8 (c1 stays the fullest), then
    // two healthy ones by the balance rule.
    CHECK(Arns(plan.stops) == Strings{"t9", "t7", "t8", "t1", "t4"});
  }
  SECTION("the result does not depend on the input order") {
    Plan expected = PlanStep(in);
    std::mt19937 rng(7);
    for (int i = 0; i < 10; ++i) {
      std::shuffle(in.tasks.begin(), in.tasks.end(), rng);
      CHECK(Arns(PlanStep(in).stops) == Arns(expected.stops));
    }
  }
  SECTION("scale to zero stops everything, then the service is steady") {
    in.desired_count = 0;
    Plan plan = PlanStep(in);
    CHECK(plan.stops.size() == 6);
    in.tasks.clear();
    Plan after = PlanStep(in);
    CHECK(after.primary_completed);
    CHECK(after.steady);
    CHECK_FALSE(after.deadlocked);
  }
}

TEST_CASE("Desired lowered mid-deployment converges without breaking the new bounds", "[planner]") {
  Simulator sim = Simulator::Deployment(6, 100, 200);
  sim.Step();  // 6 new pending
  sim.input().desired_count = 3;
  sim.Run();
  RequireFinished(sim, 3);
}

TEST_CASE("Draining instances: tasks are replaced within the bounds", "[planner]") {
  SECTION("100/200: replacements first, drained tasks stop once they are healthy") {
    Simulator sim = Simulator::Steady(6, 6, 100, 200);  // one task per host
    sim.Drain("ci/a1");
    sim.Drain("ci/a2");
    Plan first = sim.Step();
    CHECK(first.start_primary == 2);
    CHECK(first.stops.empty());
    CHECK_FALSE(first.primary_completed);
    Plan second = sim.Step();
    REQUIRE(second.stops.size() == 2);
    for (const PlannedStop& s : second.stops) CHECK(s.reason == Reason::kDrainingInstance);
    CHECK_FALSE(second.primary_completed);  // 6 healthy keepers, but drained tasks still run
    CHECK(sim.Run().steady);
    for (const PlannerTask& t : sim.input().tasks) CHECK_FALSE(t.on_draining_instance);
    CHECK(sim.HealthyOf(kNew) == 6);
  }
  SECTION("50/100: stops first because nothing can start above 100%") {
    Simulator sim = Simulator::Steady(6, 6, 50, 100);
    sim.Drain("ci/b1");
    Plan first = sim.Step();
    CHECK(first.start_primary == 0);
    CHECK(first.stops.size() == 1);
    CHECK(sim.Step().start_primary == 1);
    CHECK(sim.Run().steady);
  }
  SECTION("100/100: draining can never finish") {
    Simulator sim = Simulator::Steady(6, 6, 100, 100);
    sim.Drain("ci/c2");
    Plan plan = sim.Step();
    CHECK(plan.deadlocked);
    CHECK(plan.stops.empty());
  }
  SECTION("pending tasks on a draining instance stop at once even at min 100") {
    PlanInput in;
    in.desired_count = 2;
    in.minimum_healthy_percent = 100;
    in.maximum_percent = 100;
    in.deployments = {{kNew, true, PlannerDeployment::Rollout::kCompleted}};
    Host drained{"ci/a1", "a", true};
    in.tasks = {MakeTask("t1", kNew, {"ci/b1", "b"}),
                MakeTask("t2", kNew, drained, Phase::kPending, false)};
    Plan plan = PlanStep(in);
    CHECK(Arns(plan.stops) == Strings{"t2"});
    CHECK(plan.start_primary == 0);  // t2 still counts toward max 100% until it has left
  }
}

TEST_CASE("A FAILED primary starts nothing and leaves the old tasks running", "[planner]") {
  // 50% would let two old tasks stop at once: a FAILED primary must not use that room.
  Simulator sim = Simulator::Deployment(4, 50, 200);
  sim.input().deployments[1].rollout = PlannerDeployment::Rollout::kFailed;
  Plan plan = sim.Step();
  CHECK(plan.start_primary == 0);
  CHECK(plan.stops.empty());
  CHECK_FALSE(plan.deadlocked);
  CHECK_FALSE(plan.primary_completed);
  CHECK(sim.HealthyOf(kOld) == 4);
}

TEST_CASE("Old pending or unhealthy tasks may stop regardless of the lower bound", "[planner]") {
  const Host a1{"ci/a1", "a"};
  PlanInput in;
  in.desired_count = 2;
  in.minimum_healthy_percent = 100;
  in.maximum_percent = 100;
  in.deployments = {{kOld, false}, {kNew, true}};
  in.tasks = {MakeTask("t1", kOld, a1), MakeTask("t2", kOld, a1, Phase::kRunning, false),
              MakeTask("t3", kOld, a1, Phase::kPending, false)};
  Plan plan = PlanStep(in);
  // Healthy t1 stays: 1 healthy task is already below lower = 2.
  CHECK(Arns(plan.stops) == Strings{"t3", "t2"});
  CHECK(plan.start_primary == 0);  // 3 tasks are already over upper = 2
}

TEST_CASE("A task inside its health grace is progress, not a deadlock", "[planner]") {
  const Host a1{"ci/a1", "a"};
  PlanInput in;
  in.desired_count = 2;
  in.minimum_healthy_percent = 100;
  in.maximum_percent = 150;  // upper 3, lower 2
  in.deployments = {{kOld, false}, {kNew, true}};
  in.tasks = {MakeTask("o1", kOld, a1), MakeTask("o2", kOld, a1),
              MakeTask("n1", kNew, a1, Phase::kRunning, /*healthy=*/false)};
  Plan waiting = PlanStep(in);
  CHECK(waiting.start_primary == 0);
  CHECK(waiting.stops.empty());
  CHECK_FALSE(waiting.deadlocked);
  in.tasks[2].healthy = true;
  Plan next = PlanStep(in);
  CHECK(next.stops.size() == 1);
  CHECK(next.stops[0].reason == Reason::kReplacedByDeployment);

  // Without old tasks, a PRIMARY at its count is still not complete while a task is in grace.
  in.desired_count = 1;
  in.tasks = {MakeTask("n1", kNew, a1, Phase::kRunning, /*healthy=*/false)};
  Plan grace = PlanStep(in);
  CHECK_FALSE(grace.primary_completed);
  CHECK_FALSE(grace.deadlocked);
  in.tasks[0].healthy = true;
  CHECK(PlanStep(in).primary_completed);
}

TEST_CASE("Orphan tasks and drained deployments", "[planner]") {
  const Host a1{"ci/a1", "a"};
  PlanInput in;
  in.desired_count = 1;
  in.minimum_healthy_percent = 0;
  in.maximum_percent = 200;
  in.deployments = {{"ecs-svc/0", false}, {kOld, false}, {kNew, true}};
  in.tasks = {MakeTask("t1", kNew, a1), MakeTask("t2", "ecs-svc/gone", a1),
              MakeTask("t3", kOld, a1, Phase::kStopping, false)};
  Plan plan = PlanStep(in);
  // A task of an unknown deployment is old; a stopping task keeps its deployment listed.
  CHECK(Arns(plan.stops) == Strings{"t2"});
  CHECK(plan.drained_deployments == Strings{"ecs-svc/0"});
  CHECK_FALSE(plan.primary_completed);
  CHECK_FALSE(plan.deadlocked);
}

TEST_CASE("Completion waits until old tasks have left, stopping ones included", "[planner]") {
  const Host a1{"ci/a1", "a"};
  PlanInput in;
  in.desired_count = 1;
  in.deployments = {{kOld, false}, {kNew, true}};
  in.tasks = {MakeTask("n1", kNew, a1), MakeTask("o1", kOld, a1, Phase::kStopping, false)};
  Plan stopping = PlanStep(in);
  CHECK_FALSE(stopping.primary_completed);
  CHECK(stopping.drained_deployments.empty());
  CHECK(stopping.stops.empty());
  CHECK_FALSE(stopping.deadlocked);
  in.tasks.pop_back();
  Plan gone = PlanStep(in);
  CHECK(gone.primary_completed);
  CHECK(gone.drained_deployments == Strings{kOld});
  CHECK_FALSE(gone.steady);  // until the caller drops the drained deployment
}

TEST_CASE("Protected tasks are never stopped by scale-in or a deployment",
          "[planner][protection]") {
  const Host a1{"ci/a1", "a"}, b1{"ci/b1", "b"};
  PlanInput in;
  in.minimum_healthy_percent = 0;
  in.maximum_percent = 200;
  SECTION("scale-in takes the unprotected siblings") {
    in.desired_count = 1;
    in.deployments = {{kNew, true, PlannerDeployment::Rollout::kCompleted}};
    in.tasks = {MakeTask("t1", kNew, a1), MakeTask("t2", kNew, a1), MakeTask("t3", kNew, b1)};
    in.tasks[0].scale_in_protected = true;
    const Plan plan = PlanStep(in);
    CHECK(Arns(plan.stops) == Strings{"t2", "t3"});
    CHECK(plan.blocked_by_protection.empty());
  }
  SECTION("more protected tasks than desired: held up, not deadlocked") {
    in.desired_count = 0;
    in.deployments = {{kNew, true, PlannerDeployment::Rollout::kCompleted}};
    in.tasks = {MakeTask("t1", kNew, a1), MakeTask("t2", kNew, b1)};
    in.tasks[0].scale_in_protected = true;
    const Plan plan = PlanStep(in);
    CHECK(Arns(plan.stops) == Strings{"t2"});
    CHECK(plan.blocked_by_protection == kNew);
    in.tasks.pop_back();
    const Plan after = PlanStep(in);
    CHECK(after.stops.empty());
    CHECK(after.blocked_by_protection == kNew);
    CHECK_FALSE(after.deadlocked);
    CHECK_FALSE(after.primary_completed);
  }
  SECTION("a deployment replaces the others and waits for the protected old task") {
    in.desired_count = 2;
    in.deployments = {{kOld, false, PlannerDeployment::Rollout::kCompleted},
                      {kNew, true, PlannerDeployment::Rollout::kInProgress}};
    in.tasks = {MakeTask("t1", kOld, a1), MakeTask("t2", kOld, b1), MakeTask("n1", kNew, a1),
                MakeTask("n2", kNew, b1)};
    in.tasks[0].scale_in_protected = true;
    const Plan plan = PlanStep(in);
    CHECK(Arns(plan.stops) == Strings{"t2"});
    CHECK(plan.blocked_by_protection == kOld);
    CHECK_FALSE(plan.primary_completed);
    CHECK_FALSE(plan.deadlocked);
    in.tasks[0].scale_in_protected = false;  // protection ended
    CHECK(Arns(PlanStep(in).stops) == Strings{"t1", "t2"});
  }
}

TEST_CASE("Scale-in keeps the capacity provider split", "[planner][capacity]") {
  const Host f{"", "a"};
  PlanInput in;
  in.minimum_healthy_percent = 0;
  in.maximum_percent = 200;
  in.deployments = {{kNew, true, PlannerDeployment::Rollout::kCompleted}};
  in.capacity_provider_strategy = {{"FARGATE", 1, 2}, {"FARGATE_SPOT", 3, 0}};
  // 10 tasks split 4/6 (FARGATE base 2 weight 1, SPOT weight 3); scale to 6 → 3/3.
  for (int i = 0; i < 10; ++i) {
    PlannerTask t = MakeTask("t" + std::to_string(i), kNew, f);
    t.capacity_provider = i < 4 ? "FARGATE" : "FARGATE_SPOT";
    in.tasks.push_back(t);
  }
  in.desired_count = 6;
  const Plan plan = PlanStep(in);
  REQUIRE(plan.stops.size() == 4);
  int spot = 0;
  for (const PlannedStop& s : plan.stops) spot += s.arn >= "t4" ? 1 : 0;
  CHECK(spot == 3);  // 6 tasks split 3/3
}

TEST_CASE("No primary deployment yields an empty plan", "[planner]") {
  PlanInput in;
  in.desired_count = 3;
  in.deployments = {{kOld, false}};
  Plan plan = PlanStep(in);
  CHECK(plan.start_primary == 0);
  CHECK(plan.stops.empty());
  CHECK_FALSE(plan.deadlocked);
  CHECK_FALSE(plan.steady);
}

}  // namespace
}  // namespace ecs::scheduler

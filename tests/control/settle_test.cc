// Settle: what the server runs right after each request. With instant timing a write's
// consequences (tasks started, deployments completed, tasks stopped) are all in place before the
// next request, so a waiter's first poll sees them; a frozen clock still holds every task, and a
// zero delay then takes 1 ms, so each state can be seen in order. Manual clock; no sleeps.
#include <algorithm>
#include <catch2/catch.hpp>
#include <functional>
#include <string>
#include <vector>

#include "control/control_plane.h"
#include "tests/control/task_fixture.h"

namespace {

using ecs::Millis;
using ecs::control::ServiceInput;
using ecs::testing::TaskFixture;
using S = ecs::model::TaskState;

bool NeverOutOfTime() { return false; }

ecs::control::ControlOptions Instant() {
  ecs::control::ControlOptions o;
  o.lifecycle = ecs::control::InstantTiming();
  return o;
}

struct SettleFixture : TaskFixture {
  SettleFixture() : TaskFixture(Instant()) {
    Cluster("c");
    Fleet("c", 3);
  }
  // What the server does after a request: settle at the current instant.
  bool Settle() {
    auto more = cp->Settle(clock.Now(), NeverOutOfTime);
    INFO(more.status().message());
    REQUIRE(more.ok());
    Flush();
    return *more;
  }
  const ecs::model::Service* Service(const std::string& name) {
    std::vector<const ecs::model::Service*> found;
    std::vector<ecs::control::DescribeFailure> failures;
    REQUIRE(cp->DescribeServices(ctx, "c", {name}, &found, &failures).ok());
    REQUIRE(found.size() == 1);
    return found.front();
  }
  ServiceInput Input(const std::string& name, const std::string& td, int64_t desired) {
    ServiceInput in;
    in.cluster = "c";
    in.service = name;
    in.task_definition = td;
    in.desired_count = desired;
    return in;
  }
};

TEST_CASE("Settle runs a RunTask and a StopTask to their end at once", "[settle]") {
  SettleFixture f;
  const Millis t0 = f.clock.Now();
  auto id = f.MustRun(f.Run("c", f.Simple("a", 10, 10))).tasks[0]->id;
  CHECK(f.Task("c", id)->last_status == S::kPending);  // what RunTask answers
  CHECK_FALSE(f.Settle());
  const ecs::model::Task* t = f.Task("c", id);
  CHECK(t->last_status == S::kRunning);
  CHECK(t->started_at == t0);
  REQUIRE(f.cp->StopTask(f.ctx, "c", id, "").ok());
  CHECK_FALSE(f.Settle());
  CHECK(f.Task("c", id)->last_status == S::kStopped);
  CHECK(f.Task("c", id)->containers[0].exit_code == 0);
}

TEST_CASE("Settle makes a new and an updated service stable at once", "[settle]") {
  SettleFixture f;
  const std::string v1 = f.Simple("web", 10, 10);
  REQUIRE(f.cp->CreateService(f.ctx, f.Input("web", v1, 3)).ok());
  CHECK(f.cp->CountsForService(*f.Service("web")).running == 0);  // what CreateService answers
  CHECK_FALSE(f.Settle());
  const ecs::model::Service* svc = f.Service("web");
  CHECK(f.cp->CountsForService(*svc).running == 3);
  REQUIRE(svc->deployments.size() == 1);
  CHECK(svc->deployments[0].rollout_state == ecs::model::RolloutState::kCompleted);

  const std::string v2 = f.Simple("web", 20, 10);
  ServiceInput update = f.Input("web", v2, 3);
  REQUIRE(f.cp->UpdateService(f.ctx, update).ok());
  CHECK_FALSE(f.Settle());
  svc = f.Service("web");
  // DescribeServices leaves out INACTIVE deployments: one is shown, as services_stable wants.
  CHECK(std::count_if(svc->deployments.begin(), svc->deployments.end(), [](const auto& d) {
          return d.status != ecs::model::DeploymentStatus::kInactive;
        }) == 1);
  CHECK(svc->deployments[0].task_definition_arn == v2);
  CHECK(svc->deployments[0].rollout_state == ecs::model::RolloutState::kCompleted);
  CHECK(f.cp->CountsForService(*svc).running == 3);
}

TEST_CASE("Settle does nothing when nothing was committed", "[settle]") {
  SettleFixture f;
  CHECK_FALSE(f.Settle());  // the fleet's commit
  const auto due = f.cp->NextDue();
  CHECK_FALSE(f.Settle());
  CHECK(f.cp->NextDue() == due);
}

TEST_CASE("Under a frozen clock settle holds tasks; each zero delay takes 1 ms",
          "[settle][clock]") {
  SettleFixture f;
  f.clock.set_frozen(true);
  const Millis t0 = f.clock.Now();
  auto id = f.MustRun(f.Run("c", f.Simple("a", 10, 10))).tasks[0]->id;
  f.Settle();
  CHECK(f.Task("c", id)->last_status == S::kPending);
  CHECK(f.cp->NextDue() == t0 + 1);
  std::vector<S> seen;
  auto advance_1ms = [&] {
    f.clock.Advance(1);
    REQUIRE(f.cp->RunDue(f.clock.Now(), /*advancing=*/true).ok());
    f.Flush();
    seen.push_back(f.Task("c", id)->last_status);
  };
  advance_1ms();
  REQUIRE(f.cp->StopTask(f.ctx, "c", id, "").ok());
  advance_1ms();
  advance_1ms();
  CHECK(seen == std::vector<S>{S::kRunning, S::kStopping, S::kStopped});
}

}  // namespace

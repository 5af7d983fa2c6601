// Run-time behaviour rules through the control plane (POST /_emulator/task-behaviors): a rule
// armed before a revision exists applies to its tasks, stopTakes holds STOPPING on the simulated
// clock and a container slower than its stopTimeout is killed with 137, a reset clears them.
// Manual clock; no sleeps.
#include <catch2/catch.hpp>
#include <string>

#include "control/control_plane.h"
#include "tests/control/task_fixture.h"

namespace {

using ecs::Millis;
using ecs::testing::TaskFixture;
using S = ecs::model::TaskState;

ecs::model::BehaviorRule Rule(const std::string& image) {
  ecs::model::BehaviorRule r;
  r.match.image = image;
  return r;
}

TEST_CASE("A rule armed for an image applies to a revision registered later", "[behavior]") {
  TaskFixture f;
  f.Cluster("c");
  f.Fleet("c", 1);
  auto rule = Rule("repo/app:*");
  rule.effects.fail_to_start = "CannotPullContainerError: pull access denied";
  REQUIRE(f.cp->ArmBehaviorRule(f.ctx.tenant, rule).ok());
  const std::string td = f.Definition(
      R"({"family":"web","containerDefinitions":[{"name":"app","image":"repo/app:bad","memory":64}]})");
  auto id = f.MustRun(f.Run("c", td)).tasks[0]->id;
  f.Advance(1000);
  const ecs::model::Task* t = f.Task("c", id);
  CHECK(t->last_status == S::kStopped);
  CHECK(t->stop_code == ecs::model::StopCode::kTaskFailedToStart);
  CHECK(t->containers[0].reason == "CannotPullContainerError: pull access denied");
  // Another image is untouched.
  auto other = f.MustRun(f.Run("c", f.Simple("plain", 10, 10))).tasks[0]->id;
  f.Advance(1000);
  CHECK(f.Task("c", other)->last_status == S::kRunning);
}

TEST_CASE("stopTakes holds STOPPING; past stopTimeout the container is killed with 137",
          "[behavior][stop]") {
  TaskFixture f;
  f.Cluster("c");
  f.Fleet("c", 1);
  auto slow = Rule("slow");
  slow.effects.stop_takes = 20'000;
  REQUIRE(f.cp->ArmBehaviorRule(f.ctx.tenant, slow).ok());
  auto stuck = Rule("stuck");
  stuck.effects.stop_takes = 120'000;  // ignores SIGTERM past the default stopTimeout (30 s)
  REQUIRE(f.cp->ArmBehaviorRule(f.ctx.tenant, stuck).ok());
  auto def = [&](const std::string& image) {
    return f.Definition(R"({"family":")" + image +
                        R"(","containerDefinitions":[{"name":"app","image":")" + image +
                        R"(","memory":64}]})");
  };
  auto a = f.MustRun(f.Run("c", def("slow"))).tasks[0]->id;
  auto b = f.MustRun(f.Run("c", def("stuck"))).tasks[0]->id;
  f.Advance(1000);
  const Millis stop_at = f.clock.Now();
  REQUIRE(f.cp->StopTask(f.ctx, "c", a, "").ok());
  REQUIRE(f.cp->StopTask(f.ctx, "c", b, "").ok());
  f.Advance(19'999);
  CHECK(f.Task("c", a)->last_status == S::kStopping);
  f.Advance(1);
  CHECK(f.Task("c", a)->last_status == S::kStopped);
  CHECK(*f.Task("c", a)->stopped_at - stop_at == 20'000);
  CHECK(f.Task("c", a)->containers[0].exit_code == 0);  // it honoured SIGTERM
  CHECK(f.Task("c", b)->last_status == S::kStopping);
  f.Advance(10'000);
  const ecs::model::Task* killed = f.Task("c", b);
  CHECK(killed->last_status == S::kStopped);
  CHECK(*killed->stopped_at - stop_at == 30'000);  // killed at stopTimeout
  CHECK(killed->containers[0].exit_code == 137);
}

TEST_CASE("Rules are listed in order, deleted one by one, and cleared by a reset", "[behavior]") {
  TaskFixture f;
  auto r = Rule("x");
  r.effects.exit_code = 0;
  auto first = f.cp->ArmBehaviorRule(f.ctx.tenant, r);
  auto second = f.cp->ArmBehaviorRule(f.ctx.tenant, r);
  REQUIRE((first.ok() && second.ok()));
  REQUIRE(f.cp->BehaviorRules(f.ctx.tenant).size() == 2);
  CHECK(f.cp->BehaviorRules(f.ctx.tenant)[0].id == *first);
  CHECK(f.cp->DeleteBehaviorRule(f.ctx.tenant, *first));
  CHECK_FALSE(f.cp->DeleteBehaviorRule(f.ctx.tenant, *first));
  auto bad = Rule("x");  // no effect
  CHECK_FALSE(f.cp->ArmBehaviorRule(f.ctx.tenant, bad).ok());
  const ecs::Tenant other{"111122223333", "eu-west-1"};
  REQUIRE(f.cp->ArmBehaviorRule(other, r).ok());
  ecs::control::StateScope scope;
  scope.account = "000000000000";
  REQUIRE(f.cp->Reset(scope).ok());
  CHECK(f.cp->BehaviorRules(f.ctx.tenant).empty());
  CHECK(f.cp->BehaviorRules(other).size() == 1);  // another account keeps its rules
  REQUIRE(f.cp->Reset(ecs::control::StateScope{}).ok());
  CHECK(f.cp->BehaviorRules(other).empty());
}

}  // namespace

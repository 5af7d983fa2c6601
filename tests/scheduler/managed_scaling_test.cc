// Managed scaling arithmetic: CapacityProviderReservation, the target-tracking decision with its
// step sizes and group bounds, the binpack of waiting tasks, and the termination policy.
#include "scheduler/managed_scaling.h"

#include <catch2/catch.hpp>
#include <vector>

namespace ecs::scheduler {
namespace {

using Action = ScalingDecision::Action;

TEST_CASE("CapacityProviderReservation is M / N x 100", "[scaling]") {
  CHECK(CapacityProviderReservation(0, 0) == 100);
  CHECK(CapacityProviderReservation(3, 0) == 200);
  CHECK(CapacityProviderReservation(2, 4) == 50);
  CHECK(CapacityProviderReservation(4, 4) == 100);
  CHECK(CapacityProviderReservation(1, 3) == 34);  // rounded up
}

TEST_CASE("Target tracking: ceil(M x 100 / target) within the group and the step sizes",
          "[scaling]") {
  ScalingInput in;
  in.group_max = 10;
  SECTION("from zero instances, one needed, target 100") {
    in.instances_needed = 1;
    const ScalingDecision d = DecideScaling(in);
    CHECK(d.action == Action::kScaleOut);
    CHECK(d.desired == 1);
  }
  SECTION("target 50 doubles the instances") {
    in.instances = 2;
    in.instances_needed = 3;
    in.target_capacity = 50;
    CHECK(TargetInstances(in) == 6);
    CHECK(DecideScaling(in).desired == 6);
  }
  SECTION("the maximum step bounds a scale-out, the group's max too") {
    in.instances_needed = 8;
    in.maximum_step = 3;
    CHECK(DecideScaling(in).desired == 3);
    in.maximum_step = 100;
    in.instances_needed = 40;
    CHECK(DecideScaling(in).desired == 10);
  }
  SECTION("the minimum step adds at least that many") {
    in.instances = 1;
    in.instances_needed = 2;
    in.minimum_step = 4;
    CHECK(DecideScaling(in).desired == 5);
  }
  SECTION("scale-in goes straight to the target, not below the group's min") {
    in.instances = 6;
    in.instances_needed = 1;
    in.minimum_step = 1;
    in.maximum_step = 1;
    CHECK(DecideScaling(in).action == Action::kScaleIn);
    CHECK(DecideScaling(in).desired == 1);
    in.group_min = 2;
    CHECK(DecideScaling(in).desired == 2);
  }
  SECTION("at target nothing happens") {
    in.instances = 4;
    in.instances_needed = 4;
    CHECK(DecideScaling(in).action == Action::kNone);
  }
}

TEST_CASE("Waiting tasks are binpacked first-fit-decreasing", "[scaling]") {
  const std::vector<WaitingDemand> tasks = {
      {1024, 2048}, {1024, 2048}, {512, 1024}, {2048, 4096}, {4096, 9000}};
  // 2048 CPU x 8192 MiB instances; the 4096-CPU task fits nowhere. Largest memory first:
  // 2048/4096 → i1 (no CPU left); 1024/2048 → i2; 1024/2048 → i2 (no CPU left); 512/1024 → i3.
  CHECK(InstancesForWaitingTasks(tasks, 2048, 8192) == 3);
  CHECK(InstancesForWaitingTasks({}, 2048, 8192) == 0);
}

TEST_CASE("Termination takes the fullest zone, then the nearest billing hour; never protected",
          "[scaling]") {
  const std::vector<GroupInstance> group = {{"i-1", "a", 0, false},
                                            {"i-2", "a", 600'000, false},
                                            {"i-3", "b", 0, false},
                                            {"i-4", "a", 0, true}};
  // now = 50 min: i-1 and i-3 are 10 min from their billing hour, i-2 20 min. Zone a holds 3.
  const auto picked = PickInstancesToTerminate(group, 3, 3'000'000);
  // a(3) > b(1): i-1 (nearer its hour); a(2) > b(1): i-2; then only i-3 (i-4 is protected).
  REQUIRE(picked.size() == 3);
  CHECK(group[picked[0]].id == "i-1");
  CHECK(group[picked[1]].id == "i-2");
  CHECK(group[picked[2]].id == "i-3");
  CHECK(PickInstancesToTerminate(group, 10, 3'000'000).size() == 3);
}

}  // namespace
}  // namespace ecs::scheduler

namespace ecs::scheduler {
namespace {

GroupScaling Group(int64_t max) {
  GroupScaling g;
  g.group_max = max;
  g.warmup = 60'000;
  g.instance_cpu = 1024;
  g.instance_memory = 2048;
  return g;
}

GroupMember Member(const std::string& id, int64_t tasks, bool joined = true) {
  return {id, "us-east-1a", 0, joined, false, tasks};
}

TEST_CASE("A scaling round launches for waiting tasks, joining after the warm-up", "[scaling]") {
  const std::vector<WaitingDemand> three = {{512, 1024}, {512, 1024}, {512, 1024}};
  SECTION("from an empty group: two instances fit three half-instance tasks") {
    const ScalingPlan plan = PlanScalingRound(Group(10), {}, three, 5'000);
    CHECK(plan.reservation == 200);
    CHECK(plan.launch == 2);
    CHECK(plan.desired == 2);
    CHECK(plan.join_at == 65'000);
  }
  SECTION("instances still warming up count: no second launch for the same demand") {
    const std::vector<GroupMember> launching = {Member("i-1", 0, false), Member("i-2", 0, false)};
    const ScalingPlan plan = PlanScalingRound(Group(10), launching, three, 10'000);
    CHECK(plan.launch == 0);
    CHECK(plan.reservation == 100);
  }
  SECTION("the group's max and the maximum step bound it") {
    GroupScaling g = Group(1);
    CHECK(PlanScalingRound(g, {}, three, 0).launch == 1);
    g = Group(10);
    g.maximum_step = 1;
    CHECK(PlanScalingRound(g, {}, three, 0).launch == 1);
  }
}

TEST_CASE("A scaling round terminates empty instances, never protected busy ones", "[scaling]") {
  const std::vector<GroupMember> members = {Member("i-busy", 2), Member("i-empty-1", 0),
                                            Member("i-empty-2", 0)};
  GroupScaling g = Group(10);
  g.termination_protection = true;
  ScalingPlan plan = PlanScalingRound(g, members, {}, 0);
  CHECK(plan.reservation == 34);
  CHECK(plan.desired == 1);
  CHECK(plan.terminate == std::vector<std::string>{"i-empty-1", "i-empty-2"});
  CHECK(plan.drain.empty());
  SECTION("the service went to 0: everything goes, down to the group's min") {
    std::vector<GroupMember> idle = members;
    idle[0].tasks = 0;
    g.group_min = 1;
    plan = PlanScalingRound(g, idle, {}, 0);
    CHECK(plan.terminate.size() == 2);
    CHECK(plan.desired == 1);
  }
}

TEST_CASE("Without protection a busy instance picked for scale-in is drained first", "[scaling]") {
  // target 100 wants 1 instance for 1 busy one; the policy's pick may be the busy one.
  std::vector<GroupMember> members = {Member("i-a", 1), Member("i-b", 0)};
  members[1].launched_at = 3'000'000;  // i-a is nearer its billing hour at now = 3'599'000
  GroupScaling g = Group(10);
  ScalingPlan plan = PlanScalingRound(g, members, {}, 3'599'000);
  CHECK(plan.drain == std::vector<std::string>{"i-a"});
  CHECK(plan.terminate.empty());
  g.managed_draining = false;
  plan = PlanScalingRound(g, members, {}, 3'599'000);
  CHECK(plan.terminate == std::vector<std::string>{"i-a"});
  // A draining member leaves once it runs nothing, and no longer counts toward N.
  members[0].draining = true;
  members[0].tasks = 0;
  plan = PlanScalingRound(Group(10), members, {}, 3'599'000);
  CHECK(plan.terminate == std::vector<std::string>{"i-a", "i-b"});
}

TEST_CASE("Waiting tasks scale out by at least the minimum step, at most the maximum",
          "[scaling]") {
  // Five one-instance tasks waiting, one busy member: M = 6, N = 1, reservation 600.
  const std::vector<WaitingDemand> five(5, WaitingDemand{1024, 2048});
  const std::vector<GroupMember> one = {Member("i-1", 1)};
  GroupScaling g = Group(20);
  ScalingPlan plan = PlanScalingRound(g, one, five, 0);
  CHECK(plan.reservation == 600);
  CHECK(plan.launch == 5);
  g.maximum_step = 2;
  CHECK(PlanScalingRound(g, one, five, 0).launch == 2);
  // One task waiting, minimum step 3: three launch (target 80 % would want two).
  g = Group(20);
  g.minimum_step = 3;
  g.target_capacity = 80;
  plan = PlanScalingRound(g, one, {five.begin(), five.begin() + 1}, 0);
  CHECK(plan.launch == 3);
  CHECK(plan.desired == 4);
}

}  // namespace
}  // namespace ecs::scheduler

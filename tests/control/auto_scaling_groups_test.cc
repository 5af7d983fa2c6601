// Simulated Auto Scaling groups in the control plane: a group fleet's checks, managed scaling
// rounds on the reconciler (launches that join after the warm-up on a manual clock, scale-in to
// min, managed draining before termination) and the group surviving a restart mid-warm-up.
#include <catch2/catch.hpp>
#include <set>

#include "tests/control/task_fixture.h"

using namespace ecs;
using namespace ecs::control;

namespace {

struct Fixture : testing::TaskFixture {
  void Group(const std::string& name, int64_t min, int64_t max, int64_t desired) {
    FleetInput in;
    in.cluster = "c";
    in.create_cluster = true;
    in.auto_scaling_group = name;
    in.group_min = min;
    in.group_max = max;
    in.group_desired = desired;
    auto made = cp->CreateFleet(ctx, in);
    INFO(made.status().message());
    REQUIRE(made.ok());
  }
  void Provider(const std::string& group, model::ManagedScaling scaling, bool draining = true) {
    CapacityProviderInput in;
    in.name = "cp-" + group;
    in.has_auto_scaling_group_provider = true;
    in.auto_scaling_group_arn = group;
    in.managed_scaling = scaling;
    in.managed_draining = draining;
    REQUIRE(cp->CreateCapacityProvider(ctx, in).ok());
    // Managed scaling works for the cluster the provider is associated with.
    providers.push_back(in.name);
    REQUIRE(cp->PutClusterCapacityProviders(ctx, "c", providers, {}).ok());
  }
  std::vector<std::string> providers;
  // Instances of cluster c with that status.
  std::vector<std::string> Instances(model::InstanceStatus status) {
    ListContainerInstancesInput in;
    in.cluster = "c";
    in.status = status;
    auto page = cp->ListContainerInstances(ctx, in);
    REQUIRE(page.ok());
    return page->arns;
  }
  int64_t Count(model::InstanceStatus status) {
    return static_cast<int64_t>(Instances(status).size());
  }
  const model::AutoScalingGroup& Of(const std::string& name) {
    const model::AutoScalingGroup* g = cp->FindAutoScalingGroup(ctx.tenant, name);
    REQUIRE(g);
    return *g;
  }
};

}  // namespace

TEST_CASE("A group fleet registers `desired` instances within its bounds", "[asg]") {
  Fixture f;
  f.Group("g", 1, 3, 2);
  CHECK(f.Count(model::InstanceStatus::kActive) == 2);
  const model::AutoScalingGroup* g = &f.Of("g");
  CHECK(g->desired_capacity == 2);
  CHECK(g->arn.ends_with(":autoScalingGroupName/g"));
  FleetInput bad;
  bad.cluster = "c";
  bad.auto_scaling_group = "h";
  bad.group_max = 2;
  bad.group_desired = 3;
  CHECK(f.cp->CreateFleet(f.ctx, bad).status().code() == ErrorCode::kInvalidParameterException);
  bad.auto_scaling_group = "g";
  bad.group_desired = 1;
  CHECK(f.cp->CreateFleet(f.ctx, bad).status().message().find("already exists") !=
        std::string::npos);
  CHECK(f.Count(model::InstanceStatus::kActive) == 2);
}

TEST_CASE("A provider no cluster has scales nothing", "[asg]") {
  Fixture f;
  f.Group("g", 0, 3, 2);
  CapacityProviderInput in;
  in.name = "loose";
  in.has_auto_scaling_group_provider = true;
  in.auto_scaling_group_arn = "g";
  in.managed_scaling = {true, 100, 1, 10000, 0};
  REQUIRE(f.cp->CreateCapacityProvider(f.ctx, in).ok());
  REQUIRE(f.cp->RunDue(f.clock.Now()).ok());
  CHECK(f.Count(model::InstanceStatus::kActive) == 2);
  REQUIRE(f.cp->PutClusterCapacityProviders(f.ctx, "c", {"loose"}, {}).ok());
  REQUIRE(f.cp->RunDue(f.clock.Now()).ok());
  CHECK(f.Count(model::InstanceStatus::kActive) == 0);
}

TEST_CASE("Managed scaling launches and new instances join after the warm-up", "[asg]") {
  Fixture f;
  f.Group("g", 0, 5, 0);
  f.Provider("g", {true, 100, 1, 10000, 60});
  // Nothing runs and min is 0: nothing launches.
  REQUIRE(f.cp->RunDue(f.clock.Now()).ok());
  CHECK(f.Of("g").launching.empty());
  // One busy instance against targetCapacity 25: the group wants four, three more.
  f.Group("m", 0, 5, 1);
  f.MustRun(f.Run("c", f.Simple("w", 128, 128)));
  f.Provider("m", {true, 25, 1, 10000, 60});
  REQUIRE(f.cp->RunDue(f.clock.Now()).ok());
  const model::AutoScalingGroup* m = &f.Of("m");
  REQUIRE(m->launching.size() == 3);
  std::set<std::string> zones;
  for (const auto& l : m->launching) zones.insert(l.availability_zone);
  CHECK(zones.size() == 3);  // balanced with the first instance's zone
  CHECK(m->desired_capacity == 4);
  CHECK(f.Count(model::InstanceStatus::kActive) == 1);
  // The warm-up (60 s) on the manual clock; a restart meanwhile keeps the launches.
  const model::AutoScalingGroup before = *m;
  f.Reload();
  m = &f.Of("m");
  CHECK(*m == before);
  f.clock.Advance(59'999);
  REQUIRE(f.cp->RunDue(f.clock.Now()).ok());
  CHECK(f.Count(model::InstanceStatus::kActive) == 1);
  f.clock.Advance(1);
  REQUIRE(f.cp->RunDue(f.clock.Now()).ok());
  CHECK(f.Count(model::InstanceStatus::kActive) == 4);
  CHECK(m->launching.empty());
  CHECK(m->desired_capacity == 4);
}

TEST_CASE("Scale-in drains a busy instance first under managed draining", "[asg]") {
  for (const bool draining : {true, false}) {
    Fixture f;
    f.Group("g", 0, 2, 2);
    // The group's termination policy picks the smaller instance id between two alike (one per
    // zone, same launch time): put the task there, so scale-in must deal with a busy instance.
    std::vector<const model::ContainerInstance*> two;
    std::vector<DescribeFailure> failures;
    REQUIRE(f.cp->DescribeContainerInstances(
                    f.ctx, "c", f.Instances(model::InstanceStatus::kActive), &two, &failures)
                .ok());
    REQUIRE(two.size() == 2);
    if (two[1]->ec2_instance_id < two[0]->ec2_instance_id) std::swap(two[0], two[1]);
    const std::string busy = two[0]->arn, empty = two[1]->arn;
    RunTaskInput start = f.Run("c", f.Simple("w", 128, 128));
    start.container_instances = {busy};
    f.MustRun(start);
    f.Provider("g", {true, 100, 1, 10000, 0}, draining);
    REQUIRE(f.cp->RunDue(f.clock.Now()).ok());
    const std::vector<std::string> active = f.Instances(model::InstanceStatus::kActive);
    CHECK(active == std::vector<std::string>{empty});
    if (draining) {
      CHECK(f.Instances(model::InstanceStatus::kDraining) == std::vector<std::string>{busy});
    } else {
      CHECK(f.Instances(model::InstanceStatus::kInactive) == std::vector<std::string>{busy});
    }
    CHECK(f.Of("g").desired_capacity == 1);
  }
}

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

namespace {

// Tasks launched on an Auto Scaling group provider: cluster c, group g (0..max, none yet) behind
// provider cp-g with a 60 s warm-up; m5.large-sized instances (2 vCPU, 8 GiB).
struct WaitFixture : Fixture {
  explicit WaitFixture(int64_t max = 4, int64_t minimum_step = 1) {
    Group("g", 0, max, 0);
    Provider("g", {true, 100, minimum_step, 10000, 60});
  }
  RunTaskInput OnProvider(const std::string& td, int count) {
    RunTaskInput in = Run("c", td, count);
    in.capacity_provider_strategy = {{"cp-g", 0, 1}};
    return in;
  }
  // The cluster's tasks that want to run, oldest first.
  std::vector<const model::Task*> Live() {
    ListTasksInput in;
    in.cluster = "c";
    auto page = cp->ListTasks(ctx, in);
    REQUIRE(page.ok());
    std::vector<const model::Task*> out;
    for (const auto& arn : page->arns) out.push_back(Task("c", arn));
    return out;
  }
};

bool Waiting(const model::Task* t) {
  return t->last_status == model::TaskState::kProvisioning && t->container_instance_id.empty() &&
         t->desired_status == model::DesiredStatus::kRunning && t->capacity_provider_name == "cp-g";
}

}  // namespace

TEST_CASE("RunTask on an empty group's provider waits in PROVISIONING, placed when it joins",
          "[asg]") {
  WaitFixture f;
  const std::string td = f.Simple("w", 1024, 2048);
  const RunTaskOutput out = f.MustRun(f.OnProvider(td, 3));
  CHECK(out.failures.empty());
  REQUIRE(out.tasks.size() == 3);
  for (const model::Task* t : out.tasks) {
    CHECK(Waiting(t));
    CHECK(t->launch_type == model::LaunchType::kEc2);
    CHECK(t->next_transition_at == 0);
  }
  // M = the binpack of 3 half-instance tasks = 2 instances, N = 0: two launch.
  REQUIRE(f.cp->RunDue(f.clock.Now()).ok());
  CHECK(f.Of("g").launching.size() == 2);
  // A restart meanwhile keeps the waiting tasks and the launches.
  f.Reload();
  f.Advance(59'999);
  for (const model::Task* t : f.Live()) CHECK(Waiting(t));
  CHECK(f.Of("g").launching.size() == 2);  // no second launch for the same demand
  f.Advance(1);  // the instances join and the tasks are placed, oldest first
  std::set<std::string> hosts;
  for (const model::Task* t : f.Live()) {
    CHECK(!t->container_instance_id.empty());
    hosts.insert(t->container_instance_id);
  }
  CHECK(hosts.size() == 2);
  f.Advance(1'000);
  for (const model::Task* t : f.Live()) CHECK(t->last_status == model::TaskState::kRunning);
  CHECK(f.Of("g").desired_capacity == 2);
}

TEST_CASE("A task that fits a joined instance is placed at once; the rest wait", "[asg]") {
  WaitFixture f;
  f.Group("h", 0, 2, 1);  // one instance already, of another group: not cp-g's
  const std::string td = f.Simple("w", 2048, 2048);
  CHECK(f.MustRun(f.OnProvider(td, 1)).tasks.front()->container_instance_id.empty());
  REQUIRE(f.cp->RunDue(f.clock.Now()).ok());  // one instance launches
  f.Advance(60'000);
  REQUIRE(f.Live().size() == 1);
  CHECK(!f.Live().front()->container_instance_id.empty());
  // The instance is full: the next two wait, one more instance each.
  const RunTaskOutput two = f.MustRun(f.OnProvider(td, 2));
  for (const model::Task* t : two.tasks) CHECK(Waiting(t));
  REQUIRE(f.cp->RunDue(f.clock.Now()).ok());
  CHECK(f.Of("g").launching.size() == 2);
}

TEST_CASE("A stopped waiting task stops without ever being placed", "[asg]") {
  WaitFixture f(/*max=*/0);  // a group that can never grow
  const std::string td = f.Simple("w", 256, 256);
  const RunTaskOutput out = f.MustRun(f.OnProvider(td, 1));
  f.Advance(120'000);
  REQUIRE(f.Live().size() == 1);
  CHECK(Waiting(f.Live().front()));
  REQUIRE(f.cp->StopTask(f.ctx, "c", out.tasks.front()->arn, "no capacity").ok());
  f.Advance(1'000);
  const model::Task* t = f.Task("c", out.tasks.front()->arn);
  REQUIRE(t);
  CHECK(t->last_status == model::TaskState::kStopped);
  CHECK(t->container_instance_id.empty());
}

TEST_CASE("At most 500 tasks of a cluster wait; past that RunTask answers failures", "[asg]") {
  WaitFixture f(/*max=*/0);
  const std::string td = f.Simple("w", 256, 256);
  for (int i = 0; i < 50; ++i) REQUIRE(f.MustRun(f.OnProvider(td, 10)).tasks.size() == 10);
  const RunTaskOutput over = f.MustRun(f.OnProvider(td, 2));
  CHECK(over.tasks.empty());
  REQUIRE(over.failures.size() == 2);
  CHECK(over.failures.front().reason == "RESOURCE:PROVISIONING");
}

TEST_CASE("A service on the provider counts waiting tasks as pending and scales the group",
          "[asg]") {
  WaitFixture f;
  const std::string td = f.Simple("w", 1024, 1024);
  ServiceInput in;
  in.cluster = "c";
  in.service = "s";
  in.task_definition = td;
  in.desired_count = 3;
  in.capacity_provider_strategy = model::CapacityProviderStrategy{{"cp-g", 1, 1}};
  auto created = f.cp->CreateService(f.ctx, in);
  INFO(created.status().message());
  REQUIRE(created.ok());
  REQUIRE(f.cp->RunDue(f.clock.Now()).ok());
  REQUIRE(f.cp->RunDue(f.clock.Now()).ok());
  const model::Service* s = *created;
  CHECK(f.cp->CountsForService(*s).pending == 3);  // no more launched while they wait
  CHECK(f.Live().size() == 3);
  f.Advance(61'000);
  CHECK(f.cp->CountsForService(*s).running == 3);
  CHECK(f.Of("g").desired_capacity == 2);
  // Down to 0: the tasks stop and the group scales in to its min.
  ServiceInput zero;
  zero.cluster = "c";
  zero.service = "s";
  zero.desired_count = 0;
  REQUIRE(f.cp->UpdateService(f.ctx, zero).ok());
  REQUIRE(f.cp->RunDue(f.clock.Now()).ok());  // the service stops its tasks
  f.Advance(10'000);
  CHECK(f.Live().empty());
  {
    ListTasksInput all;
    all.cluster = "c";
    all.desired_status = model::DesiredStatus::kStopped;
    auto page = f.cp->ListTasks(f.ctx, all);
    for (const auto& arn : page->arns) {
      const model::Task* t = f.Task("c", arn);
      CHECK(t->is_stopped());
    }
  }
  CHECK(f.Of("g").desired_capacity == 0);
  CHECK(f.Count(model::InstanceStatus::kActive) == 0);
}

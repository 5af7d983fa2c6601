// Managed Instances providers in the control plane on a manual clock: a provider is created
// within (and associated with) its cluster; tasks through it wait as MANAGED_INSTANCES, the
// provider launches an instance of an allowed type that registers after the launch delay, the
// task is placed; once idle for scaleInAfter the instance is retired; a restart mid-launch keeps
// the launch; delete retires what is left.
#include <catch2/catch.hpp>

#include "tests/control/task_fixture.h"

using namespace ecs;
using namespace ecs::control;

namespace {

struct Fixture : testing::TaskFixture {
  Fixture() { Cluster("c"); }
  Result<const model::CapacityProvider*> Create(const std::string& name,
                                                std::optional<int64_t> scale_in_after) {
    CapacityProviderInput in;
    in.name = name;
    in.cluster = "c";
    in.has_managed_instances_provider = true;
    model::ManagedInstancesSettings mi;
    mi.echo = model::RawJson::FromText("{}");
    mi.subnets = {"subnet-a"};
    model::InstanceRequirements req;
    req.vcpu_min = 2;
    req.vcpu_max = 2;
    req.memory_mib_min = 8192;
    mi.requirements = req;
    mi.scale_in_after = scale_in_after;
    in.managed_instances = mi;
    return cp->CreateCapacityProvider(ctx, in);
  }
  std::vector<const model::ContainerInstance*> Active() {
    ListContainerInstancesInput in;
    in.cluster = "c";
    in.status = model::InstanceStatus::kActive;
    auto page = cp->ListContainerInstances(ctx, in);
    REQUIRE(page.ok());
    std::vector<const model::ContainerInstance*> out;
    std::vector<DescribeFailure> failures;
    if (page->arns.empty()) return out;
    REQUIRE(cp->DescribeContainerInstances(ctx, "c", page->arns, &out, &failures).ok());
    return out;
  }
  const model::Task* RunThrough(const std::string& provider) {
    const std::string td = Definition(
        R"({"family":"mi","requiresCompatibilities":["MANAGED_INSTANCES"],)"
        R"("containerDefinitions":[{"name":"app","image":"nginx","cpu":1024,"memory":2048}]})");
    RunTaskInput in = Run("c", td);
    in.capacity_provider_strategy = {{provider, 1, 0}};
    auto out = MustRun(in);
    REQUIRE(out.tasks.size() == 1);
    return out.tasks[0];
  }
};

const model::Task* Find(Fixture& f, const std::string& arn) {
  std::vector<const model::Task*> found;
  std::vector<DescribeFailure> failures;
  REQUIRE(f.cp->DescribeTasks(f.ctx, "c", {arn}, &found, &failures).ok());
  REQUIRE(found.size() == 1);
  return found[0];
}

std::string Attribute(const model::ContainerInstance& ci, const std::string& name) {
  for (const auto& a : ci.attributes) {
    if (a.name == name) return a.value.value_or("");
  }
  return "";
}

}  // namespace

TEST_CASE("Managed Instances: launch on demand, register after the delay, retire when idle",
          "[managed-instances]") {
  Fixture f;
  REQUIRE(f.Create("mi", 120).ok());
  const model::Cluster* c = *f.cp->FindCluster(f.ctx, "c", true);
  CHECK(c->capacity_providers == std::vector<std::string>{"mi"});
  const model::Task* t = f.RunThrough("mi");
  const std::string task_arn = t->arn;
  CHECK(t->launch_type == model::LaunchType::kManagedInstances);
  CHECK(t->capacity_provider_name == "mi");
  CHECK(t->awaiting_capacity());
  REQUIRE(f.cp->RunDue(f.clock.Now()).ok());
  const model::CapacityProvider* p = f.cp->FindCapacityProvider(f.ctx.tenant, "mi");
  REQUIRE(p->managed_instances->launching.size() == 1);
  CHECK(p->managed_instances->launching[0].instance_type == "m5.large");
  // A restart mid-launch keeps the launch.
  f.Reload();
  f.Advance(59'000);
  CHECK(f.Active().empty());
  f.Advance(1'000);
  auto active = f.Active();
  REQUIRE(active.size() == 1);
  CHECK(active[0]->capacity_provider_name == "mi");
  CHECK(Attribute(*active[0], "ecs.instance-type") == "m5.large");
  f.Advance(1'000);
  const model::Task* placed = Find(f, task_arn);
  CHECK(placed->last_status == model::TaskState::kRunning);
  CHECK(placed->container_instance_id == active[0]->id);
  // Busy: never retired. Stopped: retired 120 s after it became idle.
  f.Advance(600'000);
  CHECK(f.Active().size() == 1);
  REQUIRE(f.cp->StopTask(f.ctx, "c", task_arn, "done").ok());
  f.Advance(1'000);
  CHECK(f.Active().size() == 1);
  f.Advance(120'000);
  CHECK(f.Active().empty());
}

TEST_CASE("Managed Instances: scaleInAfter -1 keeps idle instances; delete retires them",
          "[managed-instances]") {
  Fixture f;
  REQUIRE(f.Create("keep", -1).ok());
  const std::string arn = f.RunThrough("keep")->arn;
  f.Advance(61'000);
  REQUIRE(f.cp->StopTask(f.ctx, "c", arn, "done").ok());
  f.Advance(10'000'000);
  CHECK(f.Active().size() == 1);
  // In use by nothing now; deleting from another cluster is refused, from its own retires.
  CHECK(f.cp->DeleteCapacityProvider(f.ctx, "keep", "other").status().code() ==
        ErrorCode::kInvalidParameterException);
  auto deleted = f.cp->DeleteCapacityProvider(f.ctx, "keep", "c");
  REQUIRE(deleted.ok());
  CHECK((*deleted)->update_status == model::CapacityProviderUpdateStatus::kDeleteInProgress);
  REQUIRE(f.cp->RunDue(f.clock.Now()).ok());
  CHECK(f.Active().empty());
  CHECK(f.cp->FindCapacityProvider(f.ctx.tenant, "keep")->status ==
        model::CapacityProviderStatus::kInactive);
  CHECK((*f.cp->FindCluster(f.ctx, "c", true))->capacity_providers.empty());
}

TEST_CASE("Managed Instances: the cluster is required and must exist", "[managed-instances]") {
  Fixture f;
  CapacityProviderInput in;
  in.name = "x";
  in.has_managed_instances_provider = true;
  in.managed_instances = model::ManagedInstancesSettings{};
  CHECK(f.cp->CreateCapacityProvider(f.ctx, in).status().code() ==
        ErrorCode::kInvalidParameterException);
  in.cluster = "nope";
  CHECK(f.cp->CreateCapacityProvider(f.ctx, in).status().code() ==
        ErrorCode::kClusterNotFoundException);
  CHECK(f.cp->FindCapacityProvider(f.ctx.tenant, "x") == nullptr);
}

// Container instances on a manual clock: agent registration, fleets, listing with the cluster
// query language, draining, the simulated agent update, attributes and deregistration.
#include <algorithm>
#include <map>
#include <set>

#include "tests/control/task_fixture.h"

using namespace ecs;
using namespace ecs::control;
using ecs::testing::TaskFixture;

namespace {

std::optional<std::string> Attr(const model::ContainerInstance& ci, const std::string& name) {
  const auto* v = ci.FindAttribute(name);
  REQUIRE(v != nullptr);
  return *v;
}

bool HasAttr(const model::ContainerInstance& ci, const std::string& name) {
  return ci.FindAttribute(name) != nullptr;
}

model::Resource Integer(const std::string& name, int64_t v) {
  model::Resource r;
  r.name = name;
  r.type = "INTEGER";
  r.integer_value = v;
  return r;
}

std::vector<std::string> ListAll(TaskFixture& f, const std::string& cluster,
                                 const std::string& filter,
                                 std::optional<model::InstanceStatus> status,
                                 std::optional<int64_t> page_size = std::nullopt) {
  std::vector<std::string> out;
  std::optional<std::string> token;
  do {
    auto page = f.cp->ListContainerInstances(f.ctx, {cluster, filter, status, {page_size, token}});
    INFO(page.status().message());
    REQUIRE(page.ok());
    if (page_size) CHECK(static_cast<int64_t>(page->arns.size()) <= *page_size);
    out.insert(out.end(), page->arns.begin(), page->arns.end());
    token = page->next_token;
  } while (token);
  return out;
}

}  // namespace

TEST_CASE("RegisterContainerInstance reads the identity document and fills built-ins",
          "[instances][register]") {
  TaskFixture f;
  RegisterInstanceInput in;  // cluster "" -> default, created on the fly as the agent expects
  in.identity = {.instance_id = "i-0123456789abcdef0",
                 .availability_zone = "us-east-1c",
                 .instance_type = "c5.xlarge",
                 .image_id = "ami-0abc",
                 .architecture = "x86_64"};
  in.total_resources = {Integer("CPU", 4096), Integer("MEMORY", 7600)};
  in.agent_version = "1.70.0";
  in.agent_hash = "deadbeef";
  in.docker_version = "DockerVersion: 20.10.25";
  in.attributes = {{"stack", "prod"}, {"ecs.os-type", "linux"}};
  in.tags = {{"team", "core"}};
  auto r = f.cp->RegisterContainerInstance(f.ctx, in);
  INFO(r.status().message());
  REQUIRE(r.ok());
  const model::ContainerInstance& ci = **r;
  CHECK(ci.cluster == "default");
  CHECK(f.cp->FindCluster(f.ctx, "default", true).ok());
  CHECK(ci.arn == "arn:aws:ecs:us-east-1:000000000000:container-instance/default/" + ci.id);
  CHECK(ci.id.size() == 32);
  CHECK(ci.ec2_instance_id == "i-0123456789abcdef0");
  CHECK(ci.status == model::InstanceStatus::kActive);
  CHECK(ci.agent_connected);
  CHECK(ci.registered_at == f.clock.Now());
  CHECK(ci.version == 1);
  CHECK(ci.agent_version == "1.70.0");
  CHECK(Attr(ci, "ecs.availability-zone") == "us-east-1c");
  CHECK(Attr(ci, "ecs.instance-type") == "c5.xlarge");
  CHECK(Attr(ci, "ecs.ami-id") == "ami-0abc");
  CHECK(Attr(ci, "ecs.os-type") == "linux");
  CHECK(Attr(ci, "ecs.cpu-architecture") == "x86_64");
  CHECK(Attr(ci, "stack") == "prod");
  CHECK(HasAttr(ci, "com.amazonaws.ecs.capability.docker-remote-api.1.44"));
  CHECK(Attr(ci, "ecs.capability.task-eni") == std::nullopt);  // capabilities carry no value
  // Resources: the four standard entries, in order, with the agent's reserved ports.
  REQUIRE(ci.registered_resources.size() == 4);
  CHECK(ci.registered_resources[0].name == "CPU");
  CHECK(ci.registered_resources[0].integer_value == 4096);
  CHECK(ci.registered_resources[1].integer_value == 7600);
  CHECK(ci.registered_resources[2].name == "PORTS");
  CHECK(ci.registered_resources[2].string_set == model::DefaultReservedPorts());
  CHECK(ci.registered_resources[3].name == "PORTS_UDP");
  CHECK(f.cp->TagsOf(ci.arn) == model::TagList{{"team", "core"}});
  CHECK(f.Counts("default").registered_container_instances == 1);

  SECTION("the same EC2 instance registering again is the same container instance") {
    const std::string arn = ci.arn;
    RegisterInstanceInput again = in;
    again.attributes = {};
    again.total_resources = {Integer("CPU", 4096), Integer("MEMORY", 7000)};
    auto r2 = f.cp->RegisterContainerInstance(f.ctx, again);
    REQUIRE(r2.ok());
    CHECK((*r2)->arn == arn);
    CHECK((*r2)->version == 2);
    CHECK((*r2)->RegisteredInteger("MEMORY") == 7000);
    CHECK(Attr(**r2, "stack") == "prod");  // custom attributes survive
    CHECK(f.Counts("default").registered_container_instances == 1);
  }
  SECTION("an unknown non-default cluster is an error") {
    RegisterInstanceInput other;
    other.cluster = "nope";
    CHECK(f.cp->RegisterContainerInstance(f.ctx, other).status().code() ==
          ErrorCode::kClusterNotFoundException);
  }
}

TEST_CASE("An agent without totalResources gets its instance type's size",
          "[instances][register]") {
  TaskFixture f;
  RegisterInstanceInput in;
  in.identity = {
      .instance_id = "i-1", .availability_zone = "us-east-1b", .instance_type = "m5.xlarge"};
  auto r = f.cp->RegisterContainerInstance(f.ctx, in);
  REQUIRE(r.ok());
  CHECK((*r)->RegisteredInteger("CPU") == 4096);
  CHECK((*r)->RegisteredInteger("MEMORY") == 15576);
  RegisterInstanceInput arm;
  arm.identity = {.instance_id = "i-2", .instance_type = "m6g.large"};
  auto a = f.cp->RegisterContainerInstance(f.ctx, arm);
  REQUIRE(a.ok());
  CHECK(Attr(**a, "ecs.cpu-architecture") == "arm64");
  CHECK(Attr(**a, "ecs.availability-zone") == "us-east-1a");  // first AZ when not told
}

TEST_CASE("Fleets spread round-robin over the region's AZs", "[instances][fleet]") {
  TaskFixture f;
  FleetInput in;
  in.cluster = "fleet";
  in.count = 7;
  in.instance_type = "t3.medium";
  in.attributes = {{"pool", "blue"}};
  // A fleet names an existing cluster unless it asks for one.
  CHECK(f.cp->CreateFleet(f.ctx, in).status().code() == ErrorCode::kClusterNotFoundException);
  CHECK_FALSE(f.cp->FindCluster(f.ctx, "fleet", false).ok());  // nothing was created
  in.create_cluster = true;
  auto made = f.cp->CreateFleet(f.ctx, in);
  REQUIRE(made.ok());
  REQUIRE(made->size() == 7);
  std::map<std::string, int> per_az;
  std::set<std::string> ec2_ids;
  for (const auto* ci : *made) {
    ++per_az[ci->availability_zone()];
    ec2_ids.insert(ci->ec2_instance_id);
    CHECK(ci->RegisteredInteger("CPU") == 2048);
    CHECK(ci->RegisteredInteger("MEMORY") == 3921);
    CHECK(Attr(*ci, "ecs.instance-type") == "t3.medium");
    CHECK(Attr(*ci, "pool") == "blue");
    CHECK(ci->ec2_instance_id.starts_with("i-"));
  }
  CHECK(per_az ==
        std::map<std::string, int>{{"us-east-1a", 3}, {"us-east-1b", 2}, {"us-east-1c", 2}});
  CHECK(ec2_ids.size() == 7);
  CHECK((*made)[0]->availability_zone() == "us-east-1a");
  CHECK((*made)[1]->availability_zone() == "us-east-1b");
  CHECK(f.Counts("fleet").registered_container_instances == 7);

  SECTION("explicit zones and sizes") {
    FleetInput custom;
    custom.cluster = "fleet";
    custom.count = 2;
    custom.instance_type = "x9.huge";
    custom.cpu = 999;
    custom.memory = 555;
    custom.availability_zones = {"eu-west-1z"};
    auto c = f.cp->CreateFleet(f.ctx, custom);
    REQUIRE(c.ok());
    CHECK((*c)[1]->RegisteredInteger("CPU") == 999);
    CHECK((*c)[1]->availability_zone() == "eu-west-1z");
  }
  SECTION("an unknown type needs cpu and memory") {
    FleetInput bad;
    bad.instance_type = "x9.huge";
    CHECK(f.cp->CreateFleet(f.ctx, bad).status().code() == ErrorCode::kInvalidParameterException);
    bad.instance_type = "m5.large";
    bad.count = 0;
    CHECK(f.cp->CreateFleet(f.ctx, bad).status().code() == ErrorCode::kInvalidParameterException);
  }
  SECTION("the zones list comes from the options") {
    auto options = ecs::testing::FastOptions();
    options.az_suffixes = {"d", "e"};
    TaskFixture g(options);
    FleetInput two;
    two.count = 3;
    two.create_cluster = true;
    auto m = g.cp->CreateFleet(g.ctx, two);
    REQUIRE(m.ok());
    CHECK((*m)[0]->availability_zone() == "us-east-1d");
    CHECK((*m)[1]->availability_zone() == "us-east-1e");
    CHECK((*m)[2]->availability_zone() == "us-east-1d");
  }
}

TEST_CASE("ListContainerInstances filters by status and by query", "[instances][list]") {
  TaskFixture f;
  f.Cluster("c");
  auto fleet = f.Fleet("c", 6);
  std::vector<std::string> arns;
  arns.reserve(fleet.size());
  for (const auto* ci : fleet) arns.push_back(ci->arn);
  std::vector<const model::ContainerInstance*> updated;
  std::vector<DescribeFailure> failures;
  REQUIRE(f.cp->UpdateContainerInstancesState(f.ctx, "c", {arns[1]},
                                              model::InstanceStatus::kDraining, &updated, &failures)
              .ok());
  REQUIRE(f.cp->DeregisterContainerInstance(f.ctx, "c", arns[5], false).ok());

  CHECK(ListAll(f, "c", "", std::nullopt) ==
        std::vector<std::string>{arns[0], arns[1], arns[2], arns[3], arns[4]});
  CHECK(ListAll(f, "c", "", model::InstanceStatus::kDraining) == std::vector<std::string>{arns[1]});
  CHECK(ListAll(f, "c", "", model::InstanceStatus::kActive).size() == 4);
  CHECK(ListAll(f, "c", "", std::nullopt, 2) == ListAll(f, "c", "", std::nullopt));
  CHECK(ListAll(f, "c", "attribute:ecs.availability-zone == us-east-1b", std::nullopt) ==
        std::vector<std::string>{arns[1], arns[4]});
  CHECK(ListAll(f, "c", "attribute:ecs.availability-zone == us-east-1b",
                model::InstanceStatus::kActive) == std::vector<std::string>{arns[4]});
  CHECK(ListAll(f, "c",
                "attribute:ecs.availability-zone in [us-east-1a, us-east-1c] and "
                "not(ec2InstanceId == " +
                    fleet[0]->ec2_instance_id + ")",
                std::nullopt) == std::vector<std::string>{arns[2], arns[3]});

  // Tasks show up in runningTasksCount and task:group.
  auto in = f.Run("c", f.Simple("web", 10, 10));
  in.constraints = {{"memberOf", "ec2InstanceId == " + fleet[3]->ec2_instance_id}};
  f.MustRun(in);
  CHECK(ListAll(f, "c", "runningTasksCount > 0", std::nullopt) ==
        std::vector<std::string>{arns[3]});
  CHECK(ListAll(f, "c", "task:group == family:web", std::nullopt) ==
        std::vector<std::string>{arns[3]});
  CHECK(ListAll(f, "c", "agentConnected == true and agentVersion >= 1.0.0", std::nullopt).size() ==
        5);

  auto bad = f.cp->ListContainerInstances(f.ctx, {"c", "attribute:x == (y", std::nullopt, {}});
  CHECK(bad.status().code() == ErrorCode::kInvalidParameterException);
  CHECK_THAT(bad.status().message(), Catch::Contains("position"));
  CHECK(f.cp->ListContainerInstances(f.ctx, {"nope", "", std::nullopt, {}}).status().code() ==
        ErrorCode::kClusterNotFoundException);
  CHECK_FALSE(f.cp->ListContainerInstances(f.ctx, {"c", "", std::nullopt, {0, std::nullopt}}).ok());
}

TEST_CASE("UpdateContainerInstancesState moves between ACTIVE and DRAINING",
          "[instances][draining]") {
  TaskFixture f;
  f.Cluster("c");
  auto fleet = f.Fleet("c", 2);
  const std::string a = fleet[0]->arn, b = fleet[1]->arn;
  std::vector<const model::ContainerInstance*> updated;
  std::vector<DescribeFailure> failures;
  REQUIRE(f.cp->UpdateContainerInstancesState(f.ctx, "c", {a, "deadbeef"},
                                              model::InstanceStatus::kDraining, &updated, &failures)
              .ok());
  REQUIRE(updated.size() == 1);
  CHECK(updated[0]->status == model::InstanceStatus::kDraining);
  CHECK(updated[0]->version == 2);
  REQUIRE(failures.size() == 1);
  CHECK(failures[0].reason == "MISSING");
  CHECK(failures[0].arn == "arn:aws:ecs:us-east-1:000000000000:container-instance/c/deadbeef");
  // DRAINING instances still count as registered.
  CHECK(f.Counts("c").registered_container_instances == 2);

  updated.clear();
  failures.clear();
  CHECK(f.cp->UpdateContainerInstancesState(f.ctx, "c", {a}, model::InstanceStatus::kInactive,
                                            &updated, &failures)
            .code() == ErrorCode::kInvalidParameterException);
  REQUIRE(f.cp->UpdateContainerInstancesState(f.ctx, "c", {a}, model::InstanceStatus::kActive,
                                              &updated, &failures)
              .ok());
  CHECK(f.Instance("c", a)->status == model::InstanceStatus::kActive);
  CHECK(f.Instance("c", a)->version == 3);

  REQUIRE(f.cp->DeregisterContainerInstance(f.ctx, "c", b, false).ok());
  updated.clear();
  REQUIRE(f.cp->UpdateContainerInstancesState(f.ctx, "c", {b}, model::InstanceStatus::kDraining,
                                              &updated, &failures)
              .ok());
  CHECK(updated.empty());
  CHECK(failures.back().arn == b);
}

TEST_CASE("UpdateContainerAgent simulates an update over time", "[instances][agent]") {
  TaskFixture f;
  f.Cluster("c");
  RegisterInstanceInput old_agent;
  old_agent.cluster = "c";
  old_agent.agent_version = "1.50.0";
  auto r = f.cp->RegisterContainerInstance(f.ctx, old_agent);
  REQUIRE(r.ok());
  const std::string arn = (*r)->arn;
  auto up = f.cp->UpdateContainerAgent(f.ctx, "c", arn);
  REQUIRE(up.ok());
  CHECK((*up)->agent_update_status == model::AgentUpdateStatus::kPending);
  CHECK((*up)->version == 2);
  f.Advance(1'500);
  CHECK(f.cp->UpdateContainerAgent(f.ctx, "c", arn).status().code() ==
        ErrorCode::kUpdateInProgressException);
  f.Advance(3'000);
  // UPDATED: now on the newest agent, so nothing more to do.
  CHECK(f.cp->UpdateContainerAgent(f.ctx, "c", arn).status().code() ==
        ErrorCode::kNoUpdateAvailableException);

  auto fresh = f.Fleet("c", 1);
  CHECK(f.cp->UpdateContainerAgent(f.ctx, "c", fresh[0]->arn).status().code() ==
        ErrorCode::kNoUpdateAvailableException);
  CHECK(f.cp->UpdateContainerAgent(f.ctx, "c", "0000").status().code() ==
        ErrorCode::kInvalidParameterException);
}

TEST_CASE("DescribeContainerInstances reports MISSING and includes INACTIVE ones",
          "[instances][describe]") {
  TaskFixture f;
  f.Cluster("c");
  auto fleet = f.Fleet("c", 2);
  const std::string a = fleet[0]->arn, b = fleet[1]->id;
  REQUIRE(f.cp->DeregisterContainerInstance(f.ctx, "c", b, false).ok());
  std::vector<const model::ContainerInstance*> found;
  std::vector<DescribeFailure> failures;
  REQUIRE(f.cp->DescribeContainerInstances(f.ctx, "c", {b, "nope", a, a}, &found, &failures).ok());
  REQUIRE(found.size() == 2);
  CHECK(found[0]->status == model::InstanceStatus::kInactive);
  CHECK(found[1]->arn == a);
  REQUIRE(failures.size() == 1);
  CHECK(failures[0].reason == "MISSING");
}

TEST_CASE("Custom attributes steer placement and listing", "[instances][attributes]") {
  TaskFixture f;
  f.Cluster("c");
  auto fleet = f.Fleet("c", 3);
  AttributeTarget gpu;
  gpu.attribute = {"gpu", "yes"};
  gpu.target_id = fleet[2]->arn;
  auto put = f.cp->PutAttributes(f.ctx, "c", {gpu});
  REQUIRE(put.ok());
  CHECK((*put)[0].target_type == "container-instance");
  auto in = f.Run("c", f.Simple("g", 10, 10), 5);
  in.constraints = {{"memberOf", "attribute:gpu exists"}};
  for (const auto* t : f.MustRun(in).tasks) CHECK(t->container_instance_id == fleet[2]->id);
  CHECK(ListAll(f, "c", "attribute:gpu == yes", std::nullopt) ==
        std::vector<std::string>{fleet[2]->arn});

  AttributeTarget del;
  del.attribute = {"gpu", std::nullopt};
  del.target_id = fleet[2]->id;
  del.target_type = "container-instance";
  REQUIRE(f.cp->DeleteAttributes(f.ctx, "c", {del}).ok());
  auto none = f.MustRun(in);
  CHECK(none.tasks.empty());
  CHECK(none.failures.size() == 5);  // one per task that could not be placed
  CHECK(ListAll(f, "c", "attribute:gpu exists", std::nullopt).empty());
}

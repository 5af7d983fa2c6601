// Express gateway services: the pure rules (defaults, merging an update, validation, the managed
// resources) and the whole life of one through the control plane on a manual clock — created
// PROVISIONING, ACTIVE once provisioned, updated through a new deployment, deleted in order
// (tasks, then resources, then INACTIVE), and the same after a reload.
#include "control/express_gateway.h"

#include <rapidjson/document.h>

#include <catch2/catch.hpp>
#include <memory>
#include <string>

#include "control/control_plane.h"
#include "taskdef/normalize.h"
#include "tests/control/harness.h"

using namespace ecs;
using namespace ecs::control;

namespace {

constexpr const char* kExec = "arn:aws:iam::000000000000:role/exec";
constexpr const char* kInfra = "arn:aws:iam::000000000000:role/infra";

ExpressInput Minimal(const std::string& image = "nginx:1") {
  ExpressInput in;
  in.infrastructure_role_arn = kInfra;
  in.execution_role_arn = kExec;
  in.primary_container = ExpressContainerInput{
      image, std::nullopt, model::RawJson::FromText(R"({"image":")" + image + R"("})")};
  return in;
}

taskdef::TaskDefinitionSpec Spec(const ExpressPlan& plan) {
  const std::string json = R"({"family":")" + plan.family +
                           R"(","networkMode":"awsvpc","requiresCompatibilities":["FARGATE"],)" +
                           R"("cpu":")" + plan.config.cpu + R"(","memory":")" + plan.config.memory +
                           R"(","containerDefinitions":[{"name":"Main","image":")" +
                           plan.config.image + R"(","portMappings":[{"containerPort":80}]}]})";
  rapidjson::Document d;
  d.Parse(json.c_str());
  auto spec = taskdef::NormalizeTaskDefinition(d);
  REQUIRE(spec.ok());
  return std::move(spec).value();
}

}  // namespace

TEST_CASE("Express configuration: documented defaults, kept members on update, validation",
          "[control][express]") {
  auto created = MergeExpressConfiguration(nullptr, Minimal());
  REQUIRE(created.ok());
  CHECK(created->cpu == "256");
  CHECK(created->memory == "512");
  CHECK(created->health_check_path == "/ping");
  CHECK(created->container_port == 80);
  CHECK(created->scaling.target_value == 60);
  CHECK(created->scaling.metric == model::ExpressScalingMetric::kAverageCpu);
  CHECK(created->scaling.min_tasks == 1);

  ExpressInput update;
  update.cpu = "1024";
  update.min_tasks = 3;
  auto next = MergeExpressConfiguration(&*created, update);
  REQUIRE(next.ok());
  CHECK(next->cpu == "1024");
  CHECK(next->memory == "512");  // not given: kept
  CHECK(next->image == "nginx:1");
  CHECK(next->scaling.min_tasks == 3);

  struct Bad {
    const char* what;
    void (*apply)(ExpressInput&);
  };
  const Bad bad[] = {
      {"health check path", [](ExpressInput& in) { in.health_check_path = "ping"; }},
      {"min above max",
       [](ExpressInput& in) {
         in.min_tasks = 5;
         in.max_tasks = 2;
       }},
      {"target value", [](ExpressInput& in) { in.target_value = 0; }},
      {"utilization over 100", [](ExpressInput& in) { in.target_value = 150; }},
      {"port", [](ExpressInput& in) { in.primary_container->container_port = 0; }},
      {"execution role", [](ExpressInput& in) { in.execution_role_arn = "role"; }},
      {"subnets", [](ExpressInput& in) { in.subnets = std::vector<std::string>(17, "s"); }},
  };
  for (const auto& b : bad) {
    ExpressInput in = Minimal();
    b.apply(in);
    INFO(b.what);
    auto r = MergeExpressConfiguration(nullptr, in);
    REQUIRE_FALSE(r.ok());
    CHECK(r.status().code() == ErrorCode::kInvalidParameterException);
  }
}

TEST_CASE("Express managed resources: every kind, in its service's ARN format, PROVISIONING",
          "[control][express]") {
  IdGenerator ids(5);
  model::ExpressConfiguration config;
  auto resources =
      NewManagedResources({"000000000000", "us-east-1"}, "default", "web", config,
                          "web-1.ecs.us-east-1.on.aws", "/aws/ecs/default/web", 10, 20, ids);
  REQUIRE(resources.size() == 11);
  for (const auto& m : resources) {
    CHECK(m.status == model::ManagedStatus::kProvisioning);
    CHECK(m.due_at == 20);
    CHECK(m.arn.find(":us-east-1:000000000000:") != std::string::npos);
  }
  CHECK(resources[0].arn.find("loadbalancer/app/ecs-express-gateway-alb-") != std::string::npos);
  config.security_groups = {"sg-given"};
  auto without = NewManagedResources({"000000000000", "us-east-1"}, "default", "web", config, "d",
                                     "", 10, 20, ids);
  CHECK(without.size() == 9);  // no service security group, no log group
}

TEST_CASE("An Express service provisions, updates and tears down in order on simulated time",
          "[control][express]") {
  auto store = testing::QueuedMemoryStore();
  ManualClock clock;
  ControlOptions options = testing::Checked({});
  options.lifecycle.managed_resources = 5000;
  auto cp = std::make_unique<ControlPlane>(store.get(), &clock, IdGenerator(3), options);
  RequestContext ctx{{"000000000000", "us-east-1"}};
  CreateClusterInput cluster;
  cluster.cluster_name = "default";
  auto made = cp->CreateCluster(ctx, std::move(cluster));
  REQUIRE(made.ok());

  ExpressInput in = Minimal();
  in.service_name = "web";
  in.min_tasks = 2;
  auto plan = cp->PlanExpressGatewayService(ctx, in);
  REQUIRE(plan.ok());
  auto created = cp->CreateExpressGatewayService(ctx, *plan, true, Spec(*plan), {});
  REQUIRE(created.ok());
  const std::string arn = (*created)->service_arn;
  const model::Service* svc = cp->ServiceOf(**created);
  REQUIRE(svc);
  CHECK(svc->desired_count == 2);
  CHECK(svc->load_balancers.size() == 1);
  CHECK((*created)->resources.front().status == model::ManagedStatus::kProvisioning);

  clock.Advance(5000);
  REQUIRE(cp->RunDue(clock.Now()).ok());
  for (const auto& m : cp->FindExpressService(arn)->resources) {
    CHECK(m.status == model::ManagedStatus::kActive);
  }

  ExpressInput update;
  update.service_arn = arn;
  update.primary_container = Minimal("nginx:2").primary_container;
  auto next = cp->PlanExpressUpdate(ctx, update);
  REQUIRE(next.ok());
  auto updated = cp->UpdateExpressGatewayService(ctx, *next, Spec(*next));
  REQUIRE(updated.ok());
  CHECK((*updated)->configurations.size() == 2);
  CHECK(cp->ServiceOf(**updated)->deployments.size() == 2);

  auto deleted = cp->DeleteExpressGatewayService(ctx, arn);
  REQUIRE(deleted.ok());
  CHECK((*deleted)->status == model::ExpressStatus::kDraining);
  // Tasks stop first; the resources go once none is left, then the service is INACTIVE.
  for (int i = 0; i < 100 && cp->FindExpressService(arn)->status != model::ExpressStatus::kInactive;
       ++i) {
    clock.Advance(100);
    REQUIRE(cp->RunDue(clock.Now()).ok());
    const auto* e = cp->FindExpressService(arn);
    if (e->resources.front().status == model::ManagedStatus::kDeprovisioning) {
      for (const auto& [id, t] : cp->tenants().begin()->second.cluster_state.at("default").tasks) {
        if (t.group == "service:web") CHECK(t.last_status == model::TaskState::kStopped);
      }
    }
  }
  CHECK(cp->FindExpressService(arn)->status == model::ExpressStatus::kInactive);
  CHECK(cp->FindExpressService(arn)->resources.back().status == model::ManagedStatus::kDeleted);
  auto again = cp->DeleteExpressGatewayService(ctx, arn);
  CHECK(again.status().code() == ErrorCode::kServiceNotActiveException);

  // What memory holds is what a restart loads.
  REQUIRE(testing::Flush(*store, *cp).ok());
  const auto rows = testing::Rows(*cp);
  auto reloaded = std::make_unique<ControlPlane>(store.get(), &clock, IdGenerator(4), options);
  REQUIRE(reloaded->Load().ok());
  CHECK(testing::Rows(*reloaded) == rows);
  CHECK(*reloaded->FindExpressService(arn) == *cp->FindExpressService(arn));
}

// The Express gateway service row (Kind::kExpressGatewayService): every member round-trips, and
// a damaged row is Corrupt naming its kind.
#include <catch2/catch.hpp>

#include "storage/codec.h"
#include "storage/store.h"

using namespace ecs;
using namespace ecs::storage;

TEST_CASE("An Express gateway service row round-trips with its revisions and resources",
          "[storage][express]") {
  model::ExpressGatewayService e;
  e.tenant = {"000000000000", "us-east-1"};
  e.service_arn = "arn:aws:ecs:us-east-1:000000000000:service/default/web";
  e.cluster = "default";
  e.name = "web";
  e.seq = 7;
  e.infrastructure_role_arn = "arn:aws:iam::000000000000:role/infra";
  e.status = model::ExpressStatus::kDraining;
  e.status_reason = "The service is being deleted.";
  e.endpoint = "https://web-0123abcd.ecs.us-east-1.on.aws";
  e.created_at = 1000;
  e.updated_at = 2000;
  model::ExpressConfiguration c;
  c.deployment_id = "ecs-svc/1234567890123456789";
  c.task_definition_arn = "arn:aws:ecs:us-east-1:000000000000:task-definition/web:1";
  c.execution_role_arn = "arn:aws:iam::000000000000:role/exec";
  c.task_role_arn = "arn:aws:iam::000000000000:role/task";
  c.image = "nginx:1";
  c.container_port = 8080;
  c.primary_container = model::RawJson::FromText(R"({"image":"nginx:1","containerPort":8080})");
  c.subnets = {"subnet-1", "subnet-2"};
  c.security_groups = {"sg-1"};
  c.scaling = {2, 5, model::ExpressScalingMetric::kRequestCountPerTarget, 300};
  c.created_at = 1000;
  e.configurations = {c, c};
  e.configurations[1].deployment_id = "ecs-svc/9999999999999999999";
  e.resources = {
      {model::ManagedKind::kLoadBalancer, "arn:lb", "", model::ManagedStatus::kActive, "", 10, 0},
      {model::ManagedKind::kLogGroup, "arn:log", "/aws/ecs/default/web",
       model::ManagedStatus::kDeprovisioning, "why", 20, 30}};
  auto store = std::move(*Store::Open(":memory:"));
  ChangeSet changes;
  changes.PutExpressGatewayService(e);
  REQUIRE(store->Commit(changes).ok());
  auto snap = store->Load();
  REQUIRE(snap.ok());
  REQUIRE(snap->express_gateway_services.size() == 1);
  CHECK(snap->express_gateway_services[0] == e);
  CHECK(KindName(Kind::kExpressGatewayService) == "express gateway service");
  auto damaged = DecodeExpressGatewayService(e.service_arn, R"({"account":"a","region":"r"})");
  REQUIRE_FALSE(damaged.ok());
  CHECK(damaged.status().code() == ErrorCode::kCorrupt);
  CHECK(damaged.status().message().find("express gateway service") != std::string::npos);
}

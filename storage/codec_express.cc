// Row body of an Express gateway service (Kind::kExpressGatewayService): its revisions'
// configurations and its simulated managed resources (model/express_gateway.h).
#include "common/json.h"
#include "storage/codec.h"
#include "storage/codec_util.h"
#include "storage/row_reader.h"

namespace ecs::storage {

namespace {

void WriteConfiguration(JsonWriter& w, const model::ExpressConfiguration& c) {
  w.StartObject()
      .Member("deploymentId", c.deployment_id)
      .Member("taskDefinition", c.task_definition_arn)
      .Member("executionRoleArn", c.execution_role_arn)
      .Member("taskRoleArn", c.task_role_arn)
      .Member("cpu", c.cpu)
      .Member("memory", c.memory)
      .Member("healthCheckPath", c.health_check_path)
      .Member("image", c.image)
      .Member("containerPort", c.container_port)
      .Member("primaryContainer", c.primary_container.text())
      .StringArray("subnets", c.subnets)
      .StringArray("securityGroups", c.security_groups)
      .Member("minTasks", c.scaling.min_tasks)
      .Member("maxTasks", c.scaling.max_tasks)
      .Member("metric", model::ToString(c.scaling.metric))
      .Member("targetValue", c.scaling.target_value)
      .Member("createdAt", c.created_at)
      .EndObject();
}

model::ExpressConfiguration ReadConfiguration(RowReader& r) {
  model::ExpressConfiguration c;
  c.deployment_id = r.String("deploymentId");
  c.task_definition_arn = r.String("taskDefinition");
  c.execution_role_arn = r.String("executionRoleArn");
  c.task_role_arn = r.OptString("taskRoleArn");
  c.cpu = r.String("cpu");
  c.memory = r.String("memory");
  c.health_check_path = r.String("healthCheckPath");
  c.image = r.String("image");
  c.container_port = r.Int("containerPort");
  c.primary_container = model::RawJson::FromText(r.OptString("primaryContainer"));
  c.subnets = ReadStrings(r, r.Array("subnets"), "subnets");
  c.security_groups = ReadStrings(r, r.Array("securityGroups"), "securityGroups");
  c.scaling.min_tasks = r.Int("minTasks");
  c.scaling.max_tasks = r.Int("maxTasks");
  c.scaling.metric = r.Enum<model::ExpressScalingMetric>("metric");
  c.scaling.target_value = r.Int("targetValue");
  c.created_at = r.Int("createdAt");
  return c;
}

void WriteResource(JsonWriter& w, const model::ManagedResource& m) {
  w.StartObject()
      .Member("kind", model::ToString(m.kind))
      .Member("arn", m.arn)
      .Member("name", m.name)
      .Member("status", model::ToString(m.status))
      .Member("statusReason", m.status_reason)
      .Member("updatedAt", m.updated_at)
      .Member("dueAt", m.due_at)
      .EndObject();
}

model::ManagedResource ReadResource(RowReader& r) {
  model::ManagedResource m;
  m.kind = r.Enum<model::ManagedKind>("kind");
  m.arn = r.String("arn");
  m.name = r.OptString("name");
  m.status = r.Enum<model::ManagedStatus>("status");
  m.status_reason = r.OptString("statusReason");
  m.updated_at = r.Int("updatedAt");
  m.due_at = r.Int("dueAt");
  return m;
}

}  // namespace

std::string EncodeExpressGatewayService(const model::ExpressGatewayService& e) {
  JsonWriter w;
  w.StartObject()
      .Member("account", e.tenant.account)
      .Member("region", e.tenant.region)
      .Member("serviceArn", e.service_arn)
      .Member("cluster", e.cluster)
      .Member("name", e.name)
      .Member("seq", e.seq)
      .Member("infrastructureRoleArn", e.infrastructure_role_arn)
      .Member("status", model::ToString(e.status))
      .Member("statusReason", e.status_reason)
      .Member("endpoint", e.endpoint)
      .Member("createdAt", e.created_at)
      .Member("updatedAt", e.updated_at);
  w.Key("configurations").StartArray();
  for (const auto& c : e.configurations) WriteConfiguration(w, c);
  w.EndArray().Key("resources").StartArray();
  for (const auto& m : e.resources) WriteResource(w, m);
  w.EndArray().EndObject();
  return w.str();
}

Result<model::ExpressGatewayService> DecodeExpressGatewayService(std::string_view key,
                                                                 std::string_view body) {
  RowReader r("express gateway service", key, body);
  model::ExpressGatewayService e;
  e.tenant = {r.String("account"), r.String("region")};
  e.service_arn = r.String("serviceArn");
  e.cluster = r.String("cluster");
  e.name = r.String("name");
  e.seq = r.Int("seq");
  e.infrastructure_role_arn = r.String("infrastructureRoleArn");
  e.status = r.Enum<model::ExpressStatus>("status");
  e.status_reason = r.OptString("statusReason");
  e.endpoint = r.String("endpoint");
  e.created_at = r.Int("createdAt");
  e.updated_at = r.Int("updatedAt");
  for (const auto& c : r.Array("configurations").GetArray()) {
    RowReader item = r.Nested(c);
    e.configurations.push_back(ReadConfiguration(item));
  }
  for (const auto& m : r.Array("resources").GetArray()) {
    RowReader item = r.Nested(m);
    e.resources.push_back(ReadResource(item));
  }
  if (r.ok() && e.configurations.empty()) r.Fail("configurations", "is empty");
  if (!r.ok()) return r.status();
  return e;
}

}  // namespace ecs::storage

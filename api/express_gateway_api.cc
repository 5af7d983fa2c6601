// CreateExpressGatewayService, DescribeExpressGatewayService, UpdateExpressGatewayService,
// DeleteExpressGatewayService (control/express_gateway.cc): decode -> plan -> the revision's task
// definition (taskdef::NormalizeTaskDefinition, as RegisterTaskDefinition) -> control -> encode.
// Also the ecsManagedResources member DescribeServiceRevisions shows for an Express service.
#include <rapidjson/document.h>

#include "api/decode.h"
#include "api/encode.h"
#include "api/express_members.h"
#include "api/operations.h"
#include "taskdef/normalize.h"

namespace ecs::api {

namespace {

// Each element of a list of {name, value}-like objects, type-checked (the echo is raw).
void CheckNamedList(JsonObjectReader& in, std::string_view member, const char* value_member,
                    bool value_required) {
  const rapidjson::Value* arr = in.Array(member);
  if (!arr) return;
  for (const auto& item : arr->GetArray()) {
    JsonObjectReader r = in.Nested(item, member);
    if (value_required) {
      (void)ReadRequiredString(r, "name");
      (void)ReadRequiredString(r, value_member);
    } else {
      (void)r.String("name");
      (void)r.String(value_member);
    }
    if (!r.ok()) return in.Fail(r.status());
  }
}

// ExpressGatewayContainer; nullopt when absent. `has_logs`: it names its own log group.
std::optional<control::ExpressContainerInput> ReadContainer(JsonObjectReader& in, bool* has_logs) {
  const rapidjson::Value* v = in.Object("primaryContainer");
  if (!v) return std::nullopt;
  JsonObjectReader r = in.Nested(*v, "primaryContainer");
  control::ExpressContainerInput c;
  c.image = ReadRequiredString(r, "image");
  c.container_port = r.Int("containerPort");
  if (const rapidjson::Value* logs = r.Object("awsLogsConfiguration")) {
    JsonObjectReader l = r.Nested(*logs, "awsLogsConfiguration");
    (void)ReadRequiredString(l, "logGroup");
    (void)ReadRequiredString(l, "logStreamPrefix");
    if (!l.ok()) r.Fail(l.status());
    *has_logs = true;
  }
  if (const rapidjson::Value* creds = r.Object("repositoryCredentials")) {
    JsonObjectReader k = r.Nested(*creds, "repositoryCredentials");
    (void)k.String("credentialsParameter");
    if (!k.ok()) r.Fail(k.status());
  }
  (void)r.StringList("command");
  CheckNamedList(r, "environment", "value", false);
  CheckNamedList(r, "secrets", "valueFrom", true);
  if (!r.ok()) in.Fail(r.status());
  c.raw = Raw(*v);
  return c;
}

// The members Create and Update share.
control::ExpressInput ReadExpressInput(JsonObjectReader& in, bool* has_logs) {
  control::ExpressInput e;
  e.execution_role_arn = in.String("executionRoleArn");
  e.task_role_arn = in.String("taskRoleArn");
  e.cpu = in.String("cpu");
  e.memory = in.String("memory");
  e.health_check_path = in.String("healthCheckPath");
  e.primary_container = ReadContainer(in, has_logs);
  if (const rapidjson::Value* net = in.Object("networkConfiguration")) {
    JsonObjectReader r = in.Nested(*net, "networkConfiguration");
    e.subnets = r.StringList("subnets");
    e.security_groups = r.StringList("securityGroups");
    if (!r.ok()) in.Fail(r.status());
  }
  if (const rapidjson::Value* scaling = in.Object("scalingTarget")) {
    JsonObjectReader r = in.Nested(*scaling, "scalingTarget");
    e.min_tasks = r.Int("minTaskCount");
    e.max_tasks = r.Int("maxTaskCount");
    e.metric = ReadWireEnum<model::ExpressScalingMetric>(r, "autoScalingMetric");
    e.target_value = r.Int("autoScalingTargetValue");
    if (!r.ok()) in.Fail(r.status());
  }
  return e;
}

void CopyMember(JsonWriter& w, const rapidjson::Value& from, const char* member) {
  auto it = from.FindMember(member);
  if (it != from.MemberEnd() && !it->value.IsNull()) w.Key(member).Value(it->value);
}

// The primary container's definition in the revision's task definition.
void WriteContainerDefinition(JsonWriter& w, const control::ExpressPlan& plan,
                              const rapidjson::Value& given, const std::string& region) {
  w.StartObject()
      .Member("name", plan.container_name)
      .Member("image", plan.config.image)
      .Member("essential", true)
      .Key("portMappings")
      .StartArray()
      .StartObject()
      .Member("containerPort", plan.config.container_port)
      .Member("protocol", "tcp")
      .EndObject()
      .EndArray();
  for (const char* m : {"command", "environment", "secrets", "repositoryCredentials"}) {
    CopyMember(w, given, m);
  }
  std::string group = plan.log_group;
  std::string prefix = "ecs";  // ExpressGatewayServiceAwsLogsConfiguration's default
  if (auto logs = given.FindMember("awsLogsConfiguration");
      logs != given.MemberEnd() && logs->value.IsObject()) {
    group = logs->value["logGroup"].GetString();
    prefix = logs->value["logStreamPrefix"].GetString();
  }
  w.Key("logConfiguration")
      .StartObject()
      .Member("logDriver", "awslogs")
      .Key("options")
      .StartObject()
      .Member("awslogs-group", group)
      .Member("awslogs-region", region)
      .Member("awslogs-stream-prefix", prefix)
      .EndObject()
      .EndObject()
      .EndObject();
}

// The revision's task definition: Fargate, awsvpc, the plan's size and roles, one container.
Result<taskdef::TaskDefinitionSpec> ExpressTaskDefinition(const control::ExpressPlan& plan,
                                                          const std::string& region) {
  rapidjson::Document given;
  given.Parse(plan.config.primary_container.text().c_str());
  if (given.HasParseError() || !given.IsObject()) given.SetObject();
  JsonWriter w;
  w.StartObject()
      .Member("family", plan.family)
      .Member("networkMode", "awsvpc")
      .StringArray("requiresCompatibilities", {"FARGATE"})
      .Member("cpu", plan.config.cpu)
      .Member("memory", plan.config.memory)
      .Member("executionRoleArn", plan.config.execution_role_arn);
  if (!plan.config.task_role_arn.empty()) w.Member("taskRoleArn", plan.config.task_role_arn);
  w.Key("containerDefinitions").StartArray();
  WriteContainerDefinition(w, plan, given, region);
  w.EndArray().EndObject();
  rapidjson::Document request;
  request.Parse(w.str().c_str());
  return taskdef::NormalizeTaskDefinition(request);
}

const model::Deployment* FindDeployment(const model::Service* s, const std::string& id) {
  if (!s) return nullptr;
  for (const auto& d : s->deployments) {
    if (d.id == id) return &d;
  }
  return nullptr;
}

void WriteStatus(JsonWriter& w, const model::ExpressGatewayService& e) {
  w.Key("status").StartObject().Member("statusCode", model::ToString(e.status));
  if (!e.status_reason.empty()) w.Member("statusReason", e.status_reason);
  w.EndObject();
}

void WriteConfiguration(JsonWriter& w, const model::ExpressGatewayService& e,
                        const model::Service* s, const model::ExpressConfiguration& c) {
  w.StartObject();
  if (const model::Deployment* d = FindDeployment(s, c.deployment_id)) {
    w.Member("serviceRevisionArn", control::ControlPlane::ServiceRevisionArn(*s, *d));
  }
  w.Member("executionRoleArn", c.execution_role_arn);
  if (!c.task_role_arn.empty()) w.Member("taskRoleArn", c.task_role_arn);
  w.Member("cpu", c.cpu).Member("memory", c.memory);
  w.Key("networkConfiguration")
      .StartObject()
      .StringArray("securityGroups", c.security_groups)
      .StringArray("subnets", c.subnets)
      .EndObject()
      .Member("healthCheckPath", c.health_check_path);
  if (!c.primary_container.empty()) w.Key("primaryContainer").Raw(c.primary_container.text());
  w.Key("scalingTarget")
      .StartObject()
      .Member("minTaskCount", c.scaling.min_tasks)
      .Member("maxTaskCount", c.scaling.max_tasks)
      .Member("autoScalingMetric", model::ToString(c.scaling.metric))
      .Member("autoScalingTargetValue", c.scaling.target_value)
      .EndObject()
      .Key("ingressPaths")
      .StartArray()
      .StartObject()
      .Member("accessType", "PUBLIC")
      .Member("endpoint", e.endpoint)
      .EndObject()
      .EndArray()
      .Key("createdAt")
      .Timestamp(c.created_at)
      .EndObject();
}

// The configurations whose deployment still runs (PRIMARY or draining); the newest when none.
std::vector<const model::ExpressConfiguration*> ActiveConfigurations(
    const model::ExpressGatewayService& e, const model::Service* s) {
  std::vector<const model::ExpressConfiguration*> out;
  for (const auto& c : e.configurations) {
    const model::Deployment* d = FindDeployment(s, c.deployment_id);
    if (d && d->status != model::DeploymentStatus::kInactive) out.push_back(&c);
  }
  if (out.empty()) out.push_back(&e.current());
  return out;
}

void WriteExpressService(JsonWriter& w, const control::ControlPlane& cp,
                         const model::ExpressGatewayService& e, bool tags) {
  const model::Service* s = cp.ServiceOf(e);
  w.StartObject()
      .Member("cluster", ArnPrefix(e.tenant) + "cluster/" + e.cluster)
      .Member("serviceName", e.name)
      .Member("serviceArn", e.service_arn)
      .Member("infrastructureRoleArn", e.infrastructure_role_arn);
  WriteStatus(w, e);
  if (s && !s->deployments.empty() && e.status == model::ExpressStatus::kActive) {
    w.Member("currentDeployment",
             control::ControlPlane::ServiceDeploymentArn(*s, s->deployments.front()));
  }
  w.Key("activeConfigurations").StartArray();
  for (const auto* c : ActiveConfigurations(e, s)) WriteConfiguration(w, e, s, *c);
  w.EndArray();
  if (tags) WriteTags(w, "tags", cp.TagsOf(e.service_arn));
  w.Key("createdAt").Timestamp(e.created_at).Key("updatedAt").Timestamp(e.updated_at).EndObject();
}

std::string ExpressReply(OpContext& op, const model::ExpressGatewayService& e, bool tags) {
  JsonWriter w;
  w.StartObject().Key("service");
  WriteExpressService(w, op.control, e, tags);
  w.EndObject();
  return w.str();
}

}  // namespace

Result<std::string> CreateExpressGatewayService(OpContext& op) {
  bool has_logs = false;
  control::ExpressInput in = ReadExpressInput(op.in, &has_logs);
  in.infrastructure_role_arn = ReadRequiredString(op.in, "infrastructureRoleArn");
  if (op.in.ok() && !in.execution_role_arn) (void)ReadRequiredString(op.in, "executionRoleArn");
  if (op.in.ok() && !in.primary_container) {
    op.in.Fail(Status::InvalidParameter("primaryContainer can not be empty."));
  }
  in.service_name = op.in.String("serviceName").value_or("");
  in.cluster = op.in.String("cluster").value_or("");
  in.tags = ReadTags(op.in, "tags").value_or(model::TagList{});
  if (!op.in.ok()) return op.in.status();
  auto plan = op.control.PlanExpressGatewayService(op.ctx, in);
  if (!plan.ok()) return plan.status();
  auto spec = ExpressTaskDefinition(*plan, op.ctx.tenant.region);
  if (!spec.ok()) return spec.status();
  auto e = op.control.CreateExpressGatewayService(op.ctx, *plan, !has_logs, std::move(spec).value(),
                                                  std::move(in.tags));
  if (!e.ok()) return e.status();
  return ExpressReply(op, **e, /*tags=*/true);
}

Result<std::string> DescribeExpressGatewayService(OpContext& op) {
  std::string arn = ReadRequiredString(op.in, "serviceArn");
  auto include = ReadEnumList(op.in, "include", {"TAGS"});
  if (!op.in.ok()) return op.in.status();
  auto e = op.control.DescribeExpressGatewayService(op.ctx, arn);
  if (!e.ok()) return e.status();
  return ExpressReply(op, **e, include.count("TAGS") > 0);
}

Result<std::string> UpdateExpressGatewayService(OpContext& op) {
  bool has_logs = false;
  control::ExpressInput in = ReadExpressInput(op.in, &has_logs);
  in.service_arn = ReadRequiredString(op.in, "serviceArn");
  if (!op.in.ok()) return op.in.status();
  auto plan = op.control.PlanExpressUpdate(op.ctx, in);
  if (!plan.ok()) return plan.status();
  auto spec = ExpressTaskDefinition(*plan, op.ctx.tenant.region);
  if (!spec.ok()) return spec.status();
  auto e = op.control.UpdateExpressGatewayService(op.ctx, *plan, std::move(spec).value());
  if (!e.ok()) return e.status();
  const model::Service* s = op.control.ServiceOf(**e);
  JsonWriter w;
  w.StartObject()
      .Key("service")
      .StartObject()
      .Member("serviceArn", (*e)->service_arn)
      .Member("cluster", ArnPrefix((*e)->tenant) + "cluster/" + (*e)->cluster)
      .Member("serviceName", (*e)->name);
  WriteStatus(w, **e);
  w.Key("targetConfiguration");
  WriteConfiguration(w, **e, s, (*e)->current());
  w.Key("createdAt").Timestamp((*e)->created_at).Key("updatedAt").Timestamp((*e)->updated_at);
  w.EndObject().EndObject();
  return w.str();
}

Result<std::string> DeleteExpressGatewayService(OpContext& op) {
  std::string arn = ReadRequiredString(op.in, "serviceArn");
  if (!op.in.ok()) return op.in.status();
  auto e = op.control.DeleteExpressGatewayService(op.ctx, arn);
  if (!e.ok()) return e.status();
  return ExpressReply(op, **e, /*tags=*/false);
}

}  // namespace ecs::api

// Service operations and the service-deployment history API: decode -> control -> encode.
#include "api/decode.h"
#include "api/encode.h"
#include "api/operations.h"

namespace ecs::api {

namespace {

// Members CreateService and UpdateService share. Stored-and-echoed members keep the JSON sent.
control::ServiceInput ReadServiceInput(JsonObjectReader& in) {
  control::ServiceInput s;
  s.cluster = in.String("cluster").value_or("");
  s.task_definition = in.String("taskDefinition");
  s.desired_count = in.Int("desiredCount");
  s.launch_type = ReadEnum(in, "launchType", {"EC2", "FARGATE", "EXTERNAL", "MANAGED_INSTANCES"});
  if (const rapidjson::Value* arr = in.Array("capacityProviderStrategy")) {
    s.capacity_provider_strategy.emplace();
    for (const auto& e : arr->GetArray()) {
      JsonObjectReader r = in.Nested(e, "capacityProviderStrategy");
      control::CreateClusterInput::StrategyItem item;
      item.capacity_provider = ReadRequiredString(r, "capacityProvider");
      item.weight = r.Int("weight").value_or(0);
      item.base = r.Int("base").value_or(0);
      s.capacity_provider_strategy->push_back(std::move(item));
    }
  }
  s.platform_version = in.String("platformVersion");
  s.scheduling_strategy = ReadEnum(in, "schedulingStrategy", {"REPLICA", "DAEMON"});
  if (const rapidjson::Value* dc = in.Object("deploymentConfiguration")) {
    JsonObjectReader d = in.Nested(*dc, "deploymentConfiguration");
    s.minimum_healthy_percent = d.Int("minimumHealthyPercent");
    s.maximum_percent = d.Int("maximumPercent");
    if (const rapidjson::Value* cb = d.Object("deploymentCircuitBreaker")) {
      JsonObjectReader b = d.Nested(*cb, "deploymentCircuitBreaker");
      s.circuit_breaker_enable = b.Bool("enable").value_or(false);
      s.circuit_breaker_rollback = b.Bool("rollback").value_or(false);
    }
    if (const rapidjson::Value* al = d.Object("alarms")) {
      JsonObjectReader a = d.Nested(*al, "alarms");
      (void)a.StringList("alarmNames");
      (void)a.Bool("enable");
      (void)a.Bool("rollback");
      s.alarms_json = ToJson(*al);
    }
    (void)ReadEnum(d, "strategy", {"ROLLING", "BLUE_GREEN", "LINEAR", "CANARY"});
  }
  if (const rapidjson::Value* dc = in.Object("deploymentController")) {
    JsonObjectReader d = in.Nested(*dc, "deploymentController");
    s.deployment_controller = ReadEnum(d, "type", {"ECS", "CODE_DEPLOY", "EXTERNAL"});
  }
  if (const rapidjson::Value* arr = in.Array("placementConstraints")) {
    s.placement_constraints.emplace();
    for (const auto& e : arr->GetArray()) {
      JsonObjectReader r = in.Nested(e, "placementConstraints");
      s.placement_constraints->emplace_back(r.String("type").value_or(""),
                                            r.String("expression").value_or(""));
    }
    s.placement_constraints_json = ToJson(*arr);
  }
  if (const rapidjson::Value* arr = in.Array("placementStrategy")) {
    s.placement_strategy.emplace();
    for (const auto& e : arr->GetArray()) {
      JsonObjectReader r = in.Nested(e, "placementStrategy");
      s.placement_strategy->emplace_back(r.String("type").value_or(""),
                                         r.String("field").value_or(""));
    }
    s.placement_strategy_json = ToJson(*arr);
  }
  if (const rapidjson::Value* nc = in.Object("networkConfiguration")) {
    JsonObjectReader n = in.Nested(*nc, "networkConfiguration");
    if (const rapidjson::Value* av = n.Object("awsvpcConfiguration")) {
      JsonObjectReader a = n.Nested(*av, "awsvpcConfiguration");
      control::AwsVpcInput vpc;
      vpc.subnets = a.StringList("subnets").value_or(std::vector<std::string>{});
      vpc.security_groups = a.StringList("securityGroups").value_or(std::vector<std::string>{});
      vpc.assign_public_ip =
          ReadEnum(a, "assignPublicIp", {"ENABLED", "DISABLED"}).value_or("DISABLED");
      // Echo with assignPublicIp filled in, as ECS does.
      JsonWriter w;
      w.StartObject().Key("awsvpcConfiguration").StartObject().StringArray("subnets", vpc.subnets);
      w.StringArray("securityGroups", vpc.security_groups)
          .Member("assignPublicIp", vpc.assign_public_ip)
          .EndObject()
          .EndObject();
      s.network_configuration_json = w.str();
      s.network = std::move(vpc);
    }
  }
  if (const rapidjson::Value* lb = in.Array("loadBalancers")) s.load_balancers_json = ToJson(*lb);
  if (const rapidjson::Value* sr = in.Array("serviceRegistries")) {
    s.service_registries_json = ToJson(*sr);
  }
  if (const rapidjson::Value* sc = in.Object("serviceConnectConfiguration")) {
    JsonObjectReader c = in.Nested(*sc, "serviceConnectConfiguration");
    (void)c.Bool("enabled");
    s.service_connect_namespace = c.String("namespace").value_or("");
    s.service_connect_configuration_json = ToJson(*sc);
  }
  s.health_check_grace_period_seconds = in.Int("healthCheckGracePeriodSeconds");
  s.propagate_tags = ReadEnum(in, "propagateTags", {"TASK_DEFINITION", "SERVICE", "NONE"});
  s.enable_ecs_managed_tags = in.Bool("enableECSManagedTags");
  s.enable_execute_command = in.Bool("enableExecuteCommand");
  s.availability_zone_rebalancing =
      ReadEnum(in, "availabilityZoneRebalancing", {"ENABLED", "DISABLED"});
  s.role_arn = in.String("role");
  s.client_token = in.String("clientToken").value_or("");
  s.tags = ReadTags(in, "tags").value_or(model::TagList{});
  s.force_new_deployment = in.Bool("forceNewDeployment").value_or(false);
  return s;
}

void WriteStrategyOrLaunch(JsonWriter& w, const std::string& launch_type,
                           const std::string& strategy_json, const std::string& platform) {
  if (!strategy_json.empty()) {
    w.Key("capacityProviderStrategy").Raw(strategy_json);
  } else if (!launch_type.empty()) {
    w.Member("launchType", launch_type);
  }
  if (!platform.empty()) w.Member("platformVersion", platform).Member("platformFamily", "Linux");
}

void WriteService(JsonWriter& w, const control::ControlPlane& cp, const model::Service& s,
                  bool include_tags) {
  control::ServiceCounts n = cp.CountsForService(s);
  const std::string prefix = ArnPrefix(s.tenant);
  w.StartObject()
      .Member("serviceArn", s.arn)
      .Member("serviceName", s.name)
      .Member("clusterArn", prefix + "cluster/" + s.cluster)
      .Key("loadBalancers")
      .Raw(s.load_balancers_json)
      .Key("serviceRegistries")
      .Raw(s.service_registries_json)
      .Member("status", s.status)
      .Member("desiredCount", s.desired_count)
      .Member("runningCount", n.running)
      .Member("pendingCount", n.pending);
  WriteStrategyOrLaunch(w, s.launch_type, s.capacity_provider_strategy_json, s.platform_version);
  w.Member("taskDefinition", s.task_definition_arn);
  w.Key("deploymentConfiguration")
      .StartObject()
      .Key("deploymentCircuitBreaker")
      .StartObject()
      .Member("enable", s.circuit_breaker_enable)
      .Member("rollback", s.circuit_breaker_rollback)
      .EndObject()
      .Member("maximumPercent", static_cast<int64_t>(s.maximum_percent))
      .Member("minimumHealthyPercent", static_cast<int64_t>(s.minimum_healthy_percent));
  if (!s.alarms_json.empty()) w.Key("alarms").Raw(s.alarms_json);
  w.Member("strategy", "ROLLING").EndObject();
  w.Key("deployments").StartArray();
  for (const auto& d : s.deployments) {
    if (d.status == "INACTIVE") continue;
    auto counts = n.by_deployment.find(d.id);
    int64_t running = counts == n.by_deployment.end() ? 0 : counts->second.first;
    int64_t pending = counts == n.by_deployment.end() ? 0 : counts->second.second;
    w.StartObject()
        .Member("id", d.id)
        .Member("status", d.status)
        .Member("taskDefinition", d.task_definition_arn)
        .Member("desiredCount", d.desired_count)
        .Member("pendingCount", pending)
        .Member("runningCount", running)
        .Member("failedTasks", d.failed_tasks)
        .Key("createdAt")
        .Timestamp(d.created_at)
        .Key("updatedAt")
        .Timestamp(d.updated_at);
    WriteStrategyOrLaunch(w, d.launch_type, d.capacity_provider_strategy_json, d.platform_version);
    if (!d.network_configuration_json.empty()) {
      w.Key("networkConfiguration").Raw(d.network_configuration_json);
    }
    w.Member("rolloutState", d.rollout_state)
        .Member("rolloutStateReason", d.rollout_state_reason)
        .EndObject();
  }
  w.EndArray();
  if (!s.role_arn.empty()) w.Member("roleArn", s.role_arn);
  if (s.events_json.empty()) {
    JsonWriter events;
    events.StartArray();
    for (const auto& e : s.events) {
      events.StartObject()
          .Member("id", e.id)
          .Key("createdAt")
          .Timestamp(e.created_at)
          .Member("message", e.message)
          .EndObject();
    }
    events.EndArray();
    s.events_json = events.str();
  }
  w.Key("events").Raw(s.events_json).Key("createdAt").Timestamp(s.created_at);
  if (!s.deployments.empty()) {
    const auto& primary = s.deployments.front();
    w.Member("currentServiceDeployment", cp.ServiceDeploymentArn(s, primary));
    w.Key("currentServiceRevisions").StartArray();
    for (const auto& d : s.deployments) {
      if (d.status == "INACTIVE") continue;
      auto counts = n.by_deployment.find(d.id);
      w.StartObject()
          .Member("arn", cp.ServiceRevisionArn(s, d))
          .Member("requestedTaskCount", d.desired_count)
          .Member("runningTaskCount", counts == n.by_deployment.end() ? 0 : counts->second.first)
          .Member("pendingTaskCount", counts == n.by_deployment.end() ? 0 : counts->second.second)
          .EndObject();
    }
    w.EndArray();
  }
  w.Key("placementConstraints")
      .Raw(s.placement_constraints_json)
      .Key("placementStrategy")
      .Raw(s.placement_strategy_json);
  // Omitted (not {}) when the service has none: an empty object breaks Terraform.
  if (!s.network_configuration_json.empty()) {
    w.Key("networkConfiguration").Raw(s.network_configuration_json);
  }
  if (s.health_check_grace_period_seconds >= 0) {
    w.Member("healthCheckGracePeriodSeconds", s.health_check_grace_period_seconds);
  }
  w.Member("schedulingStrategy", s.scheduling_strategy)
      .Key("deploymentController")
      .StartObject()
      .Member("type", s.deployment_controller)
      .EndObject();
  if (include_tags) WriteTags(w, "tags", cp.TagsOf(s.arn));
  w.Member("createdBy", s.created_by)
      .Member("enableECSManagedTags", s.enable_ecs_managed_tags)
      .Member("propagateTags", s.propagate_tags)
      .Member("enableExecuteCommand", s.enable_execute_command)
      .Member("availabilityZoneRebalancing", s.availability_zone_rebalancing)
      .Member("resourceManagementType", "CUSTOMER")
      .EndObject();
}

std::string ServiceReply(const control::ControlPlane& cp, const model::Service& s, bool tags) {
  JsonWriter w;
  w.StartObject().Key("service");
  WriteService(w, cp, s, tags);
  w.EndObject();
  return w.str();
}

void WriteRevisionSummary(JsonWriter& w, const control::ControlPlane& cp, const model::Service& s,
                          const model::Deployment& d) {
  auto n = cp.CountsForService(s);
  auto counts = n.by_deployment.find(d.id);
  w.StartObject()
      .Member("arn", cp.ServiceRevisionArn(s, d))
      .Member("requestedTaskCount", d.status == "INACTIVE" ? 0 : d.desired_count)
      .Member("runningTaskCount", counts == n.by_deployment.end() ? 0 : counts->second.first)
      .Member("pendingTaskCount", counts == n.by_deployment.end() ? 0 : counts->second.second)
      .EndObject();
}

void WriteServiceDeployment(JsonWriter& w, const control::ControlPlane& cp, const model::Service& s,
                            const model::Deployment& d) {
  w.StartObject()
      .Member("serviceDeploymentArn", cp.ServiceDeploymentArn(s, d))
      .Member("serviceArn", s.arn)
      .Member("clusterArn", ArnPrefix(s.tenant) + "cluster/" + s.cluster)
      .Key("createdAt")
      .Timestamp(d.created_at)
      .Key("startedAt")
      .Timestamp(d.started_at);
  if (d.finished_at) w.Key("finishedAt").Timestamp(d.finished_at);
  if (d.stopped_at) w.Key("stoppedAt").Timestamp(d.stopped_at);
  w.Key("updatedAt").Timestamp(d.updated_at);
  w.Key("sourceServiceRevisions").StartArray();
  for (const auto& other : s.deployments) {
    if (other.revision_number() == d.source_revision_id) WriteRevisionSummary(w, cp, s, other);
  }
  w.EndArray().Key("targetServiceRevision");
  WriteRevisionSummary(w, cp, s, d);
  w.Member("status", d.deployment_status);
  if (!d.status_reason.empty()) w.Member("statusReason", d.status_reason);
  w.Key("deploymentConfiguration")
      .StartObject()
      .Key("deploymentCircuitBreaker")
      .StartObject()
      .Member("enable", s.circuit_breaker_enable)
      .Member("rollback", s.circuit_breaker_rollback)
      .EndObject()
      .Member("maximumPercent", static_cast<int64_t>(s.maximum_percent))
      .Member("minimumHealthyPercent", static_cast<int64_t>(s.minimum_healthy_percent))
      .Member("strategy", "ROLLING")
      .EndObject();
  if (!d.rolled_back_to.empty()) {
    // The revision this deployment was rolled back to.
    w.Key("rollback").StartObject().Member("reason", d.status_reason);
    w.Key("startedAt").Timestamp(d.rollback_started_at);
    for (const auto& other : s.deployments) {
      if (other.id == d.rolled_back_to) {
        w.Member("serviceRevisionArn", cp.ServiceRevisionArn(s, other));
      }
    }
    w.EndObject();
  }
  w.Key("deploymentCircuitBreaker")
      .StartObject()
      .Member("status", d.circuit_breaker_status.empty() ? "DISABLED" : d.circuit_breaker_status)
      .Member("failureCount", d.failed_tasks)
      .Member("threshold", std::min<int64_t>(200, std::max<int64_t>(3, (s.desired_count + 1) / 2)))
      .EndObject();
  w.Key("alarms").StartObject().Member("status", "DISABLED").EndObject();
  w.EndObject();
}

void WriteServiceRevision(JsonWriter& w, const control::ControlPlane& cp, const model::Service& s,
                          const model::Deployment& d) {
  w.StartObject()
      .Member("serviceRevisionArn", cp.ServiceRevisionArn(s, d))
      .Member("serviceArn", s.arn)
      .Member("clusterArn", ArnPrefix(s.tenant) + "cluster/" + s.cluster)
      .Member("taskDefinition", d.task_definition_arn);
  WriteStrategyOrLaunch(w, d.launch_type, d.capacity_provider_strategy_json, d.platform_version);
  w.Key("loadBalancers").Raw(s.load_balancers_json);
  w.Key("serviceRegistries").Raw(s.service_registries_json);
  if (!d.network_configuration_json.empty()) {
    w.Key("networkConfiguration").Raw(d.network_configuration_json);
  }
  w.Key("containerImages").StartArray();
  auto td = cp.task_definitions().Resolve(s.tenant, d.task_definition_arn);
  if (td.ok()) {
    for (const auto& c : (*td)->spec.containers) {
      w.StartObject().Member("containerName", c.name).Member("image", c.image).EndObject();
    }
  }
  w.EndArray().Member("guardDutyEnabled", false).Key("createdAt").Timestamp(d.created_at);
  w.EndObject();
}

}  // namespace

Result<std::string> CreateService(OpContext& op) {
  control::ServiceInput in = ReadServiceInput(op.in);
  in.service = ReadRequiredString(op.in, "serviceName");
  if (!op.in.ok()) return op.in.status();
  auto s = op.control.CreateService(op.ctx, std::move(in));
  if (!s.ok()) return s.status();
  return ServiceReply(op.control, **s, /*tags=*/true);
}

Result<std::string> UpdateService(OpContext& op) {
  control::ServiceInput in = ReadServiceInput(op.in);
  in.service = ReadRequiredString(op.in, "service");
  if (!op.in.ok()) return op.in.status();
  auto s = op.control.UpdateService(op.ctx, std::move(in));
  if (!s.ok()) return s.status();
  return ServiceReply(op.control, **s, /*tags=*/false);
}

Result<std::string> DeleteService(OpContext& op) {
  std::string cluster = op.in.String("cluster").value_or("");
  std::string service = ReadRequiredString(op.in, "service");
  bool force = op.in.Bool("force").value_or(false);
  if (!op.in.ok()) return op.in.status();
  auto s = op.control.DeleteService(op.ctx, cluster, service, force);
  if (!s.ok()) return s.status();
  return ServiceReply(op.control, **s, /*tags=*/false);
}

Result<std::string> DescribeServices(OpContext& op) {
  std::string cluster = op.in.String("cluster").value_or("");
  auto names = op.in.StringList("services").value_or(std::vector<std::string>{});
  auto include = ReadEnumList(op.in, "include", {"TAGS"});
  if (!op.in.ok()) return op.in.status();
  std::vector<const model::Service*> found;
  std::vector<control::DescribeFailure> failures;
  ECS_RETURN_IF_ERROR(op.control.DescribeServices(op.ctx, cluster, names, &found, &failures));
  JsonWriter w;
  w.StartObject().Key("services").StartArray();
  for (const auto* s : found) WriteService(w, op.control, *s, include.count("TAGS") > 0);
  w.EndArray();
  WriteFailures(w, failures);
  w.EndObject();
  return w.str();
}

Result<std::string> ListServices(OpContext& op) {
  std::string cluster = op.in.String("cluster").value_or("");
  auto launch = ReadEnum(op.in, "launchType", {"EC2", "FARGATE", "EXTERNAL", "MANAGED_INSTANCES"});
  auto strategy = ReadEnum(op.in, "schedulingStrategy", {"REPLICA", "DAEMON"});
  (void)ReadEnum(op.in, "resourceManagementType", {"CUSTOMER", "ECS"});
  auto max = op.in.Int("maxResults");
  auto token = op.in.String("nextToken");
  if (!op.in.ok()) return op.in.status();
  auto page = op.control.ListServices(op.ctx, cluster, launch.value_or(""), strategy.value_or(""),
                                      max, token);
  if (!page.ok()) return page.status();
  JsonWriter w;
  w.StartObject().StringArray("serviceArns", page->arns);
  if (page->next_token) w.Member("nextToken", *page->next_token);
  w.EndObject();
  return w.str();
}

Result<std::string> ListServicesByNamespace(OpContext& op) {
  std::string ns = ReadRequiredString(op.in, "namespace");
  auto max = op.in.Int("maxResults");
  auto token = op.in.String("nextToken");
  if (!op.in.ok()) return op.in.status();
  auto page = op.control.ListServicesByNamespace(op.ctx, ns, max, token);
  if (!page.ok()) return page.status();
  JsonWriter w;
  w.StartObject().StringArray("serviceArns", page->arns);
  if (page->next_token) w.Member("nextToken", *page->next_token);
  w.EndObject();
  return w.str();
}

Result<std::string> ListServiceDeployments(OpContext& op) {
  std::string service = ReadRequiredString(op.in, "service");
  std::string cluster = op.in.String("cluster").value_or("");
  auto statuses = op.in.StringList("status").value_or(std::vector<std::string>{});
  std::optional<Millis> after, before;
  if (const rapidjson::Value* ca = op.in.Object("createdAt")) {
    JsonObjectReader c = op.in.Nested(*ca, "createdAt");
    after = c.Timestamp("after");
    before = c.Timestamp("before");
  }
  auto max = op.in.Int("maxResults");
  auto token = op.in.String("nextToken");
  if (!op.in.ok()) return op.in.status();
  auto out = op.control.ListServiceDeployments(op.ctx, cluster, service, statuses, after, before,
                                               max, token);
  if (!out.ok()) return out.status();
  JsonWriter w;
  w.StartObject().Key("serviceDeployments").StartArray();
  for (const auto& ref : out->first) {
    const auto& s = *ref.service;
    const auto& d = *ref.deployment;
    w.StartObject()
        .Member("serviceDeploymentArn", op.control.ServiceDeploymentArn(s, d))
        .Member("serviceArn", s.arn)
        .Member("clusterArn", ArnPrefix(s.tenant) + "cluster/" + s.cluster)
        .Key("startedAt")
        .Timestamp(d.started_at)
        .Key("createdAt")
        .Timestamp(d.created_at);
    if (d.finished_at) w.Key("finishedAt").Timestamp(d.finished_at);
    w.Member("targetServiceRevisionArn", op.control.ServiceRevisionArn(s, d))
        .Member("status", d.deployment_status);
    if (!d.status_reason.empty()) w.Member("statusReason", d.status_reason);
    w.EndObject();
  }
  w.EndArray();
  if (out->second) w.Member("nextToken", *out->second);
  w.EndObject();
  return w.str();
}

namespace {
Result<std::string> DescribeDeploymentsOrRevisions(OpContext& op, bool revisions) {
  const char* member = revisions ? "serviceRevisionArns" : "serviceDeploymentArns";
  auto arns = op.in.StringList(member);
  if (!op.in.ok()) return op.in.status();
  if (!arns || arns->empty())
    return Status::InvalidParameter(std::string(member) + " can not be empty.");
  if (arns->size() > 20) {
    return Status::InvalidParameter(std::string(member) + " can have at most 20 items.");
  }
  std::vector<control::ServiceDeploymentRef> found;
  std::vector<control::DescribeFailure> failures;
  op.control.DescribeServiceDeployments(op.ctx, *arns, revisions, &found, &failures);
  JsonWriter w;
  w.StartObject().Key(revisions ? "serviceRevisions" : "serviceDeployments").StartArray();
  for (const auto& ref : found) {
    if (revisions) {
      WriteServiceRevision(w, op.control, *ref.service, *ref.deployment);
    } else {
      WriteServiceDeployment(w, op.control, *ref.service, *ref.deployment);
    }
  }
  w.EndArray();
  WriteFailures(w, failures);
  w.EndObject();
  return w.str();
}
}  // namespace

Result<std::string> DescribeServiceDeployments(OpContext& op) {
  return DescribeDeploymentsOrRevisions(op, false);
}

Result<std::string> DescribeServiceRevisions(OpContext& op) {
  return DescribeDeploymentsOrRevisions(op, true);
}

Result<std::string> StopServiceDeployment(OpContext& op) {
  std::string arn = ReadRequiredString(op.in, "serviceDeploymentArn");
  auto type = ReadEnum(op.in, "stopType", {"ABORT", "ROLLBACK"});
  if (!op.in.ok()) return op.in.status();
  auto out = op.control.StopServiceDeployment(op.ctx, arn, type.value_or("ROLLBACK"));
  if (!out.ok()) return out.status();
  JsonWriter w;
  w.StartObject().Member("serviceDeploymentArn", *out).EndObject();
  return w.str();
}

}  // namespace ecs::api

// Row bodies for services (with their deployments and events). Storage-internal format.
#include "common/json.h"
#include "storage/codec.h"

namespace ecs::storage {

namespace {

std::string S(const rapidjson::Value& v, const char* k) {
  auto it = v.FindMember(k);
  return it != v.MemberEnd() && it->value.IsString() ? it->value.GetString() : "";
}
int64_t I(const rapidjson::Value& v, const char* k, int64_t dflt = 0) {
  auto it = v.FindMember(k);
  return it != v.MemberEnd() && it->value.IsInt64() ? it->value.GetInt64() : dflt;
}
bool B(const rapidjson::Value& v, const char* k) {
  auto it = v.FindMember(k);
  return it != v.MemberEnd() && it->value.IsBool() && it->value.GetBool();
}
const rapidjson::Value& A(const rapidjson::Value& v, const char* k) {
  static const rapidjson::Value kEmpty(rapidjson::kArrayType);
  auto it = v.FindMember(k);
  return it != v.MemberEnd() && it->value.IsArray() ? it->value : kEmpty;
}

void WritePairs(JsonWriter& w, const char* k,
                const std::vector<std::pair<std::string, std::string>>& pairs) {
  w.Key(k).StartArray();
  for (const auto& [a, b] : pairs) w.StartArray().String(a).String(b).EndArray();
  w.EndArray();
}

std::vector<std::pair<std::string, std::string>> ReadPairs(const rapidjson::Value& v,
                                                           const char* k) {
  std::vector<std::pair<std::string, std::string>> out;
  for (const auto& e : A(v, k).GetArray()) out.emplace_back(e[0].GetString(), e[1].GetString());
  return out;
}

}  // namespace

std::string EncodeService(const model::Service& s) {
  JsonWriter w;
  w.StartObject()
      .Member("account", s.tenant.account)
      .Member("region", s.tenant.region)
      .Member("cluster", s.cluster)
      .Member("name", s.name)
      .Member("arn", s.arn)
      .Member("seq", s.seq)
      .Member("status", s.status)
      .Member("desiredCount", s.desired_count)
      .Member("taskDefinition", s.task_definition_arn)
      .Member("launchType", s.launch_type)
      .Member("capacityProviderStrategy", s.capacity_provider_strategy_json)
      .Member("platformVersion", s.platform_version)
      .Member("schedulingStrategy", s.scheduling_strategy)
      .Member("minimumHealthyPercent", static_cast<int64_t>(s.minimum_healthy_percent))
      .Member("maximumPercent", static_cast<int64_t>(s.maximum_percent))
      .Member("circuitBreakerEnable", s.circuit_breaker_enable)
      .Member("circuitBreakerRollback", s.circuit_breaker_rollback)
      .Member("alarms", s.alarms_json)
      .Member("deploymentController", s.deployment_controller)
      .Member("placementConstraintsJson", s.placement_constraints_json)
      .Member("placementStrategyJson", s.placement_strategy_json);
  WritePairs(w, "placementConstraints", s.placement_constraints);
  WritePairs(w, "placementStrategy", s.placement_strategy);
  w.Member("networkConfiguration", s.network_configuration_json)
      .Member("loadBalancers", s.load_balancers_json)
      .Member("serviceRegistries", s.service_registries_json)
      .Member("serviceConnectNamespace", s.service_connect_namespace)
      .Member("serviceConnectConfiguration", s.service_connect_configuration_json)
      .Member("healthCheckGracePeriodSeconds", s.health_check_grace_period_seconds)
      .Member("propagateTags", s.propagate_tags)
      .Member("enableECSManagedTags", s.enable_ecs_managed_tags)
      .Member("enableExecuteCommand", s.enable_execute_command)
      .Member("availabilityZoneRebalancing", s.availability_zone_rebalancing)
      .Member("roleArn", s.role_arn)
      .Member("clientToken", s.client_token)
      .Member("createdAt", s.created_at)
      .Member("createdBy", s.created_by);
  w.Key("deployments").StartArray();
  for (const auto& d : s.deployments) {
    w.StartObject()
        .Member("id", d.id)
        .Member("status", d.status)
        .Member("taskDefinition", d.task_definition_arn)
        .Member("desiredCount", d.desired_count)
        .Member("failedTasks", d.failed_tasks)
        .Member("everRunning", d.ever_running)
        .Member("createdAt", d.created_at)
        .Member("updatedAt", d.updated_at)
        .Member("launchType", d.launch_type)
        .Member("capacityProviderStrategy", d.capacity_provider_strategy_json)
        .Member("platformVersion", d.platform_version)
        .Member("networkConfiguration", d.network_configuration_json)
        .Member("rolloutState", d.rollout_state)
        .Member("rolloutStateReason", d.rollout_state_reason)
        .Member("serviceDeploymentId", d.service_deployment_id)
        .Member("deploymentStatus", d.deployment_status)
        .Member("statusReason", d.status_reason)
        .Member("startedAt", d.started_at)
        .Member("finishedAt", d.finished_at)
        .Member("stoppedAt", d.stopped_at)
        .Member("sourceRevisionId", d.source_revision_id)
        .Member("isRollback", d.is_rollback)
        .Member("circuitBreakerStatus", d.circuit_breaker_status)
        .Member("rolledBackTo", d.rolled_back_to)
        .Member("rollbackStartedAt", d.rollback_started_at)
        .EndObject();
  }
  w.EndArray().Key("events").StartArray();
  for (const auto& e : s.events) {
    w.StartObject()
        .Member("id", e.id)
        .Member("createdAt", e.created_at)
        .Member("message", e.message)
        .EndObject();
  }
  w.EndArray().EndObject();
  return w.str();
}

Result<model::Service> DecodeService(const std::string& body) {
  rapidjson::Document d;
  d.Parse(body.c_str(), body.size());
  if (d.HasParseError() || !d.IsObject()) {
    return Status::Server("corrupt service row in the database");
  }
  model::Service s;
  s.tenant = {S(d, "account"), S(d, "region")};
  s.cluster = S(d, "cluster");
  s.name = S(d, "name");
  s.arn = S(d, "arn");
  s.seq = I(d, "seq");
  s.status = S(d, "status");
  s.desired_count = I(d, "desiredCount");
  s.task_definition_arn = S(d, "taskDefinition");
  s.launch_type = S(d, "launchType");
  s.capacity_provider_strategy_json = S(d, "capacityProviderStrategy");
  s.platform_version = S(d, "platformVersion");
  s.scheduling_strategy = S(d, "schedulingStrategy");
  s.minimum_healthy_percent = static_cast<int>(I(d, "minimumHealthyPercent", 100));
  s.maximum_percent = static_cast<int>(I(d, "maximumPercent", 200));
  s.circuit_breaker_enable = B(d, "circuitBreakerEnable");
  s.circuit_breaker_rollback = B(d, "circuitBreakerRollback");
  s.alarms_json = S(d, "alarms");
  s.deployment_controller = S(d, "deploymentController");
  s.placement_constraints_json = S(d, "placementConstraintsJson");
  s.placement_strategy_json = S(d, "placementStrategyJson");
  s.placement_constraints = ReadPairs(d, "placementConstraints");
  s.placement_strategy = ReadPairs(d, "placementStrategy");
  s.network_configuration_json = S(d, "networkConfiguration");
  s.load_balancers_json = S(d, "loadBalancers");
  s.service_registries_json = S(d, "serviceRegistries");
  s.service_connect_namespace = S(d, "serviceConnectNamespace");
  s.service_connect_configuration_json = S(d, "serviceConnectConfiguration");
  s.health_check_grace_period_seconds = I(d, "healthCheckGracePeriodSeconds", -1);
  s.propagate_tags = S(d, "propagateTags");
  s.enable_ecs_managed_tags = B(d, "enableECSManagedTags");
  s.enable_execute_command = B(d, "enableExecuteCommand");
  s.availability_zone_rebalancing = S(d, "availabilityZoneRebalancing");
  s.role_arn = S(d, "roleArn");
  s.client_token = S(d, "clientToken");
  s.created_at = I(d, "createdAt");
  s.created_by = S(d, "createdBy");
  for (const auto& e : A(d, "deployments").GetArray()) {
    model::Deployment dep;
    dep.id = S(e, "id");
    dep.status = S(e, "status");
    dep.task_definition_arn = S(e, "taskDefinition");
    dep.desired_count = I(e, "desiredCount");
    dep.failed_tasks = I(e, "failedTasks");
    dep.ever_running = B(e, "everRunning");
    dep.created_at = I(e, "createdAt");
    dep.updated_at = I(e, "updatedAt");
    dep.launch_type = S(e, "launchType");
    dep.capacity_provider_strategy_json = S(e, "capacityProviderStrategy");
    dep.platform_version = S(e, "platformVersion");
    dep.network_configuration_json = S(e, "networkConfiguration");
    dep.rollout_state = S(e, "rolloutState");
    dep.rollout_state_reason = S(e, "rolloutStateReason");
    dep.service_deployment_id = S(e, "serviceDeploymentId");
    dep.deployment_status = S(e, "deploymentStatus");
    dep.status_reason = S(e, "statusReason");
    dep.started_at = I(e, "startedAt");
    dep.finished_at = I(e, "finishedAt");
    dep.stopped_at = I(e, "stoppedAt");
    dep.source_revision_id = S(e, "sourceRevisionId");
    dep.is_rollback = B(e, "isRollback");
    dep.circuit_breaker_status = S(e, "circuitBreakerStatus");
    dep.rolled_back_to = S(e, "rolledBackTo");
    dep.rollback_started_at = I(e, "rollbackStartedAt");
    s.deployments.push_back(std::move(dep));
  }
  for (const auto& e : A(d, "events").GetArray()) {
    s.events.push_back({S(e, "id"), I(e, "createdAt"), S(e, "message")});
  }
  return s;
}

}  // namespace ecs::storage

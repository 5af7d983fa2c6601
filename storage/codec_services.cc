// Row bodies for services (with their deployments and events). Storage-internal format.
#include "common/json.h"
#include "storage/codec.h"
#include "storage/codec_util.h"

namespace ecs::storage {

namespace {

std::string_view LaunchTypeText(const std::optional<model::LaunchType>& t) {
  return t ? model::ToString(*t) : "";
}

void WritePlacement(JsonWriter& w, const model::Service& s) {
  WritePlacementItems(w, s.placement_constraints, s.placement_strategy);
}

void ReadPlacement(RowReader& r, model::Service& s) {
  ReadPlacementItems(r, s.placement_constraints, s.placement_strategy);
}

void WriteLoadBalancers(JsonWriter& w, const std::vector<model::LoadBalancer>& lbs) {
  w.Key("loadBalancerEntries").StartArray();
  for (const auto& lb : lbs) {
    w.StartObject()
        .Member("targetGroupArn", lb.target_group_arn)
        .Member("loadBalancerName", lb.load_balancer_name)
        .Member("containerName", lb.container_name);
    if (lb.container_port) w.Member("containerPort", *lb.container_port);
    if (lb.advanced) {
      w.Key("advanced")
          .StartObject()
          .Member("alternateTargetGroupArn", lb.advanced->alternate_target_group_arn)
          .Member("productionListenerRule", lb.advanced->production_listener_rule)
          .Member("testListenerRule", lb.advanced->test_listener_rule)
          .Member("roleArn", lb.advanced->role_arn)
          .EndObject();
    }
    w.EndObject();
  }
  w.EndArray();
}

std::vector<model::LoadBalancer> ReadLoadBalancerArray(RowReader& r, const char* member) {
  std::vector<model::LoadBalancer> out;
  for (const auto& e : r.Array(member).GetArray()) {
    RowReader entry = r.Nested(e);
    model::LoadBalancer lb;
    lb.target_group_arn = entry.OptString("targetGroupArn");
    lb.load_balancer_name = entry.OptString("loadBalancerName");
    lb.container_name = entry.OptString("containerName");
    lb.container_port = entry.OptInt("containerPort");
    if (const rapidjson::Value* advanced = entry.Object("advanced")) {
      RowReader a = entry.Nested(*advanced);
      lb.advanced = model::LoadBalancer::Advanced{
          a.OptString("alternateTargetGroupArn"), a.OptString("productionListenerRule"),
          a.OptString("testListenerRule"), a.OptString("roleArn")};
    }
    out.push_back(std::move(lb));
  }
  return out;
}

// Rows written before load balancers were typed hold the request's JSON array as text.
std::vector<model::LoadBalancer> ReadLoadBalancers(RowReader& r) {
  const std::string old_text = r.OptString("loadBalancers");
  if (old_text.empty()) return ReadLoadBalancerArray(r, "loadBalancerEntries");
  RowReader old("service", "loadBalancers", "{\"entries\":" + old_text + "}");
  auto lbs = ReadLoadBalancerArray(old, "entries");
  if (!old.ok()) r.Fail("loadBalancers", old.status().message());
  return lbs;
}

void WriteHooks(JsonWriter& w, const std::vector<model::LifecycleHook>& hooks) {
  w.Key("lifecycleHooks").StartArray();
  for (const model::LifecycleHook& h : hooks) {
    w.StartObject()
        .Member("targetType", model::ToString(h.target_type))
        .Member("hookTargetArn", h.hook_target_arn)
        .Member("roleArn", h.role_arn)
        .Member("hookDetails", h.hook_details.text());
    w.Key("stages").StartArray();
    for (model::LifecycleStage stage : h.stages) w.String(model::ToString(stage));
    w.EndArray();
    if (h.timeout_minutes) w.Member("timeoutInMinutes", *h.timeout_minutes);
    if (h.timeout_action) w.Member("timeoutAction", model::ToString(*h.timeout_action));
    w.EndObject();
  }
  w.EndArray();
}

std::vector<model::LifecycleHook> ReadHooks(RowReader& r) {
  std::vector<model::LifecycleHook> out;
  for (const auto& e : r.Array("lifecycleHooks").GetArray()) {
    RowReader h = r.Nested(e);
    model::LifecycleHook hook;
    hook.target_type =
        h.OptEnum<model::HookTargetType>("targetType").value_or(model::HookTargetType::kPause);
    hook.hook_target_arn = h.OptString("hookTargetArn");
    hook.role_arn = h.OptString("roleArn");
    hook.hook_details = model::RawJson::FromText(h.OptString("hookDetails"));
    for (const auto& stage : h.Array("stages").GetArray()) {
      auto parsed = model::Parse<model::LifecycleStage>(h.Element(stage, "stages"));
      if (!parsed) {
        h.Fail("stages", "unknown lifecycle stage");
        break;
      }
      hook.stages.push_back(*parsed);
    }
    hook.timeout_minutes = h.OptInt("timeoutInMinutes");
    hook.timeout_action = h.OptEnum<model::HookAction>("timeoutAction");
    out.push_back(std::move(hook));
  }
  return out;
}

// Rows written before deployment alarms were simulated kept the request's `alarms` object as
// text under "alarms" (only disabled ones could be stored): read back, so it is still shown.
void ReadEchoedAlarms(const std::string& text, model::Service& s) {
  rapidjson::Document d;
  d.Parse(text.data(), text.size());
  if (d.HasParseError() || !d.IsObject()) return;
  model::DeploymentAlarms a;
  if (auto it = d.FindMember("alarmNames"); it != d.MemberEnd() && it->value.IsArray()) {
    for (const auto& name : it->value.GetArray()) {
      if (name.IsString()) a.names.emplace_back(name.GetString(), name.GetStringLength());
    }
  }
  auto flag = [&d](const char* member) {
    auto it = d.FindMember(member);
    return it != d.MemberEnd() && it->value.IsBool() && it->value.GetBool();
  };
  a.enable = flag("enable");
  a.rollback = flag("rollback");
  s.alarms = std::move(a);
}

void ReadAlarms(RowReader& r, model::Service& s) {
  if (!r.OptBool("alarmsSet")) {
    if (const std::string old = r.OptString("alarms"); !old.empty()) ReadEchoedAlarms(old, s);
    return;
  }
  model::DeploymentAlarms a;
  for (const auto& name : r.Array("alarmNames").GetArray()) {
    a.names.push_back(r.Element(name, "alarmNames"));
  }
  a.enable = r.OptBool("alarmsEnable");
  a.rollback = r.OptBool("alarmsRollback");
  s.alarms = std::move(a);
}

void WriteHookRuns(JsonWriter& w, const std::vector<model::HookRun>& runs) {
  w.Key("hookRuns").StartArray();
  for (const model::HookRun& run : runs) {
    w.StartObject()
        .Member("hookId", run.hook_id)
        .Member("stage", model::ToString(run.stage))
        .Member("targetType", model::ToString(run.target_type))
        .Member("targetArn", run.target_arn)
        .Member("status", model::ToString(run.status))
        .Member("expiresAt", run.expires_at)
        .Member("timeoutAction", model::ToString(run.timeout_action))
        .Member("scriptInProgress", run.script_in_progress)
        .Member("scriptResult", model::ToString(run.script_result))
        .Member("nextInvokeAt", run.next_invoke_at)
        .Member("hookDetails", run.hook_details.text());
    w.Key("productionTraffic").Double(run.production_traffic);
    w.Key("testTraffic").Double(run.test_traffic);
    w.Key("invocations").StartArray();
    for (const model::HookInvocation& call : run.invocations) {
      w.StartObject()
          .Member("at", call.at)
          .Member("answer", model::ToString(call.answer))
          .EndObject();
    }
    w.EndArray().EndObject();
  }
  w.EndArray();
}

std::vector<model::HookRun> ReadHookRuns(RowReader& r) {
  std::vector<model::HookRun> out;
  for (const auto& e : r.Array("hookRuns").GetArray()) {
    RowReader h = r.Nested(e);
    model::HookRun run;
    run.hook_id = h.String("hookId");
    run.stage = h.Enum<model::LifecycleStage>("stage");
    run.target_type = h.Enum<model::HookTargetType>("targetType");
    run.target_arn = h.OptString("targetArn");
    run.status = h.Enum<model::HookStatus>("status");
    run.expires_at = h.OptInt("expiresAt", 0);
    run.timeout_action = h.Enum<model::HookAction>("timeoutAction");
    run.script_in_progress = h.OptInt("scriptInProgress", 0);
    run.script_result =
        h.OptEnum<model::HookStatus>("scriptResult").value_or(model::HookStatus::kSucceeded);
    run.next_invoke_at = h.OptInt("nextInvokeAt", 0);
    run.hook_details = model::RawJson::FromText(h.OptString("hookDetails"));
    run.production_traffic = h.OptDouble("productionTraffic");
    run.test_traffic = h.OptDouble("testTraffic");
    for (const auto& c : h.Array("invocations").GetArray()) {
      RowReader call = h.Nested(c);
      run.invocations.push_back({call.Int("at"), call.Enum<model::HookStatus>("answer")});
    }
    out.push_back(std::move(run));
  }
  return out;
}

void WriteDeployment(JsonWriter& w, const model::Deployment& d) {
  w.StartObject()
      .Member("id", d.id)
      .Member("status", model::ToString(d.status))
      .Member("taskDefinition", d.task_definition_arn)
      .Member("desiredCount", d.desired_count)
      .Member("failedTasks", d.failed_tasks)
      .Member("everRunning", d.ever_running)
      .Member("createdAt", d.created_at)
      .Member("updatedAt", d.updated_at)
      .Member("launchType", LaunchTypeText(d.launch_type))
      .Member("capacityProviderStrategy", StrategyText(d.capacity_provider_strategy))
      .Member("platformVersion", d.platform_version)
      .Member("networkConfiguration", NetworkText(d.network_configuration))
      .Member("rolloutState", model::ToString(d.rollout_state))
      .Member("rolloutStateReason", d.rollout_state_reason)
      .Member("serviceDeploymentId", d.service_deployment_id)
      .Member("deploymentStatus", model::ToString(d.deployment_status))
      .Member("statusReason", d.status_reason)
      .Member("startedAt", d.started_at)
      .Member("finishedAt", d.finished_at)
      .Member("stoppedAt", d.stopped_at)
      .Member("sourceRevisionId", d.source_revision_id)
      .Member("isRollback", d.is_rollback)
      .Member("circuitBreakerStatus", model::ToString(d.circuit_breaker_status))
      .Member("rolledBackTo", d.rolled_back_to)
      .Member("rollbackStartedAt", d.rollback_started_at)
      .Member("strategy", model::ToString(d.strategy))
      .Member("lifecycleStage", d.lifecycle_stage ? model::ToString(*d.lifecycle_stage) : "")
      .Member("stageEnteredAt", d.stage_entered_at)
      .Member("bakeTimeInMinutes", d.bake_time_minutes)
      .Key("productionTraffic")
      .Double(d.production_traffic)
      .Key("testTraffic")
      .Double(d.test_traffic)
      .Key("shiftPercent")
      .Double(d.shift_percent)
      .Member("shiftBakeTimeInMinutes", d.shift_bake_minutes)
      .Member("productionShiftedAt", d.production_shifted_at)
      .Member("alternateTargetGroups", d.alternate_target_groups);
  WriteHookRuns(w, d.hook_runs);
  w.Member("alarmsStatus", model::ToString(d.alarms_status))
      .StringArray("triggeredAlarms", d.triggered_alarms);
  w.EndObject();
}

model::Deployment ReadDeployment(RowReader& e) {
  model::Deployment dep;
  dep.id = e.String("id");
  dep.status = e.Enum<model::DeploymentStatus>("status");
  dep.task_definition_arn = e.String("taskDefinition");
  dep.desired_count = e.OptInt("desiredCount", 0);
  dep.failed_tasks = e.OptInt("failedTasks", 0);
  dep.ever_running = e.OptBool("everRunning");
  dep.created_at = e.OptInt("createdAt", 0);
  dep.updated_at = e.OptInt("updatedAt", 0);
  dep.launch_type = e.OptEnum<model::LaunchType>("launchType");
  dep.capacity_provider_strategy = ReadStrategyText(e, "capacityProviderStrategy");
  dep.platform_version = e.OptString("platformVersion");
  dep.network_configuration = ReadNetworkText(e, "networkConfiguration");
  dep.rollout_state = e.Enum<model::RolloutState>("rolloutState");
  dep.rollout_state_reason = e.OptString("rolloutStateReason");
  dep.service_deployment_id = e.OptString("serviceDeploymentId");
  dep.deployment_status = e.OptEnum<model::ServiceDeploymentStatus>("deploymentStatus")
                              .value_or(model::ServiceDeploymentStatus::kInProgress);
  dep.status_reason = e.OptString("statusReason");
  dep.started_at = e.OptInt("startedAt", 0);
  dep.finished_at = e.OptInt("finishedAt", 0);
  dep.stopped_at = e.OptInt("stoppedAt", 0);
  dep.source_revision_id = e.OptString("sourceRevisionId");
  dep.is_rollback = e.OptBool("isRollback");
  dep.circuit_breaker_status = e.OptEnum<model::CircuitBreakerStatus>("circuitBreakerStatus")
                                   .value_or(model::CircuitBreakerStatus::kDisabled);
  dep.rolled_back_to = e.OptString("rolledBackTo");
  dep.rollback_started_at = e.OptInt("rollbackStartedAt", 0);
  dep.strategy = e.OptEnum<model::DeploymentStrategy>("strategy")
                     .value_or(model::DeploymentStrategy::kRolling);
  dep.lifecycle_stage = e.OptEnum<model::LifecycleStage>("lifecycleStage");
  dep.stage_entered_at = e.OptInt("stageEnteredAt", 0);
  dep.bake_time_minutes = e.OptInt("bakeTimeInMinutes", 0);
  dep.production_traffic = e.OptDouble("productionTraffic");
  dep.test_traffic = e.OptDouble("testTraffic");
  dep.shift_percent = e.OptDouble("shiftPercent", 100);
  dep.shift_bake_minutes = e.OptInt("shiftBakeTimeInMinutes", 0);
  dep.production_shifted_at = e.OptInt("productionShiftedAt", 0);
  dep.alternate_target_groups = e.OptBool("alternateTargetGroups");
  dep.hook_runs = ReadHookRuns(e);
  dep.alarms_status = e.OptEnum<model::CircuitBreakerStatus>("alarmsStatus")
                          .value_or(model::CircuitBreakerStatus::kDisabled);
  for (const auto& name : e.Array("triggeredAlarms").GetArray()) {
    dep.triggered_alarms.push_back(e.Element(name, "triggeredAlarms"));
  }
  return dep;
}

void WriteTaskSet(JsonWriter& w, const model::TaskSet& t) {
  w.StartObject()
      .Member("id", t.id)
      .Member("arn", t.arn)
      .Member("startedBy", t.started_by)
      .Member("externalId", t.external_id)
      .Member("status", model::ToString(t.status))
      .Member("taskDefinition", t.task_definition_arn)
      .Member("launchType", LaunchTypeText(t.launch_type))
      .Member("capacityProviderStrategy", StrategyText(t.capacity_provider_strategy))
      .Member("platformVersion", t.platform_version)
      .Member("platformFamily", t.platform_family)
      .Member("networkConfiguration", NetworkText(t.network_configuration));
  WriteLoadBalancers(w, t.load_balancers);
  w.Member("serviceRegistries", t.service_registries.text())
      .Key("scale")
      .Double(t.scale)
      .Member("computedDesiredCount", t.computed_desired_count)
      .Member("stabilityStatus", model::ToString(t.stability_status))
      .Member("stabilityStatusAt", t.stability_status_at)
      .Member("createdAt", t.created_at)
      .Member("updatedAt", t.updated_at)
      .Member("clientToken", t.client_token)
      .EndObject();
}

model::TaskSet ReadTaskSet(RowReader& e) {
  model::TaskSet t;
  t.id = e.String("id");
  t.arn = e.String("arn");
  t.started_by = e.OptString("startedBy");
  t.external_id = e.OptString("externalId");
  t.status = e.Enum<model::TaskSetStatus>("status");
  t.task_definition_arn = e.String("taskDefinition");
  t.launch_type = e.OptEnum<model::LaunchType>("launchType");
  t.capacity_provider_strategy = ReadStrategyText(e, "capacityProviderStrategy");
  t.platform_version = e.OptString("platformVersion");
  t.platform_family = e.OptString("platformFamily");
  t.network_configuration = ReadNetworkText(e, "networkConfiguration");
  t.load_balancers = ReadLoadBalancerArray(e, "loadBalancerEntries");
  t.service_registries = model::RawJson::FromText(e.OptString("serviceRegistries"));
  t.scale = e.OptDouble("scale", 100);
  t.computed_desired_count = e.OptInt("computedDesiredCount", 0);
  t.stability_status = e.OptEnum<model::StabilityStatus>("stabilityStatus")
                           .value_or(model::StabilityStatus::kStabilizing);
  t.stability_status_at = e.OptInt("stabilityStatusAt", 0);
  t.created_at = e.OptInt("createdAt", 0);
  t.updated_at = e.OptInt("updatedAt", 0);
  t.client_token = e.OptString("clientToken");
  return t;
}

// canaryConfiguration / linearConfiguration as sent: "<prefix>Configured", and each member,
// -1 when unset.
void WriteTrafficShift(JsonWriter& w, const std::string& prefix,
                       const std::optional<model::TrafficShiftConfiguration>& c) {
  w.Member(prefix + "Configured", c.has_value())
      .Key(prefix + "Percent")
      .Double(c && c->percent ? *c->percent : -1)
      .Member(prefix + "BakeTimeInMinutes", c && c->bake_minutes ? *c->bake_minutes : -1);
}

std::optional<model::TrafficShiftConfiguration> ReadTrafficShift(RowReader& r,
                                                                 const std::string& prefix) {
  if (!r.OptBool((prefix + "Configured").c_str())) return std::nullopt;
  model::TrafficShiftConfiguration c;
  if (const double p = r.OptDouble((prefix + "Percent").c_str(), -1); p >= 0) c.percent = p;
  if (const int64_t b = r.OptInt((prefix + "BakeTimeInMinutes").c_str(), -1); b >= 0) {
    c.bake_minutes = b;
  }
  return c;
}

// What a service runs and how: everything CreateService / UpdateService set.
void WriteConfiguration(JsonWriter& w, const model::Service& s) {
  w.Member("desiredCount", s.desired_count)
      .Member("taskDefinition", s.task_definition_arn)
      .Member("launchType", LaunchTypeText(s.launch_type))
      .Member("capacityProviderStrategy", StrategyText(s.capacity_provider_strategy))
      .Member("platformVersion", s.platform_version)
      .Member("schedulingStrategy", model::ToString(s.scheduling_strategy))
      .Member("minimumHealthyPercent", static_cast<int64_t>(s.minimum_healthy_percent))
      .Member("maximumPercent", static_cast<int64_t>(s.maximum_percent))
      .Member("circuitBreakerEnable", s.circuit_breaker_enable)
      .Member("circuitBreakerRollback", s.circuit_breaker_rollback)
      .Member("alarmsSet", s.alarms.has_value())
      .StringArray("alarmNames", s.alarms ? s.alarms->names : std::vector<std::string>{})
      .Member("alarmsEnable", s.alarms && s.alarms->enable)
      .Member("alarmsRollback", s.alarms && s.alarms->rollback)
      .Member("deploymentStrategy", model::ToString(s.deployment_strategy))
      .Member("bakeTimeInMinutes", s.bake_time_minutes)
      .Member("deploymentController", model::ToString(s.deployment_controller));
  WriteTrafficShift(w, "canary", s.canary_configuration);
  WriteTrafficShift(w, "linear", s.linear_configuration);
  WriteHooks(w, s.lifecycle_hooks);
  WritePlacement(w, s);
  w.Member("networkConfiguration", NetworkText(s.network_configuration));
  WriteLoadBalancers(w, s.load_balancers);
  w.Member("serviceRegistries", s.service_registries.text())
      .Member("serviceConnectNamespace", s.service_connect_namespace)
      .Member("serviceConnectConfiguration", s.service_connect_configuration.text())
      .Member("healthCheckGracePeriodSeconds", s.health_check_grace_period_seconds)
      .Member("propagateTags", model::ToString(s.propagate_tags))
      .Member("enableECSManagedTags", s.enable_ecs_managed_tags)
      .Member("enableExecuteCommand", s.enable_execute_command)
      .Member("availabilityZoneRebalancing", model::ToString(s.availability_zone_rebalancing))
      .Member("roleArn", s.role_arn);
}

void ReadConfiguration(RowReader& r, model::Service& s) {
  s.desired_count = r.Int("desiredCount");
  s.task_definition_arn = r.String("taskDefinition");
  s.launch_type = r.OptEnum<model::LaunchType>("launchType");
  s.capacity_provider_strategy = ReadStrategyText(r, "capacityProviderStrategy");
  s.platform_version = r.OptString("platformVersion");
  s.scheduling_strategy = r.Enum<model::SchedulingStrategy>("schedulingStrategy");
  s.minimum_healthy_percent = static_cast<int>(r.OptInt("minimumHealthyPercent", 100));
  s.maximum_percent = static_cast<int>(r.OptInt("maximumPercent", 200));
  s.circuit_breaker_enable = r.OptBool("circuitBreakerEnable");
  s.circuit_breaker_rollback = r.OptBool("circuitBreakerRollback");
  ReadAlarms(r, s);
  s.deployment_strategy = r.OptEnum<model::DeploymentStrategy>("deploymentStrategy")
                              .value_or(model::DeploymentStrategy::kRolling);
  s.bake_time_minutes = r.OptInt("bakeTimeInMinutes", -1);
  s.canary_configuration = ReadTrafficShift(r, "canary");
  s.linear_configuration = ReadTrafficShift(r, "linear");
  s.lifecycle_hooks = ReadHooks(r);
  s.deployment_controller = r.OptEnum<model::DeploymentControllerType>("deploymentController")
                                .value_or(model::DeploymentControllerType::kEcs);
  ReadPlacement(r, s);
  s.network_configuration = ReadNetworkText(r, "networkConfiguration");
  s.load_balancers = ReadLoadBalancers(r);
  s.service_registries = model::RawJson::FromText(r.OptString("serviceRegistries"));
  s.service_connect_namespace = r.OptString("serviceConnectNamespace");
  s.service_connect_configuration =
      model::RawJson::FromText(r.OptString("serviceConnectConfiguration"));
  s.health_check_grace_period_seconds = r.OptInt("healthCheckGracePeriodSeconds", -1);
  s.propagate_tags =
      r.OptEnum<model::PropagateTags>("propagateTags").value_or(model::PropagateTags::kNone);
  s.enable_ecs_managed_tags = r.OptBool("enableECSManagedTags");
  s.enable_execute_command = r.OptBool("enableExecuteCommand");
  s.availability_zone_rebalancing = r.OptEnum<model::AzRebalancing>("availabilityZoneRebalancing")
                                        .value_or(model::AzRebalancing::kEnabled);
  s.role_arn = r.OptString("roleArn");
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
      .Member("status", model::ToString(s.status));
  WriteConfiguration(w, s);
  w.Member("clientToken", s.client_token)
      .Member("createdAt", s.created_at)
      .Member("createdBy", s.created_by);
  w.Key("deployments").StartArray();
  for (const auto& d : s.deployments) WriteDeployment(w, d);
  w.EndArray().Key("taskSets").StartArray();
  for (const auto& t : s.task_sets) WriteTaskSet(w, t);
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

Result<model::Service> DecodeService(std::string_view key, std::string_view body) {
  RowReader r("service", key, body);
  model::Service s;
  s.tenant = {r.String("account"), r.String("region")};
  s.cluster = r.String("cluster");
  s.name = r.String("name");
  s.arn = r.String("arn");
  s.seq = r.Int("seq");
  s.status = r.Enum<model::ServiceStatus>("status");
  ReadConfiguration(r, s);
  s.client_token = r.OptString("clientToken");
  s.created_at = r.OptInt("createdAt", 0);
  s.created_by = r.OptString("createdBy");
  for (const auto& e : r.Array("deployments").GetArray()) {
    RowReader d = r.Nested(e);
    s.deployments.push_back(ReadDeployment(d));
  }
  for (const auto& e : r.Array("taskSets").GetArray()) {
    RowReader t = r.Nested(e);
    s.task_sets.push_back(ReadTaskSet(t));
  }
  for (const auto& e : r.Array("events").GetArray()) {
    RowReader ev = r.Nested(e);
    s.events.push_back({ev.String("id"), ev.Int("createdAt"), ev.String("message")});
  }
  if (!r.ok()) return r.status();
  return s;
}

}  // namespace ecs::storage

// Service operations and the service-deployment history API: decode -> control -> encode.
#include "api/decode.h"
#include "api/encode.h"
#include "api/express_members.h"
#include "api/operations.h"
#include "api/service_members.h"
#include "control/traffic_split.h"

namespace ecs::api {

namespace {

// deploymentConfiguration.lifecycleHooks. Members are decoded here; which combinations ECS
// accepts is checked in control/service_input.cc.
std::vector<model::LifecycleHook> ReadLifecycleHooks(JsonObjectReader& d,
                                                     const rapidjson::Value& list) {
  std::vector<model::LifecycleHook> hooks;
  for (const auto& e : list.GetArray()) {
    JsonObjectReader r = d.Nested(e, "lifecycleHooks");
    model::LifecycleHook h;
    // AWS_LAMBDA is the model's default targetType.
    auto type = ReadEnum(r, "targetType", {"AWS_LAMBDA", "PAUSE"});
    h.target_type = model::Parse<model::HookTargetType>(type.value_or("AWS_LAMBDA"))
                        .value_or(model::HookTargetType::kAwsLambda);
    h.hook_target_arn = r.String("hookTargetArn").value_or("");
    h.role_arn = r.String("roleArn").value_or("");
    for (const auto& stage : r.StringList("lifecycleStages").value_or(std::vector<std::string>{})) {
      auto parsed = model::Parse<model::LifecycleStage>(stage);
      if (!parsed) {
        r.Fail(Status::InvalidParameter("Invalid lifecycleStages value: " + stage + "."));
        break;
      }
      h.stages.push_back(*parsed);
    }
    // hookDetails is a document: any JSON value, echoed.
    if (auto m = e.FindMember("hookDetails"); m != e.MemberEnd() && !m->value.IsNull()) {
      h.hook_details = Raw(m->value);
    }
    if (const rapidjson::Value* tc = r.Object("timeoutConfiguration")) {
      JsonObjectReader t = r.Nested(*tc, "timeoutConfiguration");
      h.timeout_minutes = t.Int("timeoutInMinutes");
      if (auto action = ReadEnum(t, "action", {"ROLLBACK", "CONTINUE"})) {
        h.timeout_action = model::Parse<model::HookAction>(*action);
      }
    }
    hooks.push_back(std::move(h));
  }
  return hooks;
}

// deploymentConfiguration.canaryConfiguration / linearConfiguration (bounds: service_input.cc).
std::optional<model::TrafficShiftConfiguration> ReadTrafficShift(JsonObjectReader& d,
                                                                 const char* member,
                                                                 const char* percent,
                                                                 const char* bake) {
  const rapidjson::Value* v = d.Object(member);
  if (!v) return std::nullopt;
  JsonObjectReader r = d.Nested(*v, member);
  return model::TrafficShiftConfiguration{r.Double(percent), r.Int(bake)};
}

void ReadDeploymentConfiguration(JsonObjectReader& in, control::ServiceInput& s) {
  const rapidjson::Value* dc = in.Object("deploymentConfiguration");
  if (!dc) return;
  JsonObjectReader d = in.Nested(*dc, "deploymentConfiguration");
  s.minimum_healthy_percent = d.Int("minimumHealthyPercent");
  s.maximum_percent = d.Int("maximumPercent");
  if (const rapidjson::Value* cb = d.Object("deploymentCircuitBreaker")) {
    JsonObjectReader b = d.Nested(*cb, "deploymentCircuitBreaker");
    s.circuit_breaker_enable = b.Bool("enable").value_or(false);
    s.circuit_breaker_rollback = b.Bool("rollback").value_or(false);
  }
  if (const rapidjson::Value* al = d.Object("alarms")) {
    // Watched against the simulated CloudWatch alarm states (POST /_emulator/alarms).
    JsonObjectReader a = d.Nested(*al, "alarms");
    model::DeploymentAlarms alarms;
    alarms.names = a.StringList("alarmNames").value_or(std::vector<std::string>{});
    alarms.enable = a.Bool("enable").value_or(false);
    alarms.rollback = a.Bool("rollback").value_or(false);
    s.alarms = std::move(alarms);
  }
  auto strategy = ReadEnum(d, "strategy", {"ROLLING", "BLUE_GREEN", "LINEAR", "CANARY"});
  if (strategy) s.deployment_strategy = model::Parse<model::DeploymentStrategy>(*strategy);
  s.bake_time_minutes = d.Int("bakeTimeInMinutes");
  if (const rapidjson::Value* hooks = d.Array("lifecycleHooks")) {
    s.lifecycle_hooks = ReadLifecycleHooks(d, *hooks);
  }
  s.canary_configuration =
      ReadTrafficShift(d, "canaryConfiguration", "canaryPercent", "canaryBakeTimeInMinutes");
  s.linear_configuration =
      ReadTrafficShift(d, "linearConfiguration", "stepPercent", "stepBakeTimeInMinutes");
}

std::optional<model::LoadBalancer::Advanced> ReadAdvancedConfiguration(JsonObjectReader& lb) {
  const rapidjson::Value* ac = lb.Object("advancedConfiguration");
  if (!ac) return std::nullopt;
  JsonObjectReader r = lb.Nested(*ac, "advancedConfiguration");
  model::LoadBalancer::Advanced a;
  a.alternate_target_group_arn = r.String("alternateTargetGroupArn").value_or("");
  a.production_listener_rule = r.String("productionListenerRule").value_or("");
  a.test_listener_rule = r.String("testListenerRule").value_or("");
  a.role_arn = r.String("roleArn").value_or("");
  return a;
}

// The members ECS stores and shows back without acting on them.
void ReadEchoedMembers(JsonObjectReader& in, control::ServiceInput& s) {
  if (const rapidjson::Value* lb = in.Array("loadBalancers")) {
    std::vector<model::LoadBalancer> entries;
    for (const auto& e : lb->GetArray()) {
      JsonObjectReader r = in.Nested(e, "loadBalancers");
      model::LoadBalancer entry;
      entry.target_group_arn = r.String("targetGroupArn").value_or("");
      entry.load_balancer_name = r.String("loadBalancerName").value_or("");
      entry.container_name = r.String("containerName").value_or("");
      entry.container_port = r.Int("containerPort");
      entry.advanced = ReadAdvancedConfiguration(r);
      // An entry names a Classic Load Balancer or a target group, never both (AWS's text,
      // observed in aws/amazon-ecs-cli#211).
      if (!entry.target_group_arn.empty() && !entry.load_balancer_name.empty()) {
        in.Fail(Status::InvalidParameter(
            "loadBalancerName and targetGroupArn cannot both be specified. You must specify "
            "either a load BalancerName or a targetGroupArn."));
      }
      entries.push_back(std::move(entry));
    }
    s.load_balancers = std::move(entries);
  }
  if (const rapidjson::Value* sr = in.Array("serviceRegistries")) s.service_registries = Raw(*sr);
  if (const rapidjson::Value* sc = in.Object("serviceConnectConfiguration")) {
    JsonObjectReader c = in.Nested(*sc, "serviceConnectConfiguration");
    (void)c.Bool("enabled");
    s.service_connect_namespace = c.String("namespace").value_or("");
    s.service_connect_configuration = Raw(*sc);
  }
  s.role_arn = in.String("role");
}

}  // namespace

// Members CreateService and UpdateService share (and CreateTaskSet, api/task_sets_api.cc).
control::ServiceInput ReadServiceInput(JsonObjectReader& in) {
  control::ServiceInput s;
  s.cluster = in.String("cluster").value_or("");
  s.task_definition = in.String("taskDefinition");
  s.desired_count = in.Int("desiredCount");
  s.launch_type = ReadLaunchType(in);
  s.capacity_provider_strategy = ReadStrategy(in, "capacityProviderStrategy");
  s.platform_version = in.String("platformVersion");
  s.scheduling_strategy = ReadWireEnum<model::SchedulingStrategy>(in, "schedulingStrategy");
  ReadDeploymentConfiguration(in, s);
  if (const rapidjson::Value* dc = in.Object("deploymentController")) {
    JsonObjectReader d = in.Nested(*dc, "deploymentController");
    s.deployment_controller = ReadWireEnum<model::DeploymentControllerType>(d, "type");
  }
  s.placement_constraints = ReadPlacementConstraints(in);
  s.placement_strategy = ReadPlacementStrategy(in);
  if (auto vpc = ReadAwsVpc(in)) s.network_configuration = model::NetworkConfiguration{*vpc};
  ReadEchoedMembers(in, s);
  s.health_check_grace_period_seconds = in.Int("healthCheckGracePeriodSeconds");
  s.propagate_tags = ReadWireEnum<model::PropagateTags>(in, "propagateTags");
  s.enable_ecs_managed_tags = in.Bool("enableECSManagedTags");
  s.enable_execute_command = in.Bool("enableExecuteCommand");
  s.availability_zone_rebalancing =
      ReadWireEnum<model::AzRebalancing>(in, "availabilityZoneRebalancing");
  s.client_token = in.String("clientToken").value_or("");
  s.tags = ReadTags(in, "tags").value_or(model::TagList{});
  s.force_new_deployment = in.Bool("forceNewDeployment").value_or(false);
  return s;
}

void WriteStrategyOrLaunch(JsonWriter& w, const std::optional<model::LaunchType>& launch_type,
                           const model::CapacityProviderStrategy& strategy,
                           const std::string& platform) {
  if (!strategy.empty()) {
    WriteStrategy(w, "capacityProviderStrategy", strategy);
  } else if (launch_type) {
    w.Member("launchType", model::ToString(*launch_type));
  }
  if (!platform.empty()) w.Member("platformVersion", platform).Member("platformFamily", "Linux");
}

namespace {

std::pair<int64_t, int64_t> CountsOf(const control::ServiceCounts& n, const std::string& id) {
  auto it = n.by_deployment.find(id);
  return it == n.by_deployment.end() ? std::make_pair(int64_t{0}, int64_t{0}) : it->second;
}

void WriteLifecycleHooks(JsonWriter& w, const std::vector<model::LifecycleHook>& hooks) {
  w.Key("lifecycleHooks").StartArray();
  for (const model::LifecycleHook& h : hooks) {
    w.StartObject().Member("targetType", model::ToString(h.target_type));
    if (!h.hook_target_arn.empty()) w.Member("hookTargetArn", h.hook_target_arn);
    if (!h.role_arn.empty()) w.Member("roleArn", h.role_arn);
    w.Key("lifecycleStages").StartArray();
    for (model::LifecycleStage stage : h.stages) w.String(model::ToString(stage));
    w.EndArray();
    if (!h.hook_details.empty()) w.Key("hookDetails").Raw(h.hook_details.text());
    if (h.timeout_minutes || h.timeout_action) {
      w.Key("timeoutConfiguration").StartObject();
      if (h.timeout_minutes) w.Member("timeoutInMinutes", *h.timeout_minutes);
      if (h.timeout_action) w.Member("action", model::ToString(*h.timeout_action));
      w.EndObject();
    }
    w.EndObject();
  }
  w.EndArray();
}

// Every hook the deployment has run so far, in order (DeploymentLifecycleHookDetail).
void WriteHookDetails(JsonWriter& w, const model::Deployment& d) {
  if (d.hook_runs.empty()) return;
  w.Key("lifecycleHookDetails").StartArray();
  for (const model::HookRun& run : d.hook_runs) {
    w.StartObject()
        .Member("hookId", run.hook_id)
        .Member("targetType", model::ToString(run.target_type));
    if (!run.target_arn.empty()) w.Member("targetArn", run.target_arn);
    w.Member("status", model::ToString(run.status));
    if (run.expires_at) {
      w.Key("expiresAt").Timestamp(run.expires_at);
      w.Member("timeoutAction", model::ToString(run.timeout_action));
    }
    w.EndObject();
  }
  w.EndArray();
}

// canaryConfiguration / linearConfiguration, with the members as sent.
void WriteTrafficShift(JsonWriter& w, const char* member, const char* percent, const char* bake,
                       const std::optional<model::TrafficShiftConfiguration>& c) {
  if (!c) return;
  w.Key(member).StartObject();
  if (c->percent) w.Key(percent).Double(*c->percent);
  if (c->bake_minutes) w.Member(bake, *c->bake_minutes);
  w.EndObject();
}

// The service's deploymentConfiguration; a ServiceDeployment shows the strategy and bake time
// its own deployment ran with.
void WriteDeploymentConfiguration(JsonWriter& w, const model::Service& s,
                                  const model::Deployment* d = nullptr) {
  w.Key("deploymentConfiguration")
      .StartObject()
      .Key("deploymentCircuitBreaker")
      .StartObject()
      .Member("enable", s.circuit_breaker_enable)
      .Member("rollback", s.circuit_breaker_rollback)
      .EndObject()
      .Member("maximumPercent", static_cast<int64_t>(s.maximum_percent))
      .Member("minimumHealthyPercent", static_cast<int64_t>(s.minimum_healthy_percent));
  if (s.alarms) {
    w.Key("alarms")
        .StartObject()
        .StringArray("alarmNames", s.alarms->names)
        .Member("rollback", s.alarms->rollback)
        .Member("enable", s.alarms->enable)
        .EndObject();
  }
  const model::DeploymentStrategy strategy = d ? d->strategy : s.deployment_strategy;
  w.Member("strategy", model::ToString(strategy));
  const int64_t bake = d ? d->bake_time_minutes : s.bake_time_minutes;
  if (strategy != model::DeploymentStrategy::kRolling && bake >= 0) {
    w.Member("bakeTimeInMinutes", bake);
  }
  // The service shows its configuration as sent; a deployment what it runs with (defaults
  // filled in), as it does with bakeTimeInMinutes.
  std::optional<model::TrafficShiftConfiguration> ran;
  if (d) ran = model::TrafficShiftConfiguration{d->shift_percent, d->shift_bake_minutes};
  if (strategy == model::DeploymentStrategy::kCanary) {
    WriteTrafficShift(w, "canaryConfiguration", "canaryPercent", "canaryBakeTimeInMinutes",
                      d ? ran : s.canary_configuration);
  } else if (strategy == model::DeploymentStrategy::kLinear) {
    WriteTrafficShift(w, "linearConfiguration", "stepPercent", "stepBakeTimeInMinutes",
                      d ? ran : s.linear_configuration);
  }
  if (!s.lifecycle_hooks.empty()) WriteLifecycleHooks(w, s.lifecycle_hooks);
  w.EndObject();
}

void WriteDeployments(JsonWriter& w, const model::Service& s, const control::ServiceCounts& n) {
  w.Key("deployments").StartArray();
  for (const auto& d : s.deployments) {
    if (d.status == model::DeploymentStatus::kInactive) continue;
    auto [running, pending] = CountsOf(n, d.id);
    w.StartObject()
        .Member("id", d.id)
        .Member("status", model::ToString(d.status))
        .Member("taskDefinition", d.task_definition_arn)
        .Member("desiredCount", d.desired_count)
        .Member("pendingCount", pending)
        .Member("runningCount", running)
        .Member("failedTasks", d.failed_tasks)
        .Key("createdAt")
        .Timestamp(d.created_at)
        .Key("updatedAt")
        .Timestamp(d.updated_at);
    WriteStrategyOrLaunch(w, d.launch_type, d.capacity_provider_strategy, d.platform_version);
    if (d.network_configuration) WriteNetwork(w, "networkConfiguration", *d.network_configuration);
    w.Member("rolloutState", model::ToString(d.rollout_state))
        .Member("rolloutStateReason", d.rollout_state_reason)
        .EndObject();
  }
  w.EndArray();
}

void WriteEvents(JsonWriter& w, EncodeCache& cache, const model::Service& s) {
  const std::string* events = cache.FindEvents(s);
  if (!events) {
    JsonWriter encoded;
    encoded.StartArray();
    for (const auto& e : s.events) {
      encoded.StartObject()
          .Member("id", e.id)
          .Key("createdAt")
          .Timestamp(e.created_at)
          .Member("message", e.message)
          .EndObject();
    }
    encoded.EndArray();
    events = &cache.PutEvents(s, encoded.str());
  }
  w.Key("events").Raw(*events);
}

void WriteCurrentRevisions(JsonWriter& w, const model::Service& s,
                           const control::ServiceCounts& n) {
  if (s.deployments.empty()) return;
  w.Member("currentServiceDeployment",
           control::ControlPlane::ServiceDeploymentArn(s, s.deployments.front()));
  w.Key("currentServiceRevisions").StartArray();
  for (const auto& d : s.deployments) {
    if (d.status == model::DeploymentStatus::kInactive) continue;
    auto [running, pending] = CountsOf(n, d.id);
    w.StartObject()
        .Member("arn", control::ControlPlane::ServiceRevisionArn(s, d))
        .Member("requestedTaskCount", d.desired_count)
        .Member("runningTaskCount", running)
        .Member("pendingTaskCount", pending)
        .EndObject();
  }
  w.EndArray();
}

}  // namespace

void WriteLoadBalancers(JsonWriter& w, const std::vector<model::LoadBalancer>& lbs) {
  w.Key("loadBalancers").StartArray();
  for (const auto& lb : lbs) {
    w.StartObject();
    if (!lb.target_group_arn.empty()) w.Member("targetGroupArn", lb.target_group_arn);
    if (!lb.load_balancer_name.empty()) w.Member("loadBalancerName", lb.load_balancer_name);
    if (!lb.container_name.empty()) w.Member("containerName", lb.container_name);
    if (lb.container_port) w.Member("containerPort", *lb.container_port);
    if (lb.advanced) {
      w.Key("advancedConfiguration")
          .StartObject()
          .Member("alternateTargetGroupArn", lb.advanced->alternate_target_group_arn)
          .Member("productionListenerRule", lb.advanced->production_listener_rule);
      if (!lb.advanced->test_listener_rule.empty()) {
        w.Member("testListenerRule", lb.advanced->test_listener_rule);
      }
      w.Member("roleArn", lb.advanced->role_arn).EndObject();
    }
    w.EndObject();
  }
  w.EndArray();
}

namespace {

void WriteService(JsonWriter& w, const control::ControlPlane& cp, EncodeCache& cache,
                  const model::Service& s, bool include_tags) {
  const control::ServiceCounts n = cp.CountsForService(s);
  w.StartObject()
      .Member("serviceArn", s.arn)
      .Member("serviceName", s.name)
      .Member("clusterArn", ArnPrefix(s.tenant) + "cluster/" + s.cluster);
  WriteLoadBalancers(w, s.load_balancers);
  WriteRaw(w, "serviceRegistries", s.service_registries, "[]");
  w.Member("status", model::ToString(s.status))
      .Member("desiredCount", s.desired_count)
      .Member("runningCount", n.running)
      .Member("pendingCount", n.pending);
  WriteStrategyOrLaunch(w, s.launch_type, s.capacity_provider_strategy, s.platform_version);
  // An EXTERNAL service without a PRIMARY task set has none (the deployment type's
  // documentation: "the task set fields will be null").
  if (!s.task_definition_arn.empty()) w.Member("taskDefinition", s.task_definition_arn);
  WriteDeploymentConfiguration(w, s);
  WriteDeployments(w, s, n);
  if (s.uses_task_sets()) {
    w.Key("taskSets").StartArray();
    for (const auto& t : s.task_sets) WriteTaskSet(w, s, t, n, /*tags=*/nullptr);
    w.EndArray();
  }
  if (!s.role_arn.empty()) w.Member("roleArn", s.role_arn);
  WriteEvents(w, cache, s);
  w.Key("createdAt").Timestamp(s.created_at);
  WriteCurrentRevisions(w, s, n);
  WritePlacement(w, s.placement_constraints, s.placement_strategy);
  // Omitted (not {}) when the service has none: an empty object breaks Terraform.
  if (s.network_configuration) WriteNetwork(w, "networkConfiguration", *s.network_configuration);
  if (s.health_check_grace_period_seconds >= 0) {
    w.Member("healthCheckGracePeriodSeconds", s.health_check_grace_period_seconds);
  }
  w.Member("schedulingStrategy", model::ToString(s.scheduling_strategy))
      .Key("deploymentController")
      .StartObject()
      .Member("type", model::ToString(s.deployment_controller))
      .EndObject();
  if (include_tags) WriteTags(w, "tags", cp.TagsOf(s.arn));
  w.Member("createdBy", s.created_by)
      .Member("enableECSManagedTags", s.enable_ecs_managed_tags)
      .Member("propagateTags", model::ToString(s.propagate_tags))
      .Member("enableExecuteCommand", s.enable_execute_command)
      .Member("availabilityZoneRebalancing", model::ToString(s.availability_zone_rebalancing))
      .Member("resourceManagementType", cp.FindExpressService(s.arn) ? "ECS" : "CUSTOMER")
      .EndObject();
}

std::string ServiceReply(OpContext& op, const model::Service& s, bool tags) {
  JsonWriter w;
  w.StartObject().Key("service");
  WriteService(w, op.control, op.cache, s, tags);
  w.EndObject();
  return w.str();
}

void WriteRevisionSummary(JsonWriter& w, const control::ControlPlane& cp, const model::Service& s,
                          const model::Deployment& d) {
  auto n = cp.CountsForService(s);
  auto counts = n.by_deployment.find(d.id);
  w.StartObject()
      .Member("arn", cp.ServiceRevisionArn(s, d))
      .Member("requestedTaskCount",
              d.status == model::DeploymentStatus::kInactive ? 0 : d.desired_count)
      .Member("runningTaskCount", counts == n.by_deployment.end() ? 0 : counts->second.first)
      .Member("pendingTaskCount", counts == n.by_deployment.end() ? 0 : counts->second.second);
  // The simulated traffic split of a blue/green service (control::TrafficSplit).
  for (const control::RevisionTraffic& t : control::TrafficSplit(s)) {
    if (t.deployment != &d) continue;
    w.Key("requestedTestTrafficWeight").Double(t.test);
    w.Key("requestedProductionTrafficWeight").Double(t.production);
  }
  w.EndObject();
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
  w.Member("status", model::ToString(d.deployment_status));
  if (!d.status_reason.empty()) w.Member("statusReason", d.status_reason);
  if (d.lifecycle_stage) w.Member("lifecycleStage", model::ToString(*d.lifecycle_stage));
  WriteHookDetails(w, d);
  WriteDeploymentConfiguration(w, s, &d);
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
      .Member("status", model::ToString(d.circuit_breaker_status))
      .Member("failureCount", d.failed_tasks)
      .Member("threshold", std::min<int64_t>(200, std::max<int64_t>(3, (s.desired_count + 1) / 2)))
      .EndObject();
  w.Key("alarms").StartObject().Member("status", model::ToString(d.alarms_status));
  if (s.alarms && d.alarms_status != model::CircuitBreakerStatus::kDisabled) {
    w.StringArray("alarmNames", s.alarms->names);
    if (!d.triggered_alarms.empty()) w.StringArray("triggeredAlarmNames", d.triggered_alarms);
  }
  w.EndObject().EndObject();
}

// The configuration an Express service's revision was deployed from (the newest if unknown).
const model::ExpressConfiguration& ExpressConfigurationOf(const model::ExpressGatewayService& e,
                                                          const model::Deployment& d) {
  for (const auto& c : e.configurations) {
    if (c.deployment_id == d.id) return c;
  }
  return e.current();
}

void WriteServiceRevision(JsonWriter& w, const control::ControlPlane& cp, const model::Service& s,
                          const model::Deployment& d) {
  w.StartObject()
      .Member("serviceRevisionArn", cp.ServiceRevisionArn(s, d))
      .Member("serviceArn", s.arn)
      .Member("clusterArn", ArnPrefix(s.tenant) + "cluster/" + s.cluster)
      .Member("taskDefinition", d.task_definition_arn);
  WriteStrategyOrLaunch(w, d.launch_type, d.capacity_provider_strategy, d.platform_version);
  WriteLoadBalancers(w, s.load_balancers);
  WriteRaw(w, "serviceRegistries", s.service_registries, "[]");
  if (d.network_configuration) WriteNetwork(w, "networkConfiguration", *d.network_configuration);
  w.Key("containerImages").StartArray();
  auto td = cp.task_definitions().Resolve(s.tenant, d.task_definition_arn);
  if (td.ok()) {
    for (const auto& c : (*td)->spec->containers) {
      w.StartObject().Member("containerName", c->name).Member("image", c->image).EndObject();
    }
  }
  w.EndArray().Member("guardDutyEnabled", false).Key("createdAt").Timestamp(d.created_at);
  if (const model::ExpressGatewayService* e = cp.FindExpressService(s.arn)) {
    WriteManagedResources(w, *e, ExpressConfigurationOf(*e, d));
  }
  w.EndObject();
}

}  // namespace

Result<std::string> CreateService(OpContext& op) {
  control::ServiceInput in = ReadServiceInput(op.in);
  in.service = ReadRequiredString(op.in, "serviceName");
  if (!op.in.ok()) return op.in.status();
  auto s = op.control.CreateService(op.ctx, std::move(in));
  if (!s.ok()) return s.status();
  return ServiceReply(op, **s, /*tags=*/true);
}

Result<std::string> UpdateService(OpContext& op) {
  control::ServiceInput in = ReadServiceInput(op.in);
  in.service = ReadRequiredString(op.in, "service");
  if (!op.in.ok()) return op.in.status();
  auto s = op.control.UpdateService(op.ctx, in);
  if (!s.ok()) return s.status();
  return ServiceReply(op, **s, /*tags=*/false);
}

Result<std::string> DeleteService(OpContext& op) {
  std::string cluster = op.in.String("cluster").value_or("");
  std::string service = ReadRequiredString(op.in, "service");
  bool force = op.in.Bool("force").value_or(false);
  if (!op.in.ok()) return op.in.status();
  auto s = op.control.DeleteService(op.ctx, cluster, service, force);
  if (!s.ok()) return s.status();
  return ServiceReply(op, **s, /*tags=*/false);
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
  for (const auto* s : found) WriteService(w, op.control, op.cache, *s, include.count("TAGS") > 0);
  w.EndArray();
  WriteFailures(w, failures);
  w.EndObject();
  return w.str();
}

Result<std::string> ListServices(OpContext& op) {
  control::ListServicesInput in;
  in.cluster = op.in.String("cluster").value_or("");
  in.launch_type = ReadWireEnum<model::LaunchType>(op.in, "launchType");
  in.scheduling_strategy = ReadWireEnum<model::SchedulingStrategy>(op.in, "schedulingStrategy");
  if (auto type = ReadEnum(op.in, "resourceManagementType", {"CUSTOMER", "ECS"})) {
    in.ecs_managed = *type == "ECS";
  }
  in.page = {op.in.Int("maxResults"), op.in.String("nextToken")};
  if (!op.in.ok()) return op.in.status();
  auto page = op.control.ListServices(op.ctx, in);
  if (!page.ok()) return page.status();
  JsonWriter w;
  w.StartObject().StringArray("serviceArns", page->arns);
  if (page->next_token) w.Member("nextToken", *page->next_token);
  w.EndObject();
  return w.str();
}

Result<std::string> ListServicesByNamespace(OpContext& op) {
  std::string ns = ReadRequiredString(op.in, "namespace");
  control::PageRequest request{op.in.Int("maxResults"), op.in.String("nextToken")};
  if (!op.in.ok()) return op.in.status();
  auto page = op.control.ListServicesByNamespace(op.ctx, ns, request);
  if (!page.ok()) return page.status();
  JsonWriter w;
  w.StartObject().StringArray("serviceArns", page->arns);
  if (page->next_token) w.Member("nextToken", *page->next_token);
  w.EndObject();
  return w.str();
}

Result<std::string> ListServiceDeployments(OpContext& op) {
  control::ListServiceDeploymentsInput in;
  in.service = ReadRequiredString(op.in, "service");
  in.cluster = op.in.String("cluster").value_or("");
  for (const auto& status : op.in.StringList("status").value_or(std::vector<std::string>{})) {
    auto parsed = model::Parse<model::ServiceDeploymentStatus>(status);
    if (!parsed) {
      return Status::InvalidParameter(
          "Invalid value '" + status +
          "' in status. Valid values: PENDING, SUCCESSFUL, STOPPED, "
          "STOP_REQUESTED, IN_PROGRESS, ROLLBACK_REQUESTED, "
          "ROLLBACK_IN_PROGRESS, ROLLBACK_SUCCESSFUL, ROLLBACK_FAILED.");
    }
    in.statuses.push_back(*parsed);
  }
  if (const rapidjson::Value* ca = op.in.Object("createdAt")) {
    JsonObjectReader c = op.in.Nested(*ca, "createdAt");
    in.created_after = c.Timestamp("after");
    in.created_before = c.Timestamp("before");
  }
  in.page = {op.in.Int("maxResults"), op.in.String("nextToken")};
  if (!op.in.ok()) return op.in.status();
  auto out = op.control.ListServiceDeployments(op.ctx, in);
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
        .Member("status", model::ToString(d.deployment_status));
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
  auto out = op.control.StopServiceDeployment(op.ctx, arn, type.value_or("ROLLBACK") == "ROLLBACK");
  if (!out.ok()) return out.status();
  JsonWriter w;
  w.StartObject().Member("serviceDeploymentArn", *out).EndObject();
  return w.str();
}

Result<std::string> ContinueServiceDeployment(OpContext& op) {
  std::string arn = ReadRequiredString(op.in, "serviceDeploymentArn");
  std::string hook_id = ReadRequiredString(op.in, "hookId");
  auto action = ReadEnum(op.in, "action", {"ROLLBACK", "CONTINUE"});
  if (!op.in.ok()) return op.in.status();
  // The model: "If no value is specified, the default action is CONTINUE."
  auto out = op.control.ContinueServiceDeployment(op.ctx, arn, hook_id,
                                                  action.value_or("CONTINUE") == "ROLLBACK");
  if (!out.ok()) return out.status();
  JsonWriter w;
  w.StartObject().Member("serviceDeploymentArn", *out).EndObject();
  return w.str();
}

}  // namespace ecs::api

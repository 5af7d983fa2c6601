// ApplyServiceInput, one concern per step, in the order ECS reports problems.
#include "control/service_input.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <string>
#include <vector>

#include "control/capacity_providers.h"
#include "control/quotas.h"
#include "scheduler/placement_types.h"
#include "taskdef/reference.h"

namespace ecs::control {

namespace {

class Applier {
 public:
  Applier(const TaskDefinitionRegistry& registry, const Tenant& tenant,
          const model::Cluster& cluster, const ServiceInput& in, bool creating, model::Service& svc)
      : registry_(registry),
        tenant_(tenant),
        cluster_(cluster),
        in_(in),
        creating_(creating),
        svc_(svc),
        new_deployment_(creating || in.force_new_deployment) {}

  Result<bool> Run() {
    ECS_RETURN_IF_ERROR(Scheduling());
    ECS_RETURN_IF_ERROR(Controller());
    if (svc_.deployment_controller == model::DeploymentControllerType::kExternal) {
      return ExternalService();
    }
    if (svc_.deployment_controller == model::DeploymentControllerType::kCodeDeploy && !creating_) {
      ECS_RETURN_IF_ERROR(CodeDeployUpdate());
    }
    ECS_RETURN_IF_ERROR(LaunchTypeOrStrategy());
    ECS_RETURN_IF_ERROR(PlatformVersion());
    ECS_RETURN_IF_ERROR(TaskDefinition());
    ECS_RETURN_IF_ERROR(DeploymentConfiguration());
    ECS_RETURN_IF_ERROR(Placement());
    ECS_RETURN_IF_ERROR(Network());
    ECS_RETURN_IF_ERROR(EchoedMembers());
    ECS_RETURN_IF_ERROR(LoadBalancers());
    ECS_RETURN_IF_ERROR(DeploymentStrategy());
    return new_deployment_;
  }

 private:
  Status Scheduling();
  Status Controller();
  Result<bool> ExternalService();
  Status CodeDeployUpdate();
  // The task-set members a request sets ("taskDefinition", ...), as the model names them.
  std::vector<std::string> TaskSetMembersGiven() const;
  Status LaunchTypeOrStrategy();
  Status PlatformVersion();
  Status TaskDefinition();
  Status DeploymentConfiguration();
  Status Placement();
  Status Network();
  Status EchoedMembers();
  Status LoadBalancers();
  Status DeploymentStrategy();
  Status TrafficShiftConfigurations();
  Status BlueGreenLoadBalancers() const;
  Status LifecycleHooks();
  static Status LambdaHookTarget(const model::LifecycleHook& h);
  bool daemon() const { return svc_.is_daemon(); }
  bool fargate() const { return svc_.uses_fargate(); }
  // A member whose change starts a new deployment on update.
  template <typename T>
  void Set(T& member, const T& value) {
    if (!creating_ && !(member == value)) new_deployment_ = true;
    member = value;
  }

  const TaskDefinitionRegistry& registry_;
  const Tenant& tenant_;
  const model::Cluster& cluster_;
  const ServiceInput& in_;
  const bool creating_;
  model::Service& svc_;
  bool new_deployment_;
  const TaskDefinitionRecord* td_ = nullptr;  // the service's definition, once resolved
};

Status Applier::Scheduling() {
  if (in_.scheduling_strategy) {
    if (!creating_ && *in_.scheduling_strategy != svc_.scheduling_strategy) {
      return Status::InvalidParameter("schedulingStrategy cannot be changed.");
    }
    svc_.scheduling_strategy = *in_.scheduling_strategy;
  }
  if (daemon() && in_.desired_count) {
    return Status::InvalidParameter(
        "The daemon scheduling strategy does not support a desired count for services. Remove "
        "the desired count value and try again");
  }
  if (creating_ && !daemon() && !in_.desired_count) {
    return Status::InvalidParameter("desiredCount can not be empty for a REPLICA service.");
  }
  if (in_.desired_count) {
    ECS_RETURN_IF_ERROR(CheckDesiredCount(*in_.desired_count));
    svc_.desired_count = *in_.desired_count;
  }
  return Status::Ok();
}

Status Applier::Controller() {
  if (in_.deployment_controller) {
    if (!creating_ && *in_.deployment_controller != svc_.deployment_controller) {
      return Status(ErrorCode::kUnsupportedFeatureException,
                    "Changing the deployment controller of a service is not supported by "
                    "ecs-emulator yet.");
    }
    svc_.deployment_controller = *in_.deployment_controller;
  }
  if (daemon() && svc_.uses_task_sets()) {
    // [I] the text; the rule is the EXTERNAL deployment type documentation's [D].
    return Status::InvalidParameter("The daemon scheduling strategy does not support the " +
                                    std::string(model::ToString(svc_.deployment_controller)) +
                                    " deployment controller.");
  }
  return Status::Ok();
}

std::vector<std::string> Applier::TaskSetMembersGiven() const {
  std::vector<std::string> given;
  if (in_.task_definition) given.emplace_back("taskDefinition");
  if (in_.launch_type) given.emplace_back("launchType");
  if (in_.capacity_provider_strategy) given.emplace_back("capacityProviderStrategy");
  if (in_.platform_version) given.emplace_back("platformVersion");
  if (in_.network_configuration) given.emplace_back("networkConfiguration");
  if (in_.load_balancers) given.emplace_back("loadBalancers");
  if (in_.service_registries) given.emplace_back("serviceRegistries");
  if (in_.service_connect_configuration) given.emplace_back("serviceConnectConfiguration");
  if (in_.force_new_deployment) given.emplace_back("forceNewDeployment");
  return given;
}

// EXTERNAL (the deployment type's documentation [D]): the service holds only the desired count,
// deployment configuration, grace period, placement, tags and tag propagation; what tasks run is
// each task set's. [I] the text of the rejection, which names the member.
Result<bool> Applier::ExternalService() {
  const std::vector<std::string> given = TaskSetMembersGiven();
  if (!given.empty()) {
    return Status::InvalidParameter(
        given.front() +
        " cannot be set on a service with the EXTERNAL deployment controller; it is "
        "specified on its task sets (CreateTaskSet).");
  }
  ECS_RETURN_IF_ERROR(DeploymentConfiguration());
  ECS_RETURN_IF_ERROR(Placement());
  ECS_RETURN_IF_ERROR(EchoedMembers());
  return false;
}

// CODE_DEPLOY: CodeDeploy deploys, so UpdateService refuses what would start a deployment.
// AWS's text for taskDefinition (fabfuel/ecs-deploy#120); the same form for the others [I].
Status Applier::CodeDeployUpdate() {
  const std::vector<std::string> given = TaskSetMembersGiven();
  if (!given.empty()) {
    const std::string& member = given.front();
    const std::string what = member == "taskDefinition" ? "task definition" : member;
    return Status::InvalidParameter("Unable to update " + what +
                                    " on services with a CODE_DEPLOY deployment controller. Use "
                                    "AWS CodeDeploy to trigger a new deployment.");
  }
  return Status::Ok();
}

Status Applier::LaunchTypeOrStrategy() {
  // Launch type or capacity provider strategy; an empty strategy beside a launch type means none.
  const bool has_strategy =
      in_.capacity_provider_strategy && !in_.capacity_provider_strategy->empty();
  if (in_.launch_type && has_strategy) {
    return Status::InvalidParameter(
        "Specifying both a launch type and capacity provider strategy is not supported. Remove "
        "one and try again.");
  }
  if (in_.launch_type == model::LaunchType::kManagedInstances) {
    return ManagedInstancesNeedStrategy();
  }
  if (in_.launch_type) {
    if (!creating_ && in_.launch_type != svc_.launch_type) {
      return Status::InvalidParameter("launchType cannot be changed on an existing service.");
    }
    svc_.launch_type = in_.launch_type;
    svc_.capacity_provider_strategy.clear();
  } else if (has_strategy) {
    ECS_RETURN_IF_ERROR(CheckStrategyForCluster(cluster_, *in_.capacity_provider_strategy));
    // A change of strategy starts a new deployment (the model's UpdateService documentation).
    Set(svc_.capacity_provider_strategy, *in_.capacity_provider_strategy);
    svc_.launch_type.reset();
  } else if (in_.capacity_provider_strategy && !creating_) {
    // [] on update reverts to the launch type.
    Set(svc_.capacity_provider_strategy, model::CapacityProviderStrategy{});
    if (!svc_.launch_type) svc_.launch_type = model::LaunchType::kEc2;
  } else if (creating_) {
    svc_.launch_type = model::LaunchType::kEc2;
    if (!cluster_.default_capacity_provider_strategy.empty()) {
      svc_.capacity_provider_strategy = cluster_.default_capacity_provider_strategy;
      svc_.launch_type.reset();
    }
  }
  if (daemon() && fargate()) {
    return Status::InvalidParameter(
        "The daemon scheduling strategy is not supported with the "
        "Fargate launch type.");
  }
  return Status::Ok();
}

Status Applier::PlatformVersion() {
  if (!in_.platform_version) {
    if (creating_ && fargate()) svc_.platform_version = "LATEST";
    return Status::Ok();
  }
  if (!fargate()) {
    return Status::InvalidParameter("platformVersion is only valid for the Fargate launch type.");
  }
  const std::string& v = *in_.platform_version;
  if (v != "LATEST" && v != "1.4.0" && v != "1.3.0") {
    return Status(ErrorCode::kPlatformUnknownException,
                  "The specified platform version (" + v + ") does not exist.");
  }
  Set(svc_.platform_version, v);
  return Status::Ok();
}

Status Applier::TaskDefinition() {
  if (in_.task_definition) {
    auto td = registry_.Resolve(tenant_, *in_.task_definition);
    if (!td.ok()) return Status::Client("TaskDefinition not found.");
    if (!(*td)->is_active()) return Status::InvalidParameter("TaskDefinition is inactive");
    Set(svc_.task_definition_arn, (*td)->reg.arn);
  } else if (creating_) {
    return Status::InvalidParameter("taskDefinition can not be empty.");
  }
  td_ = registry_.FindArn(tenant_, svc_.task_definition_arn);
  if (!td_) return Status::Client("TaskDefinition not found.");
  const model::LaunchType launch =
      fargate() ? model::LaunchType::kFargate : svc_.launch_type.value_or(model::LaunchType::kEc2);
  if (!td_->spec->SupportsLaunchType(launch)) {
    return Status::InvalidParameter("Task definition does not support launch_type " +
                                    std::string(model::ToString(launch)) + ".");
  }
  return Status::Ok();
}

Status Applier::DeploymentConfiguration() {
  if (in_.minimum_healthy_percent) {
    if (*in_.minimum_healthy_percent < 0 || *in_.minimum_healthy_percent > 100) {
      return Status::InvalidParameter("minimumHealthyPercent must be between 0 and 100.");
    }
    svc_.minimum_healthy_percent = static_cast<int>(*in_.minimum_healthy_percent);
  } else if (creating_) {
    svc_.minimum_healthy_percent = daemon() ? 0 : 100;
  }
  if (in_.maximum_percent) {
    if (*in_.maximum_percent < 0 || *in_.maximum_percent > 2000) {
      return Status::InvalidParameter("maximumPercent must be between 0 and 2000.");
    }
    if (daemon() && *in_.maximum_percent > 100) {  // AWS's text (issue 11)
      return Status::InvalidParameter(
          "The daemon scheduling strategy does not support values above 100 for maximumPercent "
          "on a deployment configuration. Change the maximumPercent value to 100, and try again");
    }
    if (daemon() && *in_.maximum_percent != 100) {
      return Status::InvalidParameter(
          "The daemon scheduling strategy requires a maximumPercent "
          "of 100.");
    }
    svc_.maximum_percent = static_cast<int>(*in_.maximum_percent);
  } else if (creating_) {
    svc_.maximum_percent = daemon() ? 100 : 200;
  }
  if (in_.circuit_breaker_enable) svc_.circuit_breaker_enable = *in_.circuit_breaker_enable;
  if (in_.circuit_breaker_rollback) svc_.circuit_breaker_rollback = *in_.circuit_breaker_rollback;
  if (in_.alarms) svc_.alarms = *in_.alarms;
  if (svc_.alarms && svc_.alarms->enable) {
    if (svc_.alarms->names.empty()) {
      return Status::InvalidParameter("deploymentConfiguration.alarms.alarmNames is required.");
    }
    // Only the ECS controller runs deployments the alarms could fail (the model's
    // DeploymentAlarms documentation).
    if (svc_.deployment_controller != model::DeploymentControllerType::kEcs) {
      return Status::InvalidParameter(
          "deploymentConfiguration.alarms can only be used when the deployment controller type "
          "is ECS.");
    }
  }
  return Status::Ok();
}

Status Applier::Placement() {
  if (in_.placement_constraints) {
    const auto& constraints = *in_.placement_constraints;
    if (fargate() && !constraints.empty()) {
      return Status::InvalidParameter(
          "Task placement constraints are not supported for the "
          "Fargate launch type.");
    }
    // An EXTERNAL service has no task definition of its own.
    const size_t from_definition = td_ ? td_->spec->member_of_expressions->size() : 0;
    if (constraints.size() + from_definition > 10) {
      return Status::InvalidParameter(
          "A service can have at most 10 placement constraints, "
          "counting the task definition's.");
    }
    for (const auto& c : constraints) {
      auto parsed = scheduler::MakePlacementConstraint(c.type, c.expression);
      if (!parsed.ok()) return parsed.status();
    }
    svc_.placement_constraints = constraints;
  }
  if (in_.placement_strategy) {
    const auto& strategy = *in_.placement_strategy;
    if (fargate() && !strategy.empty()) {
      return Status::InvalidParameter(
          "Task placement strategies are not supported for the "
          "Fargate launch type.");
    }
    if (daemon() && !strategy.empty()) {
      return Status::InvalidParameter(
          "The daemon scheduling strategy does not support placement "
          "strategies.");
    }
    if (strategy.size() > 5) {
      return Status::InvalidParameter("placementStrategy can have at most 5 items.");
    }
    for (const auto& p : strategy) {
      auto parsed = scheduler::MakePlacementStrategy(p.type, p.field);
      if (!parsed.ok()) return parsed.status();
    }
    svc_.placement_strategy = strategy;
  }
  return Status::Ok();
}

Status Applier::Network() {
  const bool awsvpc = td_->spec->awsvpc();
  if (in_.network_configuration) {
    if (!awsvpc) {
      return Status::InvalidParameter(
          "Network Configuration is not valid for the given "
          "networkMode of this task definition.");
    }
    const auto& vpc = in_.network_configuration->awsvpc;
    if (vpc.subnets.empty()) return Status::InvalidParameter("subnets can not be empty.");
    if (vpc.subnets.size() > 16 || vpc.security_groups.size() > 5) {
      return Status::InvalidParameter(
          "awsvpcConfiguration allows at most 16 subnets and 5 "
          "security groups.");
    }
    Set(svc_.network_configuration, in_.network_configuration);
  }
  if (awsvpc && !svc_.network_configuration) {
    return Status::InvalidParameter(
        "Network Configuration must be provided when networkMode 'awsvpc' is specified.");
  }
  if (!awsvpc && !in_.network_configuration && in_.task_definition) {
    svc_.network_configuration.reset();
  }
  return Status::Ok();
}

// Each entry's container and port must be in the task definition the service runs — checked
// again when only the task definition changes, as ECS does. AWS's texts as clients report them
// (e.g. "The container app did not have a container port 80 defined."); the first is [I].
Status Applier::LoadBalancers() {
  if (in_.load_balancers) Set(svc_.load_balancers, *in_.load_balancers);
  for (const model::LoadBalancer& lb : svc_.load_balancers) {
    if (lb.container_name.empty()) continue;
    const auto& containers = td_->spec->containers;
    auto c = std::find_if(containers.begin(), containers.end(),
                          [&](const auto& spec) { return spec->name == lb.container_name; });
    if (c == containers.end()) {
      return Status::InvalidParameter("The container " + lb.container_name +
                                      " does not exist in the task definition.");
    }
    const int64_t port = lb.container_port.value_or(0);
    const bool mapped =
        std::any_of((*c)->port_mappings.begin(), (*c)->port_mappings.end(), [&](const auto& m) {
          return m.container_port == port ||
                 (m.range_first != 0 && m.range_first <= port && port <= m.range_last);
        });
    if (!mapped) {
      return Status::InvalidParameter("The container " + lb.container_name +
                                      " did not have a container port " + std::to_string(port) +
                                      " defined.");
    }
  }
  return Status::Ok();
}

// deploymentConfiguration.strategy and the members only BLUE_GREEN, LINEAR and CANARY use
// (issue #13): checked on the service as it will be, so an update that changes one of them alone
// is checked too.
Status Applier::DeploymentStrategy() {
  if (in_.deployment_strategy) svc_.deployment_strategy = *in_.deployment_strategy;
  if (in_.bake_time_minutes) {
    if (*in_.bake_time_minutes < 0 || *in_.bake_time_minutes > 1440) {
      return Status::InvalidParameter("bakeTimeInMinutes must be between 0 and 1440.");
    }
    svc_.bake_time_minutes = *in_.bake_time_minutes;
  }
  const bool shifts_traffic = model::ShiftsTraffic(svc_.deployment_strategy);
  const std::string strategy(model::ToString(svc_.deployment_strategy));
  ECS_RETURN_IF_ERROR(TrafficShiftConfigurations());
  ECS_RETURN_IF_ERROR(LifecycleHooks());
  if (!shifts_traffic) {
    if (in_.bake_time_minutes) {
      return Status::InvalidParameter(
          "deploymentConfiguration.bakeTimeInMinutes is only valid with the BLUE_GREEN, LINEAR "
          "or CANARY deployment strategy.");
    }
    svc_.bake_time_minutes = -1;
    for (const model::LoadBalancer& lb : svc_.load_balancers) {
      if (lb.advanced) {
        return Status::InvalidParameter(
            "loadBalancers.advancedConfiguration is only valid with the BLUE_GREEN, LINEAR or "
            "CANARY deployment strategy.");
      }
    }
    return Status::Ok();
  }
  if (svc_.deployment_controller != model::DeploymentControllerType::kEcs) {
    return Status::InvalidParameter("The " + strategy +
                                    " deployment strategy requires the ECS deployment controller.");
  }
  if (daemon()) {
    return Status::InvalidParameter("The daemon scheduling strategy does not support the " +
                                    strategy + " deployment strategy.");
  }
  // The model's DeploymentConfiguration documentation: "You must provide this parameter when you
  // use the BLUE_GREEN deployment strategy." (it says so of BLUE_GREEN only).
  if (svc_.deployment_strategy == model::DeploymentStrategy::kBlueGreen &&
      svc_.bake_time_minutes < 0) {
    return Status::InvalidParameter(
        "deploymentConfiguration.bakeTimeInMinutes is required with the BLUE_GREEN deployment "
        "strategy.");
  }
  return BlueGreenLoadBalancers();
}

// canaryConfiguration only with CANARY, linearConfiguration only with LINEAR (the model's
// DeploymentConfiguration documentation), within the model's bounds: canaryPercent 0.1-100,
// stepPercent 3.0-100, both multiples of 0.1; bake minutes 0-1440. A configuration left over
// from an earlier strategy is dropped when the strategy changes.
Status Applier::TrafficShiftConfigurations() {
  struct Config {
    model::DeploymentStrategy strategy;
    const std::optional<model::TrafficShiftConfiguration>& in;
    std::optional<model::TrafficShiftConfiguration>& stored;
    const char* member;
    const char* percent;
    double min_percent;
    const char* bake;
  };
  for (const Config& c : {Config{model::DeploymentStrategy::kCanary, in_.canary_configuration,
                                 svc_.canary_configuration, "canaryConfiguration", "canaryPercent",
                                 0.1, "canaryBakeTimeInMinutes"},
                          Config{model::DeploymentStrategy::kLinear, in_.linear_configuration,
                                 svc_.linear_configuration, "linearConfiguration", "stepPercent",
                                 3.0, "stepBakeTimeInMinutes"}}) {
    const std::string name = "deploymentConfiguration." + std::string(c.member);
    if (svc_.deployment_strategy != c.strategy) {
      if (c.in) {
        return Status::InvalidParameter(name + " is only valid with the " +
                                        std::string(model::ToString(c.strategy)) +
                                        " deployment strategy.");
      }
      c.stored.reset();
      continue;
    }
    if (!c.in) continue;
    if (const auto p = c.in->percent;
        p && (*p < c.min_percent || *p > 100 || std::abs(*p * 10 - std::round(*p * 10)) > 1e-6)) {
      char bounds[96];
      std::snprintf(bounds, sizeof bounds, " must be a multiple of 0.1 from %.1f to 100.0.",
                    c.min_percent);
      return Status::InvalidParameter(name + "." + c.percent + bounds);
    }
    if (const auto b = c.in->bake_minutes; b && (*b < 0 || *b > 1440)) {
      return Status::InvalidParameter(name + "." + c.bake + " must be between 0 and 1440.");
    }
    c.stored = c.in;
  }
  return Status::Ok();
}

// deploymentConfiguration.lifecycleHooks. The stages a hook may run at are the model's
// DeploymentLifecycleHook.lifecycleStages list; an AWS_LAMBDA hook names its function and the
// role ECS invokes it with (the model: hookTargetArn "must" be given, "only Lambda function ARNs
// are supported"; roleArn "grants Amazon ECS permission to call Lambda functions").
Status Applier::LifecycleHooks() {
  if (in_.lifecycle_hooks) svc_.lifecycle_hooks = *in_.lifecycle_hooks;
  if (svc_.lifecycle_hooks.empty()) return Status::Ok();
  if (!model::ShiftsTraffic(svc_.deployment_strategy)) {
    return Status::InvalidParameter(
        "deploymentConfiguration.lifecycleHooks is only supported by ecs-emulator with the "
        "BLUE_GREEN, LINEAR and CANARY deployment strategies.");
  }
  using model::LifecycleStage;
  for (const model::LifecycleHook& h : svc_.lifecycle_hooks) {
    if (h.stages.empty()) {
      return Status::InvalidParameter(
          "deploymentConfiguration.lifecycleHooks.lifecycleStages is required.");
    }
    for (LifecycleStage stage : h.stages) {
      if (stage == LifecycleStage::kScaleUp || stage == LifecycleStage::kBakeTime ||
          stage == LifecycleStage::kCleanUp) {
        return Status::InvalidParameter(
            "A lifecycle hook cannot run at " + std::string(model::ToString(stage)) +
            ": valid lifecycleStages are RECONCILE_SERVICE, PRE_SCALE_UP, POST_SCALE_UP, "
            "TEST_TRAFFIC_SHIFT, POST_TEST_TRAFFIC_SHIFT, PRODUCTION_TRAFFIC_SHIFT and "
            "POST_PRODUCTION_TRAFFIC_SHIFT.");
      }
    }
    ECS_RETURN_IF_ERROR(LambdaHookTarget(h));
    // The shifts themselves take Lambda hooks only: the current SDK documentation of
    // DeploymentLifecycleHook.lifecycleStages says so (newer than the botocore model here).
    for (LifecycleStage stage : h.stages) {
      if (h.target_type == model::HookTargetType::kPause &&
          (stage == LifecycleStage::kTestTrafficShift ||
           stage == LifecycleStage::kProductionTrafficShift)) {
        return Status::InvalidParameter("A PAUSE lifecycle hook cannot run at " +
                                        std::string(model::ToString(stage)) +
                                        ": that stage takes AWS_LAMBDA hooks only.");
      }
    }
    if (h.timeout_minutes && (*h.timeout_minutes < 1 || *h.timeout_minutes > 20160)) {
      return Status::InvalidParameter(
          "deploymentConfiguration.lifecycleHooks.timeoutConfiguration.timeoutInMinutes must be "
          "between 1 and 20160.");
    }
  }
  return Status::Ok();
}

namespace {

// arn:<partition>:lambda:<region>:<account>:function:<name>[:<version or alias>]
bool IsLambdaFunctionArn(const std::string& arn) {
  std::vector<std::string> parts;
  size_t start = 0;
  for (size_t colon; (colon = arn.find(':', start)) != std::string::npos; start = colon + 1) {
    parts.push_back(arn.substr(start, colon - start));
  }
  parts.push_back(arn.substr(start));
  return (parts.size() == 7 || parts.size() == 8) && parts[0] == "arn" &&
         parts[1].starts_with("aws") && parts[2] == "lambda" && !parts[3].empty() &&
         !parts[4].empty() && parts[5] == "function" && !parts[6].empty();
}

}  // namespace

Status Applier::LambdaHookTarget(const model::LifecycleHook& h) {
  if (h.target_type != model::HookTargetType::kAwsLambda) return Status::Ok();
  if (h.hook_target_arn.empty()) {
    return Status::InvalidParameter(
        "deploymentConfiguration.lifecycleHooks.hookTargetArn is required for a hook of "
        "targetType AWS_LAMBDA.");
  }
  if (!IsLambdaFunctionArn(h.hook_target_arn)) {
    return Status::InvalidParameter("Invalid hookTargetArn " + h.hook_target_arn +
                                    ": only Lambda function ARNs are supported.");
  }
  if (h.role_arn.empty()) {
    return Status::InvalidParameter(
        "deploymentConfiguration.lifecycleHooks.roleArn is required for a hook of targetType "
        "AWS_LAMBDA.");
  }
  return Status::Ok();
}

// Blue/green traffic shifting needs, for each target group, the alternate target group, the
// production listener rule and the role that may change them (AdvancedConfiguration in the model);
// the test listener rule is optional.
Status Applier::BlueGreenLoadBalancers() const {
  const std::string strategy(model::ToString(svc_.deployment_strategy));
  for (const model::LoadBalancer& lb : svc_.load_balancers) {
    if (!lb.load_balancer_name.empty()) {
      return Status::InvalidParameter(
          "The " + strategy +
          " deployment strategy does not support Classic Load Balancers: specify a "
          "targetGroupArn with an advancedConfiguration.");
    }
    if (!lb.advanced) {
      return Status::InvalidParameter(
          "loadBalancers.advancedConfiguration is required for each load balancer with the " +
          strategy + " deployment strategy.");
    }
    const model::LoadBalancer::Advanced& a = *lb.advanced;
    for (const auto& [member, value] :
         {std::pair<const char*, const std::string&>{"alternateTargetGroupArn",
                                                     a.alternate_target_group_arn},
          {"productionListenerRule", a.production_listener_rule},
          {"roleArn", a.role_arn}}) {
      if (value.empty()) {
        return Status::InvalidParameter("loadBalancers.advancedConfiguration." +
                                        std::string(member) + " is required with the " + strategy +
                                        " deployment strategy.");
      }
    }
    if (a.alternate_target_group_arn == lb.target_group_arn) {
      return Status::InvalidParameter(
          "loadBalancers.advancedConfiguration.alternateTargetGroupArn must differ from the "
          "targetGroupArn.");
    }
  }
  return Status::Ok();
}

Status Applier::EchoedMembers() {
  if (in_.service_registries) Set(svc_.service_registries, *in_.service_registries);
  if (in_.service_connect_configuration) {
    if (!creating_) new_deployment_ = true;
    svc_.service_connect_configuration = *in_.service_connect_configuration;
    svc_.service_connect_namespace = in_.service_connect_namespace.value_or("");
  }
  if (in_.health_check_grace_period_seconds) {
    const int64_t grace = *in_.health_check_grace_period_seconds;
    if (grace < 0 || grace > 2147483647) {
      return Status::InvalidParameter(
          "healthCheckGracePeriodSeconds must be between 0 and "
          "2147483647.");
    }
    svc_.health_check_grace_period_seconds = grace;
  }
  if (in_.propagate_tags) svc_.propagate_tags = *in_.propagate_tags;
  if (in_.enable_ecs_managed_tags) svc_.enable_ecs_managed_tags = *in_.enable_ecs_managed_tags;
  if (in_.enable_execute_command) svc_.enable_execute_command = *in_.enable_execute_command;
  if (in_.availability_zone_rebalancing) {
    svc_.availability_zone_rebalancing = *in_.availability_zone_rebalancing;
  } else if (creating_) {
    svc_.availability_zone_rebalancing = model::AzRebalancing::kEnabled;
  }
  if (in_.role_arn) svc_.role_arn = *in_.role_arn;
  return Status::Ok();
}

}  // namespace

Result<bool> ApplyServiceInput(const TaskDefinitionRegistry& registry, const Tenant& tenant,
                               const model::Cluster& cluster, const ServiceInput& in, bool creating,
                               model::Service* svc) {
  return Applier(registry, tenant, cluster, in, creating, *svc).Run();
}

}  // namespace ecs::control

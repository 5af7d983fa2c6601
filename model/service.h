// A service, its deployments and its events, as the control plane keeps them. Members that the
// control plane only echoes are RawJson (validated by api/ on the way in).
#pragma once

#include <array>
#include <cstdint>
#include <deque>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/clock.h"
#include "common/tenant.h"
#include "model/launch.h"
#include "model/raw_json.h"
#include "model/wire_enum.h"

namespace ecs::model {

enum class ServiceStatus { kActive, kDraining, kInactive };
template <>
struct WireNames<ServiceStatus> {
  static constexpr std::array<std::string_view, 3> kNames = {"ACTIVE", "DRAINING", "INACTIVE"};
};

enum class SchedulingStrategy { kReplica, kDaemon };
template <>
struct WireNames<SchedulingStrategy> {
  static constexpr std::array<std::string_view, 2> kNames = {"REPLICA", "DAEMON"};
};

enum class DeploymentControllerType { kEcs, kCodeDeploy, kExternal };
template <>
struct WireNames<DeploymentControllerType> {
  static constexpr std::array<std::string_view, 3> kNames = {"ECS", "CODE_DEPLOY", "EXTERNAL"};
};

enum class AzRebalancing { kEnabled, kDisabled };
template <>
struct WireNames<AzRebalancing> {
  static constexpr std::array<std::string_view, 2> kNames = {"ENABLED", "DISABLED"};
};

// Deployment.status in DescribeServices.
enum class DeploymentStatus { kPrimary, kActive, kInactive };
template <>
struct WireNames<DeploymentStatus> {
  static constexpr std::array<std::string_view, 3> kNames = {"PRIMARY", "ACTIVE", "INACTIVE"};
};

enum class RolloutState { kCompleted, kFailed, kInProgress };
template <>
struct WireNames<RolloutState> {
  static constexpr std::array<std::string_view, 3> kNames = {"COMPLETED", "FAILED", "IN_PROGRESS"};
};

// ServiceDeployment.status (ListServiceDeployments / DescribeServiceDeployments).
enum class ServiceDeploymentStatus {
  kPending,
  kSuccessful,
  kStopped,
  kStopRequested,
  kInProgress,
  kRollbackRequested,
  kRollbackInProgress,
  kRollbackSuccessful,
  kRollbackFailed,
};
template <>
struct WireNames<ServiceDeploymentStatus> {
  static constexpr std::array<std::string_view, 9> kNames = {"PENDING",
                                                             "SUCCESSFUL",
                                                             "STOPPED",
                                                             "STOP_REQUESTED",
                                                             "IN_PROGRESS",
                                                             "ROLLBACK_REQUESTED",
                                                             "ROLLBACK_IN_PROGRESS",
                                                             "ROLLBACK_SUCCESSFUL",
                                                             "ROLLBACK_FAILED"};
};

// DeploymentConfiguration.strategy (issue #13).
enum class DeploymentStrategy { kRolling, kBlueGreen, kLinear, kCanary };
template <>
struct WireNames<DeploymentStrategy> {
  static constexpr std::array<std::string_view, 4> kNames = {"ROLLING", "BLUE_GREEN", "LINEAR",
                                                             "CANARY"};
};

// BLUE_GREEN, LINEAR and CANARY run the same lifecycle stages beside a whole green revision and
// differ only in how PRODUCTION_TRAFFIC_SHIFT moves production traffic
// (scheduler/blue_green_planner.h).
inline bool ShiftsTraffic(DeploymentStrategy s) { return s != DeploymentStrategy::kRolling; }

// deploymentConfiguration.canaryConfiguration or .linearConfiguration, as sent (echoed as sent;
// an unset member takes the model's default when a deployment starts).
struct TrafficShiftConfiguration {
  std::optional<double> percent;        // canaryPercent / stepPercent
  std::optional<int64_t> bake_minutes;  // canaryBakeTimeInMinutes / stepBakeTimeInMinutes
  bool operator==(const TrafficShiftConfiguration&) const = default;
};

// ServiceDeployment.lifecycleStage of a BLUE_GREEN, LINEAR or CANARY deployment, in the order the
// stages run.
enum class LifecycleStage {
  kReconcileService,
  kPreScaleUp,
  kScaleUp,
  kPostScaleUp,
  kTestTrafficShift,
  kPostTestTrafficShift,
  kProductionTrafficShift,
  kPostProductionTrafficShift,
  kBakeTime,
  kCleanUp,
};
template <>
struct WireNames<LifecycleStage> {
  static constexpr std::array<std::string_view, 10> kNames = {"RECONCILE_SERVICE",
                                                              "PRE_SCALE_UP",
                                                              "SCALE_UP",
                                                              "POST_SCALE_UP",
                                                              "TEST_TRAFFIC_SHIFT",
                                                              "POST_TEST_TRAFFIC_SHIFT",
                                                              "PRODUCTION_TRAFFIC_SHIFT",
                                                              "POST_PRODUCTION_TRAFFIC_SHIFT",
                                                              "BAKE_TIME",
                                                              "CLEAN_UP"};
};

// A deployment lifecycle hook (DeploymentLifecycleHook). PAUSE hooks wait for
// ContinueServiceDeployment; AWS_LAMBDA ones invoke a simulated function
// (scheduler/deployment_checks.h).
enum class HookTargetType { kAwsLambda, kPause };
template <>
struct WireNames<HookTargetType> {
  static constexpr std::array<std::string_view, 2> kNames = {"AWS_LAMBDA", "PAUSE"};
};

enum class HookStatus { kAwaitingAction, kInProgress, kSucceeded, kFailed, kTimedOut };
template <>
struct WireNames<HookStatus> {
  static constexpr std::array<std::string_view, 5> kNames = {"AWAITING_ACTION", "IN_PROGRESS",
                                                             "SUCCEEDED", "FAILED", "TIMED_OUT"};
};

enum class HookAction { kRollback, kContinue };
template <>
struct WireNames<HookAction> {
  static constexpr std::array<std::string_view, 2> kNames = {"ROLLBACK", "CONTINUE"};
};

struct LifecycleHook {
  HookTargetType target_type = HookTargetType::kPause;
  std::string hook_target_arn;
  std::string role_arn;
  std::vector<LifecycleStage> stages;
  RawJson hook_details;                    // echoed; empty = not set
  std::optional<int64_t> timeout_minutes;  // timeoutConfiguration; unset = waits for ever
  std::optional<HookAction> timeout_action;
  bool operator==(const LifecycleHook&) const = default;
};

// One simulated invocation of an AWS_LAMBDA hook's function: when, and what it answered.
struct HookInvocation {
  Millis at = 0;
  HookStatus answer = HookStatus::kInProgress;
  bool operator==(const HookInvocation&) const = default;
};

// One hook as it runs at one stage of one deployment (DeploymentLifecycleHookDetail).
struct HookRun {
  std::string hook_id;
  LifecycleStage stage = LifecycleStage::kPreScaleUp;
  HookTargetType target_type = HookTargetType::kPause;
  std::string target_arn;
  HookStatus status = HookStatus::kAwaitingAction;
  Millis expires_at = 0;  // 0 = no timeout
  HookAction timeout_action = HookAction::kRollback;
  // AWS_LAMBDA: what the simulated function answers (its script, fixed when the run starts so
  // that a restart replays the same answers), when it is next invoked, every invocation so far
  // (at most the script's IN_PROGRESS count + 1), and the hookDetails it is invoked with.
  int64_t script_in_progress = 0;
  HookStatus script_result = HookStatus::kSucceeded;
  Millis next_invoke_at = 0;
  std::vector<HookInvocation> invocations;
  RawJson hook_details;
  // The green revision's share of production and test traffic, percent, when the run started:
  // the weights its Lambda payload shows (a CANARY or LINEAR step has its own).
  double production_traffic = 0;
  double test_traffic = 0;
  // Still holding its stage: a PAUSE hook awaiting action or a Lambda hook in progress.
  bool unresolved() const {
    return status == HookStatus::kAwaitingAction || status == HookStatus::kInProgress;
  }
  bool operator==(const HookRun&) const = default;
};

// Also the status of a deployment's alarm watch (ServiceDeploymentAlarms.status: same values).
enum class CircuitBreakerStatus { kTriggered, kMonitoring, kMonitoringComplete, kDisabled };
template <>
struct WireNames<CircuitBreakerStatus> {
  static constexpr std::array<std::string_view, 4> kNames = {"TRIGGERED", "MONITORING",
                                                             "MONITORING_COMPLETE", "DISABLED"};
};

// deploymentConfiguration.alarms (DeploymentAlarms): CloudWatch alarms that fail a deployment
// when one is in ALARM, and whether the failure rolls it back.
struct DeploymentAlarms {
  std::vector<std::string> names;
  bool enable = false;
  bool rollback = false;
  bool operator==(const DeploymentAlarms&) const = default;
};

// One entry of a service's loadBalancers: an ALB/NLB target group, or a Classic Load Balancer by
// name, and the container port it sends traffic to. Each RUNNING task of the service is a
// simulated target of it (scheduler/target_health.h).
struct LoadBalancer {
  std::string target_group_arn;    // "" for a Classic Load Balancer
  std::string load_balancer_name;  // "" for a target group
  std::string container_name;
  std::optional<int64_t> container_port;
  // LoadBalancer.advancedConfiguration: the blue/green traffic-shifting resources. Simulated:
  // no ELB call is made; the traffic split lives in the deployment (Deployment::traffic).
  struct Advanced {
    std::string alternate_target_group_arn;
    std::string production_listener_rule;
    std::string test_listener_rule;  // optional
    std::string role_arn;
    bool operator==(const Advanced&) const = default;
  };
  std::optional<Advanced> advanced;
  // What the target health is keyed by: the target group, or the Classic Load Balancer's name.
  const std::string& group() const {
    return target_group_arn.empty() ? load_balancer_name : target_group_arn;
  }
  // The target group a deployment's tasks register in: the alternate one when the deployment
  // uses it (Deployment::alternate_target_groups) and there is one.
  const std::string& group_for(bool alternate) const {
    return alternate && advanced ? advanced->alternate_target_group_arn : group();
  }
  bool operator==(const LoadBalancer&) const = default;
};

struct ServiceEvent {
  std::string id;  // UUID
  Millis created_at = 0;
  std::string message;
  bool operator==(const ServiceEvent&) const = default;
};

// One rollout of a service configuration. Also the source of the 2024+ ServiceDeployment and
// ServiceRevision records: the revision shares the deployment id's 19 digits.
struct Deployment {
  std::string id;  // ecs-svc/<19 digits>
  DeploymentStatus status = DeploymentStatus::kPrimary;
  std::string task_definition_arn;
  int64_t desired_count = 0;
  int64_t failed_tasks = 0;
  bool ever_running = false;  // some task of this deployment reached RUNNING
  Millis created_at = 0;
  Millis updated_at = 0;
  std::optional<LaunchType> launch_type;  // unset when a capacity-provider strategy is used
  CapacityProviderStrategy capacity_provider_strategy;
  std::string platform_version;
  std::optional<NetworkConfiguration> network_configuration;
  RolloutState rollout_state = RolloutState::kInProgress;
  std::string rollout_state_reason;
  // ServiceDeployment view.
  std::string service_deployment_id;  // 21 alphanumerics
  ServiceDeploymentStatus deployment_status = ServiceDeploymentStatus::kInProgress;
  std::string status_reason;
  Millis started_at = 0;
  Millis finished_at = 0;
  Millis stopped_at = 0;
  std::string source_revision_id;  // the revision it replaces ("" for the first)
  bool is_rollback = false;        // this deployment was made PRIMARY again by a rollback
  CircuitBreakerStatus circuit_breaker_status = CircuitBreakerStatus::kDisabled;
  // Set on a deployment that was rolled back: the deployment made PRIMARY again, and when.
  std::string rolled_back_to;
  Millis rollback_started_at = 0;
  // BLUE_GREEN (scheduler/blue_green_planner.h): the strategy this deployment runs, its current
  // lifecycle stage (unset for ROLLING), when it entered it, and the simulated traffic this
  // (green) revision receives, in percent of production and of test traffic. The blue revision
  // receives the rest.
  DeploymentStrategy strategy = DeploymentStrategy::kRolling;
  std::optional<LifecycleStage> lifecycle_stage;
  Millis stage_entered_at = 0;
  int64_t bake_time_minutes = 0;
  double production_traffic = 0;
  double test_traffic = 0;
  // LINEAR and CANARY: stepPercent / canaryPercent and the minutes between two production
  // traffic shifts (the defaults filled in), and when production traffic last moved.
  double shift_percent = 100;
  int64_t shift_bake_minutes = 0;
  Millis production_shifted_at = 0;
  // BLUE_GREEN, LINEAR and CANARY: this deployment's tasks register in each load balancer's
  // advancedConfiguration.alternateTargetGroupArn instead of its targetGroupArn. A new
  // deployment takes the target groups production is not served from, so they alternate.
  bool alternate_target_groups = false;
  std::vector<HookRun> hook_runs;  // the hooks run so far, in the order they started
  // deploymentConfiguration.alarms as this deployment watches them (scheduler/deployment_checks.h):
  // MONITORING while it runs, TRIGGERED with the alarms found in ALARM, MONITORING_COMPLETE.
  CircuitBreakerStatus alarms_status = CircuitBreakerStatus::kDisabled;
  std::vector<std::string> triggered_alarms;

  std::string revision_number() const { return id.substr(id.find('/') + 1); }
  bool operator==(const Deployment&) const = default;
};

// TaskSet.status: PRIMARY serves production traffic, ACTIVE does not, DRAINING is being deleted.
enum class TaskSetStatus { kPrimary, kActive, kDraining };
template <>
struct WireNames<TaskSetStatus> {
  static constexpr std::array<std::string_view, 3> kNames = {"PRIMARY", "ACTIVE", "DRAINING"};
};

enum class StabilityStatus { kSteadyState, kStabilizing };
template <>
struct WireNames<StabilityStatus> {
  static constexpr std::array<std::string_view, 2> kNames = {"STEADY_STATE", "STABILIZING"};
};

// One task set of an EXTERNAL or CODE_DEPLOY service (docs/scheduling.md §8.7): it keeps
// ceil(service desiredCount x scale %) tasks of its own definition; its tasks carry its id in
// startedBy. Kept inside the service's row, as deployments are.
struct TaskSet {
  std::string id;  // ecs-svc/<19 digits>
  std::string arn;
  std::string started_by;  // "CODE_DEPLOY" for the set CreateService makes; else ""
  std::string external_id;
  TaskSetStatus status = TaskSetStatus::kActive;
  std::string task_definition_arn;
  std::optional<LaunchType> launch_type;  // unset when a capacity-provider strategy is used
  CapacityProviderStrategy capacity_provider_strategy;
  std::string platform_version;  // Fargate only
  std::string platform_family;   // Fargate only
  std::optional<NetworkConfiguration> network_configuration;
  std::vector<LoadBalancer> load_balancers;
  RawJson service_registries;  // empty = []
  double scale = 100;          // PERCENT
  int64_t computed_desired_count = 0;
  StabilityStatus stability_status = StabilityStatus::kStabilizing;
  Millis stability_status_at = 0;
  Millis created_at = 0;
  Millis updated_at = 0;
  std::string client_token;
  bool operator==(const TaskSet&) const = default;
};

struct Service {
  Tenant tenant;
  std::string cluster;
  std::string name;
  std::string arn;
  int64_t seq = 0;
  ServiceStatus status = ServiceStatus::kActive;
  int64_t desired_count = 0;
  std::string task_definition_arn;
  std::optional<LaunchType> launch_type;  // unset when a capacity-provider strategy is used
  CapacityProviderStrategy capacity_provider_strategy;
  std::string platform_version;
  SchedulingStrategy scheduling_strategy = SchedulingStrategy::kReplica;
  int minimum_healthy_percent = 100;
  int maximum_percent = 200;
  bool circuit_breaker_enable = false;
  bool circuit_breaker_rollback = false;
  std::optional<DeploymentAlarms> alarms;  // deploymentConfiguration.alarms; unset = not set
  DeploymentStrategy deployment_strategy = DeploymentStrategy::kRolling;
  int64_t bake_time_minutes = -1;                                 // -1 = not set
  std::optional<TrafficShiftConfiguration> canary_configuration;  // CANARY only
  std::optional<TrafficShiftConfiguration> linear_configuration;  // LINEAR only
  std::vector<LifecycleHook> lifecycle_hooks;
  DeploymentControllerType deployment_controller = DeploymentControllerType::kEcs;
  std::vector<PlacementConstraintItem> placement_constraints;
  std::vector<PlacementStrategyItem> placement_strategy;
  std::optional<NetworkConfiguration> network_configuration;
  std::vector<LoadBalancer> load_balancers;
  RawJson service_registries;             // empty = []
  std::string service_connect_namespace;  // for ListServicesByNamespace
  RawJson service_connect_configuration;
  int64_t health_check_grace_period_seconds = -1;  // -1 = not set
  PropagateTags propagate_tags = PropagateTags::kNone;
  bool enable_ecs_managed_tags = false;
  bool enable_execute_command = false;
  AzRebalancing availability_zone_rebalancing = AzRebalancing::kEnabled;
  std::string role_arn;
  std::string client_token;
  Millis created_at = 0;
  std::string created_by;
  // PRIMARY first, then the older ones still draining (ACTIVE), then INACTIVE history (newest
  // first, bounded). A rollback moves an older deployment back to the front.
  std::vector<Deployment> deployments;
  std::deque<ServiceEvent> events;  // newest first, at most 100
  // EXTERNAL / CODE_DEPLOY services only (they have no deployments): PRIMARY first if any.
  std::vector<TaskSet> task_sets;

  // Runtime only (not persisted; a restart at worst repeats one event or one launch attempt).
  Millis next_launch_at = 0;                // launch back-off (nothing placeable, start failures)
  int64_t start_failures = 0;               // tasks that stopped before RUNNING since one last ran
  bool placement_failure_reported = false;  // "unable to place" said once until placement works
  bool throttle_reported = false;           // "unable to consistently start" said once
  // The reconciler skips a settled service (steady, nothing to do) until one of its tasks changes,
  // the service is updated, or the cluster's instances change (instances_generation; the
  // cluster's list of services to visit is control/cluster_index.h).
  bool dirty = true;
  bool settled = false;
  // Events added outside the scheduler's pass (target registrations): the pass writes the row
  // once, instead of one encoding of the whole service per event.
  bool unsaved_events = false;
  uint64_t instances_generation = 0;  // of its cluster's instances, when last planned

  bool is_daemon() const { return scheduling_strategy == SchedulingStrategy::kDaemon; }
  // Task sets instead of rolling deployments (EXTERNAL or CODE_DEPLOY controller).
  bool uses_task_sets() const { return deployment_controller != DeploymentControllerType::kEcs; }
  // Whether its tasks run on Fargate (launch type or capacity providers).
  bool uses_fargate() const {
    return launch_type == LaunchType::kFargate || UsesFargate(capacity_provider_strategy);
  }
};

}  // namespace ecs::model

// The inputs and outputs of the control plane's operations: plain, typed data that api/ decodes
// requests into (already type-checked) and encodes replies from. Members a request leaves out
// are unset (std::optional) where "absent" and "default" differ.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "common/clock.h"
#include "common/tenant.h"
#include "model/capacity_provider.h"
#include "model/cluster.h"
#include "model/container_instance.h"
#include "model/daemon.h"
#include "model/launch.h"
#include "model/raw_json.h"
#include "model/service.h"
#include "model/tag.h"
#include "model/task.h"
#include "model/task_definition.h"

namespace ecs::control {

// Who is calling, from where: derived by api/ from the SigV4 scope and access key.
struct RequestContext {
  Tenant tenant;
  std::string principal_arn() const { return PrincipalArn(tenant); }
};

// The tenants an operation on the state as a whole covers (a scoped reset, a snapshot): an unset
// member matches every account / region, so the default covers everything.
struct StateScope {
  std::optional<std::string> account;
  std::optional<std::string> region;
  bool all() const { return !account && !region; }
  bool Covers(const Tenant& t) const {
    return (!account || *account == t.account) && (!region || *region == t.region);
  }
};

// What a snapshot holds besides the stored rows: the state the store does not keep, because a
// restart may forget it (control/state.h, model/service.h "Runtime only"), but a restored
// snapshot must continue exactly.
struct RuntimeState {
  struct ServiceRuntime {
    Tenant tenant;
    std::string cluster;
    std::string service;
    Millis next_launch_at = 0;
    int64_t start_failures = 0;
    bool placement_failure_reported = false;
    bool throttle_reported = false;
  };
  std::vector<ServiceRuntime> services;
  std::vector<std::string> failing_task_definitions;  // ARNs (POST /_emulator/faults)
};

// A page of ARNs (or names) and the token of the next one.
struct Page {
  std::vector<std::string> arns;
  std::optional<std::string> next_token;
};

// maxResults / nextToken of a List call.
struct PageRequest {
  std::optional<int64_t> max_results;
  std::optional<std::string> next_token;
};

// An entry of a `failures` list.
struct DescribeFailure {
  std::string arn;
  std::string reason;
  std::string detail;
};

// CreateCapacityProvider / UpdateCapacityProvider: the provider members given
// (nullopt: not given; Create fills the model's defaults, Update keeps what is there).
struct CapacityProviderInput {
  std::string name;
  bool has_auto_scaling_group_provider = false;
  bool has_managed_instances_provider = false;
  // managedInstancesProvider as read (Update: merged over the stored one) and `cluster`.
  std::optional<model::ManagedInstancesSettings> managed_instances;
  std::string cluster;
  std::string auto_scaling_group_arn;
  std::optional<model::ManagedScaling> managed_scaling;  // omitted members at their defaults
  std::optional<bool> managed_termination_protection;
  std::optional<bool> managed_draining;
  model::TagList tags;
};

// DescribeCapacityProviders: the providers found (names) and the identifiers not found.
struct CapacityProviderPage {
  std::vector<std::string> names;
  std::vector<DescribeFailure> failures;
  std::optional<std::string> next_token;
};

// UpdateTaskProtection / GetTaskProtection: each task's protection, and the tasks not found or
// not eligible.
struct TaskProtection {
  std::string task_arn;
  bool enabled = false;
  std::optional<Millis> expires_at;
};
struct TaskProtectionResult {
  std::vector<TaskProtection> tasks;
  std::vector<DescribeFailure> failures;
};

// ExecuteCommand.
struct ExecuteCommandInput {
  std::string cluster;
  std::string task;
  std::string container;  // "" = the task's only container
  std::string command;
  bool interactive = false;
};
struct ExecuteCommandOutput {
  std::string cluster_arn, task_arn, container_arn, container_name;
  std::string session_id, stream_url, token_value;
};

// --- Clusters ---

struct ClusterFields {
  std::optional<std::vector<model::NameValue>> settings;
  std::optional<model::RawJson> configuration;
  std::optional<std::string> service_connect_namespace;  // "" removes the defaults
};

struct CreateClusterInput {
  std::string cluster_name;  // "" -> default
  model::TagList tags;
  ClusterFields fields;
  std::vector<std::string> capacity_providers;
  model::CapacityProviderStrategy default_strategy;
};

// Live counters derived from the indexes.
struct ClusterCounts {
  int64_t registered_container_instances = 0;
  int64_t running_tasks = 0;
  int64_t pending_tasks = 0;
  int64_t active_services = 0;
  int64_t draining_services = 0;
  int64_t running_ec2_tasks = 0, running_fargate_tasks = 0;
  int64_t pending_ec2_tasks = 0, pending_fargate_tasks = 0;
  int64_t active_ec2_services = 0, active_fargate_services = 0;
  int64_t draining_ec2_services = 0, draining_fargate_services = 0;
  // Tasks waiting in PROVISIONING for an Auto Scaling group provider's capacity.
  int64_t awaiting_capacity_tasks = 0;
  bool operator==(const ClusterCounts&) const = default;
};

// A cluster's attachments as DescribeClusters shows them with include ATTACHMENTS: one
// `as_policy` per Auto Scaling group provider with managed scaling, and the status of the
// cluster's capacity-provider update ("" when it never had providers).
struct ClusterAttachment {
  std::string id;
  std::string type;
  std::string status;
  std::vector<std::pair<std::string, std::string>> details;  // name, value
};
struct ClusterAttachments {
  std::vector<ClusterAttachment> attachments;
  std::string status;
};

// --- Container instances and attributes ---

// What an instance identity document says (all optional).
struct InstanceIdentity {
  std::string instance_id;
  std::string availability_zone;
  std::string instance_type;
  std::string image_id;
  std::string architecture;
};

struct RegisterInstanceInput {
  std::string cluster;
  InstanceIdentity identity;
  std::vector<model::Resource> total_resources;
  std::string agent_version, agent_hash, docker_version;
  std::vector<model::Attribute> attributes;
  model::RawJson platform_devices;
  std::string container_instance_arn;  // re-registration
  model::TagList tags;
  // Fleet-only knobs (not part of the ECS request).
  std::string instance_type;
  std::string availability_zone;
  std::string auto_scaling_group;  // a simulated group's instance (its name)
  std::string capacity_provider_name;
};

struct ListContainerInstancesInput {
  std::string cluster;
  std::string filter;                           // cluster query language; "" = all
  std::optional<model::InstanceStatus> status;  // unset: every status but INACTIVE
  PageRequest page;
};

struct AttributeTarget {
  model::Attribute attribute;
  std::string target_type;  // container-instance
  std::string target_id;    // ARN or ID
};

struct ListAttributesInput {
  std::string cluster;
  std::string target_type;
  std::string name;   // "" = any
  std::string value;  // "" = any (requires name)
  PageRequest page;
};

// --- Tasks ---

struct ContainerOverrideInput {
  std::string name;
  std::optional<int64_t> cpu, memory, memory_reservation;
};

struct RunTaskInput {
  std::string cluster;
  std::string task_definition;
  int64_t count = 1;
  std::string group;
  std::string started_by;
  std::optional<model::LaunchType> launch_type;  // unset = strategy, cluster default or EC2
  model::CapacityProviderStrategy capacity_provider_strategy;
  model::RawJson overrides;  // TaskOverride as sent (empty = none)
  std::vector<ContainerOverrideInput> container_overrides;
  std::optional<std::string> task_cpu_override, task_memory_override;
  std::vector<model::PlacementConstraintItem> constraints;
  std::vector<model::PlacementStrategyItem> strategies;
  std::optional<model::AwsVpcConfiguration> network;
  model::TagList tags;
  std::optional<model::PropagateTags> propagate_tags;
  bool enable_ecs_managed_tags = false;
  bool enable_execute_command = false;
  std::string client_token;
  std::string platform_version;
  // StartTask: explicit instances instead of placement.
  std::vector<std::string> container_instances;
  // Service scheduler: the service that launches the task (group/startedBy already set).
  std::string service_name;
  bool is_service = false;
  // Service scheduler: the tasks the service already runs on each provider of the strategy (in
  // its order), so new tasks keep the base/weight split. Empty: none (RunTask).
  std::vector<int64_t> strategy_existing;
};

struct RunTaskOutput {
  std::vector<const model::Task*> tasks;
  std::vector<DescribeFailure> failures;
  int64_t placement_trace = 0;  // the decision's id in State::placement_traces; 0: not traced
};

struct ListTasksInput {
  std::string cluster;
  std::string container_instance;
  std::string family;
  std::string started_by;
  std::string service_name;
  std::string daemon_name;  // the daemon's tasks (group daemon:<name>)
  // desiredStatus filter; PENDING (which ECS never sets) matches nothing.
  std::optional<model::DesiredStatus> desired_status = model::DesiredStatus::kRunning;
  std::optional<model::LaunchType> launch_type;
  std::optional<int64_t> max_results;
  std::optional<std::string> next_token;
};

// ListTasks without copying the ARNs: the tasks of the page (valid until the next mutation).
struct TaskPage {
  std::vector<const model::Task*> tasks;
  std::optional<std::string> next_token;
};

// SubmitTaskStateChange / SubmitContainerStateChange. Statuses are as the agent sent them; the
// control plane validates them.
struct TaskStateChangeInput {
  std::string cluster;
  std::string task;
  std::string status;  // task status; "" = containers only
  std::string reason;
  struct Container {
    std::string name;
    std::string status;
    std::optional<int64_t> exit_code;
    std::string reason;
    std::string runtime_id;
    std::vector<model::NetworkBinding> network_bindings;
  };
  std::vector<Container> containers;
  std::optional<Millis> pull_started_at, pull_stopped_at, execution_stopped_at;
};

// --- Services ---

// CreateService / UpdateService members; unset optionals keep the current value on update.
struct ServiceInput {
  std::string cluster;
  std::string service;  // name (create) or name/ARN (update)
  std::optional<std::string> task_definition;
  std::optional<int64_t> desired_count;
  std::optional<model::LaunchType> launch_type;
  std::optional<model::CapacityProviderStrategy> capacity_provider_strategy;
  std::optional<std::string> platform_version;
  std::optional<model::SchedulingStrategy> scheduling_strategy;
  std::optional<int64_t> minimum_healthy_percent, maximum_percent;
  std::optional<bool> circuit_breaker_enable, circuit_breaker_rollback;
  std::optional<model::DeploymentAlarms> alarms;
  std::optional<model::DeploymentStrategy> deployment_strategy;
  std::optional<int64_t> bake_time_minutes;
  std::optional<model::TrafficShiftConfiguration> canary_configuration, linear_configuration;
  std::optional<std::vector<model::LifecycleHook>> lifecycle_hooks;
  std::optional<model::DeploymentControllerType> deployment_controller;
  std::optional<std::vector<model::PlacementConstraintItem>> placement_constraints;
  std::optional<std::vector<model::PlacementStrategyItem>> placement_strategy;
  // networkConfiguration as given (an awsvpcConfiguration without subnets has none).
  std::optional<model::NetworkConfiguration> network_configuration;
  std::optional<std::vector<model::LoadBalancer>> load_balancers;
  std::optional<model::RawJson> service_registries;
  std::optional<model::RawJson> service_connect_configuration;
  std::optional<std::string> service_connect_namespace;
  std::optional<int64_t> health_check_grace_period_seconds;
  std::optional<model::PropagateTags> propagate_tags;
  std::optional<bool> enable_ecs_managed_tags;
  std::optional<bool> enable_execute_command;
  std::optional<model::AzRebalancing> availability_zone_rebalancing;
  std::optional<std::string> role_arn;
  model::TagList tags;
  std::string client_token;
  bool force_new_deployment = false;
};

// CreateTaskSet: the members a task set shares with CreateService (taskDefinition, launchType or
// capacityProviderStrategy, platformVersion, networkConfiguration, loadBalancers,
// serviceRegistries, clientToken, tags) in `members`, validated by the same rules.
struct TaskSetInput {
  ServiceInput members;  // .cluster and .service name the service
  std::string external_id;
  std::optional<double> scale;  // PERCENT; unset = 0 (docs/operations.md B4 [O])
  std::string scale_unit;       // "" or PERCENT
};

// A task set as the task-set operations return it, with its service (for the ARNs and counts).
struct TaskSetView {
  const model::Service* service = nullptr;
  model::TaskSet task_set;
};

struct ListServicesInput {
  std::string cluster;
  std::optional<model::LaunchType> launch_type;
  std::optional<model::SchedulingStrategy> scheduling_strategy;
  // resourceManagementType: ECS (true, Express services) or CUSTOMER (false); unset = both.
  std::optional<bool> ecs_managed;
  PageRequest page;
};

// Running/pending task counts of a service and of each of its deployments.
struct ServiceCounts {
  int64_t running = 0;
  int64_t pending = 0;
  std::map<std::string, std::pair<int64_t, int64_t>> by_deployment;  // id -> (running, pending)
};

struct ServiceDeploymentRef {
  const model::Service* service = nullptr;
  const model::Deployment* deployment = nullptr;
};

struct ListServiceDeploymentsInput {
  std::string cluster;
  std::string service;
  std::vector<model::ServiceDeploymentStatus> statuses;  // empty = any
  std::optional<Millis> created_after, created_before;
  PageRequest page;
};

// --- Task definitions ---

struct ListTaskDefinitionsInput {
  std::string family_prefix;  // an exact family name despite its name (ECS behaviour)
  model::TaskDefinitionStatus status = model::TaskDefinitionStatus::kActive;
  bool descending = false;
  PageRequest page;
};

// ListTaskDefinitionFamilies' status filter: ACTIVE, INACTIVE or ALL.
enum class FamilyStatusFilter { kActive, kInactive, kAll };

// --- Account settings ---

// An account setting as the model's Setting shape shows it.
struct AccountSetting {
  std::string name;
  std::string value;
  std::string principal_arn;
  std::string type;  // user | aws_managed
};

struct ListAccountSettingsInput {
  std::string name;           // "" = every name
  std::string value;          // "" = any value (requires name)
  std::string principal_arn;  // "" = the caller
  bool effective_settings = false;
  std::optional<int64_t> max_results;
  std::optional<std::string> next_token;
};

// --- Daemons (control/daemons.cc) ---

// CreateDaemon / UpdateDaemon: the members given (nullopt: not given; Update keeps the daemon's
// value for config, Create and Update both default the rest as the model documents).
struct DaemonInput {
  std::string daemon_arn;  // UpdateDaemon
  std::string name;        // CreateDaemon
  std::string cluster;     // CreateDaemon; "" = default
  std::string task_definition;
  std::vector<std::string> capacity_providers;  // ARNs or names
  std::optional<model::DaemonDeploymentConfig> config;
  std::optional<bool> propagate_tags, managed_tags, execute_command;
  model::TagList tags;  // CreateDaemon
  std::string client_token;
};

struct ListDaemonsInput {
  std::string cluster;  // "" = every cluster
  std::vector<std::string> capacity_providers;
  PageRequest page;
};

struct ListDaemonDeploymentsInput {
  std::string daemon_arn;
  std::vector<model::DaemonDeploymentStatus> statuses;  // empty = all
  std::optional<Millis> created_before, created_after;
  PageRequest page;
};

// A deployment with the daemon it belongs to (for its daemonArn and cluster).
struct DaemonDeploymentRef {
  const model::Daemon* daemon;
  const model::DaemonDeployment* deployment;
};
struct DaemonRevisionRef {
  const model::Daemon* daemon;
  const model::DaemonRevision* revision;
};

// A daemon revision's live daemon tasks: by capacity provider, how many run (RUNNING) and on how
// many DRAINING instances.
struct DaemonRevisionCounts {
  struct PerProvider {
    std::string provider_arn;
    int64_t running = 0;
    int64_t draining = 0;
  };
  std::vector<PerProvider> providers;
  int64_t running = 0;
  int64_t draining = 0;
};

}  // namespace ecs::control

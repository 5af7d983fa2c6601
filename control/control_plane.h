// The control plane: the ECS rules and the single owner of state.
//
// THREADING: every method runs on the state strand (server/ hops there before calling). Nothing
// here locks. A mutating method validates, builds a storage::ChangeSet, commits it, and only then
// changes the in-memory indexes, so a failed commit leaves memory and disk unchanged and a reply
// is only written after its change is durable.
//
// One file per resource family implements the methods (clusters.cc, tags.cc, ...).
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "common/clock.h"
#include "common/ids.h"
#include "common/status.h"
#include "common/tenant.h"
#include "control/task_definitions.h"
#include "model/cluster.h"
#include "model/container_instance.h"
#include "model/service.h"
#include "model/tag.h"
#include "model/task.h"
#include "scheduler/instance_view.h"
#include "scheduler/placement_types.h"
#include "storage/store.h"

namespace ecs::control {

// Who is calling, from where: derived by api/ from the SigV4 scope and access key.
struct RequestContext {
  Tenant tenant;
  std::string principal_arn() const { return PrincipalArn(tenant); }
};

// --- Cluster operation inputs (decoded and type-checked by api/) ---
struct ClusterFields {
  std::optional<std::vector<model::NameValue>> settings;
  std::optional<std::string> configuration_json;
  std::optional<std::string> service_connect_namespace;  // "" removes the defaults
};

struct CreateClusterInput {
  std::string cluster_name;  // "" -> default
  model::TagList tags;
  ClusterFields fields;
  std::vector<std::string> capacity_providers;
  struct StrategyItem {
    std::string capacity_provider;
    int64_t weight = 0;
    int64_t base = 0;
  };
  std::vector<StrategyItem> default_strategy;
};

// Live counters derived from the indexes (later resource families add to them).
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
};

// How fast the simulated agent moves tasks along (milliseconds of simulated time).
struct LifecycleConfig {
  Millis provisioning = 100;             // PROVISIONING -> PENDING (awsvpc / Fargate: ENI attach)
  Millis pending = 200;                  // PENDING -> RUNNING (image pull, container start)
  Millis stopping = 100;                 // STOPPING -> DEPROVISIONING / STOPPED
  Millis deprovisioning = 100;           // DEPROVISIONING -> STOPPED
  Millis stopped_retention = 3'600'000;  // STOPPED tasks stay describable this long
  // How long a RUNNING service task must run before it counts as healthy toward
  // minimumHealthyPercent (ECS waits 40 s without health checks; 0 keeps CI fast).
  Millis health_grace = 0;
};

struct ControlOptions {
  LifecycleConfig lifecycle;
  // Availability zones of every region: region + suffix (us-east-1a, ...). Fleets round-robin.
  std::vector<std::string> az_suffixes = {"a", "b", "c"};
  // The address agents are told to poll (DiscoverPollEndpoint).
  std::string endpoint_url = "http://127.0.0.1:4599/";
};

struct Page {
  std::vector<std::string> arns;
  std::optional<std::string> next_token;
};

struct DescribeFailure {
  std::string arn;
  std::string reason;
  std::string detail;
};

struct RegisterInstanceInput {
  std::string cluster;
  std::string identity_document;  // JSON text, "" when absent
  std::vector<model::Resource> total_resources;
  std::string agent_version, agent_hash, docker_version;
  std::vector<model::Attribute> attributes;
  std::string platform_devices_json;
  std::string container_instance_arn;  // re-registration
  model::TagList tags;
  // Fleet-only knobs (not part of the ECS request).
  std::string instance_type;
  std::string availability_zone;
};

struct FleetInput {
  std::string cluster = "default";
  int count = 1;
  std::string instance_type = "m5.large";
  std::optional<int64_t> cpu, memory;           // override the instance type's size
  std::vector<std::string> availability_zones;  // default: the region's AZs
  std::vector<model::Attribute> attributes;
};

struct AwsVpcInput {
  std::vector<std::string> subnets;
  std::vector<std::string> security_groups;
  std::string assign_public_ip = "DISABLED";
};

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
  std::string launch_type;  // "" = cluster default / EC2
  std::vector<CreateClusterInput::StrategyItem> capacity_provider_strategy;
  std::string overrides_json;  // TaskOverride as sent ("" = none)
  std::vector<ContainerOverrideInput> container_overrides;
  std::optional<std::string> task_cpu_override, task_memory_override;
  std::vector<std::pair<std::string, std::string>> constraints;  // (type, expression)
  std::vector<std::pair<std::string, std::string>> strategies;   // (type, field)
  std::optional<AwsVpcInput> network;
  model::TagList tags;
  std::string propagate_tags;  // TASK_DEFINITION, NONE, SERVICE
  bool enable_ecs_managed_tags = false;
  bool enable_execute_command = false;
  std::string client_token;
  std::string platform_version;
  // StartTask: explicit instances instead of placement.
  std::vector<std::string> container_instances;
  // Service scheduler: the service that launches the task (group/startedBy already set).
  std::string service_name;
  bool is_service = false;
};

struct RunTaskOutput {
  std::vector<const model::Task*> tasks;
  std::vector<DescribeFailure> failures;
};

struct ListTasksInput {
  std::string cluster;
  std::string container_instance;
  std::string family;
  std::string started_by;
  std::string service_name;
  std::string desired_status = "RUNNING";
  std::string launch_type;
  std::optional<int64_t> max_results;
  std::optional<std::string> next_token;
};

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

// CreateService / UpdateService members; unset optionals keep the current value on update.
struct ServiceInput {
  std::string cluster;
  std::string service;  // name (create) or name/ARN (update)
  std::optional<std::string> task_definition;
  std::optional<int64_t> desired_count;
  std::optional<std::string> launch_type;
  std::optional<std::vector<CreateClusterInput::StrategyItem>> capacity_provider_strategy;
  std::optional<std::string> capacity_provider_strategy_json;
  std::optional<std::string> platform_version;
  std::optional<std::string> scheduling_strategy;
  std::optional<int64_t> minimum_healthy_percent, maximum_percent;
  std::optional<bool> circuit_breaker_enable, circuit_breaker_rollback;
  std::optional<std::string> alarms_json;
  std::optional<std::string> deployment_controller;
  std::optional<std::vector<std::pair<std::string, std::string>>> placement_constraints;
  std::optional<std::string> placement_constraints_json;
  std::optional<std::vector<std::pair<std::string, std::string>>> placement_strategy;
  std::optional<std::string> placement_strategy_json;
  std::optional<std::string> network_configuration_json;
  std::optional<AwsVpcInput> network;
  std::optional<std::string> load_balancers_json;
  std::optional<std::string> service_registries_json;
  std::optional<std::string> service_connect_configuration_json;
  std::optional<std::string> service_connect_namespace;
  std::optional<int64_t> health_check_grace_period_seconds;
  std::optional<std::string> propagate_tags;
  std::optional<bool> enable_ecs_managed_tags;
  std::optional<bool> enable_execute_command;
  std::optional<std::string> availability_zone_rebalancing;
  std::optional<std::string> role_arn;
  model::TagList tags;
  std::string client_token;
  bool force_new_deployment = false;
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

struct AttributeTarget {
  model::Attribute attribute;
  std::string target_type;  // container-instance
  std::string target_id;    // ARN or ID
};

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

class ControlPlane {
 public:
  ControlPlane(storage::Store* store, const Clock* clock, IdGenerator ids,
               ControlOptions options = {});

  // Rebuilds every index from the store (start-up).
  Status Load();
  // Wipes all state, on disk and in memory (POST /_emulator/reset).
  Status Reset();
  // Forgets everything in memory and loads it again from the store: after a group commit failed,
  // memory is ahead of disk.
  Status ReloadFromStore();

  const Clock& clock() const { return *clock_; }
  Millis Now() const { return clock_->Now(); }

  // --- Clusters (clusters.cc) ---
  Result<const model::Cluster*> CreateCluster(const RequestContext& ctx, CreateClusterInput in);
  // Resolves names and ARNs; a missing cluster becomes a MISSING failure.
  void DescribeClusters(const RequestContext& ctx, const std::vector<std::string>& identifiers,
                        std::vector<const model::Cluster*>* found,
                        std::vector<DescribeFailure>* failures) const;
  Result<Page> ListClusters(const RequestContext& ctx, std::optional<int64_t> max_results,
                            const std::optional<std::string>& next_token) const;
  Result<const model::Cluster*> DeleteCluster(const RequestContext& ctx,
                                              const std::string& identifier);
  Result<const model::Cluster*> UpdateCluster(const RequestContext& ctx,
                                              const std::string& identifier, ClusterFields in);
  ClusterCounts CountsFor(const model::Cluster& c) const;

  // --- Container instances (container_instances.cc) ---
  Result<const model::ContainerInstance*> RegisterContainerInstance(const RequestContext& ctx,
                                                                    RegisterInstanceInput in);
  Result<std::vector<const model::ContainerInstance*>> CreateFleet(const RequestContext& ctx,
                                                                   FleetInput in);
  Result<const model::ContainerInstance*> DeregisterContainerInstance(const RequestContext& ctx,
                                                                      const std::string& cluster,
                                                                      const std::string& instance,
                                                                      bool force);
  Status DescribeContainerInstances(const RequestContext& ctx, const std::string& cluster,
                                    const std::vector<std::string>& ids,
                                    std::vector<const model::ContainerInstance*>* found,
                                    std::vector<DescribeFailure>* failures) const;
  Result<Page> ListContainerInstances(const RequestContext& ctx, const std::string& cluster,
                                      const std::string& filter, const std::string& status,
                                      std::optional<int64_t> max_results,
                                      const std::optional<std::string>& next_token) const;
  Status UpdateContainerInstancesState(const RequestContext& ctx, const std::string& cluster,
                                       const std::vector<std::string>& ids,
                                       const std::string& status,
                                       std::vector<const model::ContainerInstance*>* updated,
                                       std::vector<DescribeFailure>* failures);
  Result<const model::ContainerInstance*> UpdateContainerAgent(const RequestContext& ctx,
                                                               const std::string& cluster,
                                                               const std::string& instance);
  // Test hook: flip an instance's agent connection (admin API / faults).
  Status SetAgentConnected(const RequestContext& ctx, const std::string& cluster,
                           const std::string& instance, bool connected);
  // remainingResources as ECS shows them.
  std::vector<model::Resource> RemainingResources(const model::ContainerInstance& ci) const;

  // --- Attributes (attributes.cc); targets are container instances ---
  Result<std::vector<AttributeTarget>> PutAttributes(const RequestContext& ctx,
                                                     const std::string& cluster,
                                                     std::vector<AttributeTarget> attributes);
  Result<std::vector<AttributeTarget>> DeleteAttributes(const RequestContext& ctx,
                                                        const std::string& cluster,
                                                        std::vector<AttributeTarget> attributes);
  Result<std::pair<std::vector<AttributeTarget>, std::optional<std::string>>> ListAttributes(
      const RequestContext& ctx, const std::string& cluster, const std::string& target_type,
      const std::string& name, const std::string& value, std::optional<int64_t> max_results,
      const std::optional<std::string>& next_token) const;

  // --- Tasks (tasks.cc, task_lifecycle.cc) ---
  Result<RunTaskOutput> RunTask(const RequestContext& ctx, RunTaskInput in);
  Result<const model::Task*> StopTask(const RequestContext& ctx, const std::string& cluster,
                                      const std::string& task, const std::string& reason,
                                      const std::string& stop_code = "UserInitiated");
  Status DescribeTasks(const RequestContext& ctx, const std::string& cluster,
                       const std::vector<std::string>& ids, std::vector<const model::Task*>* found,
                       std::vector<DescribeFailure>* failures) const;
  Result<Page> ListTasks(const RequestContext& ctx, const ListTasksInput& in) const;
  // ListTasks without copying the ARNs: the tasks of the page (valid until the next mutation).
  struct TaskPage {
    std::vector<const model::Task*> tasks;
    std::optional<std::string> next_token;
  };
  Result<TaskPage> ListTaskPage(const RequestContext& ctx, const ListTasksInput& in) const;
  Result<std::string> SubmitTaskStateChange(const RequestContext& ctx, TaskStateChangeInput in);
  Result<std::string> SubmitAttachmentStateChanges(
      const RequestContext& ctx, const std::string& cluster,
      const std::vector<std::pair<std::string, std::string>>& attachments);

  // --- Simulated time (task_lifecycle.cc) ---
  // Runs every lifecycle transition due at or before `now`, in time order. While the simulated
  // clock is frozen (set_clock_frozen) only a call made while advancing it (`advancing`) steps
  // tasks, so a frozen clock holds every task still, even one whose step is due at that instant.
  Status RunDue(Millis now, bool advancing = false);
  // RunDue in bounded slices, for the server's reconciler loop: stops as soon as `out_of_time()`
  // says so (asked between tasks and between services), so API requests queued on the state
  // strand run between slices even while a large rolling deployment is worked through. Each
  // slice commits its own ChangeSet. Returns whether work due by `now` remains (call again).
  Result<bool> RunDueSlice(Millis now, const std::function<bool()>& out_of_time);
  void set_clock_frozen(bool frozen) { clock_frozen_ = frozen; }
  // The earliest pending transition, or nullopt when nothing is scheduled.
  std::optional<Millis> NextDue() const;

  // --- Services (services.cc, service_scheduler.cc, service_deployments.cc, faults.cc) ---
  Result<const model::Service*> CreateService(const RequestContext& ctx, ServiceInput in);
  Result<const model::Service*> UpdateService(const RequestContext& ctx, ServiceInput in);
  Result<const model::Service*> DeleteService(const RequestContext& ctx, const std::string& cluster,
                                              const std::string& service, bool force);
  Status DescribeServices(const RequestContext& ctx, const std::string& cluster,
                          const std::vector<std::string>& names,
                          std::vector<const model::Service*>* found,
                          std::vector<DescribeFailure>* failures) const;
  Result<Page> ListServices(const RequestContext& ctx, const std::string& cluster,
                            const std::string& launch_type, const std::string& scheduling_strategy,
                            std::optional<int64_t> max_results,
                            const std::optional<std::string>& next_token) const;
  Result<Page> ListServicesByNamespace(const RequestContext& ctx, const std::string& ns,
                                       std::optional<int64_t> max_results,
                                       const std::optional<std::string>& next_token) const;
  ServiceCounts CountsForService(const model::Service& s) const;
  Result<std::pair<std::vector<ServiceDeploymentRef>, std::optional<std::string>>>
  ListServiceDeployments(const RequestContext& ctx, const std::string& cluster,
                         const std::string& service, const std::vector<std::string>& statuses,
                         std::optional<Millis> created_after, std::optional<Millis> created_before,
                         std::optional<int64_t> max_results,
                         const std::optional<std::string>& next_token) const;
  // arns: service-deployment ARNs (revisions = false) or service-revision ARNs (true).
  void DescribeServiceDeployments(const RequestContext& ctx, const std::vector<std::string>& arns,
                                  bool revisions, std::vector<ServiceDeploymentRef>* found,
                                  std::vector<DescribeFailure>* failures) const;
  Result<std::string> StopServiceDeployment(const RequestContext& ctx, const std::string& arn,
                                            const std::string& stop_type);
  std::string ServiceDeploymentArn(const model::Service& s, const model::Deployment& d) const;
  std::string ServiceRevisionArn(const model::Service& s, const model::Deployment& d) const;

  // Faults (admin API): make things fail the way real clusters do.
  Status FailTask(const RequestContext& ctx, const std::string& cluster, const std::string& task,
                  int64_t exit_code, const std::string& reason);
  Status LoseInstance(const RequestContext& ctx, const std::string& cluster,
                      const std::string& instance);
  Result<int> LoseZone(const RequestContext& ctx, const std::string& zone);
  // Tasks of this task definition fail to start (CannotPullContainerError) until cleared.
  Status SetTaskDefinitionFailing(const RequestContext& ctx, const std::string& task_definition,
                                  bool failing);

  // Whether a service of that name (ACTIVE or DRAINING) exists in the cluster.
  bool ServiceExists(const RequestContext& ctx, const std::string& cluster,
                     const std::string& service) const;

  const ControlOptions& options() const { return options_; }
  // The address DiscoverPollEndpoint hands out, once the listener knows its port (start-up).
  void set_endpoint_url(std::string url) { options_.endpoint_url = std::move(url); }
  const TaskDefinitionRegistry& task_definitions() const { return task_definitions_; }

  // Cluster lookup with the ECS errors: unknown -> ClusterNotFoundException "Cluster not found.";
  // with require_active, INACTIVE -> "The referenced cluster was inactive.".
  Result<const model::Cluster*> FindCluster(const RequestContext& ctx,
                                            const std::string& identifier,
                                            bool require_active) const;

  // --- Task definitions (task_definitions.cc) ---
  Result<const TaskDefinitionRecord*> RegisterTaskDefinition(const RequestContext& ctx,
                                                             const rapidjson::Value& request);
  // The same with the request already normalized (NormalizeTaskDefinition is pure, so the API
  // runs it off the state strand).
  Result<const TaskDefinitionRecord*> RegisterTaskDefinition(const RequestContext& ctx,
                                                             Result<TaskDefinitionSpec> spec);
  Result<const TaskDefinitionRecord*> DescribeTaskDefinition(const RequestContext& ctx,
                                                             const std::string& identifier) const;
  Result<const TaskDefinitionRecord*> DeregisterTaskDefinition(const RequestContext& ctx,
                                                               const std::string& identifier);
  // `deleted` gets copies: a revision nothing uses is removed for good before this returns.
  Status DeleteTaskDefinitions(const RequestContext& ctx,
                               const std::vector<std::string>& identifiers,
                               std::vector<TaskDefinitionRecord>* deleted,
                               std::vector<DescribeFailure>* failures);
  // status: ACTIVE | INACTIVE | DELETE_IN_PROGRESS.
  Result<Page> ListTaskDefinitions(const RequestContext& ctx, const std::string& family_prefix,
                                   const std::string& status, bool descending,
                                   std::optional<int64_t> max_results,
                                   const std::optional<std::string>& next_token) const;
  // status: ACTIVE | INACTIVE | ALL. Page.arns holds family names.
  Result<Page> ListTaskDefinitionFamilies(const RequestContext& ctx,
                                          const std::string& family_prefix,
                                          const std::string& status,
                                          std::optional<int64_t> max_results,
                                          const std::optional<std::string>& next_token) const;

  // --- Tags (tags.cc); generic over every taggable resource type ---
  Status TagResource(const RequestContext& ctx, const std::string& arn, const model::TagList& tags);
  Status UntagResource(const RequestContext& ctx, const std::string& arn,
                       const std::vector<std::string>& keys);
  Result<model::TagList> ListTagsForResource(const RequestContext& ctx,
                                             const std::string& arn) const;
  // Tags of a resource; empty list when none.
  const model::TagList& TagsOf(const std::string& arn) const;
  // ECS tag rules for a request's tag list (count, key/value length, charset, aws: prefix).
  static Status ValidateTags(const model::TagList& tags);

  // --- Account settings (account_settings.cc); principal_arn "" = the caller ---
  Result<AccountSetting> PutAccountSetting(const RequestContext& ctx, const std::string& name,
                                           const std::string& value,
                                           const std::string& principal_arn);
  Result<AccountSetting> PutAccountSettingDefault(const RequestContext& ctx,
                                                  const std::string& name,
                                                  const std::string& value);
  Result<AccountSetting> DeleteAccountSetting(const RequestContext& ctx, const std::string& name,
                                              const std::string& principal_arn);
  Result<std::pair<std::vector<AccountSetting>, std::optional<std::string>>> ListAccountSettings(
      const RequestContext& ctx, const ListAccountSettingsInput& in) const;
  // The value in effect for a principal: its own, else the account default (root's), else the
  // built-in default.
  std::string EffectiveAccountSetting(const Tenant& t, const std::string& principal,
                                      const std::string& name) const;

 private:
  // Per cluster (by name): its instances and tasks.
  struct ClusterState {
    std::map<std::string, model::ContainerInstance> instances;  // by id
    std::map<std::string, model::Task> tasks;                   // by id
    std::map<int64_t, model::Task*> tasks_by_seq;               // ListTasks order
    std::map<std::string, scheduler::InstanceView> views;       // placement snapshots, by id
    // RunTask's candidates: the instances that are not INACTIVE and their views, in id order.
    // Rebuilt on demand after RefreshView, which every change of an instance goes through.
    std::vector<const scheduler::InstanceView*> candidate_views;
    std::vector<const model::ContainerInstance*> candidate_instances;
    bool candidates_stale = true;
    ClusterCounts counts;  // task counters, kept by Account()
    // Per service name, per deployment id (the task's startedBy): (running, pending) tasks,
    // kept by Account() as DescribeServices shows them.
    std::map<std::string, std::map<std::string, std::pair<int64_t, int64_t>>> service_counts;
    std::map<std::string, model::Service> services;  // by name
    // Tasks of each service that are not STOPPED (Transition drops them), for the scheduler and
    // the counts.
    std::map<std::string, std::set<model::Task*>> service_tasks;
  };
  struct TenantState {
    std::map<std::string, model::Cluster> clusters;  // by name
    std::map<std::string, ClusterState> cluster_state;
    std::map<std::string, std::vector<std::string>> client_tokens;  // RunTask idempotency
  };

  TenantState& StateFor(const Tenant& t) { return tenants_[t]; }
  const TenantState* FindState(const Tenant& t) const;
  Status Commit(const storage::ChangeSet& changes) { return store_->Commit(changes); }
  int64_t NextSeq() { return next_seq_++; }
  // Why a resource ARN can't be tagged right now (unknown, inactive, ...), or Ok.
  Status CheckTaggable(const RequestContext& ctx, const std::string& arn) const;
  bool ResourceExists(const RequestContext& ctx, const ParsedArn& arn) const;

  // Instances and tasks (container_instances.cc, tasks.cc, task_lifecycle.cc).
  ClusterState* FindClusterState(const Tenant& t, const std::string& cluster);
  const ClusterState* FindClusterState(const Tenant& t, const std::string& cluster) const;
  model::ContainerInstance* FindInstance(ClusterState& cs, std::string_view identifier);
  const model::ContainerInstance* FindInstance(const ClusterState& cs,
                                               std::string_view identifier) const;
  model::Task* FindTask(ClusterState& cs, std::string_view identifier);
  void RefreshView(ClusterState& cs, const model::ContainerInstance& ci);
  // The usage-derived part of the view only (resources, ports, counts, groups): what a task
  // transition changes. Cheaper than RefreshView, which also copies the attributes.
  void RefreshUsage(ClusterState& cs, const model::ContainerInstance& ci);
  // Reservation bookkeeping on the instance a task is placed on.
  // Adds (sign +1) or removes (-1) a task's contribution to its instance's usage and its
  // cluster's counters. Every mutation of a task is bracketed by Account(-1) ... Account(+1).
  void Account(ClusterState& cs, const model::Task& task, int sign);
  void Reserve(ClusterState& cs, const model::Task& task) { Account(cs, task, +1); }
  // Moves a task to `state` at `now`, updating timestamps, containers, counters and the due
  // queue. Adds the persisted task to `changes`.
  void Transition(ClusterState& cs, model::Task& task, model::TaskState state, Millis now,
                  storage::ChangeSet& changes);
  // Asks a task to stop (desiredStatus STOPPED) and schedules its STOPPING step.
  void RequestStop(ClusterState& cs, model::Task& task, const std::string& stop_code,
                   const std::string& reason, Millis now, storage::ChangeSet& changes);
  void Schedule(model::Task& task, Millis at);
  // Steps the tasks due by `now` in time order; false when `stop()` (asked every 64 steps) ended
  // it early.
  bool StepDue(Millis now, storage::ChangeSet& changes, const std::function<bool()>& stop);
  // One step of the simulated agent for a due task (may purge it).
  void Step(ClusterState& cs, model::Task& task, Millis now, storage::ChangeSet& changes);
  // Service hooks (services.cc): a task of a service changed; the service scheduler's tick.
  void OnTaskChanged(ClusterState& cs, model::Task& task, Millis now, storage::ChangeSet& changes);
  // One pass of the service scheduler over every service; with `out_of_time`, a pass may be
  // spread over several calls (false = the pass is not finished yet). Without it, a fresh
  // complete pass.
  bool ReconcileServices(Millis now, storage::ChangeSet& changes,
                         const std::function<bool()>* out_of_time = nullptr);
  void PersistTask(storage::ChangeSet& changes, const model::Task& task);
  void PersistInstance(storage::ChangeSet& changes, const model::ContainerInstance& ci);
  Status LoadInstancesAndTasks(storage::Snapshot& snap);
  Status LoadTaskDefinitions(storage::Snapshot& snap);
  Status LoadAccountSettings(storage::Snapshot& snap);
  // Task-definition removal (task_definitions.cc). A revision is in use while a task that is not
  // STOPPED runs it or an ACTIVE service deploys it. ReleaseTaskDefinition removes a
  // DELETE_IN_PROGRESS revision nothing uses any more (row, tags, registry entry; the family's
  // revision counter stays); call it whenever a user of `arn` goes away.
  bool TaskDefinitionInUse(const Tenant& t, const std::string& arn) const;
  void ReleaseTaskDefinition(const Tenant& t, const std::string& arn, storage::ChangeSet& changes);
  // Writes a task definition's tags into its own row (and drops a tags row from before that);
  // false when `arn` names no stored task definition of `t`.
  bool PutTaskDefinitionTags(const Tenant& t, const std::string& arn, const model::TagList& tags,
                             storage::ChangeSet& changes) const;
  // Persists the family's revision counter: with a row of the family deleted, the stored rows
  // may no longer show its highest revision.
  void PutRevisionCounter(const Tenant& t, const std::string& family,
                          storage::ChangeSet& changes) const;
  // Service scheduler internals (service_scheduler.cc).
  void ReconcileService(ClusterState& cs, model::Service& svc, Millis now,
                        storage::ChangeSet& changes);
  void AddEvent(model::Service& svc, const std::string& message, Millis now);
  model::Deployment NewDeployment(const model::Service& svc, Millis now);
  int64_t LaunchServiceTasks(ClusterState& cs, model::Service& svc, int64_t count, Millis now);
  // What every task a service starts shares (group, startedBy, network, tags, ...).
  RunTaskInput ServiceTaskInput(const model::Service& svc);
  // The "has started" event and the once-only placement-failure event; returns started.size().
  int64_t ReportLaunch(model::Service& svc, const std::vector<std::string>& started,
                       const std::optional<std::string>& failure, Millis now);
  // DAEMON: one task of the PRIMARY on each of these instances (StartTask, 10 per call).
  int64_t LaunchDaemonTasks(model::Service& svc, const std::vector<std::string>& instance_ids,
                            Millis now);
  // The service's tasks that are not STOPPED, of this incarnation (a reused name's old tasks are
  // left out), in creation order.
  std::vector<model::Task*> LiveServiceTasks(ClusterState& cs, const model::Service& svc);
  // Makes the last COMPLETED deployment PRIMARY again (circuit breaker, StopServiceDeployment).
  // False when there is none to go back to.
  bool RollBack(model::Service& svc, bool circuit_breaker, const std::string& status_reason,
                Millis now);
  // activeServicesCount / drainingServicesCount of a cluster, from its services.
  void RecountServices(ClusterState& cs);
  model::Service* FindService(ClusterState& cs, std::string_view identifier);
  const model::Service* FindService(const ClusterState& cs, std::string_view identifier) const;
  std::set<std::string> failing_task_definitions_;  // fault injection

  storage::Store* store_;
  const Clock* clock_;
  IdGenerator ids_;
  ControlOptions options_;
  std::map<Tenant, TenantState> tenants_;
  TaskDefinitionRegistry task_definitions_;
  // Due lifecycle transitions: (time, task) -> cluster state holding it.
  std::set<std::pair<Millis, model::Task*>> due_;
  std::map<std::string, model::TagList> tags_;  // by resource ARN
  // Explicit account settings: tenant -> (principal ARN, name) -> value.
  std::map<Tenant, std::map<std::pair<std::string, std::string>, std::string>> account_settings_;
  int64_t next_seq_ = 1;
  bool clock_frozen_ = false;  // see RunDue
  void ForgetMemory();         // Reset, ReloadFromStore
  // The service scheduler's current pass (ReconcileServices): the services to visit, by key so
  // requests between slices may delete or re-create anything, and the next one to visit.
  struct ServiceKey {
    Tenant tenant;
    std::string cluster;
    std::string service;
  };
  std::vector<ServiceKey> service_pass_;
  size_t service_pass_next_ = 0;
};

}  // namespace ecs::control

// ControlPlane: the ECS rules and the single owner of state — what every ECS operation and the
// reconciler call. One file per resource family implements the methods (clusters.cc, tasks.cc,
// services.cc, ...); the in-memory state is State (control/state.h), its indexes ClusterIndex,
// and the simulated agent, task launching and the service scheduler are TaskLifecycle,
// TaskLauncher and ServiceScheduler.
//
// DURABILITY (ARCHITECTURE.md "One durability rule"): a mutating method validates first (a
// rejected request changes nothing), then changes memory and records every changed row in one
// ChangeSet, and commits it through Commit() before it returns. If a commit fails — at once, or
// later when the group-commit writer writes its batch — RecoverFromFailedCommit() throws memory
// away and reloads it from the store: the one rollback path.
//
// THREADING: every method runs on the state strand (server/ hops there before calling). Nothing
// here locks.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "common/clock.h"
#include "common/ids.h"
#include "common/status.h"
#include "control/express_gateway.h"
#include "control/options.h"
#include "control/requests.h"
#include "control/service_scheduler.h"
#include "control/state.h"
#include "control/task_launcher.h"
#include "control/task_lifecycle.h"
#include "scheduler/managed_scaling.h"
#include "storage/store.h"
#include "taskdef/spec.h"

namespace ecs::control {

class ControlPlane {
 public:
  ControlPlane(storage::Store* store, const Clock* clock, IdGenerator ids,
               ControlOptions options = {});

  // --- State as a whole ---
  Status Load();   // rebuilds every index from the store (start-up)
  Status Reset();  // wipes all state, on disk and in memory (POST /_emulator/reset)
  // Wipes the tenants in `scope` only (state_transfer.cc).
  Status Reset(const StateScope& scope);
  // Whether there is nothing at all: no resource of any kind in any tenant (--seed applies then).
  bool Empty() const;
  // After a failed commit memory is ahead of the store: drops the store's pending writes and
  // loads everything again.
  Status RecoverFromFailedCommit();
  // Every derived index recomputed and compared (ClusterIndex::CheckInvariants).
  Status CheckInvariants() const { return state_.index.CheckInvariants(); }
  // What is in memory, read-only (unit tests look at the scheduler's work list).
  const ClusterIndex& index() const { return state_.index; }
  // Everything held in memory as the rows that store it (what a restart would load); with a
  // scope, the rows of those tenants only.
  storage::ChangeSet DumpRows(const StateScope& scope = {}) const;
  // --- Snapshots (state_transfer.cc): GET / POST /_emulator/snapshot ---
  // What memory holds that no row does, for the tenants in `scope`.
  RuntimeState ExportRuntime(const StateScope& scope = {}) const;
  // Replaces the tenants in `scope` with `rows` and `runtime` (a snapshot's), in one commit.
  // Validates first: a row that cannot be read (Corrupt, naming it) or a resource outside the
  // scope (InvalidParameterException) changes nothing.
  Status ReplaceState(const StateScope& scope, const std::vector<storage::ChangeSet::Row>& rows,
                      const RuntimeState& runtime);
  // Read-only views for GET /metrics (api/metrics_text.cc): every tenant's resources, and the
  // placement outcomes so far.
  const std::map<Tenant, TenantState>& tenants() const { return state_.index.tenants(); }
  const State::PlacementCounters& placement_counters() const { return state_.placements; }
  const PlacementTraceLog& placement_traces() const { return state_.placement_traces; }
  Millis Now() const { return state_.Now(); }
  const ControlOptions& options() const { return state_.options; }
  // The address DiscoverPollEndpoint hands out, once the listener knows its port (start-up).
  void set_endpoint_url(std::string url) { state_.options.endpoint_url = std::move(url); }

  // --- Clusters (clusters.cc) ---
  Result<const model::Cluster*> CreateCluster(const RequestContext& ctx, CreateClusterInput in);
  // Names and ARNs; a missing cluster becomes a MISSING failure, an ARN that is not the
  // caller's an InvalidParameterException (common/arn_check.h).
  Status DescribeClusters(const RequestContext& ctx, const std::vector<std::string>& identifiers,
                          std::vector<const model::Cluster*>* found,
                          std::vector<DescribeFailure>* failures) const;
  Result<Page> ListClusters(const RequestContext& ctx, const PageRequest& page) const;
  Result<const model::Cluster*> DeleteCluster(const RequestContext& ctx,
                                              const std::string& identifier);
  Result<const model::Cluster*> UpdateCluster(const RequestContext& ctx,
                                              const std::string& identifier, ClusterFields in);
  ClusterCounts CountsFor(const model::Cluster& c) const;

  // Capacity providers (capacity_providers.cc): the built-in FARGATE and FARGATE_SPOT, and Auto
  // Scaling group providers.
  Result<const model::CapacityProvider*> CreateCapacityProvider(const RequestContext& ctx,
                                                                CapacityProviderInput in);
  Result<const model::CapacityProvider*> UpdateCapacityProvider(const RequestContext& ctx,
                                                                const CapacityProviderInput& in);
  // An associated provider is not deleted: ECS answers it with updateStatus DELETE_FAILED.
  // A Managed Instances provider is deleted from its cluster (`cluster`, when given, must name it).
  Result<const model::CapacityProvider*> DeleteCapacityProvider(const RequestContext& ctx,
                                                                const std::string& identifier,
                                                                const std::string& cluster = "");
  // The tenant's Auto Scaling group provider of that name, or nullptr (built-ins, unknown).
  const model::CapacityProvider* FindCapacityProvider(const Tenant& t,
                                                      const std::string& name) const {
    return state_.FindCapacityProvider(t, name);
  }
  Result<const model::Cluster*> PutClusterCapacityProviders(
      const RequestContext& ctx, const std::string& cluster, std::vector<std::string> providers,
      model::CapacityProviderStrategy default_strategy);
  ClusterAttachments AttachmentsOf(const model::Cluster& c) const;
  Result<CapacityProviderPage> DescribeCapacityProviders(
      const RequestContext& ctx, const std::vector<std::string>& identifiers,
      const std::optional<std::string>& cluster, const PageRequest& page) const;
  // Unknown -> ClusterNotFoundException "Cluster not found."; with require_active, INACTIVE ->
  // "The referenced cluster was inactive.".
  Result<const model::Cluster*> FindCluster(const RequestContext& ctx,
                                            const std::string& identifier,
                                            bool require_active) const;

  // --- Container instances and attributes (container_instances.cc, attributes.cc) ---
  Result<const model::ContainerInstance*> RegisterContainerInstance(
      const RequestContext& ctx, const RegisterInstanceInput& in);
  Result<std::vector<const model::ContainerInstance*>> CreateFleet(const RequestContext& ctx,
                                                                   const FleetInput& in);
  // The tenant's simulated Auto Scaling group of that name, or nullptr.
  const model::AutoScalingGroup* FindAutoScalingGroup(const Tenant& t,
                                                      const std::string& name) const;
  Result<const model::ContainerInstance*> DeregisterContainerInstance(const RequestContext& ctx,
                                                                      const std::string& cluster,
                                                                      const std::string& instance,
                                                                      bool force);
  Status DescribeContainerInstances(const RequestContext& ctx, const std::string& cluster,
                                    const std::vector<std::string>& ids,
                                    std::vector<const model::ContainerInstance*>* found,
                                    std::vector<DescribeFailure>* failures) const;
  Result<Page> ListContainerInstances(const RequestContext& ctx,
                                      const ListContainerInstancesInput& in) const;
  Status UpdateContainerInstancesState(const RequestContext& ctx, const std::string& cluster,
                                       const std::vector<std::string>& ids,
                                       model::InstanceStatus status,
                                       std::vector<const model::ContainerInstance*>* updated,
                                       std::vector<DescribeFailure>* failures);
  Result<const model::ContainerInstance*> UpdateContainerAgent(const RequestContext& ctx,
                                                               const std::string& cluster,
                                                               const std::string& instance);
  // Test hook: flip an instance's agent connection.
  Status SetAgentConnected(const RequestContext& ctx, const std::string& cluster,
                           const std::string& instance, bool connected);
  // remainingResources as ECS shows them.
  std::vector<model::Resource> RemainingResources(const model::ContainerInstance& ci) const;
  Result<std::vector<AttributeTarget>> PutAttributes(const RequestContext& ctx,
                                                     const std::string& cluster,
                                                     std::vector<AttributeTarget> attributes);
  Result<std::vector<AttributeTarget>> DeleteAttributes(const RequestContext& ctx,
                                                        const std::string& cluster,
                                                        std::vector<AttributeTarget> attributes);
  Result<std::pair<std::vector<AttributeTarget>, std::optional<std::string>>> ListAttributes(
      const RequestContext& ctx, const ListAttributesInput& in) const;

  // --- Tasks (tasks.cc) ---
  Result<RunTaskOutput> RunTask(const RequestContext& ctx, const RunTaskInput& in);
  Result<const model::Task*> StopTask(const RequestContext& ctx, const std::string& cluster,
                                      const std::string& task, const std::string& reason,
                                      model::StopCode code = model::StopCode::kUserInitiated);
  Status DescribeTasks(const RequestContext& ctx, const std::string& cluster,
                       const std::vector<std::string>& ids, std::vector<const model::Task*>* found,
                       std::vector<DescribeFailure>* failures) const;
  Result<Page> ListTasks(const RequestContext& ctx, const ListTasksInput& in) const;
  Result<TaskPage> ListTaskPage(const RequestContext& ctx, const ListTasksInput& in) const;
  // Task scale-in protection (task_protection.cc).
  Result<TaskProtectionResult> UpdateTaskProtection(const RequestContext& ctx,
                                                    const std::string& cluster,
                                                    const std::vector<std::string>& ids,
                                                    bool enabled,
                                                    std::optional<int64_t> expires_in_minutes);
  Result<TaskProtectionResult> GetTaskProtection(const RequestContext& ctx,
                                                 const std::string& cluster,
                                                 const std::vector<std::string>& ids) const;
  // ExecuteCommand (execute_command.cc): the session object; no shell is run.
  Result<ExecuteCommandOutput> ExecuteCommand(const RequestContext& ctx,
                                              const ExecuteCommandInput& in);
  Result<std::string> SubmitTaskStateChange(const RequestContext& ctx,
                                            const TaskStateChangeInput& in);
  Result<std::string> SubmitAttachmentStateChanges(
      const RequestContext& ctx, const std::string& cluster,
      const std::vector<std::pair<std::string, std::string>>& attachments);

  // --- Simulated time (reconciler.cc; the clock's own rules are control/simulated_time.h) ---
  // Runs every lifecycle step due at or before `now`, in time order, then the service
  // scheduler. While the clock is frozen only a call made while advancing it (`advancing`)
  // steps tasks, so a frozen clock holds every task still.
  Status RunDue(Millis now, bool advancing = false);
  // RunDue in bounded slices, for the server's reconciler loop: stops as soon as `out_of_time()`
  // says so, so API requests queued on the state strand run between slices. Each slice commits
  // its own ChangeSet. Returns whether work due by `now` remains (call again).
  Result<bool> RunDueSlice(Millis now, const std::function<bool()>& out_of_time);
  // The earliest instant something is due: a task step, or an Auto Scaling group instance joining.
  std::optional<Millis> NextDue() const;
  // Right after a request (the server calls it before the reply leaves): when anything was
  // committed since the last call, runs what is due by `now` in rounds — a lifecycle step can
  // make the scheduler launch or stop, which makes more steps due — until a round commits
  // nothing or `out_of_time()`. With instant timing (control/options.h) the next Describe then
  // sees the settled state, so a waiter succeeds on its first poll. Returns whether work due by
  // `now` remains (the reconciler loop goes on with it).
  Result<bool> Settle(Millis now, const std::function<bool()>& out_of_time);

  // --- Run-time behaviour rules, POST /_emulator/task-behaviors (behavior_rules.cc) ---
  // Checked (scheduler::ValidateRule), given an id and armed for tasks launched from now on.
  Result<std::string> ArmBehaviorRule(const Tenant& tenant, model::BehaviorRule rule);
  const std::vector<model::BehaviorRule>& BehaviorRules(const Tenant& tenant) const {
    return state_.BehaviorRulesOf(tenant);
  }
  void ClearBehaviorRules(const StateScope& scope);
  // False when the tenant has no rule with that id.
  bool DeleteBehaviorRule(const Tenant& tenant, const std::string& id);

  // --- Simulated load-balancer targets, /_emulator/targets (targets.cc) ---
  struct TargetRow {
    std::string cluster, service, task_arn;
    const model::LoadBalancer* lb = nullptr;
    std::string group;  // the target group (or Classic Load Balancer) it is registered in
    std::string id;     // instance id or private IP
    int64_t port = 0;
    scheduler::TargetState state = scheduler::TargetState::kInitial;
    Millis since = 0;
  };
  struct TargetFilter {
    std::string cluster, service, target_group;  // "" = any
  };
  // Every target of the tenant's load-balanced services' tasks that are not STOPPED.
  std::vector<TargetRow> ListTargets(const Tenant& tenant, const TargetFilter& filter) const;
  // A target group's simulated settings; members not given keep their current value.
  struct TargetGroupSettings {
    std::optional<int64_t> interval_seconds, unhealthy_threshold, deregistration_delay_seconds;
  };
  Result<scheduler::TargetHealthConfig> SetTargetGroup(const Tenant& tenant,
                                                       const std::string& group,
                                                       const TargetGroupSettings& settings);
  void ClearTargetGroups(const StateScope& scope);

  // --- Simulated hook functions and alarm states, /_emulator/hooks and /_emulator/alarms
  // (deployment_checks.cc; scheduler/deployment_checks.h) ---
  // Sets what the tenant's AWS_LAMBDA hooks whose target matches answer from now on (a script
  // for the same pattern is replaced).
  Status SetHookScript(const Tenant& tenant, scheduler::HookScript script);
  const std::vector<scheduler::HookScript>& HookScripts(const Tenant& tenant) const {
    return state_.HookScriptsOf(tenant);
  }
  // Every invocation of the tenant's AWS_LAMBDA hooks, oldest first.
  struct HookInvocationRow {
    const model::Service* service = nullptr;
    const model::Deployment* deployment = nullptr;
    const model::HookRun* run = nullptr;
    const model::HookInvocation* invocation = nullptr;
  };
  std::vector<HookInvocationRow> HookInvocations(const Tenant& tenant) const;
  // state: "OK", "ALARM" or "INSUFFICIENT_DATA" (CloudWatch's StateValue).
  Status SetAlarmState(const Tenant& tenant, const std::string& name, const std::string& state);
  const std::map<std::string, std::string>& AlarmStates(const Tenant& tenant) const;
  void ClearHooksAndAlarms(const StateScope& scope);

  // --- Services (services.cc, service_deployments.cc) ---
  Result<const model::Service*> CreateService(const RequestContext& ctx, ServiceInput in);
  Result<const model::Service*> UpdateService(const RequestContext& ctx, const ServiceInput& in);
  Result<const model::Service*> DeleteService(const RequestContext& ctx, const std::string& cluster,
                                              const std::string& service, bool force);
  Status DescribeServices(const RequestContext& ctx, const std::string& cluster,
                          const std::vector<std::string>& names,
                          std::vector<const model::Service*>* found,
                          std::vector<DescribeFailure>* failures) const;
  Result<Page> ListServices(const RequestContext& ctx, const ListServicesInput& in) const;
  Result<Page> ListServicesByNamespace(const RequestContext& ctx, const std::string& ns,
                                       const PageRequest& page) const;
  ServiceCounts CountsForService(const model::Service& s) const;
  Result<std::pair<std::vector<ServiceDeploymentRef>, std::optional<std::string>>>
  ListServiceDeployments(const RequestContext& ctx, const ListServiceDeploymentsInput& in) const;
  // arns: service-deployment ARNs (revisions = false) or service-revision ARNs (true).
  void DescribeServiceDeployments(const RequestContext& ctx, const std::vector<std::string>& arns,
                                  bool revisions, std::vector<ServiceDeploymentRef>* found,
                                  std::vector<DescribeFailure>* failures) const;
  Result<std::string> StopServiceDeployment(const RequestContext& ctx, const std::string& arn,
                                            bool rollback);
  // Acts on a PAUSE lifecycle hook AWAITING_ACTION of the deployment in progress: CONTINUE lets
  // its stage go on, ROLLBACK rolls the deployment back (service_deployments.cc).
  Result<std::string> ContinueServiceDeployment(const RequestContext& ctx, const std::string& arn,
                                                const std::string& hook_id, bool rollback);
  static std::string ServiceDeploymentArn(const model::Service& s, const model::Deployment& d);
  static std::string ServiceRevisionArn(const model::Service& s, const model::Deployment& d);

  // --- Express gateway services (express_gateway.cc; the rules: control/express_gateway.h) ---
  // What a CreateExpressGatewayService request makes: validated, nothing changed yet. api/
  // registers the plan's task definition from it (taskdef::NormalizeTaskDefinition).
  // (Not const: a generated service name takes an id.)
  Result<ExpressPlan> PlanExpressGatewayService(const RequestContext& ctx, const ExpressInput& in);
  // The same for an update of the Express service `in.service_arn`: its next revision.
  Result<ExpressPlan> PlanExpressUpdate(const RequestContext& ctx, const ExpressInput& in);
  // Registers `spec`, creates the service with its deployment and the simulated managed
  // resources, in one commit. `managed_log_group`: the container names no log group.
  Result<const model::ExpressGatewayService*> CreateExpressGatewayService(
      const RequestContext& ctx, const ExpressPlan& plan, bool managed_log_group,
      taskdef::TaskDefinitionSpec spec, model::TagList tags);
  // Registers `spec` and rolls it out through a new deployment of the service.
  Result<const model::ExpressGatewayService*> UpdateExpressGatewayService(
      const RequestContext& ctx, const ExpressPlan& plan, taskdef::TaskDefinitionSpec spec);
  Result<const model::ExpressGatewayService*> DescribeExpressGatewayService(
      const RequestContext& ctx, const std::string& service_arn) const;
  // The service drains; its managed resources are deprovisioned once its tasks stopped.
  Result<const model::ExpressGatewayService*> DeleteExpressGatewayService(
      const RequestContext& ctx, const std::string& service_arn);
  // The Express record of a service, or nullptr (an ordinary service).
  const model::ExpressGatewayService* FindExpressService(const std::string& service_arn) const;
  // The ECS service an Express service is (nullptr only if its row was lost).
  const model::Service* ServiceOf(const model::ExpressGatewayService& e) const;

  // --- Task sets of EXTERNAL services (task_sets.cc); DescribeTaskSets also on CODE_DEPLOY ---
  Result<TaskSetView> CreateTaskSet(const RequestContext& ctx, TaskSetInput in);
  Status DescribeTaskSets(const RequestContext& ctx, const std::string& cluster,
                          const std::string& service, const std::vector<std::string>& ids,
                          std::vector<TaskSetView>* found,
                          std::vector<DescribeFailure>* failures) const;
  Result<TaskSetView> UpdateTaskSet(const RequestContext& ctx, const std::string& cluster,
                                    const std::string& service, const std::string& task_set,
                                    double scale, const std::string& unit);
  Result<TaskSetView> UpdateServicePrimaryTaskSet(const RequestContext& ctx,
                                                  const std::string& cluster,
                                                  const std::string& service,
                                                  const std::string& task_set);
  Result<TaskSetView> DeleteTaskSet(const RequestContext& ctx, const std::string& cluster,
                                    const std::string& service, const std::string& task_set,
                                    bool force);

  // --- Faults (faults.cc): things failing the way they do in real clusters ---
  Status FailTask(const RequestContext& ctx, const std::string& cluster, const std::string& task,
                  int64_t exit_code, const std::string& reason);
  Status LoseInstance(const RequestContext& ctx, const std::string& cluster,
                      const std::string& instance);
  Result<int> LoseZone(const RequestContext& ctx, const std::string& zone);
  // Tasks of this task definition fail to start (CannotPullContainerError) until cleared.
  Status SetTaskDefinitionFailing(const RequestContext& ctx, const std::string& task_definition,
                                  bool failing);

  // --- Task definitions (task_definitions.cc) ---
  // `spec` comes from taskdef::NormalizeTaskDefinition (api/ runs it off the state strand).
  Result<const TaskDefinitionRecord*> RegisterTaskDefinition(const RequestContext& ctx,
                                                             taskdef::TaskDefinitionSpec spec);
  Result<const TaskDefinitionRecord*> DescribeTaskDefinition(const RequestContext& ctx,
                                                             const std::string& identifier) const;
  Result<const TaskDefinitionRecord*> DeregisterTaskDefinition(const RequestContext& ctx,
                                                               const std::string& identifier);
  // `deleted` gets copies: a revision nothing uses is removed for good before this returns.
  Status DeleteTaskDefinitions(const RequestContext& ctx,
                               const std::vector<std::string>& identifiers,
                               std::vector<TaskDefinitionRecord>* deleted,
                               std::vector<DescribeFailure>* failures);
  Result<Page> ListTaskDefinitions(const RequestContext& ctx,
                                   const ListTaskDefinitionsInput& in) const;
  // Page.arns holds family names.
  Result<Page> ListTaskDefinitionFamilies(const RequestContext& ctx,
                                          const std::string& family_prefix,
                                          FamilyStatusFilter status, const PageRequest& page) const;
  const TaskDefinitionRegistry& task_definitions() const { return state_.task_definitions; }

  // --- Daemon task definitions (daemon_task_definitions.cc) ---
  // `spec` comes from taskdef::NormalizeDaemonTaskDefinition.
  Result<const DaemonTaskDefinitionRecord*> RegisterDaemonTaskDefinition(
      const RequestContext& ctx, taskdef::TaskDefinitionSpec spec);
  Result<const DaemonTaskDefinitionRecord*> DescribeDaemonTaskDefinition(
      const RequestContext& ctx, const std::string& identifier) const;
  // ACTIVE -> DELETE_IN_PROGRESS (a daemon runs it) or DELETED (none does).
  Result<const DaemonTaskDefinitionRecord*> DeleteDaemonTaskDefinition(
      const RequestContext& ctx, const std::string& identifier);
  Result<DaemonTaskDefinitionPage> ListDaemonTaskDefinitions(
      const RequestContext& ctx, const ListDaemonTaskDefinitionsInput& in) const;

  // --- Daemons (daemons.cc; the rollout: daemon_rollout.cc, scheduler/daemon_rollout.h) ---
  // Each of Create, Update and Delete makes a deployment (Delete's has no target revision).
  Result<const model::Daemon*> CreateDaemon(const RequestContext& ctx, const DaemonInput& in);
  Result<const model::Daemon*> UpdateDaemon(const RequestContext& ctx, const DaemonInput& in);
  Result<const model::Daemon*> DeleteDaemon(const RequestContext& ctx, const std::string& arn);
  // Not a deleted one: DaemonNotFoundException.
  Result<const model::Daemon*> DescribeDaemon(const RequestContext& ctx,
                                              const std::string& arn) const;
  Result<std::vector<const model::Daemon*>> ListDaemons(const RequestContext& ctx,
                                                        const ListDaemonsInput& in,
                                                        std::optional<std::string>* next) const;
  Status DescribeDaemonDeployments(const RequestContext& ctx, const std::vector<std::string>& arns,
                                   std::vector<DaemonDeploymentRef>* found,
                                   std::vector<DescribeFailure>* failures) const;
  Result<std::vector<DaemonDeploymentRef>> ListDaemonDeployments(
      const RequestContext& ctx, const ListDaemonDeploymentsInput& in,
      std::optional<std::string>* next) const;
  Status DescribeDaemonRevisions(const RequestContext& ctx, const std::vector<std::string>& arns,
                                 std::vector<DaemonRevisionRef>* found,
                                 std::vector<DescribeFailure>* failures) const;
  // What a revision's daemon tasks run on now, by provider (ARNs).
  DaemonRevisionCounts CountDaemonRevision(const model::Daemon& d,
                                           const std::string& revision_arn) const;

  // --- Tags (tags.cc); generic over every taggable resource type ---
  Status TagResource(const RequestContext& ctx, const std::string& arn, const model::TagList& tags);
  Status UntagResource(const RequestContext& ctx, const std::string& arn,
                       const std::vector<std::string>& keys);
  Result<model::TagList> ListTagsForResource(const RequestContext& ctx,
                                             const std::string& arn) const;
  const model::TagList& TagsOf(const std::string& arn) const { return state_.tags.Of(arn); }

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
  // The one place a mutation's ChangeSet is committed (and, on failure, rolled back).
  Status Commit(const storage::ChangeSet& changes);
  // The cluster a request names, for changing it: its record and state.
  struct ClusterRef {
    const model::Cluster* cluster;
    ClusterState* state;
  };
  // The service a task-set operation names: ACTIVE, and EXTERNAL (CODE_DEPLOY too when
  // `reading`), else ECS's error (task_sets.cc).
  Result<const model::Service*> TaskSetService(const RequestContext& ctx,
                                               const std::string& cluster,
                                               const std::string& service, bool reading) const;
  model::Service& MutableService(const model::Service& svc);
  // CreateService's parts: a validated new service (the cluster's name rules, quota and
  // ApplyServiceInput), and putting it in memory and `changes` with its tags.
  Result<model::Service> NewService(const RequestContext& ctx, const ClusterRef& c,
                                    const ServiceInput& in);
  const model::Service& InsertService(ClusterState& cs, model::Service svc, model::TagList tags,
                                      storage::ChangeSet& changes);
  // UpdateService's part: `in` applied to `current` (a new deployment when it asks for one);
  // on error nothing changed.
  Status ReviseService(const RequestContext& ctx, const ClusterRef& c, model::Service& current,
                       const ServiceInput& in, storage::ChangeSet& changes);
  // DeleteService's part: desired count 0, every task told to stop, DRAINING (or INACTIVE).
  void DrainService(ClusterState& cs, model::Service& svc, Millis now, storage::ChangeSet& changes);
  // RegisterTaskDefinition's parts: the next revision of the spec's family, validated, with the
  // spec's tags apart (revisions may share a definition, never tags); and putting it in the
  // registry and `changes`.
  struct NewRevision {
    TaskDefinitionRecord record;
    model::TagList tags;
  };
  Result<NewRevision> NewTaskDefinition(const RequestContext& ctx,
                                        taskdef::TaskDefinitionSpec spec);
  const TaskDefinitionRecord& PutTaskDefinition(NewRevision r, storage::ChangeSet& changes);
  // Express services (express_gateway.cc): the record a request names, for changing it
  // (ServiceNotFoundException / ServiceNotActiveException as the model lists them).
  Result<model::ExpressGatewayService*> ActiveExpressService(const RequestContext& ctx,
                                                             const std::string& service_arn);
  // The reconciler's part: managed resources whose provisioning or deprovisioning is over move
  // on; a draining service whose tasks all stopped has its resources deprovisioned, and is
  // INACTIVE when they are all deleted.
  void AdvanceExpressServices(Millis now, storage::ChangeSet& changes);
  std::optional<Millis> NextExpressDue() const;
  // Takes back a revision put in memory by a request that then failed before its commit.
  void ForgetTaskDefinition(const Tenant& t, const std::string& arn);
  Result<ClusterRef> ResolveCluster(const RequestContext& ctx, const std::string& identifier,
                                    bool require_active);
  // A fleet's instance type or size, its cluster (created when it asks) and the quota; the cpu
  // and memory of each instance.
  Result<std::pair<int64_t, int64_t>> CheckFleetShape(const RequestContext& ctx,
                                                      const FleetInput& in);
  // The provider `next` replaces the tenant's of its name, in memory and in one commit.
  Result<const model::CapacityProvider*> StoreCapacityProvider(const Tenant& t,
                                                               model::CapacityProvider next);
  // A new provider (its seq assigned) and its tags, stored with `changes` in one commit.
  Result<const model::CapacityProvider*> InsertCapacityProvider(model::CapacityProvider cp,
                                                                model::TagList tags,
                                                                storage::ChangeSet& changes);
  // Managed Instances providers (managed_instances.cc).
  Result<const model::CapacityProvider*> CreateManagedInstancesProvider(const RequestContext& ctx,
                                                                        CapacityProviderInput in);
  Result<const model::CapacityProvider*> UpdateManagedInstancesProvider(
      const RequestContext& ctx, const model::CapacityProvider& found,
      const CapacityProviderInput& in);
  Result<const model::CapacityProvider*> DeleteManagedInstancesProvider(
      const RequestContext& ctx, const model::CapacityProvider& found, const std::string& cluster);
  // The reconciler's part: launched instances join, providers launch for the tasks waiting on
  // them and retire instances idle for scaleInAfter (or all of a deleted provider's).
  void JoinManagedInstances(Millis now, storage::ChangeSet& changes);
  void ScaleManagedInstances(Millis now, storage::ChangeSet& changes);
  bool ScaleManagedInstancesOf(model::CapacityProvider& cp, Millis now,
                               storage::ChangeSet& changes);
  void RetireIdleManagedInstances(ClusterState& cs, model::CapacityProvider& cp, Millis now,
                                  storage::ChangeSet& changes);
  // Launches one instance of `type` in `zone` for `cp` (it joins after the launch delay); its
  // EC2 instance id.
  std::string LaunchManagedInstance(model::CapacityProvider& cp, const std::string& type,
                                    const std::string& zone, Millis now);
  // The cheapest type `cp` may launch that fits `need`; `fallback` when none does.
  std::string ManagedInstanceTypeFor(const model::CapacityProvider& cp,
                                     scheduler::WaitingDemand need,
                                     const std::string& fallback) const;
  // Whether a daemon deploys to `provider` (it cannot be deleted then).
  bool DaemonUsesProvider(const Tenant& t, const std::string& provider) const;
  // What the daemons running on `cp`'s instances reserve on each (daemon_scheduler.cc).
  scheduler::WaitingDemand DaemonDemandOn(const model::CapacityProvider& cp) const;
  RegisterInstanceInput ManagedInstanceInput(const model::CapacityProvider& cp,
                                             const model::LaunchingInstance& l) const;
  std::optional<Millis> NextManagedInstancesDue() const;
  // CreateFleet of a simulated Auto Scaling group (auto_scaling_groups.cc).
  Result<std::vector<const model::ContainerInstance*>> CreateAutoScalingGroupFleet(
      const RequestContext& ctx, const FleetInput& in);
  // What registering one more instance of the group takes.
  RegisterInstanceInput GroupInstanceInput(const model::AutoScalingGroup& g) const;
  // The reconciler's part: instances whose warm-up is over join, and each group an ACTIVE
  // provider with managed scaling ENABLED names takes one scaling round.
  void ScaleAutoScalingGroups(Millis now, storage::ChangeSet& changes);
  bool JoinWarmedUpInstances(model::AutoScalingGroup& g, Millis now, storage::ChangeSet& changes);
  bool ScaleGroup(model::AutoScalingGroup& g, Millis now, storage::ChangeSet& changes);
  // Every task waiting in PROVISIONING for an Auto Scaling group provider's capacity that an
  // instance of its provider fits now is placed there, oldest first.
  void PlaceWaitingTasks(storage::ChangeSet& changes);
  std::vector<scheduler::WaitingDemand> WaitingFor(const model::CapacityProvider& cp,
                                                   const ClusterState* cs) const;
  void RetireGroupInstances(ClusterState& cs, const model::AutoScalingGroup& g,
                            const scheduler::ScalingPlan& plan, Millis now,
                            storage::ChangeSet& changes);
  // A new instance registered into `cs` within `changes` (no checks: the caller made them).
  const model::ContainerInstance& AddInstance(const RequestContext& ctx, ClusterState& cs,
                                              const RegisterInstanceInput& in, Millis now,
                                              storage::ChangeSet& changes);
  // Daemons (daemons.cc, daemon_rollout.cc).
  Result<model::Daemon*> ChangeableDaemon(const RequestContext& ctx, const std::string& arn);
  Result<model::DaemonRevision> NewDaemonRevision(const RequestContext& ctx, const model::Daemon& d,
                                                  const DaemonInput& in,
                                                  const model::DaemonRevision* base);
  // A new deployment of `d` to `target_revision` ("" for a delete), the latest one STOPPED when
  // it had not finished.
  void StartDaemonDeployment(model::Daemon& d, const std::string& target_revision,
                             const model::DaemonDeploymentConfig& config, Millis now);
  // The reconciler's part: every daemon's rollout moved on as far as it goes now.
  void AdvanceDaemons(Millis now, storage::ChangeSet& changes);
  bool AdvanceDaemon(model::Daemon& d, ClusterState& cs, Millis now, storage::ChangeSet& changes);
  // Drains `ci` and launches its replacement (same type and zone) in its provider.
  void ReplaceDaemonInstance(model::Daemon& d, ClusterState& cs, model::ContainerInstance& ci,
                             Millis now, storage::ChangeSet& changes);
  Status StartDaemonTask(model::Daemon& d, ClusterState& cs, const model::ContainerInstance& ci,
                         storage::ChangeSet& changes);
  // Instances the daemon drained that no service task runs on any more are deregistered.
  void FinishDaemonDrains(model::Daemon& d, ClusterState& cs, Millis now,
                          storage::ChangeSet& changes);
  // Alarms and the circuit breaker: a rollback started (or the deployment stopped).
  void CheckDaemonDeploymentHealth(model::Daemon& d, int64_t instances, Millis now);
  std::optional<Millis> NextDaemonDue() const;
  // The instance leaves the cluster (INACTIVE) and the tasks on it stop with `reason`.
  void TerminateInstance(ClusterState& cs, model::ContainerInstance& ci, const std::string& reason,
                         Millis now, storage::ChangeSet& changes);
  Status CheckTaggable(const RequestContext& ctx, const std::string& arn) const;
  bool ResourceExists(const RequestContext& ctx, const ParsedArn& arn) const;
  // Loading: tasks, instances, services and task-definition revisions first (LoadBatches
  // streamed from the store's scan, or the snapshot's), then the rest. What the first part
  // gathers for the second:
  struct RowLoad {
    struct ClientToken {
      int64_t seq;
      Tenant tenant;
      std::string key, entry;  // as TenantState::client_tokens holds them
    };
    int64_t next_seq = 1;
    std::vector<ClientToken> client_tokens;
  };
  void ClearForLoad();
  Status LoadRows(storage::LoadBatch& rows, RowLoad& loading);
  void LoadTasks(std::vector<model::Task>& tasks, RowLoad& loading);
  Status LoadRest(storage::Snapshot& snap, RowLoad& loading);
  void LoadSnapshot(storage::Snapshot& snap);
  Status LoadTaskDefinitions(std::vector<storage::StoredTaskDefinition>& rows);
  Status LoadDaemonTaskDefinitions(storage::Snapshot& snap);
  using TenantFilter = std::function<bool(const Tenant&)>;
  storage::ChangeSet DumpRowsWhere(const TenantFilter& keep) const;
  RuntimeState ExportRuntimeWhere(const TenantFilter& keep) const;
  // Memory from decoded rows (Load's second half): everything cleared first.
  Status LoadFrom(storage::Snapshot& snap);
  void ImportRuntime(const RuntimeState& runtime);

  State state_;
  bool committed_since_settle_ = false;  // a commit wrote rows since the last Settle
  TaskLifecycle lifecycle_;
  TaskLauncher launcher_;
  ServiceScheduler scheduler_;
};

}  // namespace ecs::control

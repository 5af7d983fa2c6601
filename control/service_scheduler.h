// ServiceScheduler: on every reconciler tick, each ACTIVE or DRAINING service is planned —
// REPLICA services by the pure deployment planner (scheduler/deployment_planner.h), DAEMON
// services from the instance list — and the plan is applied: tasks stopped (TaskLifecycle),
// new tasks launched through RunTask's placement (TaskLauncher), deployments retired or
// completed, the circuit breaker evaluated and the events ECS writes appended. Also what the
// service operations share with it: new deployments, events, rollbacks.
//
// Cost. A service that is settled (steady, nothing to do) is skipped until one of its tasks
// changes, it is updated, or its cluster's instances change. A pass lists only the services
// that may have work (ClusterState::services_to_visit, all of a cluster's once its instance
// generation moved), so at 5,000 services a request that touches one pays for one. A service is
// written to the store only when the tick changed something about it, so an idle cluster
// commits nothing.
//
// THREADING: state strand only.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "common/clock.h"
#include "control/state.h"
#include "control/task_launcher.h"
#include "control/task_lifecycle.h"
#include "model/service.h"
#include "storage/store.h"

namespace ecs::control {

// How a service event names its service: "(service web)".
inline std::string ServiceTag(const model::Service& s) { return "(service " + s.name + ")"; }

// The reason a service's scaling stops a task with: its PRIMARY deployment or task set.
inline std::string ScalingReason(const model::Service& s) {
  std::string id;
  if (!s.deployments.empty()) {
    id = s.deployments.front().id;
  } else if (!s.task_sets.empty()) {
    id = s.task_sets.front().id;
  }
  return "Scaling activity initiated by (deployment " + id + ")";
}

class ServiceScheduler {
 public:
  ServiceScheduler(State& state, TaskLifecycle& lifecycle, TaskLauncher& launcher)
      : state_(state), lifecycle_(lifecycle), launcher_(launcher) {}

  // One pass over every service; with `out_of_time`, a pass may be spread over several calls
  // (false = the pass is not finished yet). Without it, a fresh complete pass.
  bool ReconcileServices(Millis now, storage::ChangeSet& changes,
                         const std::function<bool()>* out_of_time = nullptr);
  // A task of a service changed (TaskLifecycle reports every change).
  void OnTaskChanged(ClusterState& cs, model::Task& task, Millis now, storage::ChangeSet& changes);
  // A task of a load-balanced service registered with, began draining from, or left its
  // targets: the events ECS writes (control/service_targets.cc).
  void OnTargetsChanged(ClusterState& cs, const model::Task& task, TaskLifecycle::TargetEvent event,
                        Millis now, storage::ChangeSet& changes);
  // Forgets the pass in progress (after a reset or reload).
  void ForgetPass();
  // The next instant after `now` at which a deployment acts on the clock alone (a bake or a
  // traffic step ending, a Lambda hook's next invocation, a hook timing out), or nullopt. A
  // frozen clock's advance stops there (ControlPlane::NextDue), so each acts at its own instant
  // and a Lambda hook answering IN_PROGRESS is invoked every 30 s of a long advance
  // (control/deployment_checks.cc).
  std::optional<Millis> NextDeploymentTimer(Millis now) const;
  // Starts a pass: lists every cluster's services to visit.
  void ListPass();

  // What the service operations share with the scheduler.
  model::Deployment NewDeployment(const model::Service& svc, Millis now);
  void AddEvent(model::Service& svc, const std::string& message, Millis now);
  // AddEvent of `before` + count + `after`, counting up an event of the same instant instead
  // ("registered 2 targets in ...").
  void AddCountedEvent(model::Service& svc, const std::string& before, const std::string& after,
                       Millis now);
  // Makes the last COMPLETED deployment PRIMARY again (circuit breaker, StopServiceDeployment).
  // False when there is none to go back to.
  bool RollBack(model::Service& svc, bool circuit_breaker, const std::string& status_reason,
                Millis now);
  // RollBack for a request (StopServiceDeployment, ContinueServiceDeployment, a hook's timeout):
  // a BLUE_GREEN deployment shows ROLLBACK_REQUESTED first (AdvanceRollbacks moves it on).
  bool RequestRollBack(model::Service& svc, const std::string& status_reason, Millis now);
  // The service's tasks that are not STOPPED, of this incarnation (a reused name's old tasks are
  // left out), in creation order.
  static std::vector<model::Task*> LiveServiceTasks(ClusterState& cs, const model::Service& svc);

  // DAEMON: the instances that should run one of the service's tasks (ACTIVE, connected, within
  // its memberOf constraints); their number is the service's desiredCount.
  std::vector<const model::ContainerInstance*> DaemonInstances(const ClusterState& cs,
                                                               const model::Service& svc) const;

 private:
  struct TickPlan;
  void ReconcileService(ClusterState& cs, model::Service& svc, Millis now,
                        storage::ChangeSet& changes);
  void Drain(ClusterState& cs, model::Service& svc, const std::vector<model::Task*>& tasks,
             Millis now, storage::ChangeSet& changes);
  bool TripCircuitBreaker(model::Service& svc, Millis now);
  TickPlan PlanDaemonTick(ClusterState& cs, model::Service& svc,
                          const std::vector<model::Task*>& tasks, Millis now, bool* changed);
  TickPlan PlanReplicaTick(ClusterState& cs, const model::Service& svc,
                           const std::vector<model::Task*>& tasks, Millis now) const;
  bool Healthy(const model::Service& svc, const model::Task& t, Millis now) const;
  // EXTERNAL / CODE_DEPLOY services: each task set kept at its computedDesiredCount
  // (control/service_task_sets.cc).
  void ReconcileTaskSets(ClusterState& cs, model::Service& svc, Millis now,
                         storage::ChangeSet& changes);
  // One task set's tick: stops, launches, stability; true when the set changed.
  bool ReconcileTaskSet(ClusterState& cs, model::Service& svc, model::TaskSet& set,
                        const std::vector<model::Task*>& tasks, Millis now,
                        storage::ChangeSet& changes, std::vector<std::string>* stopped_ids,
                        int64_t* launched);
  // `strategy_existing`: the set's tasks that stay, per provider of its strategy.
  int64_t LaunchTaskSetTasks(model::Service& svc, const model::TaskSet& set, int64_t count,
                             const std::vector<int64_t>& strategy_existing, Millis now,
                             storage::ChangeSet& changes);
  // Replaces the tasks whose container health checks failed once the service's
  // healthCheckGracePeriodSeconds is over (control/service_health.cc); true when it stopped one.
  bool StopUnhealthy(ClusterState& cs, model::Service& svc, const std::vector<model::Task*>& tasks,
                     Millis now, storage::ChangeSet& changes);
  // Applies the plan's stops and launches; returns the number of tasks launched.
  int64_t Apply(ClusterState& cs, model::Service& svc, const TickPlan& plan, Millis now,
                storage::ChangeSet& changes, std::vector<std::string>* stopped_ids);
  bool RetireDrained(model::Service& svc, const TickPlan& plan, Millis now);
  bool Complete(model::Service& svc, Millis now);
  // A BLUE_GREEN PRIMARY's stage step (scheduler/blue_green_planner.h) recorded in the
  // deployment: stage, traffic, PENDING -> IN_PROGRESS. True when something changed.
  bool AdvanceBlueGreen(model::Service& svc, const TickPlan& plan, Millis now);
  // A blue/green deployment rolled back by StopServiceDeployment: ROLLBACK_REQUESTED ->
  // ROLLBACK_IN_PROGRESS -> ROLLBACK_SUCCESSFUL once the revision it went back to completed,
  // each step at least one dwell apart (observable under a frozen clock). True when something
  // changed; `*waiting` when a step is still to come.
  bool AdvanceRollbacks(model::Service& svc, Millis now, bool* waiting);
  // The lifecycle hooks of `stage` start on the PRIMARY (PAUSE: AWAITING_ACTION until
  // ContinueServiceDeployment or their timeout).
  void StartHooks(model::Service& svc, model::LifecycleStage stage, Millis now);
  // Hooks past their timeout: TIMED_OUT, then CONTINUE or a rollback. True when changed.
  bool ExpireHooks(model::Service& svc, Millis now);
  // AWS_LAMBDA hooks of the PRIMARY whose invocation is due: invoked (their simulated function
  // answers); one that answers FAILED rolls the deployment back. True when changed
  // (control/deployment_checks.cc).
  bool InvokeLambdaHooks(model::Service& svc, Millis now);
  // The PRIMARY's deploymentConfiguration.alarms: one in ALARM while the deployment runs fails it
  // (rolled back when the configuration says so). True when changed.
  bool WatchDeploymentAlarms(model::Service& svc, Millis now);
  // The PRIMARY failed for `reason` (rolloutState FAILED): rolled back when `rollback` and there
  // is a revision to go back to (true), else STOPPED where it is.
  bool FailDeployment(model::Service& svc, const std::string& reason, bool rollback, Millis now);
  bool UpdateDeploymentCounts(ClusterState& cs, model::Service& svc);
  int64_t LaunchServiceTasks(model::Service& svc, int64_t count,
                             const std::vector<int64_t>& strategy_existing, Millis now,
                             storage::ChangeSet& changes);
  // DAEMON: one task of the PRIMARY on each of these instances (StartTask, 10 per call).
  int64_t LaunchDaemonTasks(model::Service& svc, const std::vector<std::string>& instance_ids,
                            Millis now, storage::ChangeSet& changes);
  // What every task a service starts shares (group, startedBy, network, tags, ...).
  RunTaskInput ServiceTaskInput(const model::Service& svc) const;
  // The same for a task of one deployment or task set (its definition, id and network).
  RunTaskInput ServiceTaskInput(const model::Service& svc, const std::string& task_definition,
                                const std::string& started_by,
                                const std::optional<model::NetworkConfiguration>& network) const;
  Result<RunTaskOutput> LaunchFor(const model::Service& svc, const RunTaskInput& in,
                                  storage::ChangeSet& changes);
  // The "has started" event and the once-only placement-failure event; returns started.size().
  int64_t ReportLaunch(model::Service& svc, const std::vector<std::string>& started,
                       const std::optional<std::string>& failure, Millis now);

  State& state_;
  TaskLifecycle& lifecycle_;
  TaskLauncher& launcher_;
  // The current pass: the services to visit, by key so requests between slices may delete or
  // re-create anything, and the next one to visit.
  struct ServiceKey {
    Tenant tenant;
    std::string cluster;
    std::string service;
  };
  std::vector<ServiceKey> pass_;
  size_t pass_next_ = 0;
};

}  // namespace ecs::control

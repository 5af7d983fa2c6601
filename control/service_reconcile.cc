// One service scheduler tick for one service (ServiceScheduler::ReconcileService): drain a
// deleted service, trip the circuit breaker, plan (REPLICA: scheduler/deployment_planner.h;
// DAEMON: one task per eligible instance, docs/scheduling.md §8.1), apply the plan's stops and
// launches, retire drained deployments, complete the rollout, and keep deployment counts.
#include <algorithm>
#include <map>
#include <set>

#include "control/load_balancer_targets.h"
#include "control/service_scheduler.h"
#include "scheduler/blue_green_planner.h"
#include "scheduler/deployment_planner.h"
#include "scheduler/placement_types.h"
#include "scheduler/query_language.h"

namespace ecs::control {

namespace {

constexpr Millis kPlacementRetry = 1000;  // nothing placeable: try again a second later
constexpr const char* kTroubleshooting =
    " For more information, see the Troubleshooting section of the Amazon ECS Developer Guide.";
constexpr const char* kBreakerFailed = "ECS deployment circuit breaker: tasks failed to start.";

using model::DeploymentStatus;
using model::RolloutState;
using model::ServiceDeploymentStatus;

std::string PlacementFailureEvent(const model::Service& svc, const std::string& reason,
                                  const std::string& instance_arn) {
  std::string head = ServiceTag(svc) +
                     " was unable to place a task because no container instance met all of its "
                     "requirements.";
  std::string closest = "(container-instance " + std::string(LastSegment(instance_arn)) + ")";
  if (reason == "RESOURCE:CPU") {
    return head + " The closest matching " + closest + " has insufficient CPU units available." +
           kTroubleshooting;
  }
  if (reason == "RESOURCE:MEMORY") {
    return head + " The closest matching " + closest + " has insufficient memory available." +
           kTroubleshooting;
  }
  if (reason == "RESOURCE:PORTS" || reason == "RESOURCE:PORTS_UDP") {
    return head + " The closest matching " + closest +
           " is already using a port required by your task." + kTroubleshooting;
  }
  return head + " The closest matching " + closest + " encountered error \"" + reason + "\"." +
         kTroubleshooting;
}

// Appended to a placement-failure event: where the emulator explains the decision (issue 15;
// ECS's own message ends before it).
std::string TraceLink(int64_t trace_id) {
  if (trace_id == 0) return "";
  return " Placement trace: /_emulator/placement/" + std::to_string(trace_id);
}

std::string TaskList(const std::vector<std::string>& ids) {
  std::string out;
  for (const auto& id : ids) out += " (task " + id + ")";
  return out;
}

scheduler::PlannerDeployment::Rollout RolloutOf(const model::Deployment& d) {
  if (d.rollout_state == RolloutState::kCompleted) {
    return scheduler::PlannerDeployment::Rollout::kCompleted;
  }
  if (d.rollout_state == RolloutState::kFailed)
    return scheduler::PlannerDeployment::Rollout::kFailed;
  return scheduler::PlannerDeployment::Rollout::kInProgress;
}

}  // namespace

// What one tick does to a service, whatever its scheduling strategy.
struct ServiceScheduler::TickPlan {
  std::vector<model::Task*> stops;
  int64_t start = 0;                          // REPLICA: PRIMARY tasks to launch
  std::vector<std::string> daemon_instances;  // DAEMON: instances to start a PRIMARY task on
  bool deadlocked = false;
  bool completed = false;            // the PRIMARY alone runs what it should, all healthy
  bool steady = false;               // completed with a single deployment
  std::vector<std::string> drained;  // older deployments without a task left
  // The PRIMARY's tasks kept on each provider of its strategy (new tasks keep the split).
  std::vector<int64_t> strategy_existing;
  // A BLUE_GREEN PRIMARY in progress: this tick's stage step; for a PENDING one, whether it
  // turns IN_PROGRESS now (its stages start then).
  std::optional<scheduler::BlueGreenStep> blue_green;
  bool begin_blue_green = false;
};

namespace {

// The PRIMARY's tasks that stay after `plan` on each provider of its strategy: what new tasks
// are split against so the service keeps its base/weight split (capacity_strategy.h).
std::vector<int64_t> KeptPerProvider(const scheduler::PlanInput& in, const scheduler::Plan& plan) {
  const auto& strategy = in.capacity_provider_strategy;
  std::vector<int64_t> kept(strategy.size(), 0);
  std::string primary;
  for (const auto& d : in.deployments) {
    if (d.primary) primary = d.id;
  }
  for (const auto& t : in.tasks) {
    if (t.deployment_id != primary || t.phase == scheduler::PlannerTask::Phase::kStopping) continue;
    const bool stopping =
        std::any_of(plan.stops.begin(), plan.stops.end(),
                    [&](const scheduler::PlannedStop& s) { return s.arn == t.arn; });
    if (stopping) continue;
    for (size_t i = 0; i < strategy.size(); ++i) {
      if (strategy[i].capacity_provider == t.capacity_provider) ++kept[i];
    }
  }
  return kept;
}

// A BLUE_GREEN, LINEAR or CANARY PRIMARY whose deployment is still running its stages.
bool RunsBlueGreenStages(const model::Deployment& d) {
  return d.lifecycle_stage && d.rollout_state == RolloutState::kInProgress &&
         (d.deployment_status == ServiceDeploymentStatus::kPending ||
          d.deployment_status == ServiceDeploymentStatus::kInProgress);
}

// This tick's stage step of a BLUE_GREEN, LINEAR or CANARY PRIMARY, from the tasks as the rolling
// planner sees them.
scheduler::BlueGreenStep BlueGreenStepFor(const model::Deployment& prim,
                                          const scheduler::PlanInput& in, Millis now,
                                          Millis dwell) {
  scheduler::BlueGreenInput bg;
  bg.stage = *prim.lifecycle_stage;
  bg.entered_at = prim.stage_entered_at;
  bg.now = now;
  bg.stage_dwell = dwell;
  bg.bake_time = prim.bake_time_minutes * 60'000;
  bg.shift =
      scheduler::ProductionShiftFor(prim.strategy, prim.shift_percent, prim.shift_bake_minutes);
  bg.production_traffic = prim.production_traffic;
  bg.production_shifted_at = prim.production_shifted_at;
  bg.desired_count = in.desired_count;
  bg.hooks_pending =
      std::any_of(prim.hook_runs.begin(), prim.hook_runs.end(),
                  [&](const model::HookRun& r) { return r.stage == bg.stage && r.unresolved(); });
  for (const auto& t : in.tasks) {
    if (t.deployment_id != prim.id) {
      ++bg.blue_live;
    } else if (t.phase == scheduler::PlannerTask::Phase::kRunning && t.healthy) {
      ++bg.green_healthy;
    }
  }
  return scheduler::StepBlueGreen(bg);
}

}  // namespace

bool ServiceScheduler::Healthy(const model::Service& svc, const model::Task& t, Millis now) const {
  if (t.last_status != model::TaskState::kRunning || !t.started_at) return false;
  const bool checked = std::any_of(t.containers.begin(), t.containers.end(),
                                   [](const auto& c) { return c.essential && c.health_check; });
  // Behind a load balancer a task counts once the load balancer reports it healthy (the
  // CreateService documentation [M]), and its containers too when they have health checks.
  if (!svc.load_balancers.empty()) {
    if (!SummarizeTargets(state_, svc, t, now).all_healthy) return false;
    if (!checked) return true;
  }
  // With container health checks a task counts once its essential containers passed them
  // (the model's minimumHealthyPercent documentation [M]); without, after the configured grace.
  if (checked) return t.health_status == model::HealthStatus::kHealthy;
  return now - *t.started_at >= state_.options.lifecycle.health_grace;
}

void ServiceScheduler::Drain(ClusterState& cs, model::Service& svc,
                             const std::vector<model::Task*>& tasks, Millis now,
                             storage::ChangeSet& changes) {
  // DeleteService stopped every task; the service is INACTIVE once none is still running.
  for (model::Task* t : tasks) {
    lifecycle_.RequestStop(cs, *t, model::StopCode::kServiceSchedulerInitiated, ScalingReason(svc),
                           now, changes);
  }
  bool all_stopping = std::all_of(tasks.begin(), tasks.end(), [](const model::Task* t) {
    return t->last_status >= model::TaskState::kStopping;
  });
  if (!all_stopping) return;
  svc.status = model::ServiceStatus::kInactive;
  for (auto& d : svc.deployments) {
    if (d.status == DeploymentStatus::kActive) d.status = DeploymentStatus::kInactive;
    if (d.status != DeploymentStatus::kInactive) d.desired_count = 0;
  }
  changes.PutService(svc);
}

// Stage 1 of the circuit breaker (docs/scheduling.md §8.4): the PRIMARY's tasks keep failing to
// start.
bool ServiceScheduler::TripCircuitBreaker(model::Service& svc, Millis now) {
  model::Deployment& primary = svc.deployments.front();
  if (!svc.circuit_breaker_enable || primary.rollout_state != RolloutState::kInProgress ||
      !scheduler::CircuitBreakerTripped(primary.failed_tasks, primary.ever_running,
                                        svc.desired_count)) {
    return false;
  }
  primary.rollout_state = RolloutState::kFailed;
  primary.rollout_state_reason = kBreakerFailed;
  primary.circuit_breaker_status = model::CircuitBreakerStatus::kTriggered;
  primary.updated_at = now;
  AddEvent(svc,
           ServiceTag(svc) + " (deployment " + primary.id +
               ") deployment failed: tasks failed to start.",
           now);
  if (!(svc.circuit_breaker_rollback && RollBack(svc, true, kBreakerFailed, now))) {
    primary.deployment_status = ServiceDeploymentStatus::kStopped;
    primary.status_reason = kBreakerFailed;
    primary.stopped_at = now;
  }
  return true;
}

// DAEMON (docs/scheduling.md §8.1): one PRIMARY task per ACTIVE, connected instance that
// satisfies the service's memberOf constraints; everything else is stopped. Max 100 %: a task is
// only started on an instance once the one it replaces has stopped. A FAILED PRIMARY starts and
// stops nothing.
std::vector<const model::ContainerInstance*> ServiceScheduler::DaemonInstances(
    const ClusterState& cs, const model::Service& svc) const {
  std::vector<scheduler::Expression> exprs;
  for (const auto& c : svc.placement_constraints) {
    auto parsed = scheduler::MakePlacementConstraint(c.type, c.expression);
    if (parsed.ok() && parsed->type == scheduler::PlacementConstraint::Type::kMemberOf) {
      exprs.push_back(std::move(parsed->expression));
    }
  }
  std::vector<const model::ContainerInstance*> eligible;
  for (const auto& [id, ci] : cs.instances) {
    if (ci.status != model::InstanceStatus::kActive || !ci.agent_connected) continue;
    auto view = cs.views.find(id);
    if (view == cs.views.end()) continue;
    if (std::all_of(exprs.begin(), exprs.end(), [&](const scheduler::Expression& e) {
          return scheduler::Matches(e, view->second);
        })) {
      eligible.push_back(&ci);
    }
  }
  return eligible;
}

ServiceScheduler::TickPlan ServiceScheduler::PlanDaemonTick(ClusterState& cs, model::Service& svc,
                                                            const std::vector<model::Task*>& tasks,
                                                            Millis now, bool* changed) {
  const std::vector<const model::ContainerInstance*> eligible = DaemonInstances(cs, svc);
  if (svc.desired_count != static_cast<int64_t>(eligible.size())) {
    svc.desired_count = static_cast<int64_t>(eligible.size());
    *changed = true;
  }
  TickPlan plan;
  const model::Deployment& primary = svc.deployments.front();
  const bool failed = primary.rollout_state == RolloutState::kFailed;
  std::set<std::string> eligible_ids, occupied;
  for (const auto* ci : eligible) eligible_ids.insert(ci->id);
  std::map<std::string, int> good_per_instance;
  bool others = false;
  for (model::Task* t : tasks) {
    occupied.insert(t->container_instance_id);
    const bool of_primary = t->started_by == primary.id;
    if (!of_primary) others = true;
    if (!t->wants_running()) continue;
    const bool keep = eligible_ids.count(t->container_instance_id) && (of_primary || failed) &&
                      good_per_instance[t->container_instance_id] == 0;
    if (!keep) {
      plan.stops.push_back(t);
    } else if (of_primary) {
      ++good_per_instance[t->container_instance_id];
    }
  }
  if (!failed) {
    for (const auto* ci : eligible) {
      if (!occupied.count(ci->id)) plan.daemon_instances.push_back(ci->id);
    }
  }
  const bool all_healthy = std::all_of(tasks.begin(), tasks.end(), [&](const model::Task* t) {
    return t->started_by == primary.id && t->wants_running() && Healthy(svc, *t, now);
  });
  const auto instances_with_task = std::count_if(good_per_instance.begin(), good_per_instance.end(),
                                                 [](const auto& e) { return e.second > 0; });
  plan.completed = !failed && !others && all_healthy && plan.stops.empty() &&
                   plan.daemon_instances.empty() &&
                   static_cast<size_t>(instances_with_task) == eligible.size();
  for (const auto& d : svc.deployments) {
    if (d.status == DeploymentStatus::kInactive || d.id == primary.id) continue;
    if (std::none_of(tasks.begin(), tasks.end(),
                     [&](const model::Task* t) { return t->started_by == d.id; })) {
      plan.drained.push_back(d.id);
    }
  }
  return plan;
}

ServiceScheduler::TickPlan ServiceScheduler::PlanReplicaTick(ClusterState& cs,
                                                             const model::Service& svc,
                                                             const std::vector<model::Task*>& tasks,
                                                             Millis now) const {
  const model::Deployment& prim = svc.deployments.front();
  scheduler::PlanInput input;
  input.minimum_healthy_percent = svc.minimum_healthy_percent;
  input.maximum_percent = svc.maximum_percent;
  input.desired_count = svc.desired_count;
  for (const auto& d : svc.deployments) {
    if (d.status == DeploymentStatus::kInactive && &d != &prim) continue;
    input.deployments.push_back({d.id, &d == &prim, RolloutOf(d)});
  }
  input.tasks.reserve(tasks.size());
  for (model::Task* t : tasks) {
    scheduler::PlannerTask pt;
    pt.arn = t->arn;
    pt.deployment_id = t->started_by;
    // Stop requested, or DEACTIVATING and later, counts as stopping.
    pt.phase = scheduler::PlannerTask::Phase::kStopping;
    if (t->wants_running() && t->last_status == model::TaskState::kRunning) {
      pt.phase = scheduler::PlannerTask::Phase::kRunning;
      pt.healthy = Healthy(svc, *t, now);
    } else if (t->wants_running() && t->last_status < model::TaskState::kRunning) {
      pt.phase = scheduler::PlannerTask::Phase::kPending;
    }
    if (const model::ContainerInstance* ci = cs.FindInstance(t->container_instance_id);
        ci && !t->container_instance_id.empty()) {
      pt.on_draining_instance = ci->status != model::InstanceStatus::kActive;
      pt.instance_arn = ci->arn;
    }
    pt.availability_zone = t->availability_zone;
    pt.capacity_provider = t->capacity_provider_name;
    pt.scale_in_protected = t->protected_at(now);
    input.tasks.push_back(std::move(pt));
  }
  input.capacity_provider_strategy = prim.capacity_provider_strategy;
  TickPlan plan;
  if (RunsBlueGreenStages(prim)) {
    // Green beside a whole blue: the rolling planner at 100 % / 200 % (blue_green_planner.h).
    const Millis dwell = StepDelay(state_, 0);
    if (prim.deployment_status == ServiceDeploymentStatus::kPending) {
      // Nothing runs until the deployment is IN_PROGRESS, one dwell after its creation.
      plan.blue_green = scheduler::StepBlueGreen(
          {*prim.lifecycle_stage, now, now, 1, 0, input.desired_count, 0, 0});
      plan.begin_blue_green = now - prim.stage_entered_at >= dwell;
    } else {
      plan.blue_green = BlueGreenStepFor(prim, input, now, dwell);
    }
    input.minimum_healthy_percent = 100;
    input.maximum_percent = std::max(200, input.maximum_percent);
  }
  scheduler::Plan p = scheduler::PlanStep(input);
  if (plan.blue_green) {
    if (!plan.blue_green->scale_up_green) p.start_primary = 0;
    if (!plan.blue_green->scale_in_blue) {
      std::erase_if(p.stops, [](const scheduler::PlannedStop& s) {
        return s.reason == scheduler::PlannedStop::Reason::kReplacedByDeployment;
      });
    }
    p.primary_completed = p.primary_completed && plan.blue_green->finished;
  }
  plan.strategy_existing = KeptPerProvider(input, p);
  for (const auto& stop : p.stops) {
    for (size_t i = 0; i < input.tasks.size(); ++i) {
      if (input.tasks[i].arn == stop.arn) {
        plan.stops.push_back(tasks[i]);
        break;
      }
    }
  }
  plan.start = p.start_primary;
  plan.deadlocked = p.deadlocked;
  plan.completed = p.primary_completed;
  plan.drained = std::move(p.drained_deployments);
  return plan;
}

int64_t ServiceScheduler::Apply(ClusterState& cs, model::Service& svc, const TickPlan& plan,
                                Millis now, storage::ChangeSet& changes,
                                std::vector<std::string>* stopped_ids) {
  // Stops first (they release capacity for placement), then launches.
  for (model::Task* t : plan.stops) {
    lifecycle_.RequestStop(cs, *t, model::StopCode::kServiceSchedulerInitiated, ScalingReason(svc),
                           now, changes);
    stopped_ids->push_back(t->id);
  }
  if (!stopped_ids->empty()) {
    AddEvent(svc,
             ServiceTag(svc) + " has stopped " + std::to_string(stopped_ids->size()) +
                 " running tasks:" + TaskList(*stopped_ids) + ".",
             now);
  }
  if (plan.deadlocked) {
    AddEvent(svc,
             ServiceTag(svc) +
                 " was unable to stop or start tasks during a deployment because of the "
                 "service deployment configuration. Update the minimumHealthyPercent or "
                 "maximumPercent value and try again.",
             now);
  }
  const bool wants_launch = (plan.start > 0 || !plan.daemon_instances.empty()) &&
                            svc.deployments.front().rollout_state != RolloutState::kFailed;
  if (!wants_launch) {
    svc.placement_failure_reported = false;  // nothing left to place: the cause is gone
    return 0;
  }
  if (now < svc.next_launch_at) return 0;
  return svc.is_daemon()
             ? LaunchDaemonTasks(svc, plan.daemon_instances, now, changes)
             : LaunchServiceTasks(svc, plan.start, plan.strategy_existing, now, changes);
}

bool ServiceScheduler::RetireDrained(model::Service& svc, const TickPlan& plan, Millis now) {
  bool changed = false;
  for (const auto& id : plan.drained) {
    for (auto& d : svc.deployments) {
      if (d.id != id || d.status != DeploymentStatus::kActive) continue;
      d.status = DeploymentStatus::kInactive;
      d.desired_count = 0;
      d.updated_at = now;
      if (d.deployment_status == ServiceDeploymentStatus::kInProgress) {
        d.deployment_status = ServiceDeploymentStatus::kStopped;
        d.stopped_at = now;
      }
      changed = true;
    }
  }
  return changed;
}

bool ServiceScheduler::AdvanceBlueGreen(model::Service& svc, const TickPlan& plan, Millis now) {
  if (!plan.blue_green) return false;
  model::Deployment& p = svc.deployments.front();
  const scheduler::BlueGreenStep& step = *plan.blue_green;
  bool changed = false;
  // Traffic first: a hook run records the weights its stage (or step) gives green.
  if (p.production_traffic != step.production_traffic || p.test_traffic != step.test_traffic) {
    p.production_traffic = step.production_traffic;
    p.test_traffic = step.test_traffic;
    changed = true;
  }
  if (step.shifted) p.production_shifted_at = now;
  if (plan.begin_blue_green) {
    p.deployment_status = ServiceDeploymentStatus::kInProgress;
    p.stage_entered_at = now;  // the first stage's dwell starts now
    StartHooks(svc, *p.lifecycle_stage, now);
    changed = true;
  }
  if (step.entered) {
    p.lifecycle_stage = step.stage;
    p.stage_entered_at = now;
    StartHooks(svc, step.stage, now);
    changed = true;
  } else if (step.shifted) {
    // A CANARY or LINEAR step after the first: the stage's hooks run again (the current SDK
    // documentation of DeploymentLifecycleHook.lifecycleStages: PRODUCTION_TRAFFIC_SHIFT "is
    // invoked at every traffic shift step"), and the next step waits for them.
    StartHooks(svc, step.stage, now);
  }
  if (changed) p.updated_at = now;
  return changed;
}

bool ServiceScheduler::AdvanceRollbacks(model::Service& svc, Millis now, bool* waiting) {
  const Millis dwell = StepDelay(state_, 0);
  const model::Deployment& primary = svc.deployments.front();
  bool changed = false;
  for (auto& d : svc.deployments) {
    if (!model::ShiftsTraffic(d.strategy)) continue;
    const bool due = now - d.updated_at >= dwell;
    if (d.deployment_status == ServiceDeploymentStatus::kRollbackRequested) {
      *waiting = true;
      if (!due) continue;
      d.deployment_status = ServiceDeploymentStatus::kRollbackInProgress;
    } else if (d.deployment_status == ServiceDeploymentStatus::kRollbackInProgress &&
               d.rolled_back_to == primary.id) {
      *waiting = true;
      if (!due || primary.rollout_state != RolloutState::kCompleted) continue;
      d.deployment_status = ServiceDeploymentStatus::kRollbackSuccessful;
      d.finished_at = now;
    } else {
      continue;
    }
    d.updated_at = now;
    changed = true;
  }
  return changed;
}

bool ServiceScheduler::Complete(model::Service& svc, Millis now) {
  model::Deployment& p = svc.deployments.front();
  if (p.rollout_state != RolloutState::kInProgress) return false;
  p.rollout_state = RolloutState::kCompleted;
  p.rollout_state_reason = "ECS deployment " + p.id + " completed.";
  p.deployment_status = ServiceDeploymentStatus::kSuccessful;
  p.status_reason.clear();
  p.finished_at = now;
  p.updated_at = now;
  if (p.circuit_breaker_status == model::CircuitBreakerStatus::kMonitoring) {
    p.circuit_breaker_status = model::CircuitBreakerStatus::kMonitoringComplete;
  }
  if (p.alarms_status == model::CircuitBreakerStatus::kMonitoring) {
    p.alarms_status = model::CircuitBreakerStatus::kMonitoringComplete;
  }
  for (auto& d : svc.deployments) {
    // Blue/green rollbacks finish one dwell later (AdvanceRollbacks).
    if (d.deployment_status == ServiceDeploymentStatus::kRollbackInProgress &&
        d.rolled_back_to == p.id && !model::ShiftsTraffic(d.strategy)) {
      d.deployment_status = ServiceDeploymentStatus::kRollbackSuccessful;
      d.finished_at = now;
      d.updated_at = now;
    }
  }
  AddEvent(svc, ServiceTag(svc) + " (deployment " + p.id + ") deployment completed.", now);
  return true;
}

// Deployment desiredCount: the PRIMARY ramps up as its tasks are started while older
// deployments drain, which shrink to the tasks they still run (docs/scheduling.md §8.2 step 3).
bool ServiceScheduler::UpdateDeploymentCounts(ClusterState& cs, model::Service& svc) {
  std::map<std::string, int64_t> live_per_deployment;
  if (auto it = cs.service_tasks.find(svc.name); it != cs.service_tasks.end()) {
    for (const model::Task* t : it->second) {
      if (!t->is_stopped() && t->wants_running()) ++live_per_deployment[t->started_by];
    }
  }
  const model::Deployment& p = svc.deployments.front();
  const bool others = std::any_of(
      svc.deployments.begin() + 1, svc.deployments.end(),
      [](const model::Deployment& d) { return d.status != DeploymentStatus::kInactive; });
  bool changed = false;
  for (auto& d : svc.deployments) {
    if (d.status == DeploymentStatus::kInactive) continue;
    int64_t want = live_per_deployment[d.id];
    if (&d == &p) want = others ? std::min(svc.desired_count, want) : svc.desired_count;
    if (d.desired_count != want) {
      d.desired_count = want;
      changed = true;
    }
  }
  return changed;
}

void ServiceScheduler::ReconcileService(ClusterState& cs, model::Service& svc, Millis now,
                                        storage::ChangeSet& changes) {
  svc.dirty = false;
  svc.settled = false;
  if (svc.uses_task_sets()) return ReconcileTaskSets(cs, svc, now, changes);
  if (svc.deployments.empty()) return;
  const std::string events_before = svc.events.empty() ? "" : svc.events.front().id;
  std::vector<model::Task*> tasks = LiveServiceTasks(cs, svc);
  if (svc.status == model::ServiceStatus::kDraining) {
    if (svc.unsaved_events) changes.PutService(svc);
    svc.unsaved_events = false;
    return Drain(cs, svc, tasks, now, changes);
  }

  bool changed = StopUnhealthy(cs, svc, tasks, now, changes);
  changed = TripCircuitBreaker(svc, now) || changed;
  changed = ExpireHooks(svc, now) || changed;
  changed = InvokeLambdaHooks(svc, now) || changed;
  changed = WatchDeploymentAlarms(svc, now) || changed;
  TickPlan plan = svc.is_daemon() ? PlanDaemonTick(cs, svc, tasks, now, &changed)
                                  : PlanReplicaTick(cs, svc, tasks, now);
  // Completion means no other deployment has a task left, so every older one is drained on
  // this very tick: the service is steady now, not one tick later.
  plan.steady = plan.completed;
  changed = AdvanceBlueGreen(svc, plan, now) || changed;
  std::vector<std::string> stopped_ids;
  const int64_t launched = Apply(cs, svc, plan, now, changes, &stopped_ids);
  changed = RetireDrained(svc, plan, now) || changed;
  if (plan.completed) changed = Complete(svc, now) || changed;
  bool rollback_waiting = false;
  changed = AdvanceRollbacks(svc, now, &rollback_waiting) || changed;
  if (plan.steady) AddEvent(svc, ServiceTag(svc) + " has reached a steady state.", now);
  changed = UpdateDeploymentCounts(cs, svc) || changed;

  const bool events_changed = (svc.events.empty() ? "" : svc.events.front().id) != events_before;
  if (changed || events_changed || svc.unsaved_events || !stopped_ids.empty() || launched > 0) {
    changes.PutService(svc);
  }
  svc.unsaved_events = false;
  svc.settled =
      plan.steady && stopped_ids.empty() && launched == 0 && !changed && !rollback_waiting;
}

RunTaskInput ServiceScheduler::ServiceTaskInput(const model::Service& svc) const {
  const model::Deployment& primary = svc.deployments.front();
  return ServiceTaskInput(svc, primary.task_definition_arn, primary.id,
                          primary.network_configuration);
}

RunTaskInput ServiceScheduler::ServiceTaskInput(
    const model::Service& svc, const std::string& task_definition, const std::string& started_by,
    const std::optional<model::NetworkConfiguration>& network) const {
  RunTaskInput in;
  in.cluster = svc.cluster;
  in.task_definition = task_definition;
  in.group = "service:" + svc.name;
  in.started_by = started_by;
  in.service_name = svc.name;
  in.is_service = true;
  if (network) in.network = network->awsvpc;
  in.enable_ecs_managed_tags = svc.enable_ecs_managed_tags;
  in.enable_execute_command = svc.enable_execute_command;
  if (svc.propagate_tags == model::PropagateTags::kService) in.tags = state_.tags.Of(svc.arn);
  if (svc.propagate_tags == model::PropagateTags::kTaskDefinition) {
    in.propagate_tags = model::PropagateTags::kTaskDefinition;
  }
  return in;
}

Result<RunTaskOutput> ServiceScheduler::LaunchFor(const model::Service& svc, const RunTaskInput& in,
                                                  storage::ChangeSet& changes) {
  const TenantState* ts = state_.index.FindTenant(svc.tenant);
  const model::Cluster* cluster = nullptr;
  if (ts) {
    auto it = ts->clusters.find(svc.cluster);
    if (it != ts->clusters.end()) cluster = &it->second;
  }
  if (!cluster) return Status::ClusterNotFound();
  if (cluster->status != model::ClusterStatus::kActive) {
    return Status::ClusterNotFound("The referenced cluster was inactive.");
  }
  return launcher_.Launch(RequestContext{svc.tenant}, *cluster, in, changes);
}

int64_t ServiceScheduler::ReportLaunch(model::Service& svc, const std::vector<std::string>& started,
                                       const std::optional<std::string>& failure, Millis now) {
  if (!started.empty()) {
    AddEvent(svc,
             ServiceTag(svc) + " has started " + std::to_string(started.size()) +
                 " tasks:" + TaskList(started) + ".",
             now);
  }
  if (failure) {
    // Said once; repeated only after placement worked again (ECS suppresses repeats).
    if (!svc.placement_failure_reported) AddEvent(svc, *failure, now);
    svc.placement_failure_reported = true;
    svc.next_launch_at = now + kPlacementRetry;
  } else {
    svc.placement_failure_reported = false;
  }
  return static_cast<int64_t>(started.size());
}

int64_t ServiceScheduler::LaunchServiceTasks(model::Service& svc, int64_t count,
                                             const std::vector<int64_t>& strategy_existing,
                                             Millis now, storage::ChangeSet& changes) {
  std::vector<std::string> started;
  std::optional<std::string> failure;
  if (count > 0) {
    // The whole batch in one placement pass (RunTask's limit of 10 is for API callers).
    const model::Deployment& primary = svc.deployments.front();
    RunTaskInput in = ServiceTaskInput(svc);
    in.count = count;
    in.launch_type = primary.launch_type;
    if (!primary.launch_type) {
      in.capacity_provider_strategy = primary.capacity_provider_strategy;
      in.strategy_existing = strategy_existing;
      if (in.capacity_provider_strategy.empty()) in.launch_type = model::LaunchType::kEc2;
    }
    in.constraints = svc.placement_constraints;
    in.strategies = svc.placement_strategy;
    auto out = LaunchFor(svc, in, changes);
    if (!out.ok()) {
      failure = ServiceTag(svc) +
                " was unable to place a task because no container instance met all of its "
                "requirements. Reason: " +
                out.status().message() + kTroubleshooting;
    } else {
      for (const auto* t : out->tasks) started.push_back(t->id);
      if (!out->failures.empty()) {
        failure =
            PlacementFailureEvent(svc, out->failures.front().reason, out->failures.front().arn) +
            TraceLink(out->placement_trace);
      }
    }
  }
  return ReportLaunch(svc, started, failure, now);
}

int64_t ServiceScheduler::LaunchDaemonTasks(model::Service& svc,
                                            const std::vector<std::string>& instance_ids,
                                            Millis now, storage::ChangeSet& changes) {
  std::vector<std::string> started;
  std::optional<std::string> failure;
  for (size_t i = 0; i < instance_ids.size(); i += 10) {
    RunTaskInput in = ServiceTaskInput(svc);
    const auto first = instance_ids.begin() + static_cast<std::ptrdiff_t>(i);
    const auto last =
        instance_ids.begin() + static_cast<std::ptrdiff_t>(std::min(i + 10, instance_ids.size()));
    in.container_instances.assign(first, last);
    auto out = LaunchFor(svc, in, changes);
    if (!out.ok()) {
      failure = ServiceTag(svc) + " was unable to place a task. Reason: " + out.status().message();
      break;
    }
    for (const auto* t : out->tasks) started.push_back(t->id);
    if (!out->failures.empty() && !failure) {
      failure =
          PlacementFailureEvent(svc, out->failures.front().reason, out->failures.front().arn) +
          TraceLink(out->placement_trace);
    }
  }
  return ReportLaunch(svc, started, failure, now);
}

}  // namespace ecs::control

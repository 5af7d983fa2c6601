// The service scheduler's shared parts: deployments, events, rollbacks, the reaction to task
// changes, and the pass over every service. The tick of one service is service_reconcile.cc.
#include "control/service_scheduler.h"

#include <algorithm>

#include "common/log.h"
#include "scheduler/blue_green_planner.h"
#include "scheduler/deployment_checks.h"

namespace ecs::control {

namespace {

constexpr size_t kMaxEvents = 100;
// Throttle for tasks that keep failing to start (ECS: growing delays up to 15 minutes).
constexpr int64_t kThrottleAfter = 3;
constexpr Millis kThrottleBase = 10'000;
constexpr Millis kThrottleMax = Millis{15} * 60'000;

// The model's defaults: canaryPercent 5.0 and canaryBakeTimeInMinutes 10 (CanaryConfiguration),
// stepPercent 10.0 and stepBakeTimeInMinutes 6 (LinearConfiguration).
void SetProductionShift(const model::Service& svc, model::Deployment& d) {
  d.shift_percent = 100;
  d.shift_bake_minutes = 0;
  if (svc.deployment_strategy == model::DeploymentStrategy::kCanary) {
    const auto c = svc.canary_configuration.value_or(model::TrafficShiftConfiguration{});
    d.shift_percent = c.percent.value_or(5.0);
    d.shift_bake_minutes = c.bake_minutes.value_or(10);
  } else if (svc.deployment_strategy == model::DeploymentStrategy::kLinear) {
    const auto l = svc.linear_configuration.value_or(model::TrafficShiftConfiguration{});
    d.shift_percent = l.percent.value_or(10.0);
    d.shift_bake_minutes = l.bake_minutes.value_or(6);
  }
}

}  // namespace

model::Deployment ServiceScheduler::NewDeployment(const model::Service& svc, Millis now) {
  model::Deployment d;
  d.id = state_.ids.DeploymentId();
  d.status = model::DeploymentStatus::kPrimary;
  d.task_definition_arn = svc.task_definition_arn;
  d.desired_count = svc.desired_count;
  d.created_at = now;
  d.updated_at = now;
  d.launch_type = svc.launch_type;
  d.capacity_provider_strategy = svc.capacity_provider_strategy;
  d.platform_version = svc.platform_version.empty() ? "" : "1.4.0";
  d.network_configuration = svc.network_configuration;
  d.rollout_state = model::RolloutState::kInProgress;
  d.rollout_state_reason = "ECS deployment " + d.id + " in progress.";
  static const char kAlnum[] = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
  for (int i = 0; i < 21; ++i) d.service_deployment_id += kAlnum[state_.ids.Next() % 62];
  d.deployment_status = model::ServiceDeploymentStatus::kInProgress;
  d.started_at = now;
  d.circuit_breaker_status = svc.circuit_breaker_enable ? model::CircuitBreakerStatus::kMonitoring
                                                        : model::CircuitBreakerStatus::kDisabled;
  d.alarms_status = svc.alarms && svc.alarms->enable ? model::CircuitBreakerStatus::kMonitoring
                                                     : model::CircuitBreakerStatus::kDisabled;
  for (const auto& prev : svc.deployments) {
    if (prev.status == model::DeploymentStatus::kPrimary) {
      d.source_revision_id = prev.revision_number();
      break;
    }
  }
  if (model::ShiftsTraffic(svc.deployment_strategy)) {
    // PENDING until the scheduler runs its first stage (scheduler/blue_green_planner.h).
    const auto older_active = std::count_if(
        svc.deployments.begin(), svc.deployments.end(),
        [](const model::Deployment& o) { return o.status != model::DeploymentStatus::kInactive; });
    d.strategy = svc.deployment_strategy;
    // LINEAR and CANARY may leave bakeTimeInMinutes unset (the model requires it for BLUE_GREEN
    // only): no bake then.
    d.bake_time_minutes = std::max<int64_t>(svc.bake_time_minutes, 0);
    SetProductionShift(svc, d);
    d.lifecycle_stage = scheduler::FirstStage(static_cast<int>(older_active));
    // Green registers in the target groups production is not served from: those of the last
    // completed deployment's other side (the developer guide: the alternate target group is
    // green's; the roles swap once green serves production).
    const auto serving = std::find_if(svc.deployments.begin(), svc.deployments.end(),
                                      [](const model::Deployment& o) {
                                        return o.rollout_state == model::RolloutState::kCompleted;
                                      });
    d.alternate_target_groups =
        serving != svc.deployments.end() && !serving->alternate_target_groups;
    d.stage_entered_at = now;
    d.deployment_status = model::ServiceDeploymentStatus::kPending;
  }
  return d;
}

void ServiceScheduler::AddEvent(model::Service& svc, const std::string& message, Millis now) {
  // ECS does not repeat an identical message back to back.
  if (!svc.events.empty() && svc.events.front().message == message) return;
  svc.events.push_front({state_.ids.Uuid(), now, message});
  // Service events are the deployment's steps (started, stopped, steady, completed, failed).
  if (LogEnabled(LogLevel::kDebug)) {
    LogEvent(LogLevel::kDebug, "service-event")
        .Str("service", svc.arn)
        .Str("message", message)
        .Int("at", now)
        .Write();
  }
  while (svc.events.size() > kMaxEvents) svc.events.pop_back();
}

bool ServiceScheduler::RollBack(model::Service& svc, bool circuit_breaker,
                                const std::string& status_reason, Millis now) {
  if (svc.deployments.size() < 2) return false;
  auto good = std::find_if(svc.deployments.begin() + 1, svc.deployments.end(),
                           [](const model::Deployment& d) {
                             return d.rollout_state == model::RolloutState::kCompleted;
                           });
  if (good == svc.deployments.end()) return false;
  model::Deployment& failed = svc.deployments.front();
  failed.status = model::DeploymentStatus::kActive;
  failed.deployment_status = model::ServiceDeploymentStatus::kRollbackInProgress;
  failed.status_reason = status_reason;
  failed.rolled_back_to = good->id;
  failed.rollback_started_at = now;
  failed.updated_at = now;
  // The last completed deployment becomes PRIMARY again, with its tasks (as ECS shows it: the
  // same deployment id, rolloutState IN_PROGRESS until the failed tasks are replaced).
  good->status = model::DeploymentStatus::kPrimary;
  good->rollout_state = model::RolloutState::kInProgress;
  good->rollout_state_reason =
      circuit_breaker
          ? "ECS deployment circuit breaker: rolling back to deploymentId " + good->id + "."
          : "ECS deployment " + good->id + " in progress (rollback).";
  good->is_rollback = true;
  good->failed_tasks = 0;
  good->updated_at = now;
  svc.task_definition_arn = good->task_definition_arn;
  svc.network_configuration = good->network_configuration;
  if (good->launch_type || !good->capacity_provider_strategy.empty()) {
    svc.launch_type = good->launch_type;
    svc.capacity_provider_strategy = good->capacity_provider_strategy;
  }
  std::rotate(svc.deployments.begin(), good, good + 1);
  AddEvent(svc, ServiceTag(svc) + " rolling back to deployment " + svc.deployments.front().id + ".",
           now);
  svc.start_failures = 0;
  svc.next_launch_at = 0;
  svc.throttle_reported = false;
  svc.placement_failure_reported = false;
  // Listed by the caller: the scheduler's pass is visiting it, or StopServiceDeployment wakes it.
  svc.dirty = true;
  return true;
}

bool ServiceScheduler::RequestRollBack(model::Service& svc, const std::string& status_reason,
                                       Millis now) {
  const std::string stopped_id = svc.deployments.front().service_deployment_id;
  const bool blue_green = model::ShiftsTraffic(svc.deployments.front().strategy);
  if (!RollBack(svc, false, status_reason, now)) return false;
  for (auto& d : svc.deployments) {
    if (blue_green && d.service_deployment_id == stopped_id) {
      d.deployment_status = model::ServiceDeploymentStatus::kRollbackRequested;
    }
  }
  return true;
}

void ServiceScheduler::StartHooks(model::Service& svc, model::LifecycleStage stage, Millis now) {
  model::Deployment& p = svc.deployments.front();
  for (const model::LifecycleHook& h : svc.lifecycle_hooks) {
    if (std::find(h.stages.begin(), h.stages.end(), stage) == h.stages.end()) continue;
    model::HookRun run;
    run.hook_id = state_.ids.Uuid();
    run.stage = stage;
    run.target_type = h.target_type;
    run.target_arn = h.hook_target_arn;
    run.status = model::HookStatus::kAwaitingAction;
    if (h.timeout_minutes) run.expires_at = now + *h.timeout_minutes * 60'000;
    // The model names no default timeout action; rolling back is the cautious one.
    run.timeout_action = h.timeout_action.value_or(model::HookAction::kRollback);
    run.production_traffic = p.production_traffic;
    run.test_traffic = p.test_traffic;
    if (h.target_type == model::HookTargetType::kAwsLambda) {
      // Invoked on the next tick (InvokeLambdaHooks), with the script set for its function now.
      const scheduler::HookScript script =
          scheduler::ScriptFor(state_.HookScriptsOf(svc.tenant), h.hook_target_arn);
      run.status = model::HookStatus::kInProgress;
      run.script_in_progress = script.in_progress;
      run.script_result = script.result;
      run.next_invoke_at = now;
      run.hook_details = h.hook_details;
    }
    p.hook_runs.push_back(std::move(run));
  }
}

bool ServiceScheduler::ExpireHooks(model::Service& svc, Millis now) {
  model::Deployment& p = svc.deployments.front();
  if (!p.lifecycle_stage || p.deployment_status != model::ServiceDeploymentStatus::kInProgress) {
    return false;
  }
  bool rollback = false, changed = false;
  for (model::HookRun& run : p.hook_runs) {
    if (!run.unresolved() || run.expires_at == 0 || now < run.expires_at) continue;
    run.status = model::HookStatus::kTimedOut;
    rollback = rollback || run.timeout_action == model::HookAction::kRollback;
    changed = true;
  }
  if (!rollback) return changed;
  FailDeployment(svc, "A lifecycle hook timed out.", true, now);
  return true;
}

std::vector<model::Task*> ServiceScheduler::LiveServiceTasks(ClusterState& cs,
                                                             const model::Service& svc) {
  std::vector<model::Task*> out;
  auto it = cs.service_tasks.find(svc.name);
  if (it == cs.service_tasks.end()) return out;
  for (model::Task* t : it->second) {
    if (t->is_stopped()) continue;
    // Tasks carry their deployment id; a deleted service of the same name had other ids.
    bool ours = std::any_of(svc.deployments.begin(), svc.deployments.end(),
                            [&](const model::Deployment& d) { return d.id == t->started_by; }) ||
                std::any_of(svc.task_sets.begin(), svc.task_sets.end(),
                            [&](const model::TaskSet& s) { return s.id == t->started_by; });
    if (ours) out.push_back(t);
  }
  std::sort(out.begin(), out.end(),
            [](const model::Task* a, const model::Task* b) { return a->seq < b->seq; });
  return out;
}

void ServiceScheduler::ForgetPass() {
  pass_.clear();
  pass_next_ = 0;
}

void ServiceScheduler::ListPass() {
  ForgetPass();
  for (const auto& [tenant, listed] : state_.index.tenants()) {
    for (auto& [cluster, cs] : state_.index.FindTenant(tenant)->cluster_state) {
      // The instances changed since the last listing: every service plans against them.
      if (cs.instances_generation != cs.instances_generation_listed) {
        for (const auto& [name, svc] : cs.services) {
          if (svc.status != model::ServiceStatus::kInactive) cs.services_to_visit.insert(name);
        }
        cs.instances_generation_listed = cs.instances_generation;
      }
      for (const std::string& name : cs.services_to_visit) pass_.push_back({tenant, cluster, name});
    }
  }
}

bool ServiceScheduler::ReconcileServices(Millis now, storage::ChangeSet& changes,
                                         const std::function<bool()>* out_of_time) {
  if (!out_of_time || pass_next_ >= pass_.size()) ListPass();
  bool worked = false;  // every call makes progress, however short its time
  while (pass_next_ < pass_.size()) {
    if (worked && out_of_time && (*out_of_time)()) return false;
    const ServiceKey& key = pass_[pass_next_++];
    ClusterState* cs = state_.index.FindCluster(key.tenant, key.cluster);
    if (!cs) continue;
    model::Service* svc = cs->FindService(key.service);
    const bool idle =
        !svc || svc->status == model::ServiceStatus::kInactive ||
        (!svc->dirty && svc->settled && svc->instances_generation == cs->instances_generation);
    if (!idle) {
      const model::ServiceStatus status = svc->status;
      svc->instances_generation = cs->instances_generation;
      worked = true;
      ReconcileService(*cs, *svc, now, changes);
      if (svc->status != status) ClusterIndex::RecountServices(*cs);
    }
    // Listed again by whatever gives it work: a task change, an update, an instance change.
    if (idle || (!svc->dirty && svc->settled) || svc->status == model::ServiceStatus::kInactive) {
      cs->services_to_visit.erase(key.service);
    }
  }
  return true;
}

void ServiceScheduler::OnTaskChanged(ClusterState& cs, model::Task& t, Millis now,
                                     storage::ChangeSet& changes) {
  if (t.service_name.empty()) return;
  model::Service* svc = cs.FindService(t.service_name);
  if (!svc) return;
  cs.WakeService(*svc);
  auto d = std::find_if(svc->deployments.begin(), svc->deployments.end(),
                        [&](const model::Deployment& dep) { return dep.id == t.started_by; });
  if (d == svc->deployments.end()) return;
  bool changed = false;
  if (t.last_status == model::TaskState::kRunning && t.wants_running()) {
    svc->start_failures = 0;
    svc->throttle_reported = false;
    if (!d->ever_running) {
      d->ever_running = true;
      d->failed_tasks = 0;  // the breaker stops counting start failures once tasks run
      changed = true;
    }
  }
  if (t.is_stopped() && t.failed_to_start) {
    if (!d->ever_running) {
      ++d->failed_tasks;
      changed = true;
    }
    ++svc->start_failures;
    // The breaker watches a young PRIMARY; otherwise repeated start failures are throttled.
    const bool breaker_watching = svc->circuit_breaker_enable && d == svc->deployments.begin() &&
                                  !d->ever_running &&
                                  d->rollout_state == model::RolloutState::kInProgress;
    if (!breaker_watching && svc->start_failures >= kThrottleAfter) {
      int64_t k = std::min<int64_t>(svc->start_failures - kThrottleAfter, 7);
      svc->next_launch_at =
          std::max(svc->next_launch_at, now + std::min(kThrottleMax, kThrottleBase << k));
      if (!svc->throttle_reported) {
        AddEvent(*svc, ServiceTag(*svc) + " is unable to consistently start tasks successfully.",
                 now);
        svc->throttle_reported = true;
        changed = true;
      }
    }
  }
  if (changed) changes.PutService(*svc);
}

}  // namespace ecs::control

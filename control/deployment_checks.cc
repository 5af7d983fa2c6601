// What fails a deployment besides the circuit breaker (scheduler/deployment_checks.h): the
// simulated Lambda functions of AWS_LAMBDA lifecycle hooks and the simulated CloudWatch alarm
// states, as POST /_emulator/hooks and /_emulator/alarms set them; and the service scheduler's
// side, which invokes the hooks and watches the alarms of the deployment in progress on every
// tick.
#include <algorithm>

#include "control/control_plane.h"
#include "control/service_scheduler.h"
#include "scheduler/blue_green_planner.h"

namespace ecs::control {

namespace {

// Bounds, so a runaway script cannot grow memory (or a hook run's stored invocations) forever.
constexpr size_t kMaxScriptsPerTenant = 1000;
constexpr size_t kMaxAlarmsPerTenant = 10000;
constexpr int64_t kMaxInProgressInvocations = 100;

using model::HookStatus;
using model::ServiceDeploymentStatus;

// The PRIMARY is a deployment still running (its alarms watched, its hooks invoked).
bool InProgress(const model::Deployment& d) {
  return d.rollout_state == model::RolloutState::kInProgress &&
         (d.deployment_status == ServiceDeploymentStatus::kInProgress ||
          d.deployment_status == ServiceDeploymentStatus::kPending);
}

// The next instant after `now` at which `p` acts on the clock alone; a Lambda hook run not yet
// invoked counts at `now` too (its first invocation is on the tick after it started).
std::optional<Millis> DeploymentTimer(const model::Deployment& p, Millis now) {
  if (!p.lifecycle_stage || p.deployment_status != ServiceDeploymentStatus::kInProgress) {
    return std::nullopt;
  }
  std::optional<Millis> next;
  auto consider = [&](Millis at, bool at_now_too) {
    if ((at > now || (at_now_too && at == now)) && (!next || at < *next)) next = at;
  };
  if (*p.lifecycle_stage == model::LifecycleStage::kBakeTime) {
    consider(p.stage_entered_at + p.bake_time_minutes * 60'000, false);
  }
  if (*p.lifecycle_stage == model::LifecycleStage::kProductionTrafficShift &&
      p.production_traffic < 100) {
    const scheduler::ProductionShift shift =
        scheduler::ProductionShiftFor(p.strategy, p.shift_percent, p.shift_bake_minutes);
    consider(p.production_shifted_at + shift.hold, false);
  }
  for (const model::HookRun& run : p.hook_runs) {
    if (run.unresolved() && run.expires_at != 0) consider(run.expires_at, false);
    if (run.target_type == model::HookTargetType::kAwsLambda &&
        run.status == HookStatus::kInProgress) {
      consider(run.next_invoke_at, run.invocations.empty());
    }
  }
  return next;
}

}  // namespace

std::optional<Millis> ServiceScheduler::NextDeploymentTimer(Millis now) const {
  std::optional<Millis> next;
  // Only services on the work lists can be mid-deployment (a settled service has no timer).
  for (const auto& [tenant, ts] : state_.index.tenants()) {
    for (const auto& [cluster, cs] : ts.cluster_state) {
      for (const std::string& name : cs.services_to_visit) {
        auto it = cs.services.find(name);
        if (it == cs.services.end() || it->second.deployments.empty()) continue;
        auto at = DeploymentTimer(it->second.deployments.front(), now);
        if (at && (!next || *at < *next)) next = at;
      }
    }
  }
  return next;
}

Status ControlPlane::SetHookScript(const Tenant& tenant, scheduler::HookScript script) {
  if (script.target_pattern.empty()) {
    return Status::InvalidParameter("hookTargetArn is required.");
  }
  if (script.result != HookStatus::kSucceeded && script.result != HookStatus::kFailed) {
    return Status::InvalidParameter("result must be SUCCEEDED or FAILED.");
  }
  if (script.in_progress < 0 || script.in_progress > kMaxInProgressInvocations) {
    return Status::InvalidParameter("inProgressInvocations must be between 0 and " +
                                    std::to_string(kMaxInProgressInvocations) + ".");
  }
  auto& scripts = state_.hook_scripts[tenant];
  std::erase_if(scripts, [&](const scheduler::HookScript& s) {
    return s.target_pattern == script.target_pattern;
  });
  if (scripts.size() >= kMaxScriptsPerTenant) {
    return Status::InvalidParameter("At most " + std::to_string(kMaxScriptsPerTenant) +
                                    " hook scripts per account and region.");
  }
  scripts.push_back(std::move(script));
  return Status::Ok();
}

std::vector<ControlPlane::HookInvocationRow> ControlPlane::HookInvocations(
    const Tenant& tenant) const {
  std::vector<HookInvocationRow> rows;
  const TenantState* ts = state_.index.FindTenant(tenant);
  if (!ts) return rows;
  for (const auto& [cluster, cs] : ts->cluster_state) {
    for (const auto& [name, svc] : cs.services) {
      for (const model::Deployment& d : svc.deployments) {
        for (const model::HookRun& run : d.hook_runs) {
          for (const model::HookInvocation& call : run.invocations) {
            rows.push_back({&svc, &d, &run, &call});
          }
        }
      }
    }
  }
  std::stable_sort(rows.begin(), rows.end(), [](const auto& a, const auto& b) {
    return a.invocation->at < b.invocation->at;
  });
  return rows;
}

Status ControlPlane::SetAlarmState(const Tenant& tenant, const std::string& name,
                                   const std::string& state) {
  // CloudWatch's limits on an alarm name: 1 to 255 characters.
  if (name.empty() || name.size() > 255) {
    return Status::InvalidParameter("alarmName must be 1 to 255 characters long.");
  }
  if (state != "OK" && state != "ALARM" && state != "INSUFFICIENT_DATA") {
    return Status::InvalidParameter("state must be OK, ALARM or INSUFFICIENT_DATA.");
  }
  auto& states = state_.alarm_states[tenant];
  if (!states.count(name) && states.size() >= kMaxAlarmsPerTenant) {
    return Status::InvalidParameter("At most " + std::to_string(kMaxAlarmsPerTenant) +
                                    " alarms per account and region.");
  }
  states[name] = state;
  return Status::Ok();
}

const std::map<std::string, std::string>& ControlPlane::AlarmStates(const Tenant& tenant) const {
  static const std::map<std::string, std::string> kNone;
  auto it = state_.alarm_states.find(tenant);
  return it == state_.alarm_states.end() ? kNone : it->second;
}

void ControlPlane::ClearHooksAndAlarms(const StateScope& scope) {
  std::erase_if(state_.hook_scripts, [&](const auto& e) { return scope.Covers(e.first); });
  std::erase_if(state_.alarm_states, [&](const auto& e) { return scope.Covers(e.first); });
}

bool ServiceScheduler::FailDeployment(model::Service& svc, const std::string& reason, bool rollback,
                                      Millis now) {
  model::Deployment& p = svc.deployments.front();
  p.rollout_state = model::RolloutState::kFailed;
  p.rollout_state_reason =
      "ECS deployment " + p.id + (rollback ? " rolled back: " : " failed: ") + reason;
  p.updated_at = now;
  if (rollback && RequestRollBack(svc, reason, now)) return true;
  // Not rolled back (or nothing to roll back to: the service's first deployment): it stops where
  // it is, its tasks left running.
  p.deployment_status = ServiceDeploymentStatus::kStopped;
  p.status_reason = reason;
  p.stopped_at = now;
  return false;
}

bool ServiceScheduler::InvokeLambdaHooks(model::Service& svc, Millis now) {
  model::Deployment& p = svc.deployments.front();
  if (!p.lifecycle_stage || p.deployment_status != ServiceDeploymentStatus::kInProgress) {
    return false;
  }
  bool changed = false, failed = false;
  for (model::HookRun& run : p.hook_runs) {
    if (run.target_type != model::HookTargetType::kAwsLambda ||
        run.status != HookStatus::kInProgress) {
      continue;
    }
    scheduler::LambdaHookState hook;
    hook.invocations = static_cast<int64_t>(run.invocations.size());
    hook.next_invoke_at = run.next_invoke_at;
    hook.script = {run.target_arn, run.script_in_progress, run.script_result};
    const scheduler::LambdaInvocation call = scheduler::InvokeIfDue(hook, now);
    if (!call.invoked) continue;
    run.invocations.push_back({now, call.answer});
    run.status = call.answer;
    run.next_invoke_at = call.next_invoke_at;
    failed = failed || call.answer == HookStatus::kFailed;
    changed = true;
  }
  if (changed) p.updated_at = now;
  // The developer guide: a hook that answers FAILED rolls the deployment back.
  if (failed) FailDeployment(svc, "A lifecycle hook failed.", true, now);
  return changed;
}

bool ServiceScheduler::WatchDeploymentAlarms(model::Service& svc, Millis now) {
  model::Deployment& p = svc.deployments.front();
  // Watched until the deployment ends (Complete() marks the watch MONITORING_COMPLETE).
  if (p.alarms_status != model::CircuitBreakerStatus::kMonitoring || !svc.alarms ||
      !InProgress(p)) {
    return false;
  }
  auto states = state_.alarm_states.find(svc.tenant);
  if (states == state_.alarm_states.end()) return false;
  const scheduler::AlarmVerdict verdict = scheduler::WatchAlarms(svc.alarms->names, states->second);
  if (!verdict.triggered) return false;
  p.alarms_status = model::CircuitBreakerStatus::kTriggered;
  p.triggered_alarms = verdict.triggered_names;
  std::string names;
  for (const std::string& n : verdict.triggered_names) names += (names.empty() ? "" : ", ") + n;
  // ECS's service event for it, as reported in the wild; the reason's wording is ours.
  AddEvent(svc, ServiceTag(svc) + " (deployment " + p.id + ") deployment failed: alarm detected.",
           now);
  FailDeployment(svc, "CloudWatch alarm(s) in ALARM state: " + names + ".", svc.alarms->rollback,
                 now);
  return true;
}

}  // namespace ecs::control

// /_emulator/targets: the simulated targets of load-balanced services (derived on each call from
// the tasks, control/load_balancer_targets.h) and the settings of their target groups (kept in
// memory per account and region, like behaviour rules: a restart or a reset forgets them).
#include "control/control_plane.h"
#include "control/load_balancer_targets.h"

namespace ecs::control {

std::vector<ControlPlane::TargetRow> ControlPlane::ListTargets(const Tenant& tenant,
                                                               const TargetFilter& filter) const {
  std::vector<TargetRow> out;
  const TenantState* ts = state_.index.FindTenant(tenant);
  if (!ts) return out;
  const Millis now = Now();
  for (const auto& [cluster, cs] : ts->cluster_state) {
    if (!filter.cluster.empty() && filter.cluster != cluster) continue;
    for (const auto& [name, svc] : cs.services) {
      if (svc.load_balancers.empty()) continue;
      if (!filter.service.empty() && filter.service != name && filter.service != svc.arn) continue;
      auto it = cs.service_tasks.find(name);
      if (it == cs.service_tasks.end()) continue;
      std::vector<const model::Task*> tasks(it->second.begin(), it->second.end());
      std::sort(tasks.begin(), tasks.end(),
                [](const model::Task* a, const model::Task* b) { return a->seq < b->seq; });
      for (const model::Task* t : tasks) {
        if (t->is_stopped()) continue;
        for (TaskTarget& target : TargetsOf(state_, svc, *t, now)) {
          if (!filter.target_group.empty() && filter.target_group != target.group) continue;
          out.push_back({cluster, name, t->arn, target.lb, std::move(target.group),
                         std::move(target.id), target.port, target.state, target.since});
        }
      }
    }
  }
  return out;
}

namespace {

// Within what ELB accepts, except that 0 s (the instant profile's) is allowed for the interval
// and the delay.
Status CheckSettings(const ControlPlane::TargetGroupSettings& s) {
  if (s.interval_seconds && (*s.interval_seconds < 0 || *s.interval_seconds > 300)) {
    return Status::InvalidParameter("healthCheckIntervalSeconds must be between 0 and 300.");
  }
  if (s.unhealthy_threshold && (*s.unhealthy_threshold < 1 || *s.unhealthy_threshold > 10)) {
    return Status::InvalidParameter("unhealthyThresholdCount must be between 1 and 10.");
  }
  if (s.deregistration_delay_seconds &&
      (*s.deregistration_delay_seconds < 0 || *s.deregistration_delay_seconds > 3600)) {
    return Status::InvalidParameter("deregistrationDelaySeconds must be between 0 and 3600.");
  }
  return Status::Ok();
}

}  // namespace

Result<scheduler::TargetHealthConfig> ControlPlane::SetTargetGroup(
    const Tenant& tenant, const std::string& group, const TargetGroupSettings& settings) {
  ECS_RETURN_IF_ERROR(CheckSettings(settings));
  scheduler::TargetHealthConfig config = TargetGroupConfig(state_, tenant, group);
  if (settings.interval_seconds) config.interval = *settings.interval_seconds * 1000;
  if (settings.unhealthy_threshold) {
    config.unhealthy_threshold = static_cast<int>(*settings.unhealthy_threshold);
  }
  if (settings.deregistration_delay_seconds) {
    config.deregistration_delay = *settings.deregistration_delay_seconds * 1000;
  }
  state_.target_groups[tenant][group] = config;
  // Targets already registered follow the new settings at once: their tasks are stepped now, so
  // the next change of each is scheduled anew, and their services are planned again.
  TenantState* ts = state_.index.FindTenant(tenant);
  if (!ts) return config;
  const Millis now = Now();
  storage::ChangeSet changes = state_.NewChanges();
  for (auto& [cluster, cs] : ts->cluster_state) {
    for (auto& [id, t] : cs.tasks) {
      model::Service* svc = t.service_name.empty() ? nullptr : cs.FindService(t.service_name);
      if (!svc || t.is_stopped() || !t.wants_running() || !IsTarget(*svc, t)) continue;
      cs.WakeService(*svc);
      state_.index.UpdateTask(cs, t, [&](model::Task& task) { task.next_transition_at = now; });
      changes.PutTask(t);
    }
  }
  ECS_RETURN_IF_ERROR(Commit(changes));
  return config;
}

void ControlPlane::ClearTargetGroups(const StateScope& scope) {
  std::erase_if(state_.target_groups, [&](const auto& entry) { return scope.Covers(entry.first); });
}

}  // namespace ecs::control

// Task scale-in protection: UpdateTaskProtection and GetTaskProtection (docs/scheduling.md §8.9).
// A protected task keeps `protection_expires_at`; the service scheduler never picks it for
// scale-in and a deployment waits for it (scheduler/deployment_planner.h). Protection simply
// lapses at that time on the simulated clock: nothing needs to run when it does.
#include "control/control_plane.h"

namespace ecs::control {

namespace {

constexpr int64_t kDefaultProtectionMinutes = 120;
constexpr int64_t kMaxProtectionMinutes = 2880;
constexpr Millis kMinute = 60'000;

std::string TaskArnFor(const Tenant& t, const std::string& cluster, const std::string& id) {
  return id.starts_with("arn:") ? id : ArnPrefix(t) + "task/" + cluster + "/" + id;
}

}  // namespace

Result<TaskProtectionResult> ControlPlane::UpdateTaskProtection(
    const RequestContext& ctx, const std::string& cluster, const std::vector<std::string>& ids,
    bool enabled, std::optional<int64_t> expires_in_minutes) {
  // [I] the texts of the count and range errors; the bounds are the model's.
  if (ids.empty()) return Status::InvalidParameter("Tasks cannot be empty.");
  if (ids.size() > 10) return Status::InvalidParameter("tasks can have at most 10 items.");
  const int64_t minutes = expires_in_minutes.value_or(kDefaultProtectionMinutes);
  if (enabled && (minutes < 1 || minutes > kMaxProtectionMinutes)) {
    return Status::InvalidParameter("expiresInMinutes must be between 1 and 2880.");
  }
  auto c = ResolveCluster(ctx, cluster, /*require_active=*/true);
  if (!c.ok()) return c.status();
  const Millis now = Now();
  TaskProtectionResult out;
  storage::ChangeSet changes = state_.NewChanges();
  for (const auto& id : ids) {
    model::Task* t = c->state->FindTask(id);
    if (!t) {
      out.failures.push_back({TaskArnFor(ctx.tenant, c->cluster->name, id), "MISSING", ""});
      continue;
    }
    // Only a service's tasks that still run may be protected (the model's TASK_NOT_VALID).
    if (t->service_name.empty() || t->is_stopped() || !t->wants_running()) {
      out.failures.push_back(
          {t->arn, "TASK_NOT_VALID", "The task is not part of a service or is no longer running."});
      continue;
    }
    state_.index.UpdateTask(*c->state, *t, [&](model::Task& task) {
      if (enabled) {
        task.protection_expires_at = now + minutes * kMinute;  // reset on every call
      } else {
        task.protection_expires_at.reset();
      }
      ++task.version;
    });
    changes.PutTask(*t);
    // Its service may now scale in or finish a deployment it was waiting on.
    if (model::Service* svc = c->state->FindService(t->service_name)) {
      c->state->WakeService(*svc);
    }
    out.tasks.push_back({t->arn, enabled, t->protection_expires_at});
  }
  ECS_RETURN_IF_ERROR(Commit(changes));
  return out;
}

Result<TaskProtectionResult> ControlPlane::GetTaskProtection(
    const RequestContext& ctx, const std::string& cluster,
    const std::vector<std::string>& ids) const {
  if (ids.size() > 100) return Status::InvalidParameter("tasks can have at most 100 items.");
  auto c = FindCluster(ctx, cluster, /*require_active=*/true);
  if (!c.ok()) return c.status();
  const ClusterState* cs = state_.index.FindCluster(ctx.tenant, (*c)->name);
  const Millis now = Now();
  TaskProtectionResult out;
  for (const auto& id : ids) {
    const model::Task* t = cs ? cs->FindTask(id) : nullptr;
    if (!t) {
      out.failures.push_back({TaskArnFor(ctx.tenant, (*c)->name, id), "MISSING", ""});
      continue;
    }
    if (t->service_name.empty()) {
      out.failures.push_back({t->arn, "TASK_NOT_VALID", "The task is not part of a service."});
      continue;
    }
    const bool on = t->protected_at(now);
    out.tasks.push_back({t->arn, on, on ? t->protection_expires_at : std::nullopt});
  }
  return out;
}

}  // namespace ecs::control

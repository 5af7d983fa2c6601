// The service scheduler's answer to failed container health checks: a RUNNING service task whose
// health is UNHEALTHY is stopped (and so replaced by the next plan) once the service's
// healthCheckGracePeriodSeconds since the task started is over. The texts are ECS's [O]: the
// task's stoppedReason "Task failed container health checks" with stop code
// ServiceSchedulerInitiated, and the service event "(service NAME) (task ID) failed container
// health checks." The grace period covers container health checks too (the model's
// CreateService healthCheckGracePeriodSeconds documentation; 0 when not set).
#include <algorithm>
#include <string>
#include <vector>

#include "control/service_scheduler.h"

namespace ecs::control {

bool ServiceScheduler::StopUnhealthy(ClusterState& cs, model::Service& svc,
                                     const std::vector<model::Task*>& tasks, Millis now,
                                     storage::ChangeSet& changes) {
  const Millis grace = std::max<int64_t>(svc.health_check_grace_period_seconds, 0) * 1000;
  bool stopped = false;
  for (model::Task* t : tasks) {
    if (!t->wants_running() || t->last_status != model::TaskState::kRunning) continue;
    if (t->health_status != model::HealthStatus::kUnhealthy) continue;
    if (!t->started_at || now - *t->started_at < grace) continue;
    lifecycle_.RequestStop(cs, *t, model::StopCode::kServiceSchedulerInitiated,
                           "Task failed container health checks", now, changes);
    AddEvent(svc, ServiceTag(svc) + " (task " + t->id + ") failed container health checks.", now);
    stopped = true;
  }
  return stopped;
}

}  // namespace ecs::control

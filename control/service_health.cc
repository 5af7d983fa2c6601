// The service scheduler's answer to failed container health checks: a RUNNING service task whose
// health is UNHEALTHY is stopped (and so replaced by the next plan) once the service's
// healthCheckGracePeriodSeconds since the task started is over. The texts are ECS's [O]: the
// task's stoppedReason "Task failed container health checks" with stop code
// ServiceSchedulerInitiated, and the service event "(service NAME) (task ID) failed container
// health checks." The grace period covers container health checks too (the model's
// CreateService healthCheckGracePeriodSeconds documentation; 0 when not set).
// A target that failed its load balancer's health checks is replaced the same way, with ECS's
// reason "Task failed ELB health checks in (target-group ARN)" and the service event
// "(service NAME) (task ID) (port P) is unhealthy in (target-group ARN) due to (reason Health
// checks failed)." (both as ECS users quote them).
#include <algorithm>
#include <string>
#include <vector>

#include "control/load_balancer_targets.h"
#include "control/service_scheduler.h"

namespace ecs::control {

bool ServiceScheduler::StopUnhealthy(ClusterState& cs, model::Service& svc,
                                     const std::vector<model::Task*>& tasks, Millis now,
                                     storage::ChangeSet& changes) {
  const Millis grace = std::max<int64_t>(svc.health_check_grace_period_seconds, 0) * 1000;
  bool stopped = false;
  for (model::Task* t : tasks) {
    if (!t->wants_running() || t->last_status != model::TaskState::kRunning) continue;
    if (!t->started_at || now - *t->started_at < grace) continue;
    if (t->health_status == model::HealthStatus::kUnhealthy) {
      lifecycle_.RequestStop(cs, *t, model::StopCode::kServiceSchedulerInitiated,
                             "Task failed container health checks", now, changes);
      AddEvent(svc, ServiceTag(svc) + " (task " + t->id + ") failed container health checks.", now);
      stopped = true;
      continue;
    }
    if (svc.load_balancers.empty()) continue;
    const model::LoadBalancer* lb = SummarizeTargets(state_, svc, *t, now).unhealthy;
    if (!lb) continue;
    const std::string group = lb->target_group_arn.empty()
                                  ? "(elb " + lb->load_balancer_name + ")"
                                  : "(target-group " + TargetGroupOf(svc, *lb, *t) + ")";
    lifecycle_.RequestStop(cs, *t, model::StopCode::kServiceSchedulerInitiated,
                           "Task failed ELB health checks in " + group, now, changes);
    AddEvent(svc,
             ServiceTag(svc) + " (task " + t->id + ") (port " +
                 std::to_string(lb->container_port.value_or(0)) + ") is unhealthy in " + group +
                 " due to (reason Health checks failed).",
             now);
    stopped = true;
  }
  return stopped;
}

}  // namespace ecs::control

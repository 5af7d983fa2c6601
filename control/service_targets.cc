// The service events ECS writes as a load-balanced service's tasks come and go, in ECS's words
// as its users quote them: "(service NAME) registered 1 targets in (target-group ARN)",
// "(service NAME) has begun draining connections on 1 tasks.", "(service NAME) deregistered 1
// targets in (target-group ARN)" (no final period on the target-group ones). A Classic Load
// Balancer's say "instances in (elb NAME)".
#include <string>

#include "control/service_scheduler.h"

namespace ecs::control {

void ServiceScheduler::OnTargetsChanged(ClusterState& cs, const model::Task& t,
                                        TaskLifecycle::TargetEvent event, Millis now,
                                        storage::ChangeSet& /*changes*/) {
  model::Service* svc = cs.FindService(t.service_name);
  if (!svc) return;
  const std::string tag = ServiceTag(*svc);
  if (event == TaskLifecycle::TargetEvent::kDraining) {
    AddEvent(*svc, tag + " has begun draining connections on 1 tasks.", now);
  } else {
    const char* verb =
        event == TaskLifecycle::TargetEvent::kRegistered ? " registered 1 " : " deregistered 1 ";
    for (const model::LoadBalancer& lb : svc->load_balancers) {
      AddEvent(
          *svc,
          tag + verb +
              (lb.target_group_arn.empty() ? "instances in (elb " + lb.load_balancer_name
                                           : "targets in (target-group " + lb.target_group_arn) +
              ")",
          now);
    }
  }
  svc->dirty = true;  // the scheduler's pass over it, which writes the row, comes next
  svc->unsaved_events = true;
}

}  // namespace ecs::control

// The service events ECS writes as a load-balanced service's tasks come and go, in ECS's words
// as its users quote them: "(service NAME) registered 1 targets in (target-group ARN)",
// "(service NAME) has begun draining connections on 1 tasks.", "(service NAME) deregistered 1
// targets in (target-group ARN)" (no final period on the target-group ones). A Classic Load
// Balancer's say "instances in (elb NAME)". Targets changed at one instant share one event.
#include <string>
#include <utility>

#include "control/load_balancer_targets.h"
#include "control/service_scheduler.h"

namespace ecs::control {

namespace {

// ECS writes the targets one scheduler action changes as one event ("registered 2 targets in
// ..."), so a change at the same instant as an earlier event of the same kind bumps its count
// instead of adding "1" again. Events are newest first; only those of this instant are looked at.
bool BumpCount(model::Service& svc, const std::string& before, const std::string& after,
               Millis now) {
  for (model::ServiceEvent& e : svc.events) {
    if (e.created_at != now) break;
    const std::string& m = e.message;
    if (m.size() <= before.size() + after.size() || m.compare(0, before.size(), before) != 0 ||
        m.compare(m.size() - after.size(), after.size(), after) != 0) {
      continue;
    }
    const std::string digits = m.substr(before.size(), m.size() - before.size() - after.size());
    if (digits.empty() || digits.size() > 6 ||
        digits.find_first_not_of("0123456789") != std::string::npos) {
      continue;
    }
    std::string counted = before;
    counted += std::to_string(std::stoi(digits) + 1);
    counted += after;
    e.message = std::move(counted);
    return true;
  }
  return false;
}

}  // namespace

void ServiceScheduler::AddCountedEvent(model::Service& svc, const std::string& before,
                                       const std::string& after, Millis now) {
  if (BumpCount(svc, before, after, now)) return;
  std::string first = before;
  first += '1';
  first += after;
  AddEvent(svc, first, now);
}

void ServiceScheduler::OnTargetsChanged(ClusterState& cs, const model::Task& t,
                                        TaskLifecycle::TargetEvent event, Millis now,
                                        storage::ChangeSet& /*changes*/) {
  model::Service* svc = cs.FindService(t.service_name);
  if (!svc) return;
  const std::string tag = ServiceTag(*svc);
  if (event == TaskLifecycle::TargetEvent::kDraining) {
    AddCountedEvent(*svc, tag + " has begun draining connections on ", " tasks.", now);
  } else {
    const char* verb =
        event == TaskLifecycle::TargetEvent::kRegistered ? " registered " : " deregistered ";
    for (const model::LoadBalancer& lb : svc->load_balancers) {
      AddCountedEvent(*svc, tag + verb,
                      lb.target_group_arn.empty()
                          ? " instances in (elb " + lb.load_balancer_name + ")"
                          : " targets in (target-group " + TargetGroupOf(*svc, lb, t) + ")",
                      now);
    }
  }
  cs.WakeService(*svc);  // the scheduler's pass over it, which writes the row, comes next
  svc->unsaved_events = true;
}

}  // namespace ecs::control

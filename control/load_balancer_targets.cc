#include "control/load_balancer_targets.h"

#include <algorithm>

namespace ecs::control {

namespace {

// The container the entry sends traffic to (the first essential one when it names none).
const model::ContainerState* TargetContainer(const model::Task& t, const model::LoadBalancer& lb) {
  for (const auto& c : t.containers) {
    if (lb.container_name.empty() ? c.essential : c.name == lb.container_name) return &c;
  }
  return nullptr;
}

// REQUIRES: the task started. Its container fails the load balancer's checks once a behaviour
// makes it unhealthy (model/container_runtime.h) or once it has exited; the target is
// deregistered when the task is told to stop.
scheduler::TargetTimes TimesOf(const model::Task& t, const model::LoadBalancer& lb) {
  scheduler::TargetTimes times;
  times.registered_at = *t.started_at;
  if (const model::ContainerState* c = TargetContainer(t, lb)) {
    if (c->behavior.unhealthy_after && c->started_at) {
      times.failing_from = *c->started_at + *c->behavior.unhealthy_after;
    }
    if (c->stopped_at)
      times.failing_from = std::min(times.failing_from.value_or(*c->stopped_at), *c->stopped_at);
  }
  if (!t.wants_running() && t.stopping_at) {
    times.deregistered_at = std::max(*t.stopping_at, times.registered_at);
  }
  return times;
}

}  // namespace

const scheduler::TargetHealthConfig& TargetGroupConfig(const State& state, const Tenant& tenant,
                                                       const std::string& group) {
  if (auto t = state.target_groups.find(tenant); t != state.target_groups.end()) {
    if (auto g = t->second.find(group); g != t->second.end()) return g->second;
  }
  return state.options.lifecycle.target_health;
}

const std::string& TargetGroupOf(const model::Service& svc, const model::LoadBalancer& lb,
                                 const model::Task& task) {
  for (const model::Deployment& d : svc.deployments) {
    if (d.id == task.started_by) return lb.group_for(d.alternate_target_groups);
  }
  return lb.group();
}

bool IsTarget(const model::Service& svc, const model::Task& task) {
  return !svc.load_balancers.empty() && task.started_at.has_value();
}

TargetSummary SummarizeTargets(const State& state, const model::Service& svc,
                               const model::Task& task, Millis now) {
  TargetSummary out;
  for (const model::LoadBalancer& lb : svc.load_balancers) {
    const scheduler::TargetHealthConfig& config =
        TargetGroupConfig(state, task.tenant, TargetGroupOf(svc, lb, task));
    out.deregistration_delay = std::max(out.deregistration_delay, config.deregistration_delay);
    if (!task.started_at) {
      out.all_healthy = false;
      continue;
    }
    const scheduler::TargetAt at = scheduler::TargetStateAt(config, TimesOf(task, lb), now);
    if (at.state != scheduler::TargetState::kHealthy) out.all_healthy = false;
    if (at.state == scheduler::TargetState::kUnhealthy && !out.unhealthy) out.unhealthy = &lb;
    if (at.next_change)
      out.next_change = std::min(out.next_change.value_or(*at.next_change), *at.next_change);
  }
  return out;
}

std::vector<TaskTarget> TargetsOf(const State& state, const model::Service& svc,
                                  const model::Task& task, Millis now) {
  std::vector<TaskTarget> out;
  if (!IsTarget(svc, task)) return out;
  for (const model::LoadBalancer& lb : svc.load_balancers) {
    TaskTarget target;
    target.lb = &lb;
    target.group = TargetGroupOf(svc, lb, task);
    target.port = lb.container_port.value_or(0);
    if (task.eni) {
      target.id = task.eni->private_ip;  // awsvpc: an `ip` target at the container port
    } else {
      target.id = task.ec2_instance_id;  // bridge / host: an `instance` target at its host port
      if (const model::ContainerState* c = TargetContainer(task, lb)) {
        // The host port placement chose (networkBindings are cleared once the container stops).
        for (const auto& b : c->planned_bindings) {
          if (b.container_port == target.port && b.host_port != 0) target.port = b.host_port;
        }
      }
    }
    const scheduler::TargetAt at = scheduler::TargetStateAt(
        TargetGroupConfig(state, task.tenant, target.group), TimesOf(task, lb), now);
    target.state = at.state;
    target.since = at.since;
    out.push_back(std::move(target));
  }
  return out;
}

}  // namespace ecs::control

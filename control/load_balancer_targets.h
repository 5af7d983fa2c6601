// The simulated targets of load-balanced services: each task of a service with `loadBalancers`
// that has reached RUNNING is a target of every entry, whose health follows
// scheduler/target_health.h on the simulated clock. Nothing about a target is stored: it is
// derived from the task (when it started, when its container's checks begin to fail, when it
// was told to stop), the service's entries and the target group's settings
// (POST /_emulator/targets/<arn>, else the timing profile's), so it survives a restart with the
// tasks. INTERNAL to control/.
//
// THREADING: state strand only.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "common/clock.h"
#include "control/state.h"
#include "model/service.h"
#include "model/task.h"
#include "scheduler/target_health.h"

namespace ecs::control {

// The settings of a target group (or Classic Load Balancer) of a tenant.
const scheduler::TargetHealthConfig& TargetGroupConfig(const State& state, const Tenant& tenant,
                                                       const std::string& group);

// The target group (or Classic Load Balancer) `task` registers in for `lb`: its deployment's
// side of a blue/green pair (model::LoadBalancer::group_for).
const std::string& TargetGroupOf(const model::Service& svc, const model::LoadBalancer& lb,
                                 const model::Task& task);

// Whether `task` is (or was) registered with its service's load balancers: it reached RUNNING.
bool IsTarget(const model::Service& svc, const model::Task& task);

// What a task's targets add up to, without allocating: the service scheduler asks this of every
// task on every pass.
struct TargetSummary {
  bool all_healthy = true;
  const model::LoadBalancer* unhealthy = nullptr;  // the first entry whose target is unhealthy
  std::optional<Millis> next_change;               // when any target changes state by itself
  Millis deregistration_delay = 0;                 // the longest of its target groups
};
TargetSummary SummarizeTargets(const State& state, const model::Service& svc,
                               const model::Task& task, Millis now);

// One target as GET /_emulator/targets shows it.
struct TaskTarget {
  const model::LoadBalancer* lb = nullptr;
  std::string group;  // TargetGroupOf: where the task is registered for `lb`
  std::string id;     // the EC2 instance id (bridge, host) or the ENI's private IP (awsvpc)
  int64_t port = 0;
  scheduler::TargetState state = scheduler::TargetState::kInitial;
  Millis since = 0;  // when it entered this state
};
std::vector<TaskTarget> TargetsOf(const State& state, const model::Service& svc,
                                  const model::Task& task, Millis now);

}  // namespace ecs::control

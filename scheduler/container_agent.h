// The simulated ECS agent's decisions about one task's containers, as pure functions of the
// containers (model::ContainerState: definition facts, scripted behaviour, runtime state) and the
// time: which containers start (dependsOn), exit (scripted), fail to start, how their health
// checks come out, what the task's health is, when the task must stop and why, and when anything
// happens next on its own. control/TaskLifecycle calls them on every step of a task and applies
// the result (ids, timestamps, the store and the service scheduler are its business).
//
// The rules and where they come from:
//  * Container health checks [moby daemon/health.go; the model's HealthCheck]: Docker runs the
//    first check `interval` after the container starts, then every `interval`; a pass makes it
//    HEALTHY; `retries` consecutive failures make it UNHEALTHY; while it has never passed,
//    failures inside `startPeriod` do not count. Checks take no time here (the command answers
//    at once). A scripted container fails every check from `behavior.unhealthy_after` on.
//  * Task health [model HealthCheck; observed in aws/amazon-ecs-agent#4094]: over the essential
//    containers that have a health check, UNHEALTHY if any is, else UNKNOWN if any is, else
//    HEALTHY; UNKNOWN when no essential container has one.
//  * Start order [model ContainerDependency; amazon-ecs-agent dependencygraph]: a container
//    starts once every dependency holds: START (the other one started), COMPLETE (it exited),
//    SUCCESS (it exited 0), HEALTHY (it reports HEALTHY). A dependency that can no longer hold
//    (SUCCESS on a non-zero exit, START or HEALTHY on a container that is gone) or that times out
//    (`startTimeout` on the container depended on, counted from its start) stops the dependent
//    container; the task is RUNNING once every container has started or already exited
//    [amazon-ecs-agent: the task's status is the least of its containers'].
//  * Exits: an essential container that stops stops the task (EssentialContainerExited, or
//    TaskFailedToStart when it never ran); a non-essential one stops alone [model
//    ContainerDefinition.essential].
//
// Thread-compatible; no clock, no randomness.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "common/clock.h"
#include "model/container_runtime.h"
#include "model/task.h"

namespace ecs::scheduler {

// What a health check reports at some instant, and when that changes next on its own.
struct HealthAt {
  model::HealthStatus status = model::HealthStatus::kUnknown;
  std::optional<Millis> next_change;
};

// The health a container with `check`, started at `started_at`, reports at `now`. Its checks
// fail from `failing_from` on (nullopt: never).
HealthAt ContainerHealthAt(const model::HealthCheckConfig& check, Millis started_at,
                           std::optional<Millis> failing_from, Millis now);

// When a started container's health checks begin to fail: its scripted
// `unhealthy_after`, counted from its start. nullopt when it never fails them or never started.
std::optional<Millis> FailingFrom(const model::ContainerState& c);

// The task's healthStatus from its containers' (see the header comment).
model::HealthStatus AggregateHealth(const std::vector<model::ContainerState>& containers);

// What one step of a task's containers did.
struct ContainerStep {
  bool changed = false;      // some container changed (status, exit, health)
  bool all_started = false;  // every container has started or already stopped
  // The task must stop: why (stop code, reason).
  std::optional<model::StopCode> stop;
  std::string stop_reason;
  std::optional<Millis> next_due;  // the next instant something happens on its own
};

// Moves the containers of a task that wants to run, whose images are pulled, to what they are at
// `now`: containers already running exit as scripted and report their health; then every
// container whose dependencies hold starts (or fails to, as scripted), cascading. A container
// started by this call does not also exit in it: its exit is due at `next_due` (the lifecycle
// steps the task again), so the task is seen RUNNING first.
ContainerStep AdvanceContainers(std::vector<model::ContainerState>& containers, Millis now);

// How long the containers still running take to exit once told to stop: dependents stop before
// what they depend on [model ContainerDependency: shutdown is reversed], each within
// min(behavior.stop_takes, stop_timeout).
Millis StopDuration(const std::vector<model::ContainerState>& containers);

}  // namespace ecs::scheduler

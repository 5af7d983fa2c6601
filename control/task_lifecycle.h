// TaskLifecycle: the simulated ECS agent. It moves tasks through PROVISIONING -> PENDING ->
// RUNNING -> STOPPING -> (DEPROVISIONING) -> STOPPED on the injected clock, fills what each step
// sets (timestamps, container states, network bindings, ENI status), and purges STOPPED tasks
// after the retention window. The agent APIs (SubmitTaskStateChange, ...) and the fault API
// drive the same transitions.
//
// Every change goes into memory (through ClusterIndex::UpdateTask) and into the caller's
// ChangeSet; the caller commits. A change to a service's task is reported to `on_task_changed`
// (the service scheduler). A task of a load-balanced service is deregistered from its targets
// before it stops: it waits in DEACTIVATING for the target groups' deregistration delay
// (control/load_balancer_targets.h), and target registrations are reported to
// `on_targets_changed` (the service scheduler writes ECS's events).
//
// THREADING: state strand only.
#pragma once

#include <functional>
#include <optional>
#include <string>

#include "common/clock.h"
#include "common/status.h"
#include "control/requests.h"
#include "control/state.h"
#include "model/task.h"
#include "storage/store.h"

namespace ecs::control {

// A configured step delay as the agent takes it: a zero delay takes 1 ms under a frozen clock,
// so each state is its own instant and advancing the clock 1 ms at a time shows every one in
// order (in real time, zero means at once: control/options.h, InstantTiming).
Millis StepDelay(const State& state, Millis configured);

class TaskLifecycle {
 public:
  using TaskChanged = std::function<void(ClusterState&, model::Task&, Millis, storage::ChangeSet&)>;
  enum class TargetEvent { kRegistered, kDraining, kDeregistered };
  using TargetsChanged = std::function<void(ClusterState&, const model::Task&, TargetEvent, Millis,
                                            storage::ChangeSet&)>;
  TaskLifecycle(State& state, TaskChanged on_task_changed, TargetsChanged on_targets_changed = {})
      : state_(state),
        on_task_changed_(std::move(on_task_changed)),
        on_targets_changed_(std::move(on_targets_changed)) {}

  // Moves a task to `next` at `now`, with everything that state sets.
  void Transition(ClusterState& cs, model::Task& task, model::TaskState next, Millis now,
                  storage::ChangeSet& changes);
  // Asks a task to stop (desiredStatus STOPPED); the agent steps it right away.
  void RequestStop(ClusterState& cs, model::Task& task, model::StopCode code,
                   const std::string& reason, Millis now, storage::ChangeSet& changes);
  // Steps the tasks due by `now` in time order; false when `stop()` (asked every 64 steps) ended
  // it early.
  bool StepDue(Millis now, storage::ChangeSet& changes, const std::function<bool()>& stop);
  // SubmitTaskStateChange: the agent's report, validated as a whole before anything changes.
  Status ApplyStateChange(ClusterState& cs, model::Task& task, const TaskStateChangeInput& in,
                          Millis now, storage::ChangeSet& changes);

 private:
  // One step of the simulated agent for a due task (may purge it).
  void Step(ClusterState& cs, model::Task& task, Millis now, storage::ChangeSet& changes);
  // What entering `next` changes in the task (timestamps, containers, ENI, its next step).
  void Enter(model::Task& t, model::TaskState next, Millis now);
  void Purge(ClusterState& cs, model::Task& task, storage::ChangeSet& changes);
  // The simulated containers (scheduler/container_agent.h): starts in dependsOn order, scripted
  // exits and failures, health checks; RUNNING once every container has started; stops the task
  // when an essential container stops.
  void StepContainers(ClusterState& cs, model::Task& task, Millis now, storage::ChangeSet& changes);
  // Runtime ids of the containers that have started (in the form of the task's launch type).
  void AssignRuntimeIds(model::Task& task);
  // After any change: persisted, and reported to the service scheduler.
  void Changed(ClusterState& cs, model::Task& task, Millis now, storage::ChangeSet& changes);
  // The task's service when it has load balancers (else nullptr).
  const model::Service* LoadBalancedService(ClusterState& cs, const model::Task& task) const;
  // When the task must be stepped next: its containers' next event, and for a load-balanced
  // task the next change of a target (or the end of the grace period an unhealthy one waits
  // out), so the service scheduler sees it when it happens.
  Millis NextDue(ClusterState& cs, const model::Task& task, std::optional<Millis> containers_due,
                 Millis now) const;
  // RUNNING -> DEACTIVATING: the targets drain for the deregistration delay.
  void Deactivate(ClusterState& cs, model::Task& task, const model::Service& svc, Millis now,
                  storage::ChangeSet& changes);
  void ReportTargets(ClusterState& cs, const model::Task& task, TargetEvent event, Millis now,
                     storage::ChangeSet& changes);

  State& state_;
  TaskChanged on_task_changed_;
  TargetsChanged on_targets_changed_;
};

}  // namespace ecs::control

#include "control/task_lifecycle.h"

#include <algorithm>

#include "common/log.h"
#include "control/load_balancer_targets.h"
#include "scheduler/container_agent.h"

namespace ecs::control {

namespace {

constexpr const char* kCannotPull =
    "CannotPullContainerError: pull image manifest has been retried 5 time(s): failed to resolve "
    "ref: not found";

}  // namespace

Millis StepDelay(const State& state, Millis configured) {
  return configured == 0 && state.clock->frozen() ? 1 : configured;
}

void TaskLifecycle::Changed(ClusterState& cs, model::Task& task, Millis now,
                            storage::ChangeSet& changes) {
  changes.PutTask(task);
  if (on_task_changed_) on_task_changed_(cs, task, now, changes);
}

namespace {
// --log-level debug: every task state transition, at its simulated instant.
void LogTaskState(const model::Task& t, Millis now) {
  LogEvent(LogLevel::kDebug, "task-state")
      .Str("task", t.arn)
      .Str("lastStatus", model::ToString(t.last_status))
      .Int("at", now)
      .Write();
}
}  // namespace

void TaskLifecycle::Enter(model::Task& t, model::TaskState next, Millis now) {
  using S = model::TaskState;
  const LifecycleConfig& lc = state_.options.lifecycle;
  t.last_status = next;
  ++t.version;
  if (LogEnabled(LogLevel::kDebug)) LogTaskState(t, now);
  switch (next) {
    case S::kPending:
      if (t.eni) t.eni->status = model::AttachmentStatus::kAttached;
      t.pull_started_at = now;
      t.next_transition_at = now + StepDelay(state_, lc.pending);
      break;
    case S::kRunning:
      // The agent may report RUNNING straight from PROVISIONING: fill what PENDING would have.
      if (t.eni && t.eni->status == model::AttachmentStatus::kPrecreated) {
        t.eni->status = model::AttachmentStatus::kAttached;
      }
      if (!t.pull_started_at) t.pull_started_at = now;
      t.pull_stopped_at = now;
      t.started_at = now;
      t.connectivity_at = now;
      for (auto& c : t.containers) {
        // Still pending only when the agent reported the task RUNNING without its containers.
        if (c.last_status != model::ContainerStatus::kPending) continue;
        c.last_status = model::ContainerStatus::kRunning;
        c.started_at = now;
      }
      AssignRuntimeIds(t);
      t.next_transition_at = 0;
      break;
    case S::kStopping:
      if (!t.stopping_at) t.stopping_at = now;
      // Containers that take their time to exit (ecs-emulator behaviours) hold STOPPING longer.
      t.next_transition_at =
          now + StepDelay(state_, std::max(lc.stopping, scheduler::StopDuration(t.containers)));
      break;
    case S::kDeprovisioning:
    case S::kStopped:
      if (!t.execution_stopped_at) t.execution_stopped_at = now;
      for (auto& c : t.containers) {
        if (c.last_status != model::ContainerStatus::kStopped) {
          c.last_status = model::ContainerStatus::kStopped;
          c.stopped_at = now;
          // A container the agent stops: SIGTERM honoured (0) for user stops, else killed (137);
          // one that ignores SIGTERM for its whole stopTimeout is killed either way.
          if (!c.exit_code && t.started_at) {
            const bool honoured = t.stop_code == model::StopCode::kUserInitiated &&
                                  c.behavior.stop_takes < c.stop_timeout;
            c.exit_code = honoured ? 0 : 137;
          }
        }
        c.network_bindings.clear();
      }
      if (next == S::kDeprovisioning) {
        t.next_transition_at = now + StepDelay(state_, lc.deprovisioning);
      } else {
        if (t.eni) t.eni->status = model::AttachmentStatus::kDetached;
        if (!t.stopping_at) t.stopping_at = now;
        t.stopped_at = now;
        t.next_transition_at = now + lc.stopped_retention;  // then purged
      }
      break;
    default:
      break;
  }
}

void TaskLifecycle::AssignRuntimeIds(model::Task& t) {
  for (auto& c : t.containers) {
    if (!c.started_at || !c.runtime_id.empty()) continue;
    // Fargate: "<task id>-<10 digits>"; EC2 and EXTERNAL: the Docker container id, 64 hex [O].
    if (t.launch_type == model::LaunchType::kFargate) {
      c.runtime_id = t.id + "-" + std::to_string(state_.ids.Next() % 10000000000ULL);
    } else {
      c.runtime_id = state_.ids.Hex32() + state_.ids.Hex32();
    }
    c.network_bindings = c.planned_bindings;
  }
}

void TaskLifecycle::StepContainers(ClusterState& cs, model::Task& t, Millis now,
                                   storage::ChangeSet& changes) {
  scheduler::ContainerStep step;
  state_.index.UpdateTask(cs, t, [&](model::Task& task) {
    step = scheduler::AdvanceContainers(task.containers, now);
    AssignRuntimeIds(task);
    task.health_status = scheduler::AggregateHealth(task.containers);
    task.next_transition_at = NextDue(cs, task, step.next_due, now);
    // One change, one version: a step that also moves the task (to RUNNING, or to a stop) is
    // counted by that move, as ECS emits one state-change event for it.
    const bool task_moves = (step.stop && task.wants_running()) ||
                            (task.last_status < model::TaskState::kRunning && step.all_started);
    if (step.changed && !task_moves) ++task.version;
  });
  if (step.stop) {
    // An essential container exited, or failed to start (then the task never ran).
    t.failed_to_start = !t.started_at;
    RequestStop(cs, t, *step.stop, step.stop_reason, now, changes);
    return;
  }
  if (t.last_status < model::TaskState::kRunning && step.all_started) {
    Transition(cs, t, model::TaskState::kRunning, now, changes);  // reports the change
    state_.index.UpdateTask(cs, t, [&](model::Task& task) {
      task.next_transition_at = NextDue(cs, task, step.next_due, now);
    });
    changes.PutTask(t);
    if (LoadBalancedService(cs, t)) ReportTargets(cs, t, TargetEvent::kRegistered, now, changes);
    return;
  }
  Changed(cs, t, now, changes);
}

void TaskLifecycle::Transition(ClusterState& cs, model::Task& t, model::TaskState next, Millis now,
                               storage::ChangeSet& changes) {
  state_.index.UpdateTask(cs, t, [&](model::Task& task) { Enter(task, next, now); });
  // A deleted (DELETE_IN_PROGRESS) task definition goes for good with its last task.
  if (next == model::TaskState::kStopped) {
    ReleaseTaskDefinition(state_, t.tenant, t.task_definition_arn, changes);
  }
  Changed(cs, t, now, changes);
}

void TaskLifecycle::RequestStop(ClusterState& cs, model::Task& t, model::StopCode code,
                                const std::string& reason, Millis now,
                                storage::ChangeSet& changes) {
  if (!t.wants_running()) return;
  state_.index.UpdateTask(cs, t, [&](model::Task& task) {
    task.desired_status = model::DesiredStatus::kStopped;
    task.stop_code = code;
    task.stopped_reason = reason;
    task.stopping_at = now;
    ++task.version;
    // The agent notices the new desired status on its next step: at once, except under a frozen
    // clock with no STOPPING time, where RUNNING -> STOPPING takes its own 1 ms (StepDelay) so
    // that one advance of 1 ms does not also run STOPPING -> STOPPED.
    const bool instant_stop = state_.options.lifecycle.stopping == 0;
    task.next_transition_at = now + (instant_stop ? StepDelay(state_, 0) : 0);
  });
  Changed(cs, t, now, changes);
}

const model::Service* TaskLifecycle::LoadBalancedService(ClusterState& cs,
                                                         const model::Task& t) const {
  if (t.service_name.empty()) return nullptr;
  const model::Service* svc = cs.FindService(t.service_name);
  return svc && !svc->load_balancers.empty() ? svc : nullptr;
}

Millis TaskLifecycle::NextDue(ClusterState& cs, const model::Task& t,
                              std::optional<Millis> containers_due, Millis now) const {
  const model::Service* svc = LoadBalancedService(cs, t);
  if (!svc || !IsTarget(*svc, t) || !t.wants_running()) return containers_due.value_or(0);
  const TargetSummary targets = SummarizeTargets(state_, *svc, t, now);
  std::optional<Millis> due = containers_due;
  auto consider = [&](Millis at) { due = std::min(due.value_or(at), at); };
  if (targets.next_change) consider(*targets.next_change);
  const Millis grace_end =
      *t.started_at + std::max<int64_t>(svc->health_check_grace_period_seconds, 0) * 1000;
  if (targets.unhealthy && grace_end > now) consider(grace_end);
  return due.value_or(0);
}

void TaskLifecycle::Deactivate(ClusterState& cs, model::Task& t, const model::Service& svc,
                               Millis now, storage::ChangeSet& changes) {
  // The targets drain from the stop request on (TargetTimes::deregistered_at). Set before the
  // transition, which keeps it (Enter sets no next step for DEACTIVATING), so the task row is
  // written once.
  const Millis drained =
      t.stopping_at.value_or(now) + SummarizeTargets(state_, svc, t, now).deregistration_delay;
  state_.index.UpdateTask(cs, t, [&](model::Task& task) {
    task.next_transition_at = drained > now ? drained : now + StepDelay(state_, 0);
  });
  Transition(cs, t, model::TaskState::kDeactivating, now, changes);
  ReportTargets(cs, t, TargetEvent::kDraining, now, changes);
}

void TaskLifecycle::ReportTargets(ClusterState& cs, const model::Task& t, TargetEvent event,
                                  Millis now, storage::ChangeSet& changes) {
  if (on_targets_changed_) on_targets_changed_(cs, t, event, now, changes);
}

void TaskLifecycle::Purge(ClusterState& cs, model::Task& t, storage::ChangeSet& changes) {
  changes.DeleteTask(t.arn);
  changes.PutTags(t.arn, {});
  state_.tags.Erase(t.arn);
  state_.index.RemoveTask(cs, t);
}

void TaskLifecycle::Step(ClusterState& cs, model::Task& t, Millis now,
                         storage::ChangeSet& changes) {
  using S = model::TaskState;
  if (t.is_stopped()) return Purge(cs, t, changes);  // retention is over
  if (!t.wants_running()) {
    const model::Service* lb_svc = LoadBalancedService(cs, t);
    if (t.last_status < S::kDeactivating && lb_svc && IsTarget(*lb_svc, t)) {
      Deactivate(cs, t, *lb_svc, now, changes);
    } else if (t.last_status < S::kStopping) {
      if (t.last_status == S::kDeactivating) {
        ReportTargets(cs, t, TargetEvent::kDeregistered, now, changes);
      }
      Transition(cs, t, S::kStopping, now, changes);
    } else if (t.last_status == S::kStopping && t.eni) {
      Transition(cs, t, S::kDeprovisioning, now, changes);
    } else {
      Transition(cs, t, S::kStopped, now, changes);
    }
    return;
  }
  if (t.awaiting_capacity()) {
    // Not placed yet: only PlaceWaiting moves it on, once an instance of its provider fits it.
    state_.index.UpdateTask(cs, t, [](model::Task& task) { task.next_transition_at = 0; });
  } else if (t.last_status == S::kProvisioning) {
    Transition(cs, t, S::kPending, now, changes);
  } else if (t.last_status < S::kRunning) {
    if (state_.failing_task_definitions.count(t.task_definition_arn)) {
      // Fault injection: the image cannot be pulled, so the task never starts.
      t.failed_to_start = true;
      RequestStop(cs, t, model::StopCode::kTaskFailedToStart, kCannotPull, now, changes);
      return;
    }
    StepContainers(cs, t, now, changes);  // start what can start; RUNNING once all have
  } else {
    StepContainers(cs, t, now, changes);  // scripted exits, health checks
  }
}

bool TaskLifecycle::StepDue(Millis now, storage::ChangeSet& changes,
                            const std::function<bool()>& stop) {
  int steps = 0;
  while (model::Task* task = state_.index.FirstDue(now)) {
    ClusterState* cs = state_.index.FindCluster(task->tenant, task->cluster);
    Step(*cs, *task, task->next_transition_at, changes);
    if (++steps % 64 == 0 && stop()) return false;
  }
  return true;
}

}  // namespace ecs::control

namespace ecs::control {

namespace {

// The agent's report, checked whole: the containers it names and the statuses it gives.
Result<std::vector<model::ContainerState*>> CheckReport(model::Task& t,
                                                        const TaskStateChangeInput& in) {
  std::vector<model::ContainerState*> targets;
  for (const auto& cc : in.containers) {
    auto it = std::find_if(t.containers.begin(), t.containers.end(),
                           [&](const model::ContainerState& s) { return s.name == cc.name; });
    if (it == t.containers.end()) {
      return Status::InvalidParameter("Container " + cc.name + " is not part of the task.");
    }
    if (!cc.status.empty() && !model::Parse<model::ContainerStatus>(cc.status)) {
      return Status::InvalidParameter("Invalid container status " + cc.status + ".");
    }
    targets.push_back(&*it);
  }
  return targets;
}

// The task status the report moves to (nullopt: containers only).
Result<std::optional<model::TaskState>> ReportedState(const model::Task& t,
                                                      const TaskStateChangeInput& in) {
  if (in.status.empty()) return std::optional<model::TaskState>();
  auto state = model::Parse<model::TaskState>(in.status);
  if (!state) return Status::InvalidParameter("Invalid task status " + in.status + ".");
  if (*state < t.last_status) {
    return Status::InvalidParameter("Task status can only move forward (from " +
                                    std::string(model::ToString(t.last_status)) + " to " +
                                    in.status + ").");
  }
  return state;
}

}  // namespace

Status TaskLifecycle::ApplyStateChange(ClusterState& cs, model::Task& t,
                                       const TaskStateChangeInput& in, Millis now,
                                       storage::ChangeSet& changes) {
  using S = model::TaskState;
  auto targets = CheckReport(t, in);
  if (!targets.ok()) return targets.status();
  auto state = ReportedState(t, in);
  if (!state.ok()) return state.status();

  // Container reports first: an essential container that stops stops the task.
  bool essential_exited = false;
  state_.index.UpdateTask(cs, t, [&](model::Task& task) {
    for (size_t i = 0; i < in.containers.size(); ++i) {
      const auto& cc = in.containers[i];
      model::ContainerState& target = *(*targets)[i];
      if (auto status = model::Parse<model::ContainerStatus>(cc.status)) {
        target.last_status = *status;
      }
      if (cc.exit_code) target.exit_code = cc.exit_code;
      if (!cc.reason.empty()) target.reason = cc.reason;
      if (!cc.runtime_id.empty()) target.runtime_id = cc.runtime_id;
      if (!cc.network_bindings.empty()) target.network_bindings = cc.network_bindings;
      if (target.last_status == model::ContainerStatus::kStopped && !cc.status.empty() &&
          target.essential) {
        essential_exited = true;
      }
    }
    if (in.pull_started_at) task.pull_started_at = in.pull_started_at;
    if (in.pull_stopped_at) task.pull_stopped_at = in.pull_stopped_at;
    if (in.execution_stopped_at) task.execution_stopped_at = in.execution_stopped_at;
    ++task.version;
  });
  changes.PutTask(t);

  // The stop code says why: a task that never ran failed to start; one that ran lost an
  // essential container.
  auto stop_for_exit = [&](const std::string& reason) {
    if (!t.wants_running()) return;
    const bool never_ran = !t.started_at;
    t.failed_to_start = never_ran;
    RequestStop(cs, t,
                never_ran ? model::StopCode::kTaskFailedToStart
                          : model::StopCode::kEssentialContainerExited,
                !reason.empty() ? reason
                : never_ran     ? "Task failed to start"
                                : "Essential container in task exited",
                now, changes);
  };
  if (*state && !t.is_stopped()) {
    const S next = **state;
    if (next == S::kStopped || next == S::kStopping || next == S::kDeprovisioning) {
      stop_for_exit(in.reason);
      if (next == S::kStopped) Transition(cs, t, S::kStopped, now, changes);
    } else if (next != t.last_status) {
      Transition(cs, t, next, now, changes);
    }
  } else if (essential_exited) {
    stop_for_exit("");
  }
  return Status::Ok();
}

}  // namespace ecs::control

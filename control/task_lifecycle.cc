// The simulated agent: moves tasks through PROVISIONING -> PENDING -> RUNNING -> STOPPING ->
// (DEPROVISIONING) -> STOPPED on the injected clock, keeps instance usage and cluster counters in
// step, and purges STOPPED tasks after the retention window. The agent APIs
// (SubmitTaskStateChange, ...) drive the same transitions.
//
// Reconciler writes are batched: RunDue mutates memory and commits one ChangeSet at the end. If
// that commit fails, memory is ahead of disk until restart, when the persisted next-transition
// times make the reconciler redo the same steps.
#include <algorithm>

#include "common/log.h"
#include "control/control_plane.h"

namespace ecs::control {

namespace {
bool IsPendingLike(model::TaskState s) { return s == model::TaskState::kPending; }
bool IsAwsvpc(const model::Task& t) { return t.eni.has_value(); }
}  // namespace

void ControlPlane::Account(ClusterState& cs, const model::Task& t, int sign) {
  const bool fargate = t.launch_type == "FARGATE";
  if (t.last_status == model::TaskState::kRunning) {
    cs.counts.running_tasks += sign;
    (fargate ? cs.counts.running_fargate_tasks : cs.counts.running_ec2_tasks) += sign;
  }
  if (t.last_status <= model::TaskState::kPending) {
    cs.counts.pending_tasks += sign;
    (fargate ? cs.counts.pending_fargate_tasks : cs.counts.pending_ec2_tasks) += sign;
  }
  if (!t.service_name.empty() && (t.last_status <= model::TaskState::kRunning)) {
    auto& per_deployment = cs.service_counts[t.service_name];
    auto& [running, pending] = per_deployment[t.started_by];
    (t.last_status == model::TaskState::kRunning ? running : pending) += sign;
    if (running == 0 && pending == 0) per_deployment.erase(t.started_by);
  }
  if (t.container_instance_id.empty()) return;
  auto it = cs.instances.find(t.container_instance_id);
  if (it == cs.instances.end()) return;
  model::InstanceUsage& u = it->second.usage;
  if (!t.is_stopped()) {
    u.cpu += sign * t.reserved_cpu;
    u.memory += sign * t.reserved_memory;
    for (int p : t.reserved_tcp_ports) {
      if ((u.tcp_ports[p] += sign) <= 0) u.tcp_ports.erase(p);
    }
    for (int p : t.reserved_udp_ports) {
      if ((u.udp_ports[p] += sign) <= 0) u.udp_ports.erase(p);
    }
    for (int p : t.dynamic_tcp_ports) {
      if ((u.dynamic_tcp_ports[p] += sign) <= 0) u.dynamic_tcp_ports.erase(p);
    }
    for (int p : t.dynamic_udp_ports) {
      if ((u.dynamic_udp_ports[p] += sign) <= 0) u.dynamic_udp_ports.erase(p);
    }
    if ((u.groups[t.group] += sign) <= 0) u.groups.erase(t.group);
    if (t.desired_status == "RUNNING") u.running_tasks += sign;
  }
  if (IsPendingLike(t.last_status)) u.pending_tasks += sign;
  RefreshUsage(cs, it->second);
}

void ControlPlane::Schedule(model::Task& task, Millis at) {
  if (task.next_transition_at != 0) due_.erase({task.next_transition_at, &task});
  task.next_transition_at = at;
  if (at != 0) due_.insert({at, &task});
}

void ControlPlane::PersistTask(storage::ChangeSet& changes, const model::Task& task) {
  task.json_cache.clear();  // whatever changed, the API encoding is stale
  changes.PutTask(task);
}

std::optional<Millis> ControlPlane::NextDue() const {
  if (due_.empty()) return std::nullopt;
  return due_.begin()->first;
}

void ControlPlane::Transition(ClusterState& cs, model::Task& t, model::TaskState state, Millis now,
                              storage::ChangeSet& changes) {
  Account(cs, t, -1);
  t.last_status = state;
  ++t.version;
  // service_tasks lists live tasks only: a service's describe and tick stay proportional to what
  // it runs, not to the stopped tasks kept for the retention window.
  if (state == model::TaskState::kStopped && !t.service_name.empty()) {
    cs.service_tasks[t.service_name].erase(&t);
  }
  const LifecycleConfig& lc = options_.lifecycle;
  switch (state) {
    case model::TaskState::kPending:
      if (t.eni) t.eni->status = "ATTACHED";
      t.pull_started_at = now;
      Schedule(t, now + lc.pending);
      break;
    case model::TaskState::kRunning:
      // The agent may report RUNNING straight from PROVISIONING: fill what PENDING would have.
      if (t.eni && t.eni->status == "PRECREATED") t.eni->status = "ATTACHED";
      if (!t.pull_started_at) t.pull_started_at = now;
      t.pull_stopped_at = now;
      t.started_at = now;
      t.connectivity_at = now;
      for (auto& c : t.containers) {
        if (c.last_status != "PENDING") continue;  // already reported by the agent
        c.last_status = "RUNNING";
        if (c.runtime_id.empty())
          c.runtime_id = t.id + "-" + std::to_string(ids_.Next() % 10000000000ULL);
        c.network_bindings = c.planned_bindings;
      }
      Schedule(t, 0);
      break;
    case model::TaskState::kStopping:
      if (!t.stopping_at) t.stopping_at = now;
      Schedule(t, now + lc.stopping);
      break;
    case model::TaskState::kDeprovisioning:
    case model::TaskState::kStopped: {
      if (!t.execution_stopped_at) t.execution_stopped_at = now;
      for (auto& c : t.containers) {
        if (c.last_status != "STOPPED") {
          c.last_status = "STOPPED";
          // A container the agent stops: SIGTERM honoured (0) for user stops, else killed (137).
          if (!c.exit_code && t.started_at) c.exit_code = t.stop_code == "UserInitiated" ? 0 : 137;
        }
        c.network_bindings.clear();
      }
      if (state == model::TaskState::kDeprovisioning) {
        Schedule(t, now + lc.deprovisioning);
      } else {
        if (t.eni) t.eni->status = "DETACHED";
        if (!t.stopping_at) t.stopping_at = now;
        t.stopped_at = now;
        Schedule(t, now + lc.stopped_retention);  // then purged
        // A deleted (DELETE_IN_PROGRESS) task definition goes for good with its last task.
        ReleaseTaskDefinition(t.tenant, t.task_definition_arn, changes);
      }
      break;
    }
    default:
      break;
  }
  Account(cs, t, +1);
  PersistTask(changes, t);
  OnTaskChanged(cs, t, now, changes);
}

void ControlPlane::RequestStop(ClusterState& cs, model::Task& t, const std::string& stop_code,
                               const std::string& reason, Millis now, storage::ChangeSet& changes) {
  if (t.desired_status == "STOPPED") return;
  Account(cs, t, -1);
  t.desired_status = "STOPPED";
  t.stop_code = stop_code;
  t.stopped_reason = reason;
  t.stopping_at = now;
  ++t.version;
  Account(cs, t, +1);
  // The agent notices the new desired status on its next step.
  Schedule(t, now);
  PersistTask(changes, t);
  OnTaskChanged(cs, t, now, changes);
}

// One step of the simulated agent for a task that is due.
void ControlPlane::Step(ClusterState& cs, model::Task& t, Millis now, storage::ChangeSet& changes) {
  using S = model::TaskState;
  if (t.is_stopped()) {
    // Retention is over: purge.
    Account(cs, t, -1);
    Schedule(t, 0);
    changes.Delete(storage::Kind::kTask, t.arn);
    changes.PutTags(t.arn, {});
    tags_.erase(t.arn);
    cs.tasks_by_seq.erase(t.seq);
    if (!t.service_name.empty()) cs.service_tasks[t.service_name].erase(&t);
    cs.tasks.erase(t.id);  // t is dangling from here on
    return;
  }
  if (t.desired_status == "STOPPED") {
    if (t.last_status < S::kStopping) {
      Transition(cs, t, S::kStopping, now, changes);
    } else if (t.last_status == S::kStopping && IsAwsvpc(t)) {
      Transition(cs, t, S::kDeprovisioning, now, changes);
    } else {
      Transition(cs, t, S::kStopped, now, changes);
    }
    return;
  }
  if (t.last_status == S::kProvisioning) {
    Transition(cs, t, S::kPending, now, changes);
  } else if (t.last_status < S::kRunning) {
    if (failing_task_definitions_.count(t.task_definition_arn)) {
      // Fault injection: the image cannot be pulled, so the task never starts.
      t.failed_to_start = true;
      RequestStop(cs, t, "TaskFailedToStart",
                  "CannotPullContainerError: pull image manifest has been retried 5 time(s): "
                  "failed to resolve ref: not found",
                  now, changes);
      return;
    }
    Transition(cs, t, S::kRunning, now, changes);
  } else {
    Schedule(t, 0);
  }
}

bool ControlPlane::StepDue(Millis now, storage::ChangeSet& changes,
                           const std::function<bool()>& stop) {
  int steps = 0;
  while (!due_.empty() && due_.begin()->first <= now) {
    auto [at, task] = *due_.begin();
    ClusterState* cs = FindClusterState(task->tenant, task->cluster);
    Step(*cs, *task, at, changes);
    if (++steps % 64 == 0 && stop()) return false;
  }
  return true;
}

Status ControlPlane::RunDue(Millis now, bool advancing) {
  storage::ChangeSet changes;
  if (!clock_frozen_ || advancing) {
    // At most ~20,000 steps per ChangeSet; AdvanceClock calls again for the rest.
    int checks_left = 20000 / 64;
    StepDue(now, changes, [&] { return --checks_left <= 0; });
  }
  ReconcileServices(now, changes);
  return Commit(changes);
}

Result<bool> ControlPlane::RunDueSlice(Millis now, const std::function<bool()>& out_of_time) {
  storage::ChangeSet changes;
  bool more = !clock_frozen_ && !StepDue(now, changes, out_of_time);
  // Services see every task step due by now first, as in RunDue.
  if (!more) more = !ReconcileServices(now, changes, &out_of_time);
  ECS_RETURN_IF_ERROR(Commit(changes));
  return more;
}

Result<std::string> ControlPlane::SubmitTaskStateChange(const RequestContext& ctx,
                                                        TaskStateChangeInput in) {
  auto c = FindCluster(ctx, in.cluster, /*require_active=*/false);
  if (!c.ok()) return c.status();
  ClusterState& cs = *FindClusterState(ctx.tenant, (*c)->name);
  model::Task* t = FindTask(cs, in.task);
  if (!t) return Status::InvalidParameter("The referenced task was not found.");
  using S = model::TaskState;

  // Validate the whole report before touching the task, so a rejected call changes nothing.
  std::vector<model::ContainerState*> targets;
  for (const auto& cc : in.containers) {
    auto it = std::find_if(t->containers.begin(), t->containers.end(),
                           [&](const model::ContainerState& s) { return s.name == cc.name; });
    if (it == t->containers.end()) {
      return Status::InvalidParameter("Container " + cc.name + " is not part of the task.");
    }
    if (!cc.status.empty() && cc.status != "PENDING" && cc.status != "RUNNING" &&
        cc.status != "STOPPED") {
      return Status::InvalidParameter("Invalid container status " + cc.status + ".");
    }
    targets.push_back(&*it);
  }
  std::optional<S> state;
  if (!in.status.empty()) {
    state = model::ParseTaskState(in.status);
    if (!state) return Status::InvalidParameter("Invalid task status " + in.status + ".");
    if (*state < t->last_status) {
      return Status::InvalidParameter("Task status can only move forward (from " +
                                      std::string(model::ToString(t->last_status)) + " to " +
                                      in.status + ").");
    }
  }

  Millis now = Now();
  storage::ChangeSet changes;
  // Container reports first: an essential container that stops stops the task.
  bool essential_exited = false;
  for (size_t i = 0; i < in.containers.size(); ++i) {
    const auto& cc = in.containers[i];
    model::ContainerState& target = *targets[i];
    if (!cc.status.empty()) target.last_status = cc.status;
    if (cc.exit_code) target.exit_code = cc.exit_code;
    if (!cc.reason.empty()) target.reason = cc.reason;
    if (!cc.runtime_id.empty()) target.runtime_id = cc.runtime_id;
    if (!cc.network_bindings.empty()) target.network_bindings = cc.network_bindings;
    if (cc.status == "STOPPED" && target.essential) essential_exited = true;
  }
  if (in.pull_started_at) t->pull_started_at = in.pull_started_at;
  if (in.pull_stopped_at) t->pull_stopped_at = in.pull_stopped_at;
  if (in.execution_stopped_at) t->execution_stopped_at = in.execution_stopped_at;
  ++t->version;
  PersistTask(changes, *t);

  // The stop code says why: a task that never ran failed to start; one that ran lost an
  // essential container.
  auto stop_for_exit = [&](const std::string& reason) {
    if (t->desired_status != "RUNNING") return;
    bool never_ran = !t->started_at;
    t->failed_to_start = never_ran;
    RequestStop(cs, *t, never_ran ? "TaskFailedToStart" : "EssentialContainerExited",
                !reason.empty() ? reason
                : never_ran     ? "Task failed to start"
                                : "Essential container in task exited",
                now, changes);
  };
  if (state && !t->is_stopped()) {
    if (*state == S::kStopped || *state == S::kStopping || *state == S::kDeprovisioning) {
      stop_for_exit(in.reason);
      if (*state == S::kStopped) Transition(cs, *t, S::kStopped, now, changes);
    } else if (*state != t->last_status) {
      Transition(cs, *t, *state, now, changes);
    }
  } else if (essential_exited) {
    stop_for_exit("");
  }
  ECS_RETURN_IF_ERROR(Commit(changes));
  return std::string("ACK");
}

Result<std::string> ControlPlane::SubmitAttachmentStateChanges(
    const RequestContext& ctx, const std::string& cluster,
    const std::vector<std::pair<std::string, std::string>>& attachments) {
  auto c = FindCluster(ctx, cluster, /*require_active=*/false);
  if (!c.ok()) return c.status();
  ClusterState& cs = *FindClusterState(ctx.tenant, (*c)->name);
  storage::ChangeSet changes;
  for (const auto& [arn, status] : attachments) {
    std::string id(LastSegment(arn));
    bool found = false;
    for (auto& [tid, t] : cs.tasks) {
      if (t.eni && t.eni->id == id) {
        t.eni->status = status;
        ++t.version;
        PersistTask(changes, t);
        found = true;
      }
    }
    if (!found) return Status::InvalidParameter("Attachment " + arn + " was not found.");
  }
  ECS_RETURN_IF_ERROR(Commit(changes));
  return std::string("ACK");
}

Status ControlPlane::LoadInstancesAndTasks(storage::Snapshot& snap) {
  for (auto& ci : snap.container_instances) {
    ClusterState& cs = tenants_[ci.tenant].cluster_state[ci.cluster];
    std::string id = ci.id;
    cs.instances.insert_or_assign(id, std::move(ci));
  }
  for (auto& t : snap.tasks) {
    ClusterState& cs = tenants_[t.tenant].cluster_state[t.cluster];
    std::string id = t.id;
    Millis due = t.next_transition_at;
    t.next_transition_at = 0;
    model::Task& slot = cs.tasks.insert_or_assign(id, std::move(t)).first->second;
    cs.tasks_by_seq[slot.seq] = &slot;
    if (!slot.service_name.empty() && !slot.is_stopped()) {
      cs.service_tasks[slot.service_name].insert(&slot);
    }
    if (!slot.client_token.empty()) {
      // Client tokens are rebuilt from the tasks that carry them.
      tenants_[slot.tenant].client_tokens[slot.cluster + "|" + slot.client_token].push_back(
          slot.request_fingerprint + "|" + slot.id);
    }
    Schedule(slot, due);
  }
  for (auto& [tenant, ts] : tenants_) {
    for (auto& [name, cs] : ts.cluster_state) {
      for (auto& [id, ci] : cs.instances) RefreshView(cs, ci);
      for (auto& [id, t] : cs.tasks) Account(cs, t, +1);
      RecountServices(cs);  // service counters (service_scheduler.cc)
    }
  }
  return Status::Ok();
}

}  // namespace ecs::control

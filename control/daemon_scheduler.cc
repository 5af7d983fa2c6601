// The daemon scheduler: each reconciler pass moves every daemon's latest deployment on by the
// rules of scheduler/daemon_rollout.h — daemon tasks started on instances that joined (before
// the waiting tasks are placed there: RunDue calls this between the instances joining and
// placement), batches of instances drained and replaced, drained instances deregistered once no
// service task runs on them, a stopped daemon task's instance replaced, alarms and the circuit
// breaker watched. Replacements are launched by the instance's Managed Instances provider, same
// type and zone.
#include <algorithm>
#include <map>

#include "common/log.h"
#include "control/capacity_providers.h"
#include "control/control_plane.h"
#include "scheduler/daemon_rollout.h"
#include "scheduler/deployment_checks.h"

namespace ecs::control {

namespace {

using model::DaemonDeploymentStatus;

constexpr Millis kDaemonBakeMinute = 60'000;

// The revision a live daemon task runs: its deployment's target, or the rollback's target for a
// task started after the rollback began.
std::string DaemonRevisionOfTask(const model::Daemon& d, const model::Task& t) {
  for (const auto& dep : d.deployments) {
    if (dep.id != t.started_by) continue;
    if (dep.rollback && t.created_at >= dep.rollback->started_at) {
      return dep.rollback->target_revision_arn;
    }
    return dep.target_revision_arn;
  }
  return "";
}

// The daemon's tasks on each instance: the live one, and whether one stopped there.
struct DaemonTasksOnInstance {
  const model::Task* live = nullptr;
  bool stopped_one = false;
};

std::map<std::string, DaemonTasksOnInstance> DaemonTasksByInstance(const model::Daemon& d,
                                                                   const ClusterState& cs) {
  std::map<std::string, DaemonTasksOnInstance> out;
  auto tasks = cs.daemon_tasks.find(d.task_group());
  if (tasks == cs.daemon_tasks.end()) return out;
  for (const model::Task* t : tasks->second) {
    if (t->container_instance_id.empty()) continue;
    DaemonTasksOnInstance& slot = out[t->container_instance_id];
    if (t->is_stopped()) {
      slot.stopped_one = true;
    } else {
      slot.live = t;
    }
  }
  return out;
}

// Every provider any revision of the daemon runs on.
std::vector<std::string> DaemonProviders(const model::Daemon& d) {
  std::vector<std::string> out;
  for (const auto& r : d.revisions) {
    for (const auto& p : r.capacity_providers) {
      if (std::find(out.begin(), out.end(), p) == out.end()) out.push_back(p);
    }
  }
  return out;
}

// The ACTIVE instances of the daemon's providers as the rollout sees them, oldest first.
std::vector<scheduler::DaemonInstance> DaemonRolloutView(
    const model::Daemon& d, const ClusterState& cs,
    const std::map<std::string, DaemonTasksOnInstance>& tasks) {
  const std::vector<std::string> providers = DaemonProviders(d);
  std::vector<std::pair<Millis, scheduler::DaemonInstance>> found;
  for (const auto& [id, ci] : cs.instances) {
    if (ci.status != model::InstanceStatus::kActive ||
        std::find(providers.begin(), providers.end(), ci.capacity_provider_name) ==
            providers.end()) {
      continue;
    }
    scheduler::DaemonInstance view{ci.id, ci.capacity_provider_name,
                                   ci.registered_at >= d.latest().created_at};
    if (auto it = tasks.find(ci.id); it != tasks.end()) {
      if (it->second.live) {
        view.revision = DaemonRevisionOfTask(d, *it->second.live);
        view.running = it->second.live->last_status == model::TaskState::kRunning;
      }
      view.lost_its_task = !it->second.live && it->second.stopped_one;
    }
    found.emplace_back(ci.registered_at, std::move(view));
  }
  std::stable_sort(found.begin(), found.end(),
                   [](const auto& a, const auto& b) { return a.first < b.first; });
  std::vector<scheduler::DaemonInstance> out;
  out.reserve(found.size());
  for (auto& [at, view] : found) out.push_back(std::move(view));
  return out;
}

bool RunsServiceTask(const ClusterState& cs, const std::string& instance_id) {
  return std::any_of(cs.tasks.begin(), cs.tasks.end(), [&](const auto& e) {
    const model::Task& t = e.second;
    return !t.is_stopped() && t.container_instance_id == instance_id && !IsDaemonTask(t) &&
           !t.service_name.empty();
  });
}

}  // namespace

bool ControlPlane::DaemonUsesProvider(const Tenant& t, const std::string& provider) const {
  return std::any_of(state_.daemons.begin(), state_.daemons.end(), [&](const auto& e) {
    const model::Daemon& d = e.second;
    if (d.tenant != t || d.deleted) return false;
    // The providers it deploys to; its tasks elsewhere count as tasks (ProviderInUse).
    const model::DaemonRevision* rev = d.FindRevision(d.latest().EffectiveTarget());
    return rev &&
           std::count(rev->capacity_providers.begin(), rev->capacity_providers.end(), provider) > 0;
  });
}

scheduler::WaitingDemand ControlPlane::DaemonDemandOn(const model::CapacityProvider& cp) const {
  scheduler::WaitingDemand sum;
  for (const auto& [arn, d] : state_.daemons) {
    if (d.tenant != cp.tenant || d.deleted || d.cluster != cp.cluster) continue;
    const model::DaemonRevision* rev = d.FindRevision(d.latest().EffectiveTarget());
    if (!rev ||
        std::count(rev->capacity_providers.begin(), rev->capacity_providers.end(), cp.name) == 0) {
      continue;
    }
    if (const auto* td =
            state_.daemon_task_definitions.FindArn(d.tenant, rev->task_definition_arn)) {
      int64_t cpu = 0, memory = 0;
      for (const taskdef::ContainerSpec& c : td->spec->containers) {
        cpu += c.cpu;
        memory += c.memory_reservation.value_or(c.memory.value_or(0));
      }
      sum.cpu += td->spec->cpu.value_or(cpu);
      sum.memory += td->spec->memory.value_or(memory);
    }
  }
  return sum;
}

DaemonRevisionCounts ControlPlane::CountDaemonRevision(const model::Daemon& d,
                                                       const std::string& revision_arn) const {
  DaemonRevisionCounts counts;
  const model::DaemonRevision* rev = d.FindRevision(revision_arn);
  if (!rev) return counts;
  std::map<std::string, DaemonRevisionCounts::PerProvider> by_provider;
  for (const auto& p : rev->capacity_providers) {
    by_provider[p].provider_arn = ArnPrefix(d.tenant) + "capacity-provider/" + p;
  }
  if (const ClusterState* cs = state_.index.FindCluster(d.tenant, d.cluster)) {
    for (const auto& [instance_id, tasks] : DaemonTasksByInstance(d, *cs)) {
      // A task told to stop, or on an instance that is gone, no longer counts.
      if (!tasks.live || !tasks.live->wants_running() ||
          DaemonRevisionOfTask(d, *tasks.live) != revision_arn) {
        continue;
      }
      const model::ContainerInstance* ci = cs->FindInstance(instance_id);
      if (!ci || ci->is_inactive() || !by_provider.count(ci->capacity_provider_name)) continue;
      auto& slot = by_provider[ci->capacity_provider_name];
      if (ci->status == model::InstanceStatus::kDraining) {
        ++slot.draining;
        ++counts.draining;
      } else if (tasks.live->last_status == model::TaskState::kRunning) {
        ++slot.running;
        ++counts.running;
      }
    }
  }
  for (const auto& p : rev->capacity_providers) counts.providers.push_back(by_provider[p]);
  return counts;
}

void ControlPlane::AdvanceDaemons(Millis now, storage::ChangeSet& changes) {
  std::vector<Tenant> released;
  for (auto& [arn, d] : state_.daemons) {
    if (d.deleted) continue;
    ClusterState* cs = state_.index.FindCluster(d.tenant, d.cluster);
    if (!cs) continue;
    // A settled daemon (its deployment over, nothing being replaced) has nothing to do until
    // an instance or one of the cluster's daemon tasks changes.
    const bool settled = d.latest().finished() && d.replacing.empty() && d.replacements.empty();
    const std::pair<uint64_t, uint64_t> seen{cs->instances_generation, cs->daemon_task_changes};
    auto quiet = state_.settled_daemons.find(arn);
    if (settled && quiet != state_.settled_daemons.end() && quiet->second == seen) continue;
    const bool was_finished = d.latest().finished();
    const bool changed = AdvanceDaemon(d, *cs, now, changes);
    const bool settled_now = d.latest().finished() && d.replacing.empty() && d.replacements.empty();
    if (settled_now && !changed) {
      state_.settled_daemons[arn] = {cs->instances_generation, cs->daemon_task_changes};
    } else {
      state_.settled_daemons.erase(arn);
    }
    if (!changed) continue;
    changes.PutDaemon(d);
    if (!was_finished && d.latest().finished()) released.push_back(d.tenant);
    if (d.deleted) {  // tags vanish with the resource
      changes.PutTags(d.arn, {});
      state_.tags.Set(d.arn, {});
    }
  }
  for (const Tenant& t : released) ReleaseDaemonTaskDefinitions(state_, t, changes);
}

bool ControlPlane::AdvanceDaemon(model::Daemon& d, ClusterState& cs, Millis now,
                                 storage::ChangeSet& changes) {
  const model::Daemon before = d;
  model::DaemonDeployment& dep = d.latest();
  if (dep.status == DaemonDeploymentStatus::kPending) {
    dep.status = DaemonDeploymentStatus::kInProgress;
    dep.started_at = now;
  }
  FinishDaemonDrains(d, cs, now, changes);
  const auto tasks = DaemonTasksByInstance(d, cs);
  const std::vector<scheduler::DaemonInstance> sorted = DaemonRolloutView(d, cs, tasks);
  CheckDaemonDeploymentHealth(d, static_cast<int64_t>(sorted.size()), now);
  const model::DaemonRevision* target = d.FindRevision(dep.EffectiveTarget());
  scheduler::DaemonRollout rollout;
  rollout.target = target ? target->arn : "";
  if (target) rollout.target_providers = target->capacity_providers;
  rollout.drain_percent = dep.config.drain_percent;
  rollout.rolling = !dep.finished();
  rollout.batch_open = dep.batch_open;
  rollout.in_flight = static_cast<int64_t>(d.replacing.size() + d.replacements.size());
  rollout.bake_until = dep.bake_until;
  const scheduler::DaemonRolloutStep step = scheduler::PlanDaemonRollout(sorted, rollout, now);
  for (const std::string& id : step.start) {
    if (const model::ContainerInstance* ci = cs.FindInstance(id)) {
      if (Status s = StartDaemonTask(d, cs, *ci, changes); !s.ok() && !dep.finished()) {
        ++dep.failure_count;  // it could not be placed: the circuit breaker counts it
      }
    }
  }
  for (const std::string& id : step.repair) {
    const auto it = tasks.find(id);
    if (!dep.finished() && it != tasks.end()) ++dep.failure_count;
    if (model::ContainerInstance* ci = cs.FindInstance(id)) {
      ReplaceDaemonInstance(d, cs, *ci, now, changes);
    }
  }
  for (const std::string& id : step.replace) {
    if (model::ContainerInstance* ci = cs.FindInstance(id)) {
      ReplaceDaemonInstance(d, cs, *ci, now, changes);
    }
  }
  if (!step.replace.empty()) dep.batch_open = true;
  if (step.batch_done) {
    dep.batch_open = false;
    dep.bake_until = now + dep.config.bake_time_minutes * kDaemonBakeMinute;
  }
  if (step.complete) {
    dep.status = dep.rollback ? DaemonDeploymentStatus::kRollbackSuccessful
                              : DaemonDeploymentStatus::kSuccessful;
    dep.finished_at = now;
    if (d.status == model::DaemonStatus::kDeleteInProgress) d.deleted = true;
  }
  if (d == before) return false;
  d.updated_at = std::max(d.updated_at, now);
  return true;
}

void ControlPlane::CheckDaemonDeploymentHealth(model::Daemon& d, int64_t instances, Millis now) {
  model::DaemonDeployment& dep = d.latest();
  if (dep.finished() || dep.rollback || dep.target_revision_arn.empty()) return;
  std::string reason;
  if (dep.config.alarms_enabled && !dep.config.alarm_names.empty()) {
    if (auto states = state_.alarm_states.find(d.tenant); states != state_.alarm_states.end()) {
      const scheduler::AlarmVerdict verdict =
          scheduler::WatchAlarms(dep.config.alarm_names, states->second);
      if (verdict.triggered) {
        dep.triggered_alarms = verdict.triggered_names;
        reason = "CloudWatch alarm(s) in ALARM state.";
      }
    }
  }
  if (reason.empty() && dep.failure_count >= scheduler::DaemonFailureThreshold(instances)) {
    reason = "Deployment circuit breaker: " + std::to_string(dep.failure_count) +
             " daemon tasks failed.";
  }
  if (reason.empty()) return;
  // Back to what ran before: the target of the last deployment that finished successfully.
  std::string previous;
  for (auto it = d.deployments.rbegin() + 1; it != d.deployments.rend(); ++it) {
    if (it->status == DaemonDeploymentStatus::kSuccessful ||
        it->status == DaemonDeploymentStatus::kRollbackSuccessful) {
      previous = it->EffectiveTarget();
      break;
    }
  }
  if (previous.empty() || previous == dep.target_revision_arn) {
    dep.status = DaemonDeploymentStatus::kStopped;
    dep.status_reason = reason + " No earlier revision to roll back to.";
    dep.stopped_at = now;
    return;
  }
  dep.rollback = model::DaemonRollback{reason, now, previous};
  dep.status = DaemonDeploymentStatus::kRollbackInProgress;
  dep.status_reason = reason;
  dep.batch_open = false;
  dep.bake_until = 0;
}

void ControlPlane::ReplaceDaemonInstance(model::Daemon& d, ClusterState& cs,
                                         model::ContainerInstance& ci, Millis now,
                                         storage::ChangeSet& changes) {
  state_.index.UpdateInstance(cs, ci, [](model::ContainerInstance& i) {
    i.status = model::InstanceStatus::kDraining;
    ++i.version;
  });
  changes.PutContainerInstance(ci);
  d.replacing.push_back(ci.id);
  auto providers = state_.capacity_providers.find(d.tenant);
  if (providers == state_.capacity_providers.end()) return;
  auto cp = providers->second.find(ci.capacity_provider_name);
  if (cp == providers->second.end() || !cp->second.is_managed_instances() ||
      cp->second.status != model::CapacityProviderStatus::kActive) {
    return;  // its provider is going: nothing replaces it
  }
  // Big enough for the daemons and the tasks that run on the instance it replaces; the same
  // type when that one is.
  scheduler::WaitingDemand need = DaemonDemandOn(cp->second);
  for (const auto& [id, t] : cs.tasks) {
    if (t.container_instance_id == ci.id && !t.is_stopped() && !IsDaemonTask(t)) {
      need.cpu += t.reserved_cpu;
      need.memory += t.reserved_memory;
    }
  }
  const auto* type = ci.FindAttribute("ecs.instance-type");
  const std::string current = type && *type ? **type : "";
  const int64_t cpu = ci.RegisteredInteger("CPU"), memory = ci.RegisteredInteger("MEMORY");
  const std::string type_name = !current.empty() && cpu >= need.cpu && memory >= need.memory
                                    ? current
                                    : ManagedInstanceTypeFor(cp->second, need, current);
  d.replacements.push_back(LaunchManagedInstance(
      cp->second, type_name.empty() ? "m5.large" : type_name, ci.availability_zone(), now));
  changes.PutCapacityProvider(cp->second);
}

void ControlPlane::FinishDaemonDrains(model::Daemon& d, ClusterState& cs, Millis now,
                                      storage::ChangeSet& changes) {
  // Replacements that joined (or whose launch was dropped) are no longer in flight.
  std::erase_if(d.replacements, [&](const std::string& ec2_id) {
    const model::CapacityProvider* owner = nullptr;
    for (const auto& [name, cp] : state_.capacity_providers[d.tenant]) {
      if (!cp.is_managed_instances()) continue;
      for (const auto& l : cp.managed_instances->launching) {
        if (l.ec2_instance_id == ec2_id) owner = &cp;
      }
    }
    return owner == nullptr;
  });
  std::erase_if(d.replacing, [&](const std::string& id) {
    model::ContainerInstance* ci = cs.FindInstance(id);
    if (!ci || ci->is_inactive()) return true;
    if (RunsServiceTask(cs, id)) return false;  // its services move their tasks first
    // Stopped last: the daemon's task (and any standalone task) stops with the instance.
    TerminateInstance(cs, *ci, "Instance replaced by daemon " + d.name + ".", now, changes);
    return true;
  });
}

Status ControlPlane::StartDaemonTask(model::Daemon& d, ClusterState& cs,
                                     const model::ContainerInstance& ci,
                                     storage::ChangeSet& changes) {
  const model::DaemonDeployment& dep = d.latest();
  const model::DaemonRevision* rev = d.FindRevision(dep.EffectiveTarget());
  if (!rev) return Status::Server("daemon revision missing");
  const auto* td = state_.daemon_task_definitions.FindArn(d.tenant, rev->task_definition_arn);
  const TenantState* ts = state_.index.FindTenant(d.tenant);
  if (!td || !ts || !ts->clusters.count(d.cluster)) return Status::Server("daemon inputs missing");
  TaskDefinitionRecord def;
  def.tenant = d.tenant;
  def.spec = td->spec;
  def.reg.arn = td->reg.arn;
  def.reg.revision = td->reg.revision;
  RunTaskInput in;
  in.cluster = d.cluster;
  in.group = d.task_group();
  in.started_by = dep.id;
  in.enable_execute_command = rev->execute_command;
  model::TagList tags;
  if (rev->propagate_tags) tags = state_.tags.Of(d.arn);
  if (rev->managed_tags) {
    tags.push_back({"aws:ecs:clusterName", d.cluster});
    tags.push_back({"aws:ecs:daemonName", d.name});  // [I]: by analogy with aws:ecs:serviceName
  }
  auto launched = launcher_.LaunchDaemonTask({d.tenant}, cs, ts->clusters.at(d.cluster), def, ci,
                                             in, tags, changes);
  if (!launched.ok()) {
    LogEvent(LogLevel::kWarn, "daemon task not placed")
        .Str("daemon", d.arn)
        .Str("containerInstance", ci.arn)
        .Str("reason", launched.status().message())
        .Write();
    return launched.status();
  }
  return Status::Ok();
}

std::optional<Millis> ControlPlane::NextDaemonDue() const {
  std::optional<Millis> next;
  for (const auto& [arn, d] : state_.daemons) {
    const model::DaemonDeployment& dep = d.latest();
    if (d.deleted || dep.finished()) continue;
    // A PENDING deployment starts at once; a baking one goes on when its bake is over.
    Millis at = 0;
    if (dep.status == DaemonDeploymentStatus::kPending) {
      at = dep.created_at;
    } else if (dep.bake_until > state_.Now()) {
      at = dep.bake_until;
    }
    if (at > 0 && (!next || at < *next)) next = at;
  }
  return next;
}

}  // namespace ecs::control

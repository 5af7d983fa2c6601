// Simulated Auto Scaling groups: a fleet declared with `autoScalingGroup`, and the managed scaling
// an ACTIVE provider naming it runs on each reconciler pass (scheduler/managed_scaling.h decides;
// this file applies the plan: launches that join after the warm-up, drains, terminations).
#include <algorithm>
#include <charconv>
#include <map>
#include <set>

#include "common/log.h"
#include "control/control_plane.h"
#include "control/quotas.h"
#include "scheduler/managed_scaling.h"

namespace ecs::control {

namespace {

constexpr int64_t kMaxGroupSize = 5000;  // as a plain fleet's count

int64_t SizeOf(const std::string& text) {  // a task's cpu or memory as shown
  int64_t value = 0;
  std::from_chars(text.data(), text.data() + text.size(), value);
  return value;
}

// A waiting task that could not even be tried (a constraint of its request no longer parses):
// it keeps waiting; the log says why.
void LogWaitingFailure(const model::Task& t, const Status& status) {
  LogEvent(LogLevel::kWarn, "waiting-task-placement")
      .Str("task", t.arn)
      .Str("error", status.message())
      .Write();
}

// The ACTIVE provider whose group is `g`, or nullptr (one provider per group).
const model::CapacityProvider* ProviderOf(const State& state, const model::AutoScalingGroup& g) {
  auto ti = state.capacity_providers.find(g.tenant);
  if (ti == state.capacity_providers.end()) return nullptr;
  for (const auto& [name, cp] : ti->second) {
    if (cp.is_active() && model::AutoScalingGroupName(cp.auto_scaling_group_arn) == g.name) {
      return &cp;
    }
  }
  return nullptr;
}

// The bounds and shape of a new group, checked; `in` as POST /_emulator/fleets gave it.
Status CheckGroupInput(const FleetInput& in, const std::string& name) {
  if (in.auto_scaling_group.starts_with("arn:") && name == in.auto_scaling_group) {
    return Status::InvalidParameter(
        "autoScalingGroup must be a group name or an Auto Scaling group ARN ending in "
        ":autoScalingGroupName/<name>.");
  }
  if (name.empty() || name.size() > 255) {
    return Status::InvalidParameter("autoScalingGroup must be 1 to 255 characters.");
  }
  if (!in.group_max) return Status::InvalidParameter("max is required with autoScalingGroup.");
  const int64_t min = in.group_min.value_or(0), max = *in.group_max;
  const int64_t desired = in.group_desired.value_or(min);
  if (min < 0 || max > kMaxGroupSize || min > max || desired < min || desired > max) {
    return Status::InvalidParameter(
        "An Auto Scaling group needs 0 <= min <= desired <= max <= 5000.");
  }
  return Status::Ok();
}

// The group's members as a scaling round sees them: its instances in the cluster (by EC2 id),
// then those still warming up.
std::vector<scheduler::GroupMember> MembersOf(const model::AutoScalingGroup& g,
                                              const ClusterState* cs) {
  std::vector<scheduler::GroupMember> members;
  if (cs) {
    std::map<std::string, int64_t> tasks_on;  // container instance id -> tasks not STOPPED
    for (const auto& [id, t] : cs->tasks) {
      if (!t.is_stopped() && !t.container_instance_id.empty()) ++tasks_on[t.container_instance_id];
    }
    for (const auto& [id, ci] : cs->instances) {
      if (ci.auto_scaling_group != g.name || ci.is_inactive()) continue;
      members.push_back({ci.ec2_instance_id, ci.availability_zone(), ci.registered_at, true,
                         ci.status == model::InstanceStatus::kDraining, tasks_on[ci.id]});
    }
  }
  for (const auto& l : g.launching) {
    members.push_back({l.ec2_instance_id, l.availability_zone, l.launched_at, false, false, 0});
  }
  return members;
}

}  // namespace

Result<std::vector<const model::ContainerInstance*>> ControlPlane::CreateAutoScalingGroupFleet(
    const RequestContext& ctx, const FleetInput& in) {
  const std::string name = model::AutoScalingGroupName(in.auto_scaling_group);
  ECS_RETURN_IF_ERROR(CheckGroupInput(in, name));
  auto& groups = state_.auto_scaling_groups[ctx.tenant];
  if (groups.count(name)) {
    return Status::InvalidParameter("Auto Scaling group '" + name + "' already exists.");
  }
  model::AutoScalingGroup g;
  g.tenant = ctx.tenant;
  g.name = name;
  g.arn = in.auto_scaling_group.starts_with("arn:")
              ? in.auto_scaling_group
              : "arn:aws:autoscaling:" + ctx.tenant.region + ":" + ctx.tenant.account +
                    ":autoScalingGroup:" + state_.ids.Uuid() + ":autoScalingGroupName/" + name;
  g.cluster = ClusterNameFromIdentifier(in.cluster);
  g.min_size = in.group_min.value_or(0);
  g.max_size = *in.group_max;
  g.desired_capacity = in.group_desired.value_or(g.min_size);
  g.instance_type = in.instance_type;
  g.availability_zones = in.availability_zones;
  g.attributes = in.attributes;
  // The fleet's own checks (type, cluster, quota) and its first `desired` instances.
  FleetInput plain = in;
  plain.auto_scaling_group.clear();
  plain.count = static_cast<int>(g.desired_capacity);
  auto shape = CheckFleetShape(ctx, plain);
  if (!shape.ok()) return shape.status();
  g.cpu = shape->first;
  g.memory = shape->second;
  if (g.availability_zones.empty()) {
    for (const auto& s : state_.options.az_suffixes)
      g.availability_zones.push_back(ctx.tenant.region + s);
  }
  g.seq = state_.NextSeq();
  storage::ChangeSet changes = state_.NewChanges();
  changes.PutAutoScalingGroup(g);
  const model::AutoScalingGroup& slot = groups[name] = std::move(g);
  ECS_RETURN_IF_ERROR(Commit(changes));
  std::vector<const model::ContainerInstance*> out;
  for (int64_t i = 0; i < slot.desired_capacity; ++i) {
    RegisterInstanceInput reg = GroupInstanceInput(slot);
    reg.availability_zone =
        slot.availability_zones[static_cast<size_t>(i) % slot.availability_zones.size()];
    auto ci = RegisterContainerInstance(ctx, reg);
    if (!ci.ok()) return ci.status();
    out.push_back(*ci);
  }
  return out;
}

RegisterInstanceInput ControlPlane::GroupInstanceInput(const model::AutoScalingGroup& g) const {
  RegisterInstanceInput reg;
  reg.cluster = g.cluster;
  reg.instance_type = g.instance_type;
  reg.total_resources.push_back({std::string(model::kCpuResource), "INTEGER", g.cpu});
  reg.total_resources.push_back({std::string(model::kMemoryResource), "INTEGER", g.memory});
  reg.attributes = g.attributes;
  reg.auto_scaling_group = g.name;
  if (const auto* cp = ProviderOf(state_, g)) reg.capacity_provider_name = cp->name;
  return reg;
}

const model::AutoScalingGroup* ControlPlane::FindAutoScalingGroup(const Tenant& t,
                                                                  const std::string& name) const {
  auto ti = state_.auto_scaling_groups.find(t);
  if (ti == state_.auto_scaling_groups.end()) return nullptr;
  auto it = ti->second.find(name);
  return it == ti->second.end() ? nullptr : &it->second;
}

std::optional<Millis> ControlPlane::NextDue() const {
  std::optional<Millis> next = state_.index.NextDue();
  if (auto timer = scheduler_.NextDeploymentTimer(state_.Now());
      timer && (!next || *timer < *next)) {
    next = timer;
  }
  for (const auto& [tenant, groups] : state_.auto_scaling_groups) {
    for (const auto& [name, g] : groups) {
      for (const auto& l : g.launching) {
        if (!next || l.join_at < *next) next = l.join_at;
      }
    }
  }
  if (auto mi = NextManagedInstancesDue(); mi && (!next || *mi < *next)) next = mi;
  if (auto express = NextExpressDue(); express && (!next || *express < *next)) next = express;
  if (auto daemon = NextDaemonDue(); daemon && (!next || *daemon < *next)) next = daemon;
  return next;
}

void ControlPlane::ScaleAutoScalingGroups(Millis now, storage::ChangeSet& changes) {
  std::set<std::pair<Tenant, std::string>> changed;  // groups, by tenant and name
  for (auto& [tenant, groups] : state_.auto_scaling_groups) {
    for (auto& [name, g] : groups) {
      if (JoinWarmedUpInstances(g, now, changes)) changed.insert({tenant, name});
    }
  }
  // The tasks waiting for capacity take what joined before a round counts what they still need.
  PlaceWaitingTasks(changes);
  for (auto& [tenant, groups] : state_.auto_scaling_groups) {
    for (auto& [name, g] : groups) {
      if (ScaleGroup(g, now, changes)) changed.insert({tenant, name});
      if (changed.count({tenant, name})) changes.PutAutoScalingGroup(g);
    }
  }
}

void ControlPlane::PlaceWaitingTasks(storage::ChangeSet& changes) {
  for (const auto& [tenant, ts] : state_.index.tenants()) {
    for (const auto& [name, cluster] : ts.cluster_state) {
      if (cluster.counts.awaiting_capacity_tasks == 0) continue;
      ClusterState& cs = *state_.index.FindCluster(tenant, name);
      // Oldest first, as they were launched. Placing one changes no key of tasks_by_seq.
      for (auto& [seq, task] : cs.tasks_by_seq) {
        if (!task->awaiting_capacity() || !task->wants_running()) continue;
        auto placed = launcher_.PlaceWaiting(cs, *task, changes);
        if (!placed.ok()) LogWaitingFailure(*task, placed.status());
      }
    }
  }
}

// Tasks waiting in PROVISIONING for `cp`'s capacity in the group's cluster, as a scaling round
// counts them.
std::vector<scheduler::WaitingDemand> ControlPlane::WaitingFor(const model::CapacityProvider& cp,
                                                               const ClusterState* cs) const {
  std::vector<scheduler::WaitingDemand> waiting;
  if (!cs || cs->counts.awaiting_capacity_tasks == 0) return waiting;
  for (const auto& [id, t] : cs->tasks) {
    if (!t.awaiting_capacity() || !t.wants_running() || t.capacity_provider_name != cp.name) {
      continue;
    }
    waiting.push_back({SizeOf(t.cpu), SizeOf(t.memory)});
  }
  return waiting;
}

bool ControlPlane::JoinWarmedUpInstances(model::AutoScalingGroup& g, Millis now,
                                         storage::ChangeSet& changes) {
  ClusterState* cs = state_.index.FindCluster(g.tenant, g.cluster);
  const TenantState* ts = state_.index.FindTenant(g.tenant);
  auto record = ts ? ts->clusters.find(g.cluster) : decltype(ts->clusters.find(g.cluster)){};
  const bool active =
      ts && record != ts->clusters.end() && record->second.status == model::ClusterStatus::kActive;
  bool changed = false;
  for (auto it = g.launching.begin(); it != g.launching.end();) {
    if (it->join_at > now) {
      ++it;
      continue;
    }
    // An instance whose cluster is gone (or full) does not join; the group forgets it.
    if (cs && active && CheckInstanceQuota(*cs, 1).ok()) {
      RegisterInstanceInput reg = GroupInstanceInput(g);
      reg.identity.instance_id = it->ec2_instance_id;
      reg.availability_zone = it->availability_zone;
      AddInstance({g.tenant}, *cs, reg, now, changes);
    }
    it = g.launching.erase(it);
    changed = true;
  }
  return changed;
}

bool ControlPlane::ScaleGroup(model::AutoScalingGroup& g, Millis now, storage::ChangeSet& changes) {
  const model::CapacityProvider* cp = ProviderOf(state_, g);
  if (!cp || !cp->managed_scaling.enabled) return false;
  // ECS publishes CapacityProviderReservation per cluster the provider is associated with: a
  // provider no cluster has (or not the group's) scales nothing.
  const TenantState* ts = state_.index.FindTenant(g.tenant);
  auto record = ts ? ts->clusters.find(g.cluster) : decltype(ts->clusters.find(g.cluster)){};
  if (!ts || record == ts->clusters.end() ||
      std::find(record->second.capacity_providers.begin(), record->second.capacity_providers.end(),
                cp->name) == record->second.capacity_providers.end()) {
    return false;
  }
  ClusterState* cs = state_.index.FindCluster(g.tenant, g.cluster);
  const std::vector<scheduler::GroupMember> members = MembersOf(g, cs);
  scheduler::GroupScaling settings;
  const model::ManagedScaling& ms = cp->managed_scaling;
  settings.target_capacity = ms.target_capacity;
  settings.minimum_step = ms.minimum_scaling_step_size;
  settings.maximum_step = ms.maximum_scaling_step_size;
  // Instant timing: instances join at once, as every other simulated step there.
  settings.warmup = state_.options.lifecycle.instance_warmup ? ms.instance_warmup_period * 1000 : 0;
  settings.termination_protection = cp->managed_termination_protection;
  settings.managed_draining = cp->managed_draining;
  settings.group_min = g.min_size;
  settings.group_max = g.max_size;
  settings.instance_cpu = g.cpu;
  settings.instance_memory = g.memory;
  const std::vector<scheduler::WaitingDemand> waiting = WaitingFor(*cp, cs);
  const scheduler::ScalingPlan plan = scheduler::PlanScalingRound(settings, members, waiting, now);
  bool changed = plan.desired != g.desired_capacity;
  g.desired_capacity = plan.desired;
  std::vector<scheduler::GroupMember> growing = members;
  for (int64_t i = 0; i < plan.launch; ++i) {
    model::LaunchingInstance l{"i-" + state_.ids.Hex32().substr(0, 17),
                               scheduler::LeastUsedZone(g.availability_zones, growing), now,
                               plan.join_at};
    growing.push_back({l.ec2_instance_id, l.availability_zone, now, false, false, 0});
    g.launching.push_back(std::move(l));
    changed = true;
  }
  if (cs) RetireGroupInstances(*cs, g, plan, now, changes);
  return changed || !plan.drain.empty() || !plan.terminate.empty();
}

void ControlPlane::RetireGroupInstances(ClusterState& cs, const model::AutoScalingGroup& g,
                                        const scheduler::ScalingPlan& plan, Millis now,
                                        storage::ChangeSet& changes) {
  auto listed = [](const std::vector<std::string>& ids, const std::string& id) {
    return std::find(ids.begin(), ids.end(), id) != ids.end();
  };
  for (auto& [id, ci] : cs.instances) {
    if (ci.auto_scaling_group != g.name || ci.is_inactive()) continue;
    if (listed(plan.drain, ci.ec2_instance_id)) {
      // Managed draining: the service scheduler moves its tasks away; a later round terminates
      // it once empty.
      state_.index.UpdateInstance(cs, ci, [](model::ContainerInstance& i) {
        i.status = model::InstanceStatus::kDraining;
        ++i.version;
      });
      changes.PutContainerInstance(ci);
    } else if (listed(plan.terminate, ci.ec2_instance_id)) {
      TerminateInstance(cs, ci, "Instance terminated by its Auto Scaling group", now, changes);
    }
  }
}

}  // namespace ecs::control

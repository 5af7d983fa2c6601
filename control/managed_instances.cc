// Managed Instances capacity providers (docs/resources.md §9; the botocore model's
// ManagedInstancesProvider): Create/Update/Delete of a provider scoped to one cluster, and its
// simulated fleet. Tasks placed through the provider that find no room wait in PROVISIONING
// (control/task_launcher.cc), the provider launches instances of the types its
// instanceRequirements allow for them (scheduler/managed_instances.h decides), they register with
// the cluster after kLaunchDelay carrying the provider's name, and an instance idle for
// scaleInAfter seconds is retired (deregistered). Instances of a provider are the cluster's
// container instances whose capacityProviderName is the provider's name.
#include "scheduler/managed_instances.h"

#include <algorithm>
#include <functional>
#include <map>

#include "control/capacity_providers.h"
#include "control/control_plane.h"
#include "control/instance_types.h"
#include "control/quotas.h"
#include "control/tags.h"

namespace ecs::control {

namespace {

// How long a launched instance takes to register with the cluster under realistic timing [I]:
// about what an EC2 instance takes to boot and start the ECS agent. Instant timing: at once.
constexpr Millis kLaunchDelay = 60'000;

Status NotManagedInstances(const std::string& name) {
  // [I] text.
  return Status::InvalidParameter("The capacity provider " + name +
                                  " is not a Managed Instances capacity provider: cluster and "
                                  "managedInstancesProvider do not apply to it.");
}

Status WrongCluster(const model::CapacityProvider& cp, const std::string& cluster) {
  // [I] text; the model: such a provider "can only be updated (deleted) within its associated
  // cluster".
  return Status::InvalidParameter("The capacity provider " + cp.name +
                                  " is associated with the cluster " + cp.cluster + ", not " +
                                  ClusterNameFromIdentifier(cluster) + ".");
}

bool Deleting(const model::CapacityProvider& cp) {
  return !cp.is_active() ||
         cp.update_status == model::CapacityProviderUpdateStatus::kDeleteInProgress;
}

std::vector<scheduler::InstanceTypeOption> Catalog() {
  std::vector<scheduler::InstanceTypeOption> out;
  out.reserve(InstanceTypeCatalog().size());
  for (const InstanceTypeInfo& t : InstanceTypeCatalog()) {
    out.push_back({std::string(t.name), t.cpu / 1024, t.memory_mib, t.cpu, t.memory,
                   std::string(t.architecture)});
  }
  return out;
}

// The zones the provider launches into: those of its subnets (each subnet lies in one of the
// region's zones, as a Fargate task's subnet does), else every zone of the region.
std::vector<std::string> ZonesOf(const model::CapacityProvider& cp,
                                 const std::vector<std::string>& region_zones) {
  std::vector<std::string> zones;
  for (const auto& subnet : cp.managed_instances->subnets) {
    const std::string& z = region_zones[std::hash<std::string>{}(subnet) % region_zones.size()];
    if (std::find(zones.begin(), zones.end(), z) == zones.end()) zones.push_back(z);
  }
  return zones.empty() ? region_zones : zones;
}

}  // namespace

Result<const model::CapacityProvider*> ControlPlane::CreateManagedInstancesProvider(
    const RequestContext& ctx, CapacityProviderInput in) {
  if (in.has_auto_scaling_group_provider) {
    // [I] text: a provider is one or the other (docs/operations.md B1).
    return Status::InvalidParameter(
        "Specify either autoScalingGroupProvider or managedInstancesProvider, not both.");
  }
  if (!in.managed_instances) {
    return Status::InvalidParameter("managedInstancesProvider can not be empty.");
  }
  if (in.cluster.empty()) {
    // The model: cluster "is required for Managed instances" [I] text.
    return Status::InvalidParameter(
        "cluster is required for a capacity provider with managedInstancesProvider.");
  }
  ECS_RETURN_IF_ERROR(ValidateTags(in.tags));
  auto ref = ResolveCluster(ctx, in.cluster, /*require_active=*/true);
  if (!ref.ok()) return ref.status();
  ECS_RETURN_IF_ERROR(CheckProviderNameFree(state_, ctx.tenant, in.name));
  model::CapacityProvider cp;
  cp.tenant = ctx.tenant;
  cp.name = in.name;
  cp.arn = CapacityProviderArn(ctx.tenant, in.name);
  cp.cluster = ref->cluster->name;
  cp.managed_instances = std::move(*in.managed_instances);
  // The model: the provider is created "to associate with" the cluster and becomes available
  // only within it: it joins the cluster's capacity providers at once.
  storage::ChangeSet changes = state_.NewChanges();
  if (std::find(ref->cluster->capacity_providers.begin(), ref->cluster->capacity_providers.end(),
                cp.name) == ref->cluster->capacity_providers.end()) {
    model::Cluster next = *ref->cluster;
    next.capacity_providers.push_back(cp.name);
    changes.PutCluster(next);
    state_.index.PutCluster(std::move(next));
  }
  return InsertCapacityProvider(std::move(cp), std::move(in.tags), changes);
}

Result<const model::CapacityProvider*> ControlPlane::UpdateManagedInstancesProvider(
    const RequestContext& ctx, const model::CapacityProvider& found,
    const CapacityProviderInput& in) {
  (void)ctx;
  if (!found.is_managed_instances()) return NotManagedInstances(found.name);
  if (in.has_auto_scaling_group_provider) {
    return Status::InvalidParameter(
        "autoScalingGroupProvider does not apply to the Managed Instances capacity provider " +
        found.name + ".");
  }
  if (!in.managed_instances) {
    // [I] text.
    return Status::InvalidParameter(
        "managedInstancesProvider can not be empty: specify the settings to update.");
  }
  if (!in.cluster.empty() && ClusterNameFromIdentifier(in.cluster) != found.cluster) {
    return WrongCluster(found, in.cluster);
  }
  model::CapacityProvider next = found;
  // The model: the new settings apply to instances launched after the update.
  next.managed_instances = *in.managed_instances;
  next.update_status = model::CapacityProviderUpdateStatus::kUpdateComplete;
  next.update_status_reason.clear();
  return StoreCapacityProvider(found.tenant, std::move(next));
}

Result<const model::CapacityProvider*> ControlPlane::DeleteManagedInstancesProvider(
    const RequestContext& ctx, const model::CapacityProvider& found, const std::string& cluster) {
  if (!found.is_managed_instances()) return NotManagedInstances(found.name);
  if (!cluster.empty() && ClusterNameFromIdentifier(cluster) != found.cluster) {
    return WrongCluster(found, cluster);
  }
  model::CapacityProvider next = found;
  storage::ChangeSet changes = state_.NewChanges();
  const TenantState* ts = state_.index.FindTenant(ctx.tenant);
  auto record = ts ? ts->clusters.find(found.cluster) : decltype(ts->clusters.find("")){};
  ClusterState* cs = state_.index.FindCluster(ctx.tenant, found.cluster);
  if (ts && record != ts->clusters.end()) {
    const model::Cluster& c = record->second;
    const bool in_default = std::any_of(
        c.default_capacity_provider_strategy.begin(), c.default_capacity_provider_strategy.end(),
        [&](const auto& item) { return item.capacity_provider == found.name; });
    if ((cs && ProviderInUse(*cs, found.name)) || in_default ||
        DaemonUsesProvider(found.tenant, found.name)) {
      // As for an Auto Scaling group provider still in use: DELETE_FAILED, the provider stays.
      next.update_status = model::CapacityProviderUpdateStatus::kDeleteFailed;
      next.update_status_reason =
          "The capacity provider cannot be deleted because it is in use by cluster " + c.name +
          " (a service, a task, a daemon or the default capacity provider strategy). Stop using it "
          "and try again.";
      return StoreCapacityProvider(found.tenant, std::move(next));
    }
    model::Cluster without = c;
    std::erase(without.capacity_providers, found.name);
    changes.PutCluster(without);
    state_.index.PutCluster(std::move(without));
  }
  // INACTIVE on the next reconciler pass (FinishProviderDeletes); its instances are retired then
  // (ScaleManagedInstances), those still launching never join.
  next.update_status = model::CapacityProviderUpdateStatus::kDeleteInProgress;
  next.update_status_reason.clear();
  next.managed_instances->launching.clear();
  changes.PutCapacityProvider(next);
  auto& slot = state_.capacity_providers[found.tenant][found.name];
  slot = std::move(next);
  ECS_RETURN_IF_ERROR(Commit(changes));
  return &slot;
}

RegisterInstanceInput ControlPlane::ManagedInstanceInput(const model::CapacityProvider& cp,
                                                         const model::LaunchingInstance& l) const {
  RegisterInstanceInput reg;
  reg.cluster = cp.cluster;
  reg.instance_type = l.instance_type;
  reg.identity.instance_id = l.ec2_instance_id;
  reg.availability_zone = l.availability_zone;
  reg.capacity_provider_name = cp.name;
  // propagateTags CAPACITY_PROVIDER: the provider's tags on each instance it launches.
  if (cp.managed_instances->propagate_tags) reg.tags = state_.tags.Of(cp.arn);
  return reg;
}

void ControlPlane::JoinManagedInstances(Millis now, storage::ChangeSet& changes) {
  for (auto& [tenant, providers] : state_.capacity_providers) {
    for (auto& [name, cp] : providers) {
      if (!cp.is_managed_instances()) continue;
      auto& launching = cp.managed_instances->launching;
      ClusterState* cs = state_.index.FindCluster(tenant, cp.cluster);
      const size_t before = launching.size();
      for (auto it = launching.begin(); it != launching.end();) {
        if (it->join_at > now) {
          ++it;
          continue;
        }
        // An instance whose cluster is gone (or full) does not join; the provider forgets it.
        if (cs && !Deleting(cp) && CheckInstanceQuota(*cs, 1).ok()) {
          const RegisterInstanceInput reg = ManagedInstanceInput(cp, *it);
          const model::ContainerInstance& ci = AddInstance({tenant}, *cs, reg, now, changes);
          changes.PutTags(ci.arn, reg.tags);
          state_.tags.Set(ci.arn, reg.tags);
        }
        it = launching.erase(it);
      }
      if (launching.size() != before) changes.PutCapacityProvider(cp);
    }
  }
}

void ControlPlane::ScaleManagedInstances(Millis now, storage::ChangeSet& changes) {
  for (auto& [tenant, providers] : state_.capacity_providers) {
    for (auto& [name, cp] : providers) {
      if (cp.is_managed_instances() && ScaleManagedInstancesOf(cp, now, changes)) {
        changes.PutCapacityProvider(cp);
      }
    }
  }
}

bool ControlPlane::ScaleManagedInstancesOf(model::CapacityProvider& cp, Millis now,
                                           storage::ChangeSet& changes) {
  model::ManagedInstancesSettings& mi = *cp.managed_instances;
  ClusterState* cs = state_.index.FindCluster(cp.tenant, cp.cluster);
  const model::ManagedInstancesSettings before = mi;
  if (cs) RetireIdleManagedInstances(*cs, cp, now, changes);
  if (!cs || Deleting(cp)) return mi != before;
  // Scale-out: what the waiting tasks need beyond the instances already launching.
  std::vector<scheduler::WaitingDemand> waiting = WaitingFor(cp, cs);
  if (waiting.empty()) return mi != before;
  // Each new instance also runs the daemons of the provider, started before any other task.
  const scheduler::WaitingDemand daemons = DaemonDemandOn(cp);
  for (auto& w : waiting) {
    w.cpu += daemons.cpu;
    w.memory += daemons.memory;
  }
  std::vector<scheduler::WaitingDemand> launching;
  std::vector<scheduler::GroupMember> members;  // for the zone spread
  for (const auto& l : mi.launching) {
    const auto type = FindInstanceType(l.instance_type);
    launching.push_back({type ? type->cpu : 0, type ? type->memory : 0});
    members.push_back({l.ec2_instance_id, l.availability_zone, l.launched_at, false, false, 0});
  }
  for (const auto& [id, ci] : cs->instances) {
    if (ci.capacity_provider_name != cp.name || ci.is_inactive()) continue;
    members.push_back(
        {ci.ec2_instance_id, ci.availability_zone(), ci.registered_at, true, false, 0});
  }
  const auto catalog = Catalog();
  const auto allowed = scheduler::AllowedInstanceTypes(catalog, mi.requirements);
  std::vector<std::string> region_zones;
  region_zones.reserve(state_.options.az_suffixes.size());
  for (const auto& s : state_.options.az_suffixes) region_zones.push_back(cp.tenant.region + s);
  const std::vector<std::string> zones = ZonesOf(cp, region_zones);
  for (const std::string& type : scheduler::PlanInstanceLaunches(waiting, launching, allowed)) {
    const std::string zone = scheduler::LeastUsedZone(zones, members);
    members.push_back({LaunchManagedInstance(cp, type, zone, now), zone, now, false, false, 0});
  }
  return mi != before;
}

std::string ControlPlane::ManagedInstanceTypeFor(const model::CapacityProvider& cp,
                                                 scheduler::WaitingDemand need,
                                                 const std::string& fallback) const {
  const auto catalog = Catalog();
  for (const auto& type :
       scheduler::AllowedInstanceTypes(catalog, cp.managed_instances->requirements)) {
    if (type.registered_cpu >= need.cpu && type.registered_memory >= need.memory) return type.name;
  }
  return fallback;
}

std::string ControlPlane::LaunchManagedInstance(model::CapacityProvider& cp,
                                                const std::string& type, const std::string& zone,
                                                Millis now) {
  const Millis join_at = now + (state_.options.lifecycle.instance_warmup ? kLaunchDelay : 0);
  model::LaunchingInstance l{"i-" + state_.ids.Hex32().substr(0, 17), zone, now, join_at, type};
  cp.managed_instances->launching.push_back(l);
  return l.ec2_instance_id;
}

void ControlPlane::RetireIdleManagedInstances(ClusterState& cs, model::CapacityProvider& cp,
                                              Millis now, storage::ChangeSet& changes) {
  model::ManagedInstancesSettings& mi = *cp.managed_instances;
  std::map<std::string, int64_t> tasks_on;  // container instance id -> tasks not STOPPED
  for (const auto& [id, t] : cs.tasks) {
    // A daemon's task does not keep its instance from idling (it is there for the others).
    if (!t.is_stopped() && !t.container_instance_id.empty() && !IsDaemonTask(t)) {
      ++tasks_on[t.container_instance_id];
    }
  }
  std::map<std::string, Millis> idle;  // what stays of idle_since: instances still idle
  for (auto& [id, ci] : cs.instances) {
    if (ci.capacity_provider_name != cp.name || ci.is_inactive()) continue;
    if (tasks_on[ci.id] > 0) continue;
    auto known = mi.idle_since.find(ci.ec2_instance_id);
    const Millis since = known == mi.idle_since.end() ? now : known->second;
    const auto retire_at = scheduler::RetireAt(since, mi.scale_in_after);
    if (Deleting(cp) || (retire_at && *retire_at <= now)) {
      // Idle for scaleInAfter (or its provider deleted): nothing to drain, so it is
      // deregistered at once.
      TerminateInstance(cs, ci, "Instance retired by its Managed Instances capacity provider", now,
                        changes);
      continue;
    }
    idle[ci.ec2_instance_id] = since;
  }
  mi.idle_since = std::move(idle);
}

std::optional<Millis> ControlPlane::NextManagedInstancesDue() const {
  std::optional<Millis> next;
  auto consider = [&](std::optional<Millis> at) {
    if (at && (!next || *at < *next)) next = at;
  };
  for (const auto& [tenant, providers] : state_.capacity_providers) {
    for (const auto& [name, cp] : providers) {
      if (!cp.is_managed_instances()) continue;
      for (const auto& l : cp.managed_instances->launching) consider(l.join_at);
      for (const auto& [id, since] : cp.managed_instances->idle_since) {
        consider(scheduler::RetireAt(since, cp.managed_instances->scale_in_after));
      }
    }
  }
  return next;
}

}  // namespace ecs::control

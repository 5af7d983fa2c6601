// Container instances: registration (agent calls and fleets), deregistration, draining, the
// derived usage that placement reads, and the simulated agent update.
#include <algorithm>
#include <cstdio>

#include "common/arn_check.h"
#include "common/pagination.h"
#include "control/control_plane.h"
#include "control/instance_types.h"
#include "control/quotas.h"
#include "model/agent_capabilities.h"
#include "scheduler/query_language.h"

namespace ecs::control {

namespace {

constexpr const char* kDefaultAgentVersion = "1.89.1";
constexpr const char* kLatestAgentVersion = "1.89.1";
constexpr const char* kDefaultDockerVersion = "DockerVersion: 25.0.8";

bool IsBuiltInAttribute(std::string_view name) {
  return name.starts_with("ecs.") || name.starts_with("com.amazonaws.ecs.");
}

std::string RandomHex(IdGenerator& ids, size_t n) { return ids.Hex32().substr(0, n); }

model::Resource IntegerResource(std::string name, int64_t v) {
  model::Resource r;
  r.name = std::move(name);
  r.type = "INTEGER";
  r.integer_value = v;
  return r;
}

model::Resource StringSetResource(std::string name, std::vector<std::string> v) {
  model::Resource r;
  r.name = std::move(name);
  r.type = "STRINGSET";
  r.string_set = std::move(v);
  return r;
}

void SetAttribute(std::vector<model::Attribute>& attrs, const std::string& name,
                  std::optional<std::string> value) {
  for (auto& a : attrs) {
    if (a.name == name) {
      a.value = std::move(value);
      return;
    }
  }
  attrs.push_back({name, std::move(value)});
}

std::vector<model::Resource> RegisteredResources(const RegisterInstanceInput& in,
                                                 const InstanceTypeInfo* type_info) {
  // totalResources: CPU, MEMORY, PORTS, PORTS_UDP always, in that order; others as given.
  auto take = [&](std::string_view name) -> std::optional<model::Resource> {
    for (const auto& r : in.total_resources) {
      if (r.name == name) return r;
    }
    return std::nullopt;
  };
  std::vector<model::Resource> out;
  out.push_back(take("CPU").value_or(IntegerResource("CPU", type_info ? type_info->cpu : 2048)));
  out.push_back(
      take("MEMORY").value_or(IntegerResource("MEMORY", type_info ? type_info->memory : 7681)));
  out.push_back(take("PORTS").value_or(StringSetResource("PORTS", model::DefaultReservedPorts())));
  out.push_back(take("PORTS_UDP").value_or(StringSetResource("PORTS_UDP", {})));
  for (const auto& r : in.total_resources) {
    if (r.name != model::kCpuResource && r.name != model::kMemoryResource &&
        r.name != model::kPortsResource && r.name != model::kUdpPortsResource) {
      out.push_back(r);
    }
  }
  return out;
}

std::vector<model::Attribute> InstanceAttributes(const RegisterInstanceInput& in,
                                                 const model::ContainerInstance* existing,
                                                 IdGenerator& ids, const std::string& ami,
                                                 const std::string& az,
                                                 const std::string& instance_type,
                                                 const std::string& arch) {
  std::vector<model::Attribute> attrs;
  // Sized up front: ~75 attributes, 72 bytes each, and a doubled vector held 10 KiB per
  // instance where 5.5 KiB is used (bench/scale.py).
  attrs.reserve(8 + model::AgentCapabilities().size() + in.attributes.size() +
                (existing ? existing->attributes.size() : 0));
  attrs.push_back({"ecs.ami-id", ami});
  attrs.push_back({"ecs.availability-zone", az});
  attrs.push_back({"ecs.instance-type", instance_type});
  attrs.push_back({"ecs.os-type", "linux"});
  attrs.push_back({"ecs.os-family", "LINUX"});
  attrs.push_back({"ecs.cpu-architecture", arch});
  attrs.push_back({"ecs.vpc-id", "vpc-" + RandomHex(ids, 17)});
  attrs.push_back({"ecs.subnet-id", "subnet-" + RandomHex(ids, 17)});
  for (const auto& cap : model::AgentCapabilities()) attrs.push_back({cap, std::nullopt});
  if (existing) {
    // Keep custom attributes across re-registration.
    for (const auto& a : existing->attributes) {
      if (!IsBuiltInAttribute(a.name)) attrs.push_back(a);
    }
  }
  for (const auto& a : in.attributes) SetAttribute(attrs, a.name, a.value);
  return attrs;
}

// The instance record a registration produces: identity, agent, resources and attributes.
// `existing` is the instance being re-registered, if any.
model::ContainerInstance BuildInstance(const RequestContext& ctx, const std::string& cluster,
                                       const RegisterInstanceInput& in,
                                       const model::ContainerInstance* existing, IdGenerator& ids,
                                       int64_t seq, Millis now, const std::string& default_az) {
  // What the instance identity document tells (all optional), then the defaults.
  const InstanceIdentity& doc = in.identity;
  std::string az = !in.availability_zone.empty() ? in.availability_zone : doc.availability_zone;
  std::string instance_type = !in.instance_type.empty() ? in.instance_type : doc.instance_type;
  std::string ec2_id = doc.instance_id, ami = doc.image_id, arch = doc.architecture;
  const auto type_info = FindInstanceType(instance_type.empty() ? "m5.large" : instance_type);
  if (instance_type.empty()) instance_type = "m5.large";
  if (arch.empty()) arch = type_info ? std::string(type_info->architecture) : "x86_64";
  if (az.empty()) az = default_az;
  if (ec2_id.empty()) ec2_id = "i-" + RandomHex(ids, 17);
  if (ami.empty()) ami = "ami-" + RandomHex(ids, 17);

  model::ContainerInstance ci;
  if (existing) {
    ci = *existing;
    ++ci.version;
  } else {
    ci.tenant = ctx.tenant;
    ci.cluster = cluster;
    ci.id = ids.Hex32();
    ci.arn = ArnPrefix(ctx.tenant) + "container-instance/" + cluster + "/" + ci.id;
    ci.seq = seq;
    ci.registered_at = now;
  }
  ci.ec2_instance_id = ec2_id;
  if (!in.auto_scaling_group.empty()) ci.auto_scaling_group = in.auto_scaling_group;
  if (!in.capacity_provider_name.empty()) ci.capacity_provider_name = in.capacity_provider_name;
  ci.status = model::InstanceStatus::kActive;
  ci.status_reason.clear();
  ci.agent_connected = true;
  ci.agent_version = in.agent_version.empty() ? kDefaultAgentVersion : in.agent_version;
  ci.agent_hash = in.agent_hash.empty() ? "a1b2c3d4" : in.agent_hash;
  ci.docker_version = in.docker_version.empty() ? kDefaultDockerVersion : in.docker_version;
  ci.platform_devices = in.platform_devices;
  ci.registered_resources = RegisteredResources(in, type_info ? &*type_info : nullptr);
  ci.attributes = InstanceAttributes(in, existing, ids, ami, az, instance_type, arch);
  return ci;
}

}  // namespace

Result<const model::ContainerInstance*> ControlPlane::RegisterContainerInstance(
    const RequestContext& ctx, const RegisterInstanceInput& in) {
  ECS_RETURN_IF_ERROR(CheckArnArgument(ctx.tenant, in.cluster, ArnResource::kCluster));
  const std::string cluster_name = ClusterNameFromIdentifier(in.cluster);
  ECS_RETURN_IF_ERROR(CheckArnArgument(ctx.tenant, in.container_instance_arn,
                                       ArnResource::kContainerInstance, cluster_name));
  auto cluster = FindCluster(ctx, cluster_name, /*require_active=*/true);
  if (!cluster.ok()) {
    // The agent creates `default` for a first instance; any other cluster must exist.
    if (cluster_name != "default" ||
        cluster.status().code() != ErrorCode::kClusterNotFoundException) {
      return cluster.status();
    }
    CreateClusterInput create;
    create.cluster_name = "default";
    auto created = CreateCluster(ctx, std::move(create));
    if (!created.ok()) return created.status();
  }
  ECS_RETURN_IF_ERROR(ValidateTags(in.tags));
  for (const auto& r : in.total_resources) {
    if ((r.name == model::kCpuResource || r.name == model::kMemoryResource) &&
        r.integer_value < 0) {
      return Status::InvalidParameter("totalResources " + r.name + " must not be negative.");
    }
  }
  ClusterState& cs = state_.index.GetCluster(ctx.tenant, cluster_name);
  // Re-registration: the same ARN, or the same EC2 instance still ACTIVE in this cluster.
  model::ContainerInstance* existing = nullptr;
  if (!in.container_instance_arn.empty()) existing = cs.FindInstance(in.container_instance_arn);
  if (!existing && !in.identity.instance_id.empty()) {
    for (auto& [id, ci] : cs.instances) {
      if (ci.ec2_instance_id == in.identity.instance_id && !ci.is_inactive()) existing = &ci;
    }
  }
  if (!existing) ECS_RETURN_IF_ERROR(CheckInstanceQuota(cs, 1));
  model::ContainerInstance ci =
      BuildInstance(ctx, cluster_name, in, existing, state_.ids, existing ? 0 : state_.NextSeq(),
                    Now(), ctx.tenant.region + state_.options.az_suffixes.front());
  storage::ChangeSet changes = state_.NewChanges();
  changes.PutContainerInstance(ci);
  if (!existing) {
    changes.PutTags(ci.arn, in.tags);
    state_.tags.Set(ci.arn, in.tags);
  }
  const model::ContainerInstance& slot = state_.index.PutInstance(cs, std::move(ci));
  ECS_RETURN_IF_ERROR(Commit(changes));
  return &slot;
}

const model::ContainerInstance& ControlPlane::AddInstance(const RequestContext& ctx,
                                                          ClusterState& cs,
                                                          const RegisterInstanceInput& in,
                                                          Millis now, storage::ChangeSet& changes) {
  model::ContainerInstance ci =
      BuildInstance(ctx, in.cluster, in, nullptr, state_.ids, state_.NextSeq(), now,
                    ctx.tenant.region + state_.options.az_suffixes.front());
  changes.PutContainerInstance(ci);
  return state_.index.PutInstance(cs, std::move(ci));
}

void ControlPlane::TerminateInstance(ClusterState& cs, model::ContainerInstance& ci,
                                     const std::string& reason, Millis now,
                                     storage::ChangeSet& changes) {
  state_.index.UpdateInstance(cs, ci, [](model::ContainerInstance& i) {
    i.status = model::InstanceStatus::kInactive;
    i.agent_connected = false;
    ++i.version;
  });
  changes.PutContainerInstance(ci);
  // The instance is gone, so its tasks stop with it; services replace theirs elsewhere.
  for (auto& [id, t] : cs.tasks) {
    if (t.container_instance_id == ci.id && !t.is_stopped()) {
      lifecycle_.RequestStop(cs, t, model::StopCode::kTerminationNotice, reason, now, changes);
    }
  }
}

Result<std::pair<int64_t, int64_t>> ControlPlane::CheckFleetShape(const RequestContext& ctx,
                                                                  const FleetInput& in) {
  const auto type_info = FindInstanceType(in.instance_type);
  if (!type_info && (!in.cpu || !in.memory)) {
    return Status::InvalidParameter("Unknown instance type '" + in.instance_type +
                                    "': give cpu and memory explicitly.");
  }
  ECS_RETURN_IF_ERROR(CheckArnArgument(ctx.tenant, in.cluster, ArnResource::kCluster));
  std::string cluster_name = ClusterNameFromIdentifier(in.cluster);
  // All or nothing: a fleet that would pass the quota is refused before its first instance.
  if (const ClusterState* cs = state_.index.FindCluster(ctx.tenant, cluster_name)) {
    ECS_RETURN_IF_ERROR(CheckInstanceQuota(*cs, in.count));
  }
  if (auto found = FindCluster(ctx, cluster_name, true); !found.ok()) {
    if (!in.create_cluster) {
      return Status::ClusterNotFound(found.status().message() +
                                     " Create it first, or pass \"createCluster\": true.");
    }
    CreateClusterInput create;
    create.cluster_name = cluster_name;
    auto created = CreateCluster(ctx, std::move(create));
    if (!created.ok()) return created.status();
  }
  return std::pair<int64_t, int64_t>{in.cpu.value_or(type_info ? type_info->cpu : 0),
                                     in.memory.value_or(type_info ? type_info->memory : 0)};
}

Result<std::vector<const model::ContainerInstance*>> ControlPlane::CreateFleet(
    const RequestContext& ctx, const FleetInput& in) {
  if (!in.auto_scaling_group.empty()) return CreateAutoScalingGroupFleet(ctx, in);
  if (in.count < 1 || in.count > 5000) {
    return Status::InvalidParameter("count must be between 1 and 5000.");
  }
  auto shape = CheckFleetShape(ctx, in);
  if (!shape.ok()) return shape.status();
  const std::string cluster_name = ClusterNameFromIdentifier(in.cluster);
  std::vector<std::string> azs = in.availability_zones;
  if (azs.empty()) {
    for (const auto& s : state_.options.az_suffixes) azs.push_back(ctx.tenant.region + s);
  }
  std::vector<const model::ContainerInstance*> out;
  for (int i = 0; i < in.count; ++i) {
    RegisterInstanceInput reg;
    reg.cluster = cluster_name;
    reg.instance_type = in.instance_type;
    reg.availability_zone = azs[static_cast<size_t>(i) % azs.size()];
    reg.total_resources.push_back(IntegerResource("CPU", shape->first));
    reg.total_resources.push_back(IntegerResource("MEMORY", shape->second));
    reg.attributes = in.attributes;
    auto ci = RegisterContainerInstance(ctx, reg);
    if (!ci.ok()) return ci.status();
    out.push_back(*ci);
  }
  return out;
}

Result<const model::ContainerInstance*> ControlPlane::DeregisterContainerInstance(
    const RequestContext& ctx, const std::string& cluster, const std::string& instance,
    bool force) {
  auto c = ResolveCluster(ctx, cluster, /*require_active=*/false);
  if (!c.ok()) return c.status();
  ECS_RETURN_IF_ERROR(
      CheckArnArgument(ctx.tenant, instance, ArnResource::kContainerInstance, c->cluster->name));
  ClusterState& cs = *c->state;
  model::ContainerInstance* ci = cs.FindInstance(instance);
  if (!ci || ci->is_inactive()) {
    return Status::InvalidParameter("The referenced container instance " + instance +
                                    " was not found.");
  }
  std::vector<model::Task*> on_instance;
  for (auto& [id, t] : cs.tasks) {
    if (t.container_instance_id == ci->id && !t.is_stopped()) on_instance.push_back(&t);
  }
  bool has_running = std::any_of(on_instance.begin(), on_instance.end(),
                                 [](model::Task* t) { return t->wants_running(); });
  if (has_running && !force) {
    return Status::InvalidParameter(
        "Found running tasks on the instance. Stop the tasks or deregister with force.");
  }
  storage::ChangeSet changes = state_.NewChanges();
  TerminateInstance(cs, *ci, "Container instance deregistration forced by user", Now(), changes);
  ECS_RETURN_IF_ERROR(Commit(changes));
  return ci;
}

Status ControlPlane::DescribeContainerInstances(const RequestContext& ctx,
                                                const std::string& cluster,
                                                const std::vector<std::string>& ids,
                                                std::vector<const model::ContainerInstance*>* found,
                                                std::vector<DescribeFailure>* failures) const {
  auto c = FindCluster(ctx, cluster, /*require_active=*/false);
  if (!c.ok()) return c.status();
  // Not the cluster: in a Describe, an instance of another cluster is a MISSING failure.
  ECS_RETURN_IF_ERROR(CheckArnArguments(ctx.tenant, ids, ArnResource::kContainerInstance));
  const ClusterState* cs = state_.index.FindCluster(ctx.tenant, (*c)->name);
  for (const auto& id : ids) {
    const model::ContainerInstance* ci = cs ? cs->FindInstance(id) : nullptr;
    if (ci) {
      if (std::find(found->begin(), found->end(), ci) == found->end()) found->push_back(ci);
    } else {
      failures->push_back({id.starts_with("arn:") ? id
                                                  : ArnPrefix(ctx.tenant) + "container-instance/" +
                                                        (*c)->name + "/" + id,
                           "MISSING", ""});
    }
  }
  return Status::Ok();
}

Result<Page> ControlPlane::ListContainerInstances(const RequestContext& ctx,
                                                  const ListContainerInstancesInput& in) const {
  auto c = FindCluster(ctx, in.cluster, /*require_active=*/false);
  if (!c.ok()) return c.status();
  auto size = ResolvePageSize(in.page.max_results, 100, 100);
  if (!size.ok()) return size.status();
  std::optional<scheduler::Expression> expr;
  if (!in.filter.empty()) {
    auto parsed = scheduler::ParseQuery(in.filter);
    if (!parsed.ok()) return parsed.status();
    expr = std::move(*parsed);
  }
  const std::string status(in.status ? model::ToString(*in.status) : "");
  const std::string scope = TenantScope(ctx.tenant, "ListContainerInstances") + "|" + (*c)->name +
                            "|" + status + "|" + in.filter;
  std::string after;
  if (in.page.next_token) {
    auto cursor = DecodePageToken(*in.page.next_token, scope);
    if (!cursor.ok()) return cursor.status();
    after = *cursor;
  }
  std::vector<const model::ContainerInstance*> matching;
  if (const ClusterState* cs = state_.index.FindCluster(ctx.tenant, (*c)->name)) {
    for (const auto& [id, ci] : cs->instances) {
      if (in.status ? ci.status != *in.status : ci.is_inactive()) continue;
      if (SeqCursor(ci.seq) <= after) continue;
      if (expr) {
        auto view = cs->views.find(id);
        if (view == cs->views.end() || !scheduler::Matches(*expr, view->second)) continue;
      }
      matching.push_back(&ci);
    }
  }
  std::sort(matching.begin(), matching.end(), [](auto* a, auto* b) { return a->seq < b->seq; });
  Page page;
  for (const auto* ci : matching) {
    if (static_cast<int>(page.arns.size()) == *size) {
      page.next_token = EncodePageToken(scope, SeqCursor(matching[page.arns.size() - 1]->seq));
      break;
    }
    page.arns.push_back(ci->arn);
  }
  return page;
}

Status ControlPlane::UpdateContainerInstancesState(
    const RequestContext& ctx, const std::string& cluster, const std::vector<std::string>& ids,
    model::InstanceStatus status, std::vector<const model::ContainerInstance*>* updated,
    std::vector<DescribeFailure>* failures) {
  if (status != model::InstanceStatus::kActive && status != model::InstanceStatus::kDraining) {
    return Status::InvalidParameter(
        "Container instances can only be set to ACTIVE or DRAINING, but status was " +
        std::string(model::ToString(status)) + ".");
  }
  auto c = ResolveCluster(ctx, cluster, /*require_active=*/false);
  if (!c.ok()) return c.status();
  ECS_RETURN_IF_ERROR(
      CheckArnArguments(ctx.tenant, ids, ArnResource::kContainerInstance, c->cluster->name));
  ClusterState& cs = *c->state;
  storage::ChangeSet changes = state_.NewChanges();
  for (const auto& id : ids) {
    model::ContainerInstance* ci = cs.FindInstance(id);
    if (!ci) {
      failures->push_back({id.starts_with("arn:") ? id
                                                  : ArnPrefix(ctx.tenant) + "container-instance/" +
                                                        c->cluster->name + "/" + id,
                           "MISSING", ""});
      continue;
    }
    if (ci->status != model::InstanceStatus::kActive &&
        ci->status != model::InstanceStatus::kDraining) {
      failures->push_back({ci->arn, "INACTIVE", "Only ACTIVE or DRAINING instances can change."});
      continue;
    }
    if (ci->status != status) {
      state_.index.UpdateInstance(cs, *ci, [status](model::ContainerInstance& i) {
        i.status = status;
        ++i.version;
      });
      changes.PutContainerInstance(*ci);
    }
    updated->push_back(ci);
  }
  ECS_RETURN_IF_ERROR(Commit(changes));
  return Status::Ok();
}

Result<const model::ContainerInstance*> ControlPlane::UpdateContainerAgent(
    const RequestContext& ctx, const std::string& cluster, const std::string& instance) {
  auto c = ResolveCluster(ctx, cluster, /*require_active=*/false);
  if (!c.ok()) return c.status();
  ECS_RETURN_IF_ERROR(
      CheckArnArgument(ctx.tenant, instance, ArnResource::kContainerInstance, c->cluster->name));
  ClusterState& cs = *c->state;
  model::ContainerInstance* ci = cs.FindInstance(instance);
  if (!ci || ci->is_inactive()) {
    return Status::InvalidParameter("The referenced container instance " + instance +
                                    " was not found.");
  }
  const Millis now = Now();
  const auto current = ci->AgentUpdateStatusAt(now);
  using U = model::AgentUpdateStatus;
  if (current && current != U::kUpdated && current != U::kFailed) {
    return Status(ErrorCode::kUpdateInProgressException,
                  "There is already a current agent update in progress.");
  }
  if (ci->agent_version.empty()) {
    return Status(ErrorCode::kMissingVersionException,
                  "Amazon ECS is unable to determine the current version of the container agent.");
  }
  if (ci->agent_version == kLatestAgentVersion || current == U::kUpdated) {
    return Status(ErrorCode::kNoUpdateAvailableException,
                  "There is no update available for your container agent.");
  }
  state_.index.UpdateInstance(cs, *ci, [now](model::ContainerInstance& i) {
    i.agent_update_status = U::kPending;
    i.agent_update_started_at = now;
    i.agent_version_before_update = i.agent_version;
    i.agent_version = kLatestAgentVersion;  // shown once the update reaches UPDATED
    ++i.version;
  });
  storage::ChangeSet changes = state_.NewChanges();
  changes.PutContainerInstance(*ci);
  ECS_RETURN_IF_ERROR(Commit(changes));
  return ci;
}

Status ControlPlane::SetAgentConnected(const RequestContext& ctx, const std::string& cluster,
                                       const std::string& instance, bool connected) {
  auto c = ResolveCluster(ctx, cluster, /*require_active=*/false);
  if (!c.ok()) return c.status();
  ECS_RETURN_IF_ERROR(
      CheckArnArgument(ctx.tenant, instance, ArnResource::kContainerInstance, c->cluster->name));
  model::ContainerInstance* ci = c->state->FindInstance(instance);
  if (!ci) return Status::InvalidParameter("Container instance " + instance + " not found.");
  state_.index.UpdateInstance(*c->state, *ci, [connected](model::ContainerInstance& i) {
    i.agent_connected = connected;
    ++i.version;
  });
  storage::ChangeSet changes = state_.NewChanges();
  changes.PutContainerInstance(*ci);
  return Commit(changes);
}

std::vector<model::Resource> ControlPlane::RemainingResources(
    const model::ContainerInstance& ci) const {
  return ClusterIndex::RemainingResources(ci);
}

}  // namespace ecs::control

// Container instances: registration (agent calls and fleets), deregistration, draining, the
// derived usage that placement reads, and the simulated agent update.
#include <algorithm>
#include <cstdio>

#include "common/json.h"
#include "common/pagination.h"
#include "control/control_plane.h"
#include "control/instance_types.h"
#include "scheduler/query_language.h"

namespace ecs::control {

namespace {

constexpr const char* kDefaultAgentVersion = "1.89.1";
constexpr const char* kLatestAgentVersion = "1.89.1";
constexpr const char* kDefaultDockerVersion = "DockerVersion: 25.0.8";

// Agent capabilities a current ECS-optimized Amazon Linux 2023 AMI reports (no values).
const std::vector<std::string>& Capabilities() {
  static const std::vector<std::string> kCaps = [] {
    std::vector<std::string> caps = {
        "com.amazonaws.ecs.capability.logging-driver.awslogs",
        "com.amazonaws.ecs.capability.logging-driver.json-file",
        "com.amazonaws.ecs.capability.logging-driver.syslog",
        "com.amazonaws.ecs.capability.logging-driver.none",
        "com.amazonaws.ecs.capability.logging-driver.fluentd",
        "com.amazonaws.ecs.capability.logging-driver.gelf",
        "com.amazonaws.ecs.capability.logging-driver.journald",
        "com.amazonaws.ecs.capability.logging-driver.awsfirelens",
        "com.amazonaws.ecs.capability.privileged-container",
        "com.amazonaws.ecs.capability.ecr-auth",
        "com.amazonaws.ecs.capability.task-iam-role",
        "com.amazonaws.ecs.capability.task-iam-role-network-host",
        "ecs.capability.execution-role-awslogs",
        "ecs.capability.execution-role-ecr-pull",
        "ecs.capability.task-eni",
        "ecs.capability.container-health-check",
        "ecs.capability.secrets.ssm.environment-variables",
        "ecs.capability.secrets.asm.environment-variables",
        "ecs.capability.secrets.ssm.bootstrap.log-driver",
        "ecs.capability.secrets.asm.bootstrap.log-driver",
        "ecs.capability.container-ordering",
        "ecs.capability.full-sync",
        "ecs.capability.efsAuth",
        "ecs.capability.efs",
        "ecs.capability.firelens.fluentbit",
        "ecs.capability.firelens.fluentd",
        "ecs.capability.firelens.options.config.file",
        "ecs.capability.firelens.options.config.s3",
        "ecs.capability.aws-appmesh",
        "ecs.capability.env-files.s3",
        "ecs.capability.docker-plugin.local",
        "ecs.capability.task-cpu-mem-limit",
        "ecs.capability.increased-task-cpu-limit",
        "ecs.capability.pid-ipc-namespace-sharing",
        "ecs.capability.private-registry-authentication.secretsmanager",
        "ecs.capability.service-connect-v1",
        "ecs.capability.logging-driver.awsfirelens.log-driver-buffer-limit",
        "ecs.capability.fault-injection",
    };
    for (int v = 17; v <= 44; ++v) {
      caps.push_back("com.amazonaws.ecs.capability.docker-remote-api.1." + std::to_string(v));
    }
    return caps;
  }();
  return kCaps;
}

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

}  // namespace

ControlPlane::ClusterState* ControlPlane::FindClusterState(const Tenant& t,
                                                           const std::string& cluster) {
  return &tenants_[t].cluster_state[cluster];
}

const ControlPlane::ClusterState* ControlPlane::FindClusterState(const Tenant& t,
                                                                 const std::string& cluster) const {
  const TenantState* st = FindState(t);
  if (!st) return nullptr;
  auto it = st->cluster_state.find(cluster);
  return it == st->cluster_state.end() ? nullptr : &it->second;
}

model::ContainerInstance* ControlPlane::FindInstance(ClusterState& cs, std::string_view id) {
  auto it = cs.instances.find(std::string(LastSegment(id)));
  return it == cs.instances.end() ? nullptr : &it->second;
}

const model::ContainerInstance* ControlPlane::FindInstance(const ClusterState& cs,
                                                           std::string_view id) const {
  auto it = cs.instances.find(std::string(LastSegment(id)));
  return it == cs.instances.end() ? nullptr : &it->second;
}

void ControlPlane::RefreshView(ClusterState& cs, const model::ContainerInstance& ci) {
  scheduler::InstanceView& v = cs.views[ci.id];
  v.arn = ci.arn;
  v.ec2_instance_id = ci.ec2_instance_id;
  v.status = ci.status;
  v.agent_connected = ci.agent_connected;
  v.agent_version = ci.agent_version;
  v.registered_at = ci.registered_at;
  v.capacity_provider_name = ci.capacity_provider_name;
  v.attributes.clear();
  for (const auto& a : ci.attributes) v.attributes.emplace(a.name, a.value);
  scheduler::SyncHotAttributes(&v);
  RefreshUsage(cs, ci);
  cs.candidates_stale = true;
}

void ControlPlane::RefreshUsage(ClusterState& cs, const model::ContainerInstance& ci) {
  scheduler::InstanceView& v = cs.views[ci.id];
  v.remaining_cpu = ci.RegisteredInteger("CPU") - ci.usage.cpu;
  v.remaining_memory = ci.RegisteredInteger("MEMORY") - ci.usage.memory;
  v.reserved_tcp_ports.clear();
  v.reserved_udp_ports.clear();
  for (const auto& r : ci.registered_resources) {
    if (r.name != "PORTS" && r.name != "PORTS_UDP") continue;
    auto& dst = r.name == "PORTS" ? v.reserved_tcp_ports : v.reserved_udp_ports;
    for (const auto& p : r.string_set) dst.push_back(std::atoi(p.c_str()));
  }
  for (const auto& [port, n] : ci.usage.tcp_ports) v.reserved_tcp_ports.push_back(port);
  for (const auto& [port, n] : ci.usage.udp_ports) v.reserved_udp_ports.push_back(port);
  v.dynamic_tcp_ports.clear();
  v.dynamic_udp_ports.clear();
  for (const auto& [port, n] : ci.usage.dynamic_tcp_ports) v.dynamic_tcp_ports.push_back(port);
  for (const auto& [port, n] : ci.usage.dynamic_udp_ports) v.dynamic_udp_ports.push_back(port);
  v.running_tasks_count = ci.usage.running_tasks;
  // Groups change one task at a time: update in place rather than rebuilding the map.
  for (auto it = v.task_group_counts.begin(); it != v.task_group_counts.end();) {
    it = ci.usage.groups.contains(it->first) ? std::next(it) : v.task_group_counts.erase(it);
  }
  for (const auto& [g, n] : ci.usage.groups) {
    auto it = v.task_group_counts.find(g);
    if (it == v.task_group_counts.end()) {
      v.task_group_counts.emplace(g, n);
    } else {
      it->second = n;
    }
  }
}

std::vector<model::Resource> ControlPlane::RemainingResources(
    const model::ContainerInstance& ci) const {
  std::vector<model::Resource> out = ci.registered_resources;
  for (auto& r : out) {
    if (r.name == "CPU") r.integer_value -= ci.usage.cpu;
    if (r.name == "MEMORY") r.integer_value -= ci.usage.memory;
    if (r.name == "PORTS") {
      for (const auto& [port, n] : ci.usage.tcp_ports) r.string_set.push_back(std::to_string(port));
    }
    if (r.name == "PORTS_UDP") {
      for (const auto& [port, n] : ci.usage.udp_ports) r.string_set.push_back(std::to_string(port));
    }
  }
  return out;
}

void ControlPlane::PersistInstance(storage::ChangeSet& changes,
                                   const model::ContainerInstance& ci) {
  changes.PutContainerInstance(ci);
}

Result<const model::ContainerInstance*> ControlPlane::RegisterContainerInstance(
    const RequestContext& ctx, RegisterInstanceInput in) {
  std::string cluster_name = ClusterNameFromIdentifier(in.cluster);
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
  ClusterState& cs = *FindClusterState(ctx.tenant, cluster_name);

  // What the instance identity document tells (all optional).
  std::string ec2_id, az = in.availability_zone, instance_type = in.instance_type, ami, arch,
                      private_ip;
  if (!in.identity_document.empty()) {
    auto doc = ParseJsonObject(in.identity_document);
    if (!doc.ok()) {
      return Status::InvalidParameter("instanceIdentityDocument is not a valid JSON document.");
    }
    JsonObjectReader r(**doc);
    ec2_id = r.String("instanceId").value_or("");
    if (az.empty()) az = r.String("availabilityZone").value_or("");
    if (instance_type.empty()) instance_type = r.String("instanceType").value_or("");
    ami = r.String("imageId").value_or("");
    arch = r.String("architecture").value_or("");
    private_ip = r.String("privateIp").value_or("");
  }

  // Re-registration: the same ARN, or the same EC2 instance still ACTIVE in this cluster.
  model::ContainerInstance* existing = nullptr;
  if (!in.container_instance_arn.empty()) existing = FindInstance(cs, in.container_instance_arn);
  if (!existing && !ec2_id.empty()) {
    for (auto& [id, ci] : cs.instances) {
      if (ci.ec2_instance_id == ec2_id && ci.status != "INACTIVE") existing = &ci;
    }
  }

  auto type_info = FindInstanceType(instance_type.empty() ? "m5.large" : instance_type);
  if (instance_type.empty()) instance_type = "m5.large";
  if (arch.empty()) arch = type_info ? std::string(type_info->architecture) : "x86_64";
  if (az.empty()) az = ctx.tenant.region + options_.az_suffixes.front();
  if (ec2_id.empty()) ec2_id = "i-" + RandomHex(ids_, 17);
  if (ami.empty()) ami = "ami-" + RandomHex(ids_, 17);

  model::ContainerInstance ci;
  if (existing) {
    ci = *existing;
  } else {
    ci.tenant = ctx.tenant;
    ci.cluster = cluster_name;
    ci.id = ids_.Hex32();
    ci.arn = ArnPrefix(ctx.tenant) + "container-instance/" + cluster_name + "/" + ci.id;
    ci.seq = NextSeq();
    ci.registered_at = Now();
  }
  ci.ec2_instance_id = ec2_id;
  ci.status = "ACTIVE";
  ci.status_reason.clear();
  ci.agent_connected = true;
  ci.agent_version = in.agent_version.empty() ? kDefaultAgentVersion : in.agent_version;
  ci.agent_hash = in.agent_hash.empty() ? "a1b2c3d4" : in.agent_hash;
  ci.docker_version = in.docker_version.empty() ? kDefaultDockerVersion : in.docker_version;
  ci.platform_devices_json = in.platform_devices_json;
  if (existing) ++ci.version;

  // totalResources: CPU, MEMORY, PORTS, PORTS_UDP always, in that order; others as given.
  auto take = [&](std::string_view name) -> std::optional<model::Resource> {
    for (auto& r : in.total_resources) {
      if (r.name == name) return r;
    }
    return std::nullopt;
  };
  ci.registered_resources.clear();
  ci.registered_resources.push_back(
      take("CPU").value_or(IntegerResource("CPU", type_info ? type_info->cpu : 2048)));
  ci.registered_resources.push_back(
      take("MEMORY").value_or(IntegerResource("MEMORY", type_info ? type_info->memory : 7681)));
  ci.registered_resources.push_back(
      take("PORTS").value_or(StringSetResource("PORTS", model::DefaultReservedPorts())));
  ci.registered_resources.push_back(take("PORTS_UDP").value_or(StringSetResource("PORTS_UDP", {})));
  for (const auto& r : in.total_resources) {
    if (r.name != "CPU" && r.name != "MEMORY" && r.name != "PORTS" && r.name != "PORTS_UDP") {
      ci.registered_resources.push_back(r);
    }
  }
  for (auto& r : ci.registered_resources) {
    if ((r.name == "CPU" || r.name == "MEMORY") && r.integer_value < 0) {
      return Status::InvalidParameter("totalResources " + r.name + " must not be negative.");
    }
  }

  std::vector<model::Attribute> attrs;
  attrs.push_back({"ecs.ami-id", ami});
  attrs.push_back({"ecs.availability-zone", az});
  attrs.push_back({"ecs.instance-type", instance_type});
  attrs.push_back({"ecs.os-type", "linux"});
  attrs.push_back({"ecs.os-family", "LINUX"});
  attrs.push_back({"ecs.cpu-architecture", arch});
  attrs.push_back({"ecs.vpc-id", "vpc-" + RandomHex(ids_, 17)});
  attrs.push_back({"ecs.subnet-id", "subnet-" + RandomHex(ids_, 17)});
  for (const auto& cap : Capabilities()) attrs.push_back({cap, std::nullopt});
  if (existing) {
    // Keep custom attributes across re-registration.
    for (const auto& a : existing->attributes) {
      if (!IsBuiltInAttribute(a.name)) attrs.push_back(a);
    }
  }
  for (auto& a : in.attributes) SetAttribute(attrs, a.name, a.value);
  ci.attributes = std::move(attrs);
  (void)private_ip;

  storage::ChangeSet changes;
  PersistInstance(changes, ci);
  if (!existing) changes.PutTags(ci.arn, in.tags);
  ECS_RETURN_IF_ERROR(Commit(changes));
  if (!existing && !in.tags.empty()) tags_[ci.arn] = in.tags;
  model::InstanceUsage usage = existing ? existing->usage : model::InstanceUsage{};
  model::ContainerInstance& slot = cs.instances[ci.id];
  slot = std::move(ci);
  slot.usage = std::move(usage);
  RefreshView(cs, slot);
  return &slot;
}

Result<std::vector<const model::ContainerInstance*>> ControlPlane::CreateFleet(
    const RequestContext& ctx, FleetInput in) {
  if (in.count < 1 || in.count > 5000) {
    return Status::InvalidParameter("count must be between 1 and 5000.");
  }
  auto type_info = FindInstanceType(in.instance_type);
  if (!type_info && (!in.cpu || !in.memory)) {
    return Status::InvalidParameter("Unknown instance type '" + in.instance_type +
                                    "': give cpu and memory explicitly.");
  }
  std::string cluster_name = ClusterNameFromIdentifier(in.cluster);
  if (!FindCluster(ctx, cluster_name, true).ok()) {
    CreateClusterInput create;
    create.cluster_name = cluster_name;
    auto created = CreateCluster(ctx, std::move(create));
    if (!created.ok()) return created.status();
  }
  std::vector<std::string> azs = in.availability_zones;
  if (azs.empty()) {
    for (const auto& s : options_.az_suffixes) azs.push_back(ctx.tenant.region + s);
  }
  std::vector<const model::ContainerInstance*> out;
  for (int i = 0; i < in.count; ++i) {
    RegisterInstanceInput reg;
    reg.cluster = cluster_name;
    reg.instance_type = in.instance_type;
    reg.availability_zone = azs[static_cast<size_t>(i) % azs.size()];
    reg.total_resources.push_back(
        IntegerResource("CPU", in.cpu.value_or(type_info ? type_info->cpu : 0)));
    reg.total_resources.push_back(
        IntegerResource("MEMORY", in.memory.value_or(type_info ? type_info->memory : 0)));
    reg.attributes = in.attributes;
    auto ci = RegisterContainerInstance(ctx, std::move(reg));
    if (!ci.ok()) return ci.status();
    out.push_back(*ci);
  }
  return out;
}

Result<const model::ContainerInstance*> ControlPlane::DeregisterContainerInstance(
    const RequestContext& ctx, const std::string& cluster, const std::string& instance,
    bool force) {
  auto c = FindCluster(ctx, cluster, /*require_active=*/false);
  if (!c.ok()) return c.status();
  ClusterState& cs = *FindClusterState(ctx.tenant, (*c)->name);
  model::ContainerInstance* ci = FindInstance(cs, instance);
  if (!ci || ci->status == "INACTIVE") {
    return Status::InvalidParameter("The referenced container instance " + instance +
                                    " was not found.");
  }
  std::vector<model::Task*> on_instance;
  for (auto& [id, t] : cs.tasks) {
    if (t.container_instance_id == ci->id && !t.is_stopped()) on_instance.push_back(&t);
  }
  bool has_running = std::any_of(on_instance.begin(), on_instance.end(),
                                 [](model::Task* t) { return t->desired_status == "RUNNING"; });
  if (has_running && !force) {
    return Status::InvalidParameter(
        "Found running tasks on the instance. Stop the tasks or deregister with force.");
  }
  Millis now = Now();
  storage::ChangeSet changes;
  model::ContainerInstance next = *ci;
  next.status = "INACTIVE";
  next.agent_connected = false;
  ++next.version;
  PersistInstance(changes, next);
  // The instance is gone, so its tasks stop with it; services replace theirs elsewhere.
  for (model::Task* t : on_instance) {
    if (t->desired_status == "RUNNING") {
      RequestStop(cs, *t, "TerminationNotice", "Container instance deregistration forced by user",
                  now, changes);
    }
  }
  ECS_RETURN_IF_ERROR(Commit(changes));
  next.usage = ci->usage;
  *ci = std::move(next);
  RefreshView(cs, *ci);
  return ci;
}

Status ControlPlane::DescribeContainerInstances(const RequestContext& ctx,
                                                const std::string& cluster,
                                                const std::vector<std::string>& ids,
                                                std::vector<const model::ContainerInstance*>* found,
                                                std::vector<DescribeFailure>* failures) const {
  auto c = FindCluster(ctx, cluster, /*require_active=*/false);
  if (!c.ok()) return c.status();
  const ClusterState* cs = FindClusterState(ctx.tenant, (*c)->name);
  for (const auto& id : ids) {
    const model::ContainerInstance* ci = cs ? FindInstance(*cs, id) : nullptr;
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

Result<Page> ControlPlane::ListContainerInstances(
    const RequestContext& ctx, const std::string& cluster, const std::string& filter,
    const std::string& status, std::optional<int64_t> max_results,
    const std::optional<std::string>& next_token) const {
  auto c = FindCluster(ctx, cluster, /*require_active=*/false);
  if (!c.ok()) return c.status();
  auto size = ResolvePageSize(max_results, 100, 100);
  if (!size.ok()) return size.status();
  std::optional<scheduler::Expression> expr;
  if (!filter.empty()) {
    auto parsed = scheduler::ParseQuery(filter);
    if (!parsed.ok()) return parsed.status();
    expr = std::move(*parsed);
  }
  std::string scope = TenantScope(ctx.tenant, "ListContainerInstances") + "|" + (*c)->name + "|" +
                      status + "|" + filter;
  std::string after;
  if (next_token) {
    auto cursor = DecodePageToken(*next_token, scope);
    if (!cursor.ok()) return cursor.status();
    after = *cursor;
  }
  std::vector<const model::ContainerInstance*> matching;
  if (const ClusterState* cs = FindClusterState(ctx.tenant, (*c)->name)) {
    for (const auto& [id, ci] : cs->instances) {
      if (status.empty() ? ci.status == "INACTIVE" : ci.status != status) continue;
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
    const std::string& status, std::vector<const model::ContainerInstance*>* updated,
    std::vector<DescribeFailure>* failures) {
  if (status != "ACTIVE" && status != "DRAINING") {
    return Status::InvalidParameter(
        "Container instances can only be set to ACTIVE or DRAINING, "
        "but status was " +
        status + ".");
  }
  auto c = FindCluster(ctx, cluster, /*require_active=*/false);
  if (!c.ok()) return c.status();
  ClusterState& cs = *FindClusterState(ctx.tenant, (*c)->name);
  storage::ChangeSet changes;
  std::vector<std::pair<model::ContainerInstance*, model::ContainerInstance>> next;
  for (const auto& id : ids) {
    model::ContainerInstance* ci = FindInstance(cs, id);
    if (!ci) {
      failures->push_back({id.starts_with("arn:") ? id
                                                  : ArnPrefix(ctx.tenant) + "container-instance/" +
                                                        (*c)->name + "/" + id,
                           "MISSING", ""});
      continue;
    }
    if (ci->status != "ACTIVE" && ci->status != "DRAINING") {
      failures->push_back({ci->arn, "INACTIVE", "Only ACTIVE or DRAINING instances can change."});
      continue;
    }
    model::ContainerInstance n = *ci;
    if (n.status != status) {
      n.status = status;
      ++n.version;
      PersistInstance(changes, n);
    }
    next.emplace_back(ci, std::move(n));
  }
  ECS_RETURN_IF_ERROR(Commit(changes));
  for (auto& [slot, n] : next) {
    n.usage = slot->usage;
    *slot = std::move(n);
    RefreshView(cs, *slot);
    updated->push_back(slot);
  }
  return Status::Ok();
}

Result<const model::ContainerInstance*> ControlPlane::UpdateContainerAgent(
    const RequestContext& ctx, const std::string& cluster, const std::string& instance) {
  auto c = FindCluster(ctx, cluster, /*require_active=*/false);
  if (!c.ok()) return c.status();
  ClusterState& cs = *FindClusterState(ctx.tenant, (*c)->name);
  model::ContainerInstance* ci = FindInstance(cs, instance);
  if (!ci || ci->status == "INACTIVE") {
    return Status::InvalidParameter("The referenced container instance " + instance +
                                    " was not found.");
  }
  Millis now = Now();
  std::string current = ci->AgentUpdateStatusAt(now);
  if (!current.empty() && current != "UPDATED" && current != "FAILED") {
    return Status(ErrorCode::kUpdateInProgressException,
                  "There is already a current agent update in progress.");
  }
  if (ci->agent_version.empty()) {
    return Status(ErrorCode::kMissingVersionException,
                  "Amazon ECS is unable to determine the current version of the container agent.");
  }
  if (ci->agent_version == kLatestAgentVersion || current == "UPDATED") {
    return Status(ErrorCode::kNoUpdateAvailableException,
                  "There is no update available for your container agent.");
  }
  model::ContainerInstance n = *ci;
  n.agent_update_status = "PENDING";
  n.agent_update_started_at = now;
  n.agent_version_before_update = ci->agent_version;
  n.agent_version = kLatestAgentVersion;  // shown once the update reaches UPDATED
  ++n.version;
  storage::ChangeSet changes;
  PersistInstance(changes, n);
  ECS_RETURN_IF_ERROR(Commit(changes));
  n.usage = ci->usage;
  *ci = std::move(n);
  RefreshView(cs, *ci);
  return ci;
}

Status ControlPlane::SetAgentConnected(const RequestContext& ctx, const std::string& cluster,
                                       const std::string& instance, bool connected) {
  auto c = FindCluster(ctx, cluster, /*require_active=*/false);
  if (!c.ok()) return c.status();
  ClusterState& cs = *FindClusterState(ctx.tenant, (*c)->name);
  model::ContainerInstance* ci = FindInstance(cs, instance);
  if (!ci) return Status::InvalidParameter("Container instance " + instance + " not found.");
  model::ContainerInstance n = *ci;
  n.agent_connected = connected;
  ++n.version;
  storage::ChangeSet changes;
  PersistInstance(changes, n);
  ECS_RETURN_IF_ERROR(Commit(changes));
  n.usage = ci->usage;
  *ci = std::move(n);
  RefreshView(cs, *ci);
  return Status::Ok();
}

}  // namespace ecs::control

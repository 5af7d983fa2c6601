#include "control/cluster_index.h"

#include <algorithm>

#include "model/daemon.h"
#include "scheduler/tie_break.h"

namespace ecs::control {

namespace {

template <typename Map>
auto* FindIn(Map& map, std::string_view id_or_arn) {
  auto it = map.find(LastSegment(id_or_arn));
  return it == map.end() ? nullptr : &it->second;
}

void Bump(std::map<int, int>& ports, int port, int sign) {
  int& count = ports[port];
  count += sign;
  if (count <= 0) ports.erase(port);
}

}  // namespace

// --- ClusterState ---

model::ContainerInstance* ClusterState::FindInstance(std::string_view id) {
  return FindIn(instances, id);
}
const model::ContainerInstance* ClusterState::FindInstance(std::string_view id) const {
  return FindIn(instances, id);
}
model::Task* ClusterState::FindTask(std::string_view id) { return FindIn(tasks, id); }
const model::Task* ClusterState::FindTask(std::string_view id) const { return FindIn(tasks, id); }
model::Service* ClusterState::FindService(std::string_view name) { return FindIn(services, name); }
const model::Service* ClusterState::FindService(std::string_view name) const {
  return FindIn(services, name);
}
void ClusterState::WakeService(model::Service& svc) {
  svc.dirty = true;
  services_to_visit.insert(svc.name);  // no allocation when listed already
}

void ClusterState::RebuildCandidates() {
  if (!candidates_stale_) return;
  candidate_views_.clear();
  candidate_instances_.clear();
  for (const auto& [id, ci] : instances) {
    if (ci.is_inactive()) continue;
    candidate_views_.push_back(&views.at(id));
    candidate_instances_.push_back(&ci);
  }
  candidates_stale_ = false;
}

const std::vector<const scheduler::InstanceView*>& ClusterState::candidate_views() {
  RebuildCandidates();
  return candidate_views_;
}

const std::vector<const model::ContainerInstance*>& ClusterState::candidate_instances() {
  RebuildCandidates();
  return candidate_instances_;
}

// --- Tenants and clusters ---

TenantState* ClusterIndex::FindTenant(const Tenant& t) {
  auto it = tenants_.find(t);
  return it == tenants_.end() ? nullptr : &it->second;
}

const TenantState* ClusterIndex::FindTenant(const Tenant& t) const {
  auto it = tenants_.find(t);
  return it == tenants_.end() ? nullptr : &it->second;
}

ClusterState* ClusterIndex::FindCluster(const Tenant& t, const std::string& cluster) {
  TenantState* ts = FindTenant(t);
  if (!ts) return nullptr;
  auto it = ts->cluster_state.find(cluster);
  return it == ts->cluster_state.end() ? nullptr : &it->second;
}

const ClusterState* ClusterIndex::FindCluster(const Tenant& t, const std::string& cluster) const {
  const TenantState* ts = FindTenant(t);
  if (!ts) return nullptr;
  auto it = ts->cluster_state.find(cluster);
  return it == ts->cluster_state.end() ? nullptr : &it->second;
}

ClusterState& ClusterIndex::GetCluster(const Tenant& t, const std::string& cluster) {
  return tenants_[t].cluster_state[cluster];
}

model::Cluster& ClusterIndex::PutCluster(model::Cluster c) {
  TenantState& ts = tenants_[c.tenant];
  std::string name = c.name;
  return ts.clusters.insert_or_assign(std::move(name), std::move(c)).first->second;
}

// --- Instances ---

model::ContainerInstance& ClusterIndex::PutInstance(ClusterState& cs, model::ContainerInstance ci) {
  auto it = cs.instances.find(ci.id);
  if (it == cs.instances.end()) {
    std::string id = ci.id;
    it = cs.instances.emplace(std::move(id), std::move(ci)).first;
  } else {
    ci.usage = std::move(it->second.usage);  // derived from the tasks, which did not change
    it->second = std::move(ci);
  }
  RefreshView(cs, it->second);
  return it->second;
}

void ClusterIndex::RefreshView(ClusterState& cs, const model::ContainerInstance& ci) {
  ++cs.instances_generation;  // every service must see the new instance set
  scheduler::InstanceView& v = cs.views[ci.id];
  v.arn = ci.arn;
  v.arn_hash = scheduler::HashArn(ci.arn);
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
  cs.candidates_stale_ = true;
}

void ClusterIndex::RefreshUsage(ClusterState& cs, const model::ContainerInstance& ci) {
  scheduler::InstanceView& v = cs.views[ci.id];
  v.remaining_cpu = ci.RegisteredInteger(model::kCpuResource) - ci.usage.cpu;
  v.remaining_memory = ci.RegisteredInteger(model::kMemoryResource) - ci.usage.memory;
  v.reserved_tcp_ports.clear();
  v.reserved_udp_ports.clear();
  for (const auto& r : ci.registered_resources) {
    if (r.name != model::kPortsResource && r.name != model::kUdpPortsResource) continue;
    auto& dst = r.name == model::kPortsResource ? v.reserved_tcp_ports : v.reserved_udp_ports;
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
  for (const auto& [g, n] : ci.usage.groups) v.task_group_counts.insert_or_assign(g, n);
}

std::vector<model::Resource> ClusterIndex::RemainingResources(const model::ContainerInstance& ci) {
  std::vector<model::Resource> out = ci.registered_resources;
  for (auto& r : out) {
    if (r.name == model::kCpuResource) r.integer_value -= ci.usage.cpu;
    if (r.name == model::kMemoryResource) r.integer_value -= ci.usage.memory;
    if (r.name == model::kPortsResource) {
      for (const auto& [port, n] : ci.usage.tcp_ports) r.string_set.push_back(std::to_string(port));
    }
    if (r.name == model::kUdpPortsResource) {
      for (const auto& [port, n] : ci.usage.udp_ports) r.string_set.push_back(std::to_string(port));
    }
  }
  return out;
}

// --- Tasks ---

void ClusterIndex::Account(ClusterState& cs, const model::Task& t, int sign) {
  const bool fargate = t.launch_type == model::LaunchType::kFargate;
  ClusterCounts& n = cs.counts;
  if (t.last_status == model::TaskState::kRunning) {
    n.running_tasks += sign;
    (fargate ? n.running_fargate_tasks : n.running_ec2_tasks) += sign;
  }
  if (t.last_status <= model::TaskState::kPending) {
    n.pending_tasks += sign;
    (fargate ? n.pending_fargate_tasks : n.pending_ec2_tasks) += sign;
  }
  if (t.awaiting_capacity()) n.awaiting_capacity_tasks += sign;
  if (!t.service_name.empty() && t.last_status <= model::TaskState::kRunning) {
    auto& per_deployment = cs.service_counts[t.service_name];
    auto& [running, pending] = per_deployment[t.started_by];
    (t.last_status == model::TaskState::kRunning ? running : pending) += sign;
    if (running == 0 && pending == 0) per_deployment.erase(t.started_by);
    if (per_deployment.empty()) cs.service_counts.erase(t.service_name);
  }
  if (t.container_instance_id.empty()) return;
  auto it = cs.instances.find(t.container_instance_id);
  if (it == cs.instances.end()) return;
  model::InstanceUsage& u = it->second.usage;
  if (!t.is_stopped()) {
    u.cpu += sign * t.reserved_cpu;
    u.memory += sign * t.reserved_memory;
    for (int p : t.reserved_tcp_ports) Bump(u.tcp_ports, p, sign);
    for (int p : t.reserved_udp_ports) Bump(u.udp_ports, p, sign);
    for (int p : t.dynamic_tcp_ports) Bump(u.dynamic_tcp_ports, p, sign);
    for (int p : t.dynamic_udp_ports) Bump(u.dynamic_udp_ports, p, sign);
    int& in_group = u.groups[t.group];
    in_group += sign;
    if (in_group <= 0) u.groups.erase(t.group);
    if (t.wants_running()) u.running_tasks += sign;
  }
  if (t.last_status == model::TaskState::kPending) u.pending_tasks += sign;
}

void ClusterIndex::Unindex(ClusterState& cs, model::Task& t) { Account(cs, t, -1); }

void ClusterIndex::Reindex(ClusterState& cs, model::Task& t, Millis due_before) {
  Account(cs, t, +1);
  if (auto it = cs.instances.find(t.container_instance_id); it != cs.instances.end()) {
    RefreshUsage(cs, it->second);
  }
  Track(cs, t, due_before);
}

void ClusterIndex::Track(ClusterState& cs, model::Task& t, Millis due_before) {
  // service_tasks lists live tasks only: a service's describe and tick stay proportional to what
  // it runs, not to the stopped tasks kept for the retention window.
  if (!t.service_name.empty()) {
    if (t.is_stopped()) {
      auto it = cs.service_tasks.find(t.service_name);
      if (it != cs.service_tasks.end()) it->second.erase(&t);
    } else {
      cs.service_tasks[t.service_name].insert(&t);
    }
  }
  if (model::IsDaemonGroup(t.group)) {
    cs.daemon_tasks[t.group].insert(&t);
    ++cs.daemon_task_changes;
  }
  if (t.next_transition_at != due_before) {
    if (due_before != 0) due_.erase({due_before, &t});
    if (t.next_transition_at != 0) due_.insert({t.next_transition_at, &t});
  }
  t.generation = ++last_generation_;
}

model::Task& ClusterIndex::AddTask(ClusterState& cs, model::Task&& task) {
  model::Task& slot = InsertTask(cs, std::move(task));
  Reindex(cs, slot, /*due_before=*/0);
  return slot;
}

model::Task& ClusterIndex::LoadTask(ClusterState& cs, model::Task&& task) {
  model::Task& slot = InsertTask(cs, std::move(task));
  Track(cs, slot, /*due_before=*/0);
  return slot;
}

model::Task& ClusterIndex::InsertTask(ClusterState& cs, model::Task&& task) {
  std::string id = task.id;
  model::Task& slot = cs.tasks.insert_or_assign(std::move(id), std::move(task)).first->second;
  cs.tasks_by_seq[slot.seq] = &slot;
  return slot;
}

void ClusterIndex::FinishLoad() {
  for (auto& [tenant, ts] : tenants_) {
    for (auto& [name, cs] : ts.cluster_state) {
      // In creation order: a service's tasks are neighbours there, so their lookups stay cached.
      for (const auto& [seq, t] : cs.tasks_by_seq) Account(cs, *t, +1);
      RecountServices(cs);
      for (const auto& [id, ci] : cs.instances) RefreshUsage(cs, ci);
    }
  }
}

void ClusterIndex::RemoveTask(ClusterState& cs, model::Task& t) {
  Account(cs, t, -1);
  if (auto it = cs.instances.find(t.container_instance_id); it != cs.instances.end()) {
    RefreshUsage(cs, it->second);
  }
  if (t.next_transition_at != 0) due_.erase({t.next_transition_at, &t});
  cs.tasks_by_seq.erase(t.seq);
  if (!t.service_name.empty()) {
    auto it = cs.service_tasks.find(t.service_name);
    if (it != cs.service_tasks.end()) it->second.erase(&t);
  }
  if (auto it = cs.daemon_tasks.find(t.group); it != cs.daemon_tasks.end()) {
    it->second.erase(&t);
    if (it->second.empty()) cs.daemon_tasks.erase(it);
    ++cs.daemon_task_changes;
  }
  cs.tasks.erase(t.id);
}

std::optional<Millis> ClusterIndex::NextDue() const {
  if (due_.empty()) return std::nullopt;
  return due_.begin()->first;
}

model::Task* ClusterIndex::FirstDue(Millis now) const {
  if (due_.empty() || due_.begin()->first > now) return nullptr;
  return due_.begin()->second;
}

// --- Services ---

model::Service& ClusterIndex::PutService(ClusterState& cs, model::Service svc) {
  std::string name = svc.name;
  model::Service& slot =
      cs.services.insert_or_assign(std::move(name), std::move(svc)).first->second;
  cs.services_to_visit.insert(slot.name);  // created, changed or loaded: planned next pass
  RecountServices(cs);
  return slot;
}

model::Service& ClusterIndex::LoadService(ClusterState& cs, model::Service svc) {
  std::string name = svc.name;
  model::Service& slot =
      cs.services.insert_or_assign(std::move(name), std::move(svc)).first->second;
  cs.services_to_visit.insert(slot.name);  // planned on the first pass
  return slot;
}

void ClusterIndex::RecountServices(ClusterState& cs) {
  ClusterCounts& n = cs.counts;
  n.active_services = n.draining_services = 0;
  n.active_ec2_services = n.active_fargate_services = 0;
  n.draining_ec2_services = n.draining_fargate_services = 0;
  for (const auto& [name, s] : cs.services) {
    const bool fargate = s.uses_fargate();
    if (s.status == model::ServiceStatus::kActive) {
      ++n.active_services;
      ++(fargate ? n.active_fargate_services : n.active_ec2_services);
    } else if (s.status == model::ServiceStatus::kDraining) {
      ++n.draining_services;
      ++(fargate ? n.draining_fargate_services : n.draining_ec2_services);
    }
  }
}

void ClusterIndex::Clear() {
  tenants_.clear();
  due_.clear();
}

}  // namespace ecs::control

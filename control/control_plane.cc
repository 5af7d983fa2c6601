#include "control/control_plane.h"

#include <algorithm>

namespace ecs::control {

ControlPlane::ControlPlane(storage::Store* store, const Clock* clock, IdGenerator ids,
                           ControlOptions options)
    : store_(store), clock_(clock), ids_(std::move(ids)), options_(std::move(options)) {}

const ControlPlane::TenantState* ControlPlane::FindState(const Tenant& t) const {
  auto it = tenants_.find(t);
  return it == tenants_.end() ? nullptr : &it->second;
}

Status ControlPlane::Load() {
  auto snap = store_->Load();
  if (!snap.ok()) return snap.status();
  tenants_.clear();
  due_.clear();
  task_definitions_.Clear();
  tags_ = std::move(snap->tags);
  next_seq_ = 1;
  for (auto& c : snap->clusters) {
    next_seq_ = std::max(next_seq_, c.seq + 1);
    Tenant t = c.tenant;
    std::string name = c.name;
    tenants_[t].clusters.insert_or_assign(name, std::move(c));
  }
  for (const auto& [kind, rows] : snap->rows) {
    for (const auto& r : rows) next_seq_ = std::max(next_seq_, r.seq + 1);
  }
  for (const auto& ci : snap->container_instances) next_seq_ = std::max(next_seq_, ci.seq + 1);
  for (const auto& t : snap->tasks) next_seq_ = std::max(next_seq_, t.seq + 1);
  ECS_RETURN_IF_ERROR(LoadTaskDefinitions(*snap));
  account_settings_.clear();
  ECS_RETURN_IF_ERROR(LoadAccountSettings(*snap));
  for (auto& svc : snap->services) {
    next_seq_ = std::max(next_seq_, svc.seq + 1);
    ClusterState& cs = tenants_[svc.tenant].cluster_state[svc.cluster];
    std::string name = svc.name;
    cs.services.insert_or_assign(name, std::move(svc));
  }
  return LoadInstancesAndTasks(*snap);
}

Status ControlPlane::Reset() {
  ECS_RETURN_IF_ERROR(store_->Wipe());
  ForgetMemory();
  return Status::Ok();
}

Status ControlPlane::ReloadFromStore() {
  ForgetMemory();
  return Load();
}

void ControlPlane::ForgetMemory() {
  tenants_.clear();
  tags_.clear();
  due_.clear();
  task_definitions_.Clear();
  account_settings_.clear();
  failing_task_definitions_.clear();
  service_pass_.clear();
  service_pass_next_ = 0;
  next_seq_ = 1;
}

}  // namespace ecs::control

// Fault injection for the admin API (POST /_emulator/faults): a task that crashes, an instance
// or a whole availability zone that disappears, a task definition whose image cannot be pulled.
// They go through the same state machine as real failures, so services react as in ECS.
#include "control/control_plane.h"

namespace ecs::control {

Status ControlPlane::FailTask(const RequestContext& ctx, const std::string& cluster,
                              const std::string& task, int64_t exit_code,
                              const std::string& reason) {
  TaskStateChangeInput in;
  in.cluster = cluster;
  in.task = task;
  auto c = FindCluster(ctx, cluster, false);
  if (!c.ok()) return c.status();
  ClusterState& cs = *FindClusterState(ctx.tenant, (*c)->name);
  model::Task* t = FindTask(cs, task);
  if (!t) return Status::InvalidParameter("The referenced task was not found.");
  for (const auto& container : t->containers) {
    if (!container.essential) continue;
    TaskStateChangeInput::Container cc;
    cc.name = container.name;
    cc.status = "STOPPED";
    cc.exit_code = exit_code;
    cc.reason = reason;
    in.containers.push_back(cc);
    break;
  }
  auto ack = SubmitTaskStateChange(ctx, std::move(in));
  return ack.ok() ? Status::Ok() : ack.status();
}

Status ControlPlane::LoseInstance(const RequestContext& ctx, const std::string& cluster,
                                  const std::string& instance) {
  auto c = FindCluster(ctx, cluster, false);
  if (!c.ok()) return c.status();
  ClusterState& cs = *FindClusterState(ctx.tenant, (*c)->name);
  model::ContainerInstance* ci = FindInstance(cs, instance);
  if (!ci || ci->status == "INACTIVE") {
    return Status::InvalidParameter("Container instance " + instance + " not found.");
  }
  Millis now = Now();
  storage::ChangeSet changes;
  for (auto& [id, t] : cs.tasks) {
    if (t.container_instance_id == ci->id && t.desired_status == "RUNNING") {
      RequestStop(cs, t, "TerminationNotice",
                  "Host EC2 (instance " + ci->ec2_instance_id + ") terminated.", now, changes);
    }
  }
  model::ContainerInstance next = *ci;
  next.status = "INACTIVE";
  next.agent_connected = false;
  next.status_reason = "Instance terminated.";
  ++next.version;
  PersistInstance(changes, next);
  ECS_RETURN_IF_ERROR(Commit(changes));
  next.usage = ci->usage;
  *ci = std::move(next);
  RefreshView(cs, *ci);
  return Status::Ok();
}

Result<int> ControlPlane::LoseZone(const RequestContext& ctx, const std::string& zone) {
  if (zone.empty()) {
    return Status::InvalidParameter("availabilityZone can not be empty (e.g. " + ctx.tenant.region +
                                    "a).");
  }
  std::vector<std::pair<std::string, std::string>> victims;  // (cluster, instance id)
  auto it = tenants_.find(ctx.tenant);
  if (it != tenants_.end()) {
    for (const auto& [cluster, cs] : it->second.cluster_state) {
      for (const auto& [id, ci] : cs.instances) {
        if (ci.status != "INACTIVE" && ci.availability_zone() == zone) {
          victims.emplace_back(cluster, id);
        }
      }
    }
  }
  for (const auto& [cluster, id] : victims) ECS_RETURN_IF_ERROR(LoseInstance(ctx, cluster, id));
  return static_cast<int>(victims.size());
}

Status ControlPlane::SetTaskDefinitionFailing(const RequestContext& ctx,
                                              const std::string& task_definition, bool failing) {
  auto td = task_definitions_.Resolve(ctx.tenant, task_definition);
  if (!td.ok()) return td.status();
  if (failing) {
    failing_task_definitions_.insert((*td)->reg.arn);
  } else {
    failing_task_definitions_.erase((*td)->reg.arn);
  }
  return Status::Ok();
}

}  // namespace ecs::control

// Fault injection for the admin API (POST /_emulator/faults): a task that crashes, an instance
// or a whole availability zone that disappears, a task definition whose image cannot be pulled.
// They go through the same state machine as real failures, so services react as in ECS.
#include <set>

#include "control/control_plane.h"

namespace ecs::control {

Status ControlPlane::FailTask(const RequestContext& ctx, const std::string& cluster,
                              const std::string& task, int64_t exit_code,
                              const std::string& reason) {
  auto c = ResolveCluster(ctx, cluster, /*require_active=*/false);
  if (!c.ok()) return c.status();
  const model::Task* t = c->state->FindTask(task);
  if (!t) return Status::InvalidParameter("The referenced task was not found.");
  // The first essential container exits, as the agent would report it.
  TaskStateChangeInput in;
  in.cluster = cluster;
  in.task = task;
  for (const auto& container : t->containers) {
    if (!container.essential) continue;
    TaskStateChangeInput::Container cc;
    cc.name = container.name;
    cc.status = std::string(model::ToString(model::ContainerStatus::kStopped));
    cc.exit_code = exit_code;
    cc.reason = reason;
    in.containers.push_back(cc);
    break;
  }
  auto ack = SubmitTaskStateChange(ctx, in);
  return ack.ok() ? Status::Ok() : ack.status();
}

Status ControlPlane::LoseInstance(const RequestContext& ctx, const std::string& cluster,
                                  const std::string& instance) {
  auto c = ResolveCluster(ctx, cluster, /*require_active=*/false);
  if (!c.ok()) return c.status();
  ClusterState& cs = *c->state;
  model::ContainerInstance* ci = cs.FindInstance(instance);
  if (!ci || ci->is_inactive()) {
    return Status::InvalidParameter("Container instance " + instance + " not found.");
  }
  const Millis now = Now();
  storage::ChangeSet changes = state_.NewChanges();
  for (auto& [id, t] : cs.tasks) {
    if (t.container_instance_id == ci->id) {
      lifecycle_.RequestStop(cs, t, model::StopCode::kTerminationNotice,
                             "Host EC2 (instance " + ci->ec2_instance_id + ") terminated.", now,
                             changes);
    }
  }
  state_.index.UpdateInstance(cs, *ci, [](model::ContainerInstance& i) {
    i.status = model::InstanceStatus::kInactive;
    i.agent_connected = false;
    i.status_reason = "Instance terminated.";
    ++i.version;
  });
  changes.PutContainerInstance(*ci);
  return Commit(changes);
}

Result<int> ControlPlane::LoseZone(const RequestContext& ctx, const std::string& zone) {
  // The zones of the region (--az-suffixes) and any zone an instance of this tenant was given
  // (fleets may name their own): a typo must not quietly lose nothing.
  std::set<std::string> known;
  for (const auto& suffix : state_.options.az_suffixes) known.insert(ctx.tenant.region + suffix);
  std::vector<std::pair<std::string, std::string>> victims;  // (cluster, instance id)
  if (const TenantState* ts = state_.index.FindTenant(ctx.tenant)) {
    for (const auto& [cluster, cs] : ts->cluster_state) {
      for (const auto& [id, ci] : cs.instances) {
        const std::string az = ci.availability_zone();
        if (!az.empty()) known.insert(az);
        if (!ci.is_inactive() && az == zone) victims.emplace_back(cluster, id);
      }
    }
  }
  if (!known.contains(zone)) {
    std::string list;
    for (const auto& z : known) list += (list.empty() ? "" : ", ") + z;
    return Status::InvalidParameter((zone.empty() ? std::string("availabilityZone can not be empty")
                                                  : "Unknown availability zone '" + zone + "'") +
                                    " in " + ctx.tenant.region + " (account " + ctx.tenant.account +
                                    "). Known zones: " + list + ".");
  }
  for (const auto& [cluster, id] : victims) ECS_RETURN_IF_ERROR(LoseInstance(ctx, cluster, id));
  return static_cast<int>(victims.size());
}

Status ControlPlane::SetTaskDefinitionFailing(const RequestContext& ctx,
                                              const std::string& task_definition, bool failing) {
  auto td = state_.task_definitions.Resolve(ctx.tenant, task_definition);
  if (!td.ok()) return td.status();
  if (failing) {
    state_.failing_task_definitions.insert((*td)->reg.arn);
  } else {
    state_.failing_task_definitions.erase((*td)->reg.arn);
  }
  return Status::Ok();
}

}  // namespace ecs::control

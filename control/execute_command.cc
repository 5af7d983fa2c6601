// ExecuteCommand: the session object ECS hands to the Session Manager plugin. No shell is run
// and no SSM endpoint exists here, so the session can never be opened (README: "Not built").
// The checks and the response are ECS's.
#include "control/control_plane.h"

namespace ecs::control {

namespace {

// ECS's text for a task without exec or whose agent is not running (a stopped task included).
constexpr const char* kExecNotEnabled =
    "The execute command failed because execute command was not enabled when the task was run "
    "or the execute command agent isn\u2019t running. Wait and try again or run a new task with "
    "execute command enabled and try again.";

Result<const model::ContainerState*> PickContainer(const model::Task& t,
                                                   const std::string& container) {
  if (container.empty()) {
    // [I] text: one container is taken as the target, several need a name.
    if (t.containers.size() != 1) {
      return Status::InvalidParameter(
          "The container name must be specified when the task has more than one container.");
    }
    return &t.containers.front();
  }
  for (const auto& c : t.containers) {
    if (c.name == container) return &c;
  }
  // [I] text.
  return Status::InvalidParameter("The specified container " + container +
                                  " does not exist in the task.");
}

}  // namespace

Result<ExecuteCommandOutput> ControlPlane::ExecuteCommand(const RequestContext& ctx,
                                                          const ExecuteCommandInput& in) {
  if (!in.interactive) {
    return Status::InvalidParameter("Interactive is the only mode supported currently.");
  }
  auto c = FindCluster(ctx, in.cluster, /*require_active=*/true);
  if (!c.ok()) return c.status();
  const ClusterState* cs = state_.index.FindCluster(ctx.tenant, (*c)->name);
  const model::Task* t = cs ? cs->FindTask(in.task) : nullptr;
  if (!t) return Status::InvalidParameter("The specified task was not found.");  // [I] text
  if (!t->enable_execute_command || t->last_status != model::TaskState::kRunning) {
    return Status::InvalidParameter(kExecNotEnabled);
  }
  auto container = PickContainer(*t, in.container);
  if (!container.ok()) return container.status();
  if ((*container)->last_status != model::ContainerStatus::kRunning) {
    return Status::InvalidParameter(kExecNotEnabled);
  }
  ExecuteCommandOutput out;
  out.cluster_arn = (*c)->arn;
  out.task_arn = t->arn;
  out.container_arn = (*container)->arn;
  out.container_name = (*container)->name;
  // SSM's shapes: ecs-execute-command-<17 hex>, a data-channel URL of the region's ssmmessages
  // endpoint, and an opaque token.
  out.session_id = "ecs-execute-command-" + state_.ids.Hex32().substr(0, 17);
  out.stream_url = "wss://ssmmessages." + ctx.tenant.region + ".amazonaws.com/v1/data-channel/" +
                   out.session_id + "?role=publish_subscribe&cell-number=" + state_.ids.Hex32();
  out.token_value = "AAEAA" + state_.ids.Hex32() + state_.ids.Hex32() + state_.ids.Hex32();
  return out;
}

}  // namespace ecs::control

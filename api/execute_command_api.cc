// ExecuteCommand (control/execute_command.cc): the session object, never a shell.
#include "api/decode.h"
#include "api/operations.h"

namespace ecs::api {

Result<std::string> ExecuteCommand(OpContext& op) {
  control::ExecuteCommandInput in;
  in.cluster = op.in.String("cluster").value_or("");
  in.task = ReadRequiredString(op.in, "task");
  in.command = ReadRequiredString(op.in, "command");
  in.container = op.in.String("container").value_or("");
  auto interactive = op.in.Bool("interactive");
  if (!op.in.ok()) return op.in.status();
  if (!interactive) return Status::InvalidParameter("interactive can not be null.");
  in.interactive = *interactive;
  auto out = op.control.ExecuteCommand(op.ctx, in);
  if (!out.ok()) return out.status();
  JsonWriter w;
  w.StartObject()
      .Member("clusterArn", out->cluster_arn)
      .Member("containerArn", out->container_arn)
      .Member("containerName", out->container_name)
      .Member("interactive", in.interactive)
      .Key("session")
      .StartObject()
      .Member("sessionId", out->session_id)
      .Member("streamUrl", out->stream_url)
      .Member("tokenValue", out->token_value)
      .EndObject()
      .Member("taskArn", out->task_arn)
      .EndObject();
  return w.str();
}

}  // namespace ecs::api

// Task operations and the agent's state-change calls: decode -> control -> encode.
#include "api/decode.h"
#include "api/encode.h"
#include "api/operations.h"

namespace ecs::api {

namespace {

// Members RunTask and StartTask share.
control::RunTaskInput ReadTaskLaunch(JsonObjectReader& in) {
  control::RunTaskInput r;
  r.cluster = in.String("cluster").value_or("");
  r.task_definition = ReadRequiredString(in, "taskDefinition");
  r.group = in.String("group").value_or("");
  r.started_by = in.String("startedBy").value_or("");
  if (const rapidjson::Value* ov = in.Object("overrides")) {
    JsonObjectReader o = in.Nested(*ov, "overrides");
    if (const rapidjson::Value* arr = o.Array("containerOverrides")) {
      for (const auto& e : arr->GetArray()) {
        JsonObjectReader c = o.Nested(e, "containerOverrides");
        control::ContainerOverrideInput co;
        co.name = c.String("name").value_or("");
        co.cpu = c.Int("cpu");
        co.memory = c.Int("memory");
        co.memory_reservation = c.Int("memoryReservation");
        (void)c.StringList("command");
        r.container_overrides.push_back(std::move(co));
      }
    }
    r.task_cpu_override = o.String("cpu");
    r.task_memory_override = o.String("memory");
    (void)o.String("taskRoleArn");
    (void)o.String("executionRoleArn");
    r.overrides = Raw(*ov);
    if (r.overrides.text().size() > 8192) {
      in.Fail(Status::InvalidParameter("Container Overrides length must be at most 8192"));
    }
  }
  r.network = ReadAwsVpc(in);
  r.tags = ReadTags(in, "tags").value_or(model::TagList{});
  r.propagate_tags = ReadWireEnum<model::PropagateTags>(in, "propagateTags");
  r.enable_ecs_managed_tags = in.Bool("enableECSManagedTags").value_or(false);
  r.enable_execute_command = in.Bool("enableExecuteCommand").value_or(false);
  (void)in.String("referenceId");
  return r;
}

// {"taskArns":[...],"nextToken":...} appended directly: a page of 100 task ARNs is the hot path
// of ListTasks, and the JSON writer copies and escape-checks every byte. ARNs need no escaping by
// construction (validated cluster names, hex ids), nor do the base64 page tokens.
std::string TaskArnPageReply(const control::TaskPage& page) {
  size_t size = 32 + (page.next_token ? page.next_token->size() : 0);
  for (const auto* t : page.tasks) size += t->arn.size() + 3;
  std::string out;
  out.reserve(size);
  out += R"({"taskArns":[)";
  for (size_t i = 0; i < page.tasks.size(); ++i) {
    if (i) out += ',';
    out += '"';
    out += page.tasks[i]->arn;
    out += '"';
  }
  out += ']';
  if (page.next_token) {
    out += R"(,"nextToken":")";
    out += *page.next_token;
    out += '"';
  }
  out += '}';
  return out;
}

std::string TasksReply(OpContext& op, const control::RunTaskOutput& out) {
  return api::TasksReply(op.control, op.cache, out.tasks, out.failures, /*include_tags=*/true,
                         /*cache_them=*/false);
}

}  // namespace

Result<std::string> RunTask(OpContext& op) {
  control::RunTaskInput in = ReadTaskLaunch(op.in);
  in.count = op.in.Int("count").value_or(1);
  in.launch_type = ReadLaunchType(op.in);
  in.capacity_provider_strategy =
      ReadStrategy(op.in, "capacityProviderStrategy").value_or(model::CapacityProviderStrategy{});
  in.constraints =
      ReadPlacementConstraints(op.in).value_or(std::vector<model::PlacementConstraintItem>{});
  in.strategies =
      ReadPlacementStrategy(op.in).value_or(std::vector<model::PlacementStrategyItem>{});
  in.client_token = op.in.String("clientToken").value_or("");
  in.platform_version = op.in.String("platformVersion").value_or("");
  if (!op.in.ok()) return op.in.status();
  if (in.started_by.size() > 128) {
    return Status::InvalidParameter("startedBy must be at most 128 characters.");
  }
  if (in.client_token.size() > 64) {
    return Status::InvalidParameter("clientToken must be at most 64 characters.");
  }
  auto out = op.control.RunTask(op.ctx, in);
  if (!out.ok()) return out.status();
  return TasksReply(op, *out);
}

Result<std::string> StartTask(OpContext& op) {
  control::RunTaskInput in = ReadTaskLaunch(op.in);
  auto ids = op.in.StringList("containerInstances");
  if (!op.in.ok()) return op.in.status();
  if (!ids || ids->empty()) return Status::InvalidParameter("Container instances cannot be empty.");
  if (in.started_by.size() > 36) {
    return Status::InvalidParameter("startedBy must be at most 36 characters.");
  }
  in.container_instances = std::move(*ids);
  in.count = static_cast<int64_t>(in.container_instances.size());
  auto out = op.control.RunTask(op.ctx, in);
  if (!out.ok()) return out.status();
  return TasksReply(op, *out);
}

Result<std::string> StopTask(OpContext& op) {
  std::string cluster = op.in.String("cluster").value_or("");
  std::string task = ReadRequiredString(op.in, "task");
  std::string reason = op.in.String("reason").value_or("");
  if (!op.in.ok()) return op.in.status();
  auto t = op.control.StopTask(op.ctx, cluster, task, reason);
  if (!t.ok()) return t.status();
  JsonWriter w;
  w.StartObject().Key("task");
  WriteTask(w, op.control, op.cache, **t, /*include_tags=*/false);
  w.EndObject();
  return w.str();
}

Result<std::string> DescribeTasks(OpContext& op) {
  std::string cluster = op.in.String("cluster").value_or("");
  auto ids = op.in.StringList("tasks").value_or(std::vector<std::string>{});
  auto include = ReadEnumList(op.in, "include", {"TAGS"});
  if (!op.in.ok()) return op.in.status();
  std::vector<const model::Task*> found;
  std::vector<control::DescribeFailure> failures;
  ECS_RETURN_IF_ERROR(op.control.DescribeTasks(op.ctx, cluster, ids, &found, &failures));
  return TasksReply(op.control, op.cache, found, failures, include.count("TAGS") > 0);
}

Result<std::string> ListTasks(OpContext& op) {
  control::ListTasksInput in;
  in.cluster = op.in.String("cluster").value_or("");
  in.container_instance = op.in.String("containerInstance").value_or("");
  in.family = op.in.String("family").value_or("");
  in.started_by = op.in.String("startedBy").value_or("");
  in.service_name = op.in.String("serviceName").value_or("");
  // PENDING, which ECS never sets as a desired status, is a valid filter that matches nothing.
  const auto desired =
      ReadEnum(op.in, "desiredStatus", {"RUNNING", "PENDING", "STOPPED"}).value_or("RUNNING");
  in.desired_status = model::Parse<model::DesiredStatus>(desired);
  in.launch_type = ReadWireEnum<model::LaunchType>(op.in, "launchType");
  in.daemon_name = op.in.String("daemonName").value_or("");
  in.max_results = op.in.Int("maxResults");
  in.next_token = op.in.String("nextToken");
  if (!op.in.ok()) return op.in.status();
  auto page = op.control.ListTaskPage(op.ctx, in);
  if (!page.ok()) return page.status();
  return TaskArnPageReply(*page);
}

namespace {
control::TaskStateChangeInput::Container ReadContainerChange(JsonObjectReader& c) {
  control::TaskStateChangeInput::Container cc;
  cc.name = c.String("containerName").value_or("");
  cc.status = c.String("status").value_or("");
  cc.exit_code = c.Int("exitCode");
  cc.reason = c.String("reason").value_or("");
  cc.runtime_id = c.String("runtimeId").value_or("");
  (void)c.String("imageDigest");
  if (const rapidjson::Value* arr = c.Array("networkBindings")) {
    for (const auto& e : arr->GetArray()) {
      JsonObjectReader b = c.Nested(e, "networkBindings");
      model::NetworkBinding nb;
      nb.bind_ip = b.String("bindIP").value_or("0.0.0.0");
      nb.container_port = static_cast<int>(b.Int("containerPort").value_or(0));
      nb.host_port = static_cast<int>(b.Int("hostPort").value_or(0));
      nb.protocol = b.String("protocol").value_or("tcp");
      cc.network_bindings.push_back(nb);
    }
  }
  return cc;
}
}  // namespace

Result<std::string> SubmitTaskStateChange(OpContext& op) {
  control::TaskStateChangeInput in;
  in.cluster = op.in.String("cluster").value_or("");
  in.task = ReadRequiredString(op.in, "task");
  in.status = op.in.String("status").value_or("");
  in.reason = op.in.String("reason").value_or("");
  if (const rapidjson::Value* arr = op.in.Array("containers")) {
    for (const auto& e : arr->GetArray()) {
      JsonObjectReader c = op.in.Nested(e, "containers");
      in.containers.push_back(ReadContainerChange(c));
    }
  }
  in.pull_started_at = op.in.Timestamp("pullStartedAt");
  in.pull_stopped_at = op.in.Timestamp("pullStoppedAt");
  in.execution_stopped_at = op.in.Timestamp("executionStoppedAt");
  if (!op.in.ok()) return op.in.status();
  auto ack = op.control.SubmitTaskStateChange(op.ctx, in);
  if (!ack.ok()) return ack.status();
  JsonWriter w;
  w.StartObject().Member("acknowledgment", *ack).EndObject();
  return w.str();
}

Result<std::string> SubmitContainerStateChange(OpContext& op) {
  control::TaskStateChangeInput in;
  in.cluster = op.in.String("cluster").value_or("");
  in.task = ReadRequiredString(op.in, "task");
  in.containers.push_back(ReadContainerChange(op.in));
  if (!op.in.ok()) return op.in.status();
  if (in.containers.front().name.empty()) {
    return Status::InvalidParameter("containerName can not be empty.");
  }
  auto ack = op.control.SubmitTaskStateChange(op.ctx, in);
  if (!ack.ok()) return ack.status();
  JsonWriter w;
  w.StartObject().Member("acknowledgment", *ack).EndObject();
  return w.str();
}

Result<std::string> SubmitAttachmentStateChanges(OpContext& op) {
  std::string cluster = op.in.String("cluster").value_or("");
  std::vector<std::pair<std::string, std::string>> changes;
  if (const rapidjson::Value* arr = op.in.Array("attachments")) {
    for (const auto& e : arr->GetArray()) {
      JsonObjectReader a = op.in.Nested(e, "attachments");
      changes.emplace_back(ReadRequiredString(a, "attachmentArn"), ReadRequiredString(a, "status"));
    }
  }
  if (!op.in.ok()) return op.in.status();
  if (changes.empty()) return Status::InvalidParameter("attachments can not be empty.");
  auto ack = op.control.SubmitAttachmentStateChanges(op.ctx, cluster, changes);
  if (!ack.ok()) return ack.status();
  JsonWriter w;
  w.StartObject().Member("acknowledgment", *ack).EndObject();
  return w.str();
}

}  // namespace ecs::api

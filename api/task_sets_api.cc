// CreateTaskSet, DescribeTaskSets, UpdateTaskSet, UpdateServicePrimaryTaskSet, DeleteTaskSet
// (control/task_sets.cc): decode -> control -> encode.
#include "api/decode.h"
#include "api/encode.h"
#include "api/operations.h"
#include "api/service_members.h"

namespace ecs::api {

void WriteTaskSet(JsonWriter& w, const model::Service& s, const model::TaskSet& t,
                  const control::ServiceCounts& counts, const model::TagList* tags) {
  auto n = counts.by_deployment.find(t.id);
  const int64_t running = n == counts.by_deployment.end() ? 0 : n->second.first;
  const int64_t pending = n == counts.by_deployment.end() ? 0 : n->second.second;
  w.StartObject()
      .Member("id", t.id)
      .Member("taskSetArn", t.arn)
      .Member("serviceArn", s.arn)
      .Member("clusterArn", ArnPrefix(s.tenant) + "cluster/" + s.cluster);
  if (!t.started_by.empty()) w.Member("startedBy", t.started_by);
  if (!t.external_id.empty()) w.Member("externalId", t.external_id);
  w.Member("status", model::ToString(t.status))
      .Member("taskDefinition", t.task_definition_arn)
      .Member("computedDesiredCount", t.computed_desired_count)
      .Member("pendingCount", pending)
      .Member("runningCount", running)
      .Key("createdAt")
      .Timestamp(t.created_at)
      .Key("updatedAt")
      .Timestamp(t.updated_at);
  WriteStrategyOrLaunch(w, t.launch_type, t.capacity_provider_strategy, t.platform_version);
  if (t.network_configuration) WriteNetwork(w, "networkConfiguration", *t.network_configuration);
  WriteLoadBalancers(w, t.load_balancers);
  WriteRaw(w, "serviceRegistries", t.service_registries, "[]");
  w.Key("scale")
      .StartObject()
      .Key("value")
      .Double(t.scale)
      .Member("unit", "PERCENT")
      .EndObject()
      .Member("stabilityStatus", model::ToString(t.stability_status))
      .Key("stabilityStatusAt")
      .Timestamp(t.stability_status_at);
  if (tags) WriteTags(w, "tags", *tags);
  w.EndObject();
}

namespace {

struct ScaleMember {
  std::optional<double> value;
  std::string unit;
};

ScaleMember ReadScale(JsonObjectReader& in) {
  ScaleMember out;
  if (const rapidjson::Value* v = in.Object("scale")) {
    JsonObjectReader r = in.Nested(*v, "scale");
    out.value = r.Double("value");
    out.unit = ReadEnum(r, "unit", {"PERCENT"}).value_or("");
    // A scale without a value is 0 % (the shape's default).
    if (!out.value) out.value = 0.0;
  }
  return out;
}

std::string TaskSetReply(OpContext& op, const control::TaskSetView& v, bool tags) {
  JsonWriter w;
  w.StartObject().Key("taskSet");
  WriteTaskSet(w, *v.service, v.task_set, op.control.CountsForService(*v.service),
               tags ? &op.control.TagsOf(v.task_set.arn) : nullptr);
  w.EndObject();
  return w.str();
}

}  // namespace

Result<std::string> CreateTaskSet(OpContext& op) {
  control::TaskSetInput in;
  in.members = ReadServiceInput(op.in);
  in.members.service = ReadRequiredString(op.in, "service");
  in.members.cluster = ReadRequiredString(op.in, "cluster");
  in.external_id = op.in.String("externalId").value_or("");
  ScaleMember scale = ReadScale(op.in);
  in.scale = scale.value;
  in.scale_unit = scale.unit;
  if (!op.in.ok()) return op.in.status();
  if (!in.members.task_definition) {
    return Status::InvalidParameter("taskDefinition can not be empty.");
  }
  auto r = op.control.CreateTaskSet(op.ctx, std::move(in));
  if (!r.ok()) return r.status();
  return TaskSetReply(op, *r, /*tags=*/true);
}

Result<std::string> DescribeTaskSets(OpContext& op) {
  std::string cluster = ReadRequiredString(op.in, "cluster");
  std::string service = ReadRequiredString(op.in, "service");
  auto ids = op.in.StringList("taskSets").value_or(std::vector<std::string>{});
  auto include = ReadEnumList(op.in, "include", {"TAGS"});
  if (!op.in.ok()) return op.in.status();
  std::vector<control::TaskSetView> found;
  std::vector<control::DescribeFailure> failures;
  ECS_RETURN_IF_ERROR(
      op.control.DescribeTaskSets(op.ctx, cluster, service, ids, &found, &failures));
  JsonWriter w;
  w.StartObject().Key("taskSets").StartArray();
  for (const auto& v : found) {
    WriteTaskSet(w, *v.service, v.task_set, op.control.CountsForService(*v.service),
                 include.count("TAGS") ? &op.control.TagsOf(v.task_set.arn) : nullptr);
  }
  w.EndArray();
  WriteFailures(w, failures);
  w.EndObject();
  return w.str();
}

Result<std::string> UpdateTaskSet(OpContext& op) {
  std::string cluster = ReadRequiredString(op.in, "cluster");
  std::string service = ReadRequiredString(op.in, "service");
  std::string task_set = ReadRequiredString(op.in, "taskSet");
  const bool has_scale = op.in.Has("scale");
  ScaleMember scale = ReadScale(op.in);
  if (!op.in.ok()) return op.in.status();
  if (!has_scale) return Status::InvalidParameter("scale can not be null.");
  auto r = op.control.UpdateTaskSet(op.ctx, cluster, service, task_set, scale.value.value_or(0),
                                    scale.unit);
  if (!r.ok()) return r.status();
  return TaskSetReply(op, *r, false);
}

Result<std::string> UpdateServicePrimaryTaskSet(OpContext& op) {
  std::string cluster = ReadRequiredString(op.in, "cluster");
  std::string service = ReadRequiredString(op.in, "service");
  std::string task_set = ReadRequiredString(op.in, "primaryTaskSet");
  if (!op.in.ok()) return op.in.status();
  auto r = op.control.UpdateServicePrimaryTaskSet(op.ctx, cluster, service, task_set);
  if (!r.ok()) return r.status();
  return TaskSetReply(op, *r, false);
}

Result<std::string> DeleteTaskSet(OpContext& op) {
  std::string cluster = ReadRequiredString(op.in, "cluster");
  std::string service = ReadRequiredString(op.in, "service");
  std::string task_set = ReadRequiredString(op.in, "taskSet");
  const bool force = op.in.Bool("force").value_or(false);
  if (!op.in.ok()) return op.in.status();
  auto r = op.control.DeleteTaskSet(op.ctx, cluster, service, task_set, force);
  if (!r.ok()) return r.status();
  return TaskSetReply(op, *r, false);
}

}  // namespace ecs::api

// Daemon task-definition operations (control/daemon_task_definitions.h): decode -> control ->
// encode.
#include "api/decode.h"
#include "api/operations.h"
#include "taskdef/normalize.h"
#include "taskdef/render.h"

namespace ecs::api {

namespace {

std::string Render(const control::DaemonTaskDefinitionRecord& r) {
  return taskdef::RenderDaemonTaskDefinition(r.spec->body.text(), r.reg);
}

// A DaemonTaskDefinitionSummary.
void WriteSummary(JsonWriter& w, const control::DaemonTaskDefinitionRecord& r) {
  w.StartObject().Member("arn", r.reg.arn);
  w.Key("registeredAt").Timestamp(r.reg.registered_at);
  w.Member("registeredBy", r.reg.registered_by);
  if (r.reg.delete_requested_at) w.Key("deleteRequestedAt").Timestamp(*r.reg.delete_requested_at);
  w.Member("status", model::ToString(r.reg.status)).EndObject();
}

}  // namespace

void NormalizeDaemonTaskDefinitionRequest(const rapidjson::Value& body, Precomputed& out) {
  out.task_definition = taskdef::NormalizeDaemonTaskDefinition(body);
}

Result<std::string> RegisterDaemonTaskDefinition(OpContext& op) {
  if (!op.precomputed.task_definition) {
    NormalizeDaemonTaskDefinitionRequest(op.body, op.precomputed);
  }
  Result<taskdef::TaskDefinitionSpec>& spec = *op.precomputed.task_definition;
  if (!spec.ok()) return spec.status();
  auto r = op.control.RegisterDaemonTaskDefinition(op.ctx, std::move(spec).value());
  if (!r.ok()) return r.status();
  JsonWriter w;
  w.StartObject().Member("daemonTaskDefinitionArn", (*r)->reg.arn).EndObject();
  return w.str();
}

Result<std::string> DescribeDaemonTaskDefinition(OpContext& op) {
  std::string id = ReadRequiredString(op.in, "daemonTaskDefinition");
  if (!op.in.ok()) return op.in.status();
  auto r = op.control.DescribeDaemonTaskDefinition(op.ctx, id);
  if (!r.ok()) return r.status();
  JsonWriter w;
  w.StartObject().Key("daemonTaskDefinition").Raw(Render(**r)).EndObject();
  return w.str();
}

Result<std::string> DeleteDaemonTaskDefinition(OpContext& op) {
  std::string id = ReadRequiredString(op.in, "daemonTaskDefinition");
  if (!op.in.ok()) return op.in.status();
  auto r = op.control.DeleteDaemonTaskDefinition(op.ctx, id);
  if (!r.ok()) return r.status();
  JsonWriter w;
  w.StartObject().Member("daemonTaskDefinitionArn", (*r)->reg.arn).EndObject();
  return w.str();
}

Result<std::string> ListDaemonTaskDefinitions(OpContext& op) {
  control::ListDaemonTaskDefinitionsInput in;
  in.family_prefix = op.in.String("familyPrefix").value_or("");
  in.family = op.in.String("family").value_or("");
  in.last_registered = ReadEnum(op.in, "revision", {"LAST_REGISTERED"}).has_value();
  const std::string status =
      ReadEnum(op.in, "status", {"ACTIVE", "DELETE_IN_PROGRESS", "ALL"}).value_or("ACTIVE");
  if (status == "ALL") {
    in.status.reset();
  } else {
    in.status = model::Parse<model::DaemonTaskDefinitionStatus>(status);
  }
  in.descending = ReadEnum(op.in, "sort", {"ASC", "DESC"}).value_or("ASC") == "DESC";
  in.max_results = op.in.Int("maxResults");
  in.next_token = op.in.String("nextToken");
  if (!op.in.ok()) return op.in.status();
  auto page = op.control.ListDaemonTaskDefinitions(op.ctx, in);
  if (!page.ok()) return page.status();
  JsonWriter w;
  w.StartObject().Key("daemonTaskDefinitions").StartArray();
  for (const auto* r : page->items) WriteSummary(w, *r);
  w.EndArray();
  if (page->next_token) w.Member("nextToken", *page->next_token);
  w.EndObject();
  return w.str();
}

}  // namespace ecs::api

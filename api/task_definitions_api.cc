// Task-definition operations: decode -> control -> encode.
#include "api/decode.h"
#include "api/encode.h"
#include "api/operations.h"
#include "taskdef/normalize.h"

namespace ecs::api {

namespace {
std::string Render(const control::TaskDefinitionRecord& r) { return TaskDefinitionJson(r); }
}  // namespace

void NormalizeTaskDefinitionRequest(const rapidjson::Value& body, Precomputed& out) {
  out.task_definition = taskdef::NormalizeTaskDefinition(body);
}

Result<std::string> RegisterTaskDefinition(OpContext& op) {
  // The rules read the whole request themselves (every member, with type checks), already on
  // the connection strand (NormalizeTaskDefinitionRequest).
  if (!op.precomputed.task_definition) NormalizeTaskDefinitionRequest(op.body, op.precomputed);
  Result<taskdef::TaskDefinitionSpec>& spec = *op.precomputed.task_definition;
  if (!spec.ok()) return spec.status();
  auto r = op.control.RegisterTaskDefinition(op.ctx, std::move(spec).value());
  if (!r.ok()) return r.status();
  JsonWriter w;
  w.StartObject().Key("taskDefinition").Raw(Render(**r));
  WriteTags(w, "tags", op.control.TagsOf((*r)->reg.arn));
  w.EndObject();
  return w.str();
}

Result<std::string> DescribeTaskDefinition(OpContext& op) {
  std::string id = ReadRequiredString(op.in, "taskDefinition");
  auto include = ReadEnumList(op.in, "include", {"TAGS"});
  if (!op.in.ok()) return op.in.status();
  auto r = op.control.DescribeTaskDefinition(op.ctx, id);
  if (!r.ok()) return r.status();
  JsonWriter w;
  w.StartObject().Key("taskDefinition").Raw(Render(**r));
  if (include.count("TAGS")) WriteTags(w, "tags", op.control.TagsOf((*r)->reg.arn));
  w.EndObject();
  return w.str();
}

Result<std::string> DeregisterTaskDefinition(OpContext& op) {
  std::string id = ReadRequiredString(op.in, "taskDefinition");
  if (!op.in.ok()) return op.in.status();
  auto r = op.control.DeregisterTaskDefinition(op.ctx, id);
  if (!r.ok()) return r.status();
  JsonWriter w;
  w.StartObject().Key("taskDefinition").Raw(Render(**r)).EndObject();
  return w.str();
}

Result<std::string> DeleteTaskDefinitions(OpContext& op) {
  auto ids = op.in.StringList("taskDefinitions");
  if (!op.in.ok()) return op.in.status();
  std::vector<control::TaskDefinitionRecord> deleted;
  std::vector<control::DescribeFailure> failures;
  ECS_RETURN_IF_ERROR(op.control.DeleteTaskDefinitions(
      op.ctx, ids.value_or(std::vector<std::string>{}), &deleted, &failures));
  JsonWriter w;
  w.StartObject().Key("taskDefinitions").StartArray();
  for (const auto& r : deleted) w.Raw(Render(r));
  w.EndArray();
  WriteFailures(w, failures);
  w.EndObject();
  return w.str();
}

Result<std::string> ListTaskDefinitions(OpContext& op) {
  std::string prefix = op.in.String("familyPrefix").value_or("");
  control::ListTaskDefinitionsInput in;
  in.family_prefix = std::move(prefix);
  in.status = ReadWireEnum<model::TaskDefinitionStatus>(op.in, "status")
                  .value_or(model::TaskDefinitionStatus::kActive);
  in.descending = ReadEnum(op.in, "sort", {"ASC", "DESC"}).value_or("ASC") == "DESC";
  in.page = {op.in.Int("maxResults"), op.in.String("nextToken")};
  if (!op.in.ok()) return op.in.status();
  auto page = op.control.ListTaskDefinitions(op.ctx, in);
  if (!page.ok()) return page.status();
  JsonWriter w;
  w.StartObject().StringArray("taskDefinitionArns", page->arns);
  if (page->next_token) w.Member("nextToken", *page->next_token);
  w.EndObject();
  return w.str();
}

Result<std::string> ListTaskDefinitionFamilies(OpContext& op) {
  std::string prefix = op.in.String("familyPrefix").value_or("");
  auto status = ReadEnum(op.in, "status", {"ACTIVE", "INACTIVE", "ALL"}).value_or("ALL");
  control::PageRequest request{op.in.Int("maxResults"), op.in.String("nextToken")};
  if (!op.in.ok()) return op.in.status();
  const auto filter = status == "ACTIVE"     ? control::FamilyStatusFilter::kActive
                      : status == "INACTIVE" ? control::FamilyStatusFilter::kInactive
                                             : control::FamilyStatusFilter::kAll;
  auto page = op.control.ListTaskDefinitionFamilies(op.ctx, prefix, filter, request);
  if (!page.ok()) return page.status();
  JsonWriter w;
  w.StartObject().StringArray("families", page->arns);
  if (page->next_token) w.Member("nextToken", *page->next_token);
  w.EndObject();
  return w.str();
}

}  // namespace ecs::api

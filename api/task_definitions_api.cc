// Task-definition operations: decode -> control -> encode.
#include "api/decode.h"
#include "api/encode.h"
#include "api/operations.h"

namespace ecs::api {

namespace {
// Rendered once per change of the record (TaskDefinitionRecord::rendered).
std::string_view Render(const control::TaskDefinitionRecord& r) { return r.rendered; }
}  // namespace

std::any NormalizeTaskDefinitionRequest(const rapidjson::Value& body) {
  return control::NormalizeTaskDefinition(body);
}

Result<std::string> RegisterTaskDefinition(OpContext& op) {
  // The rules read the whole request themselves (every member, with type checks), already on
  // the connection strand (NormalizeTaskDefinitionRequest).
  auto* spec = std::any_cast<Result<control::TaskDefinitionSpec>>(&op.precomputed);
  auto r = spec ? op.control.RegisterTaskDefinition(op.ctx, std::move(*spec))
                : op.control.RegisterTaskDefinition(op.ctx, op.body);
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
  auto status = ReadEnum(op.in, "status", {"ACTIVE", "INACTIVE", "DELETE_IN_PROGRESS"});
  auto sort = ReadEnum(op.in, "sort", {"ASC", "DESC"});
  auto max = op.in.Int("maxResults");
  auto token = op.in.String("nextToken");
  if (!op.in.ok()) return op.in.status();
  auto page = op.control.ListTaskDefinitions(op.ctx, prefix, status.value_or("ACTIVE"),
                                             sort.value_or("ASC") == "DESC", max, token);
  if (!page.ok()) return page.status();
  JsonWriter w;
  w.StartObject().StringArray("taskDefinitionArns", page->arns);
  if (page->next_token) w.Member("nextToken", *page->next_token);
  w.EndObject();
  return w.str();
}

Result<std::string> ListTaskDefinitionFamilies(OpContext& op) {
  std::string prefix = op.in.String("familyPrefix").value_or("");
  auto status = ReadEnum(op.in, "status", {"ACTIVE", "INACTIVE", "ALL"});
  auto max = op.in.Int("maxResults");
  auto token = op.in.String("nextToken");
  if (!op.in.ok()) return op.in.status();
  auto page =
      op.control.ListTaskDefinitionFamilies(op.ctx, prefix, status.value_or("ALL"), max, token);
  if (!page.ok()) return page.status();
  JsonWriter w;
  w.StartObject().StringArray("families", page->arns);
  if (page->next_token) w.Member("nextToken", *page->next_token);
  w.EndObject();
  return w.str();
}

}  // namespace ecs::api

// TagResource / UntagResource / ListTagsForResource.
#include "api/decode.h"
#include "api/operations.h"

namespace ecs::api {

Result<std::string> TagResource(OpContext& op) {
  std::string arn = ReadRequiredString(op.in, "resourceArn");
  auto tags = ReadTags(op.in, "tags");
  if (!op.in.ok()) return op.in.status();
  if (!tags) return Status::InvalidParameter("tags can not be empty.");
  ECS_RETURN_IF_ERROR(op.control.TagResource(op.ctx, arn, *tags));
  return std::string("{}");
}

Result<std::string> UntagResource(OpContext& op) {
  std::string arn = ReadRequiredString(op.in, "resourceArn");
  auto keys = op.in.StringList("tagKeys");
  if (!op.in.ok()) return op.in.status();
  if (!keys) return Status::InvalidParameter("tagKeys can not be empty.");
  ECS_RETURN_IF_ERROR(op.control.UntagResource(op.ctx, arn, *keys));
  return std::string("{}");
}

Result<std::string> ListTagsForResource(OpContext& op) {
  std::string arn = ReadRequiredString(op.in, "resourceArn");
  if (!op.in.ok()) return op.in.status();
  auto tags = op.control.ListTagsForResource(op.ctx, arn);
  if (!tags.ok()) return tags.status();
  JsonWriter w;
  w.StartObject();
  WriteTags(w, "tags", *tags);
  w.EndObject();
  return w.str();
}

}  // namespace ecs::api

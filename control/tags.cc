// TagResource / UntagResource / ListTagsForResource, generic over resource types: a resource
// type plugs in by teaching CheckTaggable how to find its ARN.
#include <algorithm>

#include "control/control_plane.h"

namespace ecs::control {

namespace {

constexpr size_t kMaxTags = 50;

bool HasReservedPrefix(const std::string& s) {
  if (s.size() < 4) return false;
  std::string p = s.substr(0, 4);
  std::transform(p.begin(), p.end(), p.begin(), [](unsigned char c) { return std::tolower(c); });
  return p == "aws:";
}

// [\p{L}\p{Z}\p{N}_.:/=+\-@]* — letters, separators and numbers of any script, plus _.:/=+-@.
// Bytes >= 0x80 belong to multi-byte UTF-8 letters/numbers, which ECS allows.
bool IsValidTagText(const std::string& s) {
  for (unsigned char c : s) {
    if (c >= 0x80 || std::isalnum(c) || c == ' ') continue;
    if (std::string_view("_.:/=+-@").find(static_cast<char>(c)) != std::string_view::npos) {
      continue;
    }
    return false;
  }
  return true;
}

}  // namespace

Status ControlPlane::ValidateTags(const model::TagList& tags) {
  if (tags.size() > kMaxTags) {
    return Status::InvalidParameter("Too many tags: a resource can have at most 50 tags, but " +
                                    std::to_string(tags.size()) + " were given.");
  }
  for (const auto& t : tags) {
    if (t.key.empty() || t.key.size() > 128) {
      return Status::InvalidParameter("Tag key '" + t.key +
                                      "' must be between 1 and 128 characters long.");
    }
    if (t.value.size() > 256) {
      return Status::InvalidParameter("Tag value for key '" + t.key +
                                      "' must be at most 256 characters long.");
    }
    if (HasReservedPrefix(t.key) || HasReservedPrefix(t.value)) {
      return Status::InvalidParameter(
          "Tag keys and values must not begin with 'aws:'; that prefix is reserved for AWS use.");
    }
    if (!IsValidTagText(t.key) || !IsValidTagText(t.value)) {
      return Status::InvalidParameter(
          "Tag '" + t.key + "' contains characters outside [\\p{L}\\p{Z}\\p{N}_.:/=+\\-@].");
    }
  }
  return Status::Ok();
}

Status ControlPlane::CheckTaggable(const RequestContext& ctx, const std::string& arn) const {
  ParsedArn parsed;
  if (!ParseEcsArn(arn, &parsed)) {
    return Status::InvalidParameter("The ARN provided is invalid: " + arn);
  }
  if (parsed.resource_type == "cluster" &&
      (parsed.account != ctx.tenant.account || parsed.region != ctx.tenant.region)) {
    return Status::ClusterNotFound();
  }
  if (parsed.account != ctx.tenant.account || parsed.region != ctx.tenant.region) {
    return Status(ErrorCode::kResourceNotFoundException, "The specified resource is not found.");
  }
  if (parsed.resource_type == "cluster") {
    auto c = FindCluster(ctx, parsed.resource, /*require_active=*/false);
    if (!c.ok()) return c.status();
    if ((*c)->status != model::ClusterStatus::kActive) {
      return Status::InvalidParameter(
          "The specified cluster is inactive. Specify an active cluster and try again.");
    }
    return Status::Ok();
  }
  if (!ResourceExists(ctx, parsed)) {
    return Status(ErrorCode::kResourceNotFoundException, "The specified resource is not found.");
  }
  return Status::Ok();
}

bool ControlPlane::ResourceExists(const RequestContext& ctx, const ParsedArn& arn) const {
  // <type>/<cluster>/<id> for instances and tasks; family:revision for task definitions.
  size_t slash = arn.resource.find('/');
  std::string cluster = arn.resource.substr(0, slash);
  std::string id = slash == std::string::npos ? "" : arn.resource.substr(slash + 1);
  if (arn.resource_type == "task-definition") {
    return task_definitions_.Resolve(ctx.tenant, arn.resource).ok() ||
           (ParseTaskDefinitionRef(arn.resource) &&
            ParseTaskDefinitionRef(arn.resource)->revision &&
            task_definitions_.Find(ctx.tenant, ParseTaskDefinitionRef(arn.resource)->family,
                                   *ParseTaskDefinitionRef(arn.resource)->revision));
  }
  const ClusterState* cs = FindClusterState(ctx.tenant, cluster);
  if (!cs) return false;
  if (arn.resource_type == "container-instance") {
    auto it = cs->instances.find(id);
    return it != cs->instances.end() && it->second.status != "INACTIVE";
  }
  if (arn.resource_type == "task") {
    auto it = cs->tasks.find(id);
    return it != cs->tasks.end() && it->second.desired_status == "RUNNING";
  }
  if (arn.resource_type == "service") return ServiceExists(ctx, cluster, id);
  return false;
}

const model::TagList& ControlPlane::TagsOf(const std::string& arn) const {
  static const model::TagList kNone;
  auto it = tags_.find(arn);
  return it == tags_.end() ? kNone : it->second;
}

Status ControlPlane::TagResource(const RequestContext& ctx, const std::string& arn,
                                 const model::TagList& tags) {
  ECS_RETURN_IF_ERROR(CheckTaggable(ctx, arn));
  ECS_RETURN_IF_ERROR(ValidateTags(tags));
  model::TagList merged = TagsOf(arn);
  for (const auto& t : tags) {
    auto it = std::find_if(merged.begin(), merged.end(),
                           [&](const model::Tag& e) { return e.key == t.key; });
    if (it == merged.end()) {
      merged.push_back(t);
    } else {
      it->value = t.value;
    }
  }
  if (merged.size() > kMaxTags) {
    return Status::InvalidParameter(
        "Too many tags: a resource can have at most 50 tags; the "
        "request would leave it with " +
        std::to_string(merged.size()) + ".");
  }
  storage::ChangeSet changes;
  if (!PutTaskDefinitionTags(ctx.tenant, arn, merged, changes)) changes.PutTags(arn, merged);
  ECS_RETURN_IF_ERROR(Commit(changes));
  tags_[arn] = std::move(merged);
  return Status::Ok();
}

Status ControlPlane::UntagResource(const RequestContext& ctx, const std::string& arn,
                                   const std::vector<std::string>& keys) {
  ECS_RETURN_IF_ERROR(CheckTaggable(ctx, arn));
  model::TagList remaining = TagsOf(arn);
  std::erase_if(remaining, [&](const model::Tag& t) {
    return std::find(keys.begin(), keys.end(), t.key) != keys.end();
  });
  storage::ChangeSet changes;
  if (!PutTaskDefinitionTags(ctx.tenant, arn, remaining, changes)) changes.PutTags(arn, remaining);
  ECS_RETURN_IF_ERROR(Commit(changes));
  if (remaining.empty()) {
    tags_.erase(arn);
  } else {
    tags_[arn] = std::move(remaining);
  }
  return Status::Ok();
}

Result<model::TagList> ControlPlane::ListTagsForResource(const RequestContext& ctx,
                                                         const std::string& arn) const {
  ParsedArn parsed;
  if (!ParseEcsArn(arn, &parsed)) {
    return Status::InvalidParameter("The ARN provided is invalid: " + arn);
  }
  if (parsed.resource_type == "cluster") {
    if (parsed.account != ctx.tenant.account || parsed.region != ctx.tenant.region) {
      return Status::ClusterNotFound();
    }
    auto c = FindCluster(ctx, parsed.resource, /*require_active=*/false);
    if (!c.ok()) return c.status();
    return TagsOf(arn);
  }
  // Other resources: readable while they exist (a stopped task keeps no tags).
  if (!ResourceExists(ctx, parsed)) {
    return Status::InvalidParameter("The specified resource " + arn + " was not found.");
  }
  return TagsOf(arn);
}

}  // namespace ecs::control

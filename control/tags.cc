// TagResource / UntagResource / ListTagsForResource, generic over resource types: a resource
// type plugs in by teaching CheckTaggable how to find its ARN.
#include <algorithm>

#include "control/control_plane.h"
#include "model/quotas.h"
#include "taskdef/reference.h"

namespace ecs::control {

namespace {

constexpr size_t kMaxTags = quotas::kTagsPerResource;

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

// A task definition's tags live in its own row; every other resource's in a tags row.
void PutTags(const State& state, const Tenant& t, const std::string& arn,
             const model::TagList& tags, storage::ChangeSet& changes) {
  if (const TaskDefinitionRecord* r = state.task_definitions.FindArn(t, arn)) {
    changes.PutTaskDefinition({t, r->seq, r->reg, tags, r->spec->body.text()});
    changes.PutTags(arn, {});  // a tags row from before tags moved into the definition's row
  } else {
    changes.PutTags(arn, tags);
  }
}

// A service, task or container instance ARN in the old short format (<type>/<id>, no cluster):
// ECS refuses to tag or list tags through it (AWS's text, issue 11).
Status RejectShortFormat(const ParsedArn& arn) {
  const bool per_cluster = arn.resource_type == "service" || arn.resource_type == "task" ||
                           arn.resource_type == "container-instance";
  if (per_cluster && arn.resource.find('/') == std::string::npos) {
    return Status::InvalidParameter("Long arn format must be used for tagging operations");
  }
  return Status::Ok();
}

}  // namespace

const model::TagList& TagIndex::Of(const std::string& arn) const {
  static const model::TagList kNone;
  auto it = by_arn_.find(arn);
  return it == by_arn_.end() ? kNone : it->second;
}

void TagIndex::Set(const std::string& arn, model::TagList tags) {
  if (tags.empty()) {
    by_arn_.erase(arn);
  } else {
    by_arn_[arn] = std::move(tags);
  }
}

Status ValidateTags(const model::TagList& tags) {
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
  ECS_RETURN_IF_ERROR(RejectShortFormat(parsed));
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
    auto ref = taskdef::ParseTaskDefinitionRef(arn.resource);
    return state_.task_definitions.Resolve(ctx.tenant, arn.resource).ok() ||
           (ref && ref->revision &&
            state_.task_definitions.Find(ctx.tenant, ref->family, *ref->revision));
  }
  if (arn.resource_type == "daemon-task-definition") {
    const DaemonTaskDefinitionRecord* r = state_.daemon_task_definitions.FindArn(
        ctx.tenant, ArnPrefix(ctx.tenant) + "daemon-task-definition/" + arn.resource);
    return r && r->reg.status != model::DaemonTaskDefinitionStatus::kDeleted;
  }
  if (arn.resource_type == "daemon") {
    auto it = state_.daemons.find(ArnPrefix(ctx.tenant) + "daemon/" + arn.resource);
    return it != state_.daemons.end() && !it->second.deleted;
  }
  if (arn.resource_type == "capacity-provider") {
    const model::CapacityProvider* cp = state_.FindCapacityProvider(ctx.tenant, arn.resource);
    return cp && cp->is_active();
  }
  const ClusterState* cs = state_.index.FindCluster(ctx.tenant, cluster);
  if (!cs) return false;
  if (arn.resource_type == "container-instance") {
    const model::ContainerInstance* ci = cs->FindInstance(id);
    return ci && !ci->is_inactive();
  }
  if (arn.resource_type == "task") {
    const model::Task* t = cs->FindTask(id);
    return t && t->wants_running();
  }
  if (arn.resource_type == "service") {
    const model::Service* s = cs->FindService(id);
    return s && s->status != model::ServiceStatus::kInactive;
  }
  if (arn.resource_type == "task-set") {
    // task-set/<cluster>/<service>/ecs-svc/<digits>; a DRAINING set is being deleted.
    const model::Service* s = cs->FindService(id.substr(0, id.find('/')));
    if (!s || s->status == model::ServiceStatus::kInactive) return false;
    const std::string full = ArnPrefix(ctx.tenant) + "task-set/" + arn.resource;
    return std::any_of(s->task_sets.begin(), s->task_sets.end(), [&](const model::TaskSet& t) {
      return t.arn == full && t.status != model::TaskSetStatus::kDraining;
    });
  }
  return false;
}

Status ControlPlane::TagResource(const RequestContext& ctx, const std::string& arn,
                                 const model::TagList& tags) {
  ECS_RETURN_IF_ERROR(CheckTaggable(ctx, arn));
  ECS_RETURN_IF_ERROR(ValidateTags(tags));
  model::TagList merged = state_.tags.Of(arn);
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
  storage::ChangeSet changes = state_.NewChanges();
  PutTags(state_, ctx.tenant, arn, merged, changes);
  state_.tags.Set(arn, std::move(merged));
  return Commit(changes);
}

Status ControlPlane::UntagResource(const RequestContext& ctx, const std::string& arn,
                                   const std::vector<std::string>& keys) {
  ECS_RETURN_IF_ERROR(CheckTaggable(ctx, arn));
  model::TagList remaining = state_.tags.Of(arn);
  std::erase_if(remaining, [&](const model::Tag& t) {
    return std::find(keys.begin(), keys.end(), t.key) != keys.end();
  });
  storage::ChangeSet changes = state_.NewChanges();
  PutTags(state_, ctx.tenant, arn, remaining, changes);
  state_.tags.Set(arn, std::move(remaining));
  return Commit(changes);
}

Result<model::TagList> ControlPlane::ListTagsForResource(const RequestContext& ctx,
                                                         const std::string& arn) const {
  ParsedArn parsed;
  if (!ParseEcsArn(arn, &parsed)) {
    return Status::InvalidParameter("The ARN provided is invalid: " + arn);
  }
  ECS_RETURN_IF_ERROR(RejectShortFormat(parsed));
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

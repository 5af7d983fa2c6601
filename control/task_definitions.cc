// RegisterTaskDefinition, DescribeTaskDefinition, ListTaskDefinitions,
// ListTaskDefinitionFamilies, DeregisterTaskDefinition, DeleteTaskDefinitions.
//
// Persistence: one row per revision (body = registration + normalized definition) and one counter
// row per family holding the highest revision ever issued, so numbers are never reused even
// after every revision is deleted. Loading re-derives each spec from its stored body through
// NormalizeTaskDefinition (the body is a valid request: computed members are ignored on input).
#include <algorithm>

#include "common/json.h"
#include "common/pagination.h"
#include "control/control_plane.h"
#include "storage/codec.h"

namespace ecs::control {

namespace {

constexpr int64_t kMaxRevisions = 1'000'000;

std::string CounterKey(const Tenant& t, const std::string& family) {
  return "task-definition-revision|" + t.account + "|" + t.region + "|" + family;
}

// A definition's tags live in its own row, so registering writes one row, not two. Rows from
// before that (and from before a TagResource rewrote them) have none: their tags are in a tags
// row, which the generic tag loader reads.
std::string EncodeRecord(const TaskDefinitionRecord& r, const model::TagList& tags) {
  JsonWriter w;
  w.StartObject()
      .Member("account", r.tenant.account)
      .Member("region", r.tenant.region)
      .Member("arn", r.reg.arn)
      .Member("revision", r.reg.revision)
      .Member("status", r.reg.status)
      .Member("registeredAt", r.reg.registered_at)
      .Member("registeredBy", r.reg.registered_by);
  if (r.reg.deregistered_at) w.Member("deregisteredAt", *r.reg.deregistered_at);
  if (r.reg.delete_requested_at) w.Member("deleteRequestedAt", *r.reg.delete_requested_at);
  if (!tags.empty()) w.Key("tags").Raw(storage::EncodeTags(tags));
  w.Key("body").Raw(r.spec.body_json).EndObject();
  return w.str();
}

Result<TaskDefinitionRecord> DecodeRecord(const std::string& text, int64_t seq,
                                          model::TagList* tags) {
  auto doc = ParseJsonObject(text);
  if (!doc.ok()) return Status::Server("corrupt task definition row");
  const auto& d = **doc;
  TaskDefinitionRecord r;
  r.seq = seq;
  r.tenant = {d["account"].GetString(), d["region"].GetString()};
  r.reg.arn = d["arn"].GetString();
  r.reg.revision = d["revision"].GetInt64();
  r.reg.status = d["status"].GetString();
  r.reg.registered_at = d["registeredAt"].GetInt64();
  r.reg.registered_by = d["registeredBy"].GetString();
  if (d.HasMember("deregisteredAt")) r.reg.deregistered_at = d["deregisteredAt"].GetInt64();
  if (d.HasMember("deleteRequestedAt"))
    r.reg.delete_requested_at = d["deleteRequestedAt"].GetInt64();
  if (auto it = d.FindMember("tags"); it != d.MemberEnd()) {
    auto decoded = storage::DecodeTags(it->value);
    if (!decoded.ok()) return decoded.status();
    *tags = std::move(*decoded);
  }
  auto spec = NormalizeTaskDefinition(d["body"]);
  if (!spec.ok())
    return Status::Server("stored task definition no longer validates: " + spec.status().message());
  r.spec = std::move(*spec);
  r.rendered = RenderTaskDefinition(r.spec, r.reg);
  return r;
}

// Drops one revision from the registry, and its family once no revision is left (the family's
// revision counter lives elsewhere and is kept).
void EraseTaskDefinition(TaskDefinitionRegistry& registry, const Tenant& t,
                         const std::string& family, int64_t revision) {
  auto ti = registry.families().find(t);
  if (ti == registry.families().end()) return;
  auto fi = ti->second.find(family);
  if (fi == ti->second.end()) return;
  fi->second.erase(revision);
  if (fi->second.empty()) ti->second.erase(fi);
}

}  // namespace

Status ControlPlane::LoadTaskDefinitions(storage::Snapshot& snap) {
  for (const auto& row : snap.rows[storage::Kind::kTaskDefinition]) {
    model::TagList tags;
    auto r = DecodeRecord(*row.body, row.seq, &tags);
    if (!r.ok()) return r.status();
    if (!tags.empty()) tags_.emplace(r->reg.arn, std::move(tags));
    std::string family = r->spec.family;
    int64_t revision = r->reg.revision;
    Tenant t = r->tenant;
    int64_t& last = task_definitions_.last_revision()[{t, family}];
    last = std::max(last, revision);
    task_definitions_.families()[t][family].insert_or_assign(revision, std::move(*r));
  }
  // Written when a deletion may have removed the family's highest revision (and by older
  // versions on every registration): the counter is the larger of it and the stored rows.
  for (const auto& [key, value] : snap.counters) {
    if (!key.starts_with("task-definition-revision|")) continue;
    // task-definition-revision|<account>|<region>|<family>
    size_t a = key.find('|') + 1, b = key.find('|', a), c = key.find('|', b + 1);
    Tenant t{key.substr(a, b - a), key.substr(b + 1, c - b - 1)};
    int64_t& last = task_definitions_.last_revision()[{t, key.substr(c + 1)}];
    last = std::max(last, value);
  }
  return Status::Ok();
}

Result<const TaskDefinitionRecord*> ControlPlane::RegisterTaskDefinition(
    const RequestContext& ctx, const rapidjson::Value& request) {
  return RegisterTaskDefinition(ctx, NormalizeTaskDefinition(request));
}

Result<const TaskDefinitionRecord*> ControlPlane::RegisterTaskDefinition(
    const RequestContext& ctx, Result<TaskDefinitionSpec> spec) {
  if (!spec.ok()) return spec.status();
  int64_t& last = task_definitions_.last_revision()[{ctx.tenant, spec->family}];
  if (last >= kMaxRevisions) {
    return Status(ErrorCode::kLimitExceededException,
                  "The maximum number of revisions (1,000,000) for family " + spec->family +
                      " has been reached.");
  }
  TaskDefinitionRecord r;
  r.tenant = ctx.tenant;
  r.seq = NextSeq();
  r.reg.revision = last + 1;
  r.reg.arn = ArnPrefix(ctx.tenant) + "task-definition/" + spec->family + ":" +
              std::to_string(r.reg.revision);
  r.reg.status = "ACTIVE";
  r.reg.registered_at = Now();
  r.reg.registered_by = ctx.principal_arn();
  model::TagList tags = spec->tags;
  r.spec = std::move(*spec);
  r.rendered = RenderTaskDefinition(r.spec, r.reg);

  // One row, tags included. The family's revision counter is not written: at load
  // it is at least the highest stored revision, and the deletions that could remove that row
  // write it (PutRevisionCounter).
  storage::ChangeSet changes;
  changes.Put(storage::Kind::kTaskDefinition, r.reg.arn, r.seq, EncodeRecord(r, tags));
  ECS_RETURN_IF_ERROR(Commit(changes));
  last = r.reg.revision;
  if (!tags.empty()) tags_[r.reg.arn] = std::move(tags);
  auto& family = task_definitions_.families()[ctx.tenant][r.spec.family];
  int64_t revision = r.reg.revision;
  return &family.insert_or_assign(revision, std::move(r)).first->second;
}

Result<const TaskDefinitionRecord*> ControlPlane::DescribeTaskDefinition(
    const RequestContext& ctx, const std::string& identifier) const {
  return task_definitions_.Resolve(ctx.tenant, identifier);
}

Result<const TaskDefinitionRecord*> ControlPlane::DeregisterTaskDefinition(
    const RequestContext& ctx, const std::string& identifier) {
  auto ref = ParseTaskDefinitionRef(identifier);
  if (!ref || !ref->revision) {
    return Status::InvalidParameter("Invalid revision number. Number: " +
                                    std::string(identifier.substr(identifier.rfind(':') + 1)));
  }
  const TaskDefinitionRecord* current =
      task_definitions_.Find(ctx.tenant, ref->family, *ref->revision);
  if (!current) return Status::Client("The specified task definition does not exist.");
  if (current->reg.status != "ACTIVE") return current;
  TaskDefinitionRecord next = *current;
  next.reg.status = "INACTIVE";
  next.reg.deregistered_at = Now();
  next.rendered = RenderTaskDefinition(next.spec, next.reg);
  storage::ChangeSet changes;
  changes.Put(storage::Kind::kTaskDefinition, next.reg.arn, next.seq,
              EncodeRecord(next, TagsOf(next.reg.arn)));
  ECS_RETURN_IF_ERROR(Commit(changes));
  auto& slot = task_definitions_.families()[ctx.tenant][ref->family][*ref->revision];
  slot = std::move(next);
  return &slot;
}

Status ControlPlane::DeleteTaskDefinitions(const RequestContext& ctx,
                                           const std::vector<std::string>& identifiers,
                                           std::vector<TaskDefinitionRecord>* deleted,
                                           std::vector<DescribeFailure>* failures) {
  if (identifiers.empty()) return Status::InvalidParameter("taskDefinitions can not be empty.");
  if (identifiers.size() > 10) {
    return Status::InvalidParameter("taskDefinitions can have at most 10 items.");
  }
  storage::ChangeSet changes;
  std::vector<TaskDefinitionRecord> next;
  std::vector<bool> removed;  // per entry of `next`
  Millis now = Now();
  for (const auto& id : identifiers) {
    auto ref = ParseTaskDefinitionRef(id);
    if (!ref || !ref->revision) {
      failures->push_back({id,
                           "The specified task definition identifier is invalid. Specify a "
                           "valid name or ARN and try again.",
                           ""});
      continue;
    }
    const TaskDefinitionRecord* r = task_definitions_.Find(ctx.tenant, ref->family, *ref->revision);
    if (!r) {
      failures->push_back({id,
                           "The specified task definition does not exist. Specify a valid "
                           "task definition and try again.",
                           ""});
      continue;
    }
    if (r->reg.status == "ACTIVE") {
      failures->push_back({r->reg.arn,
                           "The specified task definition is still in ACTIVE "
                           "status. Please deregister the target and try again.",
                           ""});
      continue;
    }
    if (std::any_of(next.begin(), next.end(),
                    [&](const TaskDefinitionRecord& seen) { return seen.reg.arn == r->reg.arn; })) {
      continue;  // named twice in one request: reported once
    }
    TaskDefinitionRecord n = *r;
    if (n.reg.status != "DELETE_IN_PROGRESS") {
      n.reg.status = "DELETE_IN_PROGRESS";
      n.reg.delete_requested_at = now;
      n.rendered = RenderTaskDefinition(n.spec, n.reg);
    }
    // Nothing runs it: gone for good right away (the reply still shows DELETE_IN_PROGRESS, as
    // ECS's does). Otherwise the last task or service to let go of it removes it.
    removed.push_back(!TaskDefinitionInUse(ctx.tenant, n.reg.arn));
    if (!removed.back()) {
      if (r->reg.status != "DELETE_IN_PROGRESS") {
        changes.Put(storage::Kind::kTaskDefinition, n.reg.arn, n.seq,
                    EncodeRecord(n, TagsOf(n.reg.arn)));
      }
    } else {
      changes.Delete(storage::Kind::kTaskDefinition, n.reg.arn);
      changes.PutTags(n.reg.arn, {});
      PutRevisionCounter(ctx.tenant, n.spec.family, changes);
    }
    next.push_back(std::move(n));
  }
  ECS_RETURN_IF_ERROR(Commit(changes));
  for (size_t i = 0; i < next.size(); ++i) {
    TaskDefinitionRecord& n = next[i];
    if (!removed[i]) {
      task_definitions_.families()[ctx.tenant][n.spec.family][n.reg.revision] = n;
    } else {
      EraseTaskDefinition(task_definitions_, ctx.tenant, n.spec.family, n.reg.revision);
      tags_.erase(n.reg.arn);
    }
    deleted->push_back(std::move(n));
  }
  return Status::Ok();
}

bool ControlPlane::PutTaskDefinitionTags(const Tenant& t, const std::string& arn,
                                         const model::TagList& tags,
                                         storage::ChangeSet& changes) const {
  auto ref = ParseTaskDefinitionRef(arn);
  if (!ref || !ref->revision) return false;
  const TaskDefinitionRecord* r = task_definitions_.Find(t, ref->family, *ref->revision);
  if (!r || r->reg.arn != arn) return false;
  changes.Put(storage::Kind::kTaskDefinition, arn, r->seq, EncodeRecord(*r, tags));
  changes.PutTags(arn, {});  // a tags row from before tags moved into the definition's row
  return true;
}

void ControlPlane::PutRevisionCounter(const Tenant& t, const std::string& family,
                                      storage::ChangeSet& changes) const {
  auto it = task_definitions_.last_revision().find({t, family});
  if (it != task_definitions_.last_revision().end()) {
    changes.PutCounter(CounterKey(t, family), it->second);
  }
}

bool ControlPlane::TaskDefinitionInUse(const Tenant& t, const std::string& arn) const {
  const TenantState* st = FindState(t);
  if (!st) return false;
  for (const auto& [cluster, cs] : st->cluster_state) {
    for (const auto& [id, task] : cs.tasks) {
      if (task.task_definition_arn == arn && !task.is_stopped()) return true;
    }
    for (const auto& [name, svc] : cs.services) {
      if (svc.status != "ACTIVE") continue;  // a draining service's tasks are counted above
      if (svc.task_definition_arn == arn) return true;
      for (const auto& d : svc.deployments) {
        if (d.status != "INACTIVE" && d.task_definition_arn == arn) return true;
      }
    }
  }
  return false;
}

void ControlPlane::ReleaseTaskDefinition(const Tenant& t, const std::string& arn,
                                         storage::ChangeSet& changes) {
  auto ref = ParseTaskDefinitionRef(arn);
  if (!ref || !ref->revision) return;
  const TaskDefinitionRecord* r = task_definitions_.Find(t, ref->family, *ref->revision);
  if (!r || r->reg.status != "DELETE_IN_PROGRESS" || TaskDefinitionInUse(t, arn)) return;
  changes.Delete(storage::Kind::kTaskDefinition, arn);
  changes.PutTags(arn, {});
  PutRevisionCounter(t, ref->family, changes);
  tags_.erase(arn);
  EraseTaskDefinition(task_definitions_, t, ref->family, *ref->revision);
}

Result<Page> ControlPlane::ListTaskDefinitions(const RequestContext& ctx,
                                               const std::string& family_prefix,
                                               const std::string& status, bool descending,
                                               std::optional<int64_t> max_results,
                                               const std::optional<std::string>& next_token) const {
  auto size = ResolvePageSize(max_results, 100, 100);
  if (!size.ok()) return size.status();
  std::string scope = TenantScope(ctx.tenant, "ListTaskDefinitions") + "|" + family_prefix + "|" +
                      status + "|" + (descending ? "DESC" : "ASC");
  std::string after;
  if (next_token) {
    auto cursor = DecodePageToken(*next_token, scope);
    if (!cursor.ok()) return cursor.status();
    after = *cursor;
  }
  // Sort key: family, then zero-padded revision; DESC reverses both (ECS documents this order).
  std::vector<std::pair<std::string, std::string>> keyed;
  auto ti = task_definitions_.families().find(ctx.tenant);
  if (ti != task_definitions_.families().end()) {
    for (const auto& [family, revisions] : ti->second) {
      // familyPrefix is an exact family name despite its name (ECS behaviour).
      if (!family_prefix.empty() && family != family_prefix) continue;
      for (const auto& [rev, r] : revisions) {
        if (r.reg.status != status) continue;
        keyed.emplace_back(family + "\x01" + SeqCursor(rev), r.reg.arn);
      }
    }
  }
  std::sort(keyed.begin(), keyed.end());
  if (descending) std::reverse(keyed.begin(), keyed.end());
  Page page;
  for (size_t i = 0; i < keyed.size(); ++i) {
    if (!after.empty() && (descending ? keyed[i].first >= after : keyed[i].first <= after))
      continue;
    if (static_cast<int>(page.arns.size()) == *size) {
      page.next_token = EncodePageToken(scope, keyed[i - 1].first);
      break;
    }
    page.arns.push_back(keyed[i].second);
  }
  return page;
}

Result<Page> ControlPlane::ListTaskDefinitionFamilies(
    const RequestContext& ctx, const std::string& family_prefix, const std::string& status,
    std::optional<int64_t> max_results, const std::optional<std::string>& next_token) const {
  auto size = ResolvePageSize(max_results, 100, 100);
  if (!size.ok()) return size.status();
  std::string scope =
      TenantScope(ctx.tenant, "ListTaskDefinitionFamilies") + "|" + family_prefix + "|" + status;
  std::string after;
  if (next_token) {
    auto cursor = DecodePageToken(*next_token, scope);
    if (!cursor.ok()) return cursor.status();
    after = *cursor;
  }
  Page page;
  auto ti = task_definitions_.families().find(ctx.tenant);
  if (ti == task_definitions_.families().end()) return page;
  std::string last;
  for (const auto& [family, revisions] : ti->second) {  // std::map: alphabetical
    if (!family.starts_with(family_prefix) || (!after.empty() && family <= after)) continue;
    if (revisions.empty()) continue;
    bool active = std::any_of(revisions.begin(), revisions.end(),
                              [](const auto& e) { return e.second.reg.status == "ACTIVE"; });
    if (status == "ACTIVE" && !active) continue;
    if (status == "INACTIVE" && active) continue;
    if (static_cast<int>(page.arns.size()) == *size) {
      page.next_token = EncodePageToken(scope, last);
      break;
    }
    page.arns.push_back(family);
    last = family;
  }
  return page;
}

}  // namespace ecs::control

// RegisterTaskDefinition, DescribeTaskDefinition, ListTaskDefinitions,
// ListTaskDefinitionFamilies, DeregisterTaskDefinition, DeleteTaskDefinitions, and when a
// deleted revision goes for good.
//
// Persistence: one row per revision (registration, tags and the normalized body; see
// storage::StoredTaskDefinition), and a counter per family holding the highest revision ever
// issued, written when a deletion may remove the row that shows it, so numbers are never reused.
// Loading reads each spec back from its stored body without validating it again
// (taskdef::SpecFromStoredBody).
#include <algorithm>

#include "common/arn_check.h"
#include "common/pagination.h"
#include "control/control_plane.h"
#include "model/quotas.h"
#include "taskdef/reference.h"
#include "taskdef/stored.h"

namespace ecs::control {

namespace {

constexpr int64_t kMaxRevisions = quotas::kRevisionsPerTaskDefinitionFamily;

using model::TaskDefinitionStatus;

storage::StoredTaskDefinition Stored(const TaskDefinitionRecord& r, const model::TagList& tags) {
  return {r.tenant, r.seq, r.reg, tags, r.spec->body.text()};
}

// The row deletion of a revision nothing uses: the row, its tags, and the family's counter (the
// stored rows may no longer show its highest revision).
void DeleteRevision(State& state, const TaskDefinitionRecord& r, storage::ChangeSet& changes) {
  changes.DeleteTaskDefinition(r.reg.arn);
  changes.PutTags(r.reg.arn, {});
  changes.PutRevisionCounter(r.tenant, r.spec->family,
                             state.task_definitions.LastRevision(r.tenant, r.spec->family));
}

}  // namespace

// Revisions in any order: a family's map orders them, and Intern shares parts with whichever
// revision is its latest so far.
Status ControlPlane::LoadTaskDefinitions(std::vector<storage::StoredTaskDefinition>& rows) {
  for (auto& row : rows) {
    auto spec = taskdef::SpecFromStoredBody(std::move(row.body));
    if (!spec.ok()) {
      return Status::Corrupt("corrupt task definition row " + row.reg.arn + ": " +
                             spec.status().message());
    }
    // Rows from before tags moved into the definition's row have none here: their tags are in a
    // tags row, which the generic tag loader reads.
    if (!row.tags.empty()) state_.tags.Set(row.reg.arn, std::move(row.tags));
    state_.next_seq = std::max(state_.next_seq, row.seq + 1);
    state_.task_definitions.Put({row.tenant, row.seq,
                                 state_.task_definitions.Intern(row.tenant, std::move(*spec)),
                                 std::move(row.reg)});
  }
  return Status::Ok();
}

Result<const TaskDefinitionRecord*> ControlPlane::RegisterTaskDefinition(
    const RequestContext& ctx, taskdef::TaskDefinitionSpec spec) {
  auto r = NewTaskDefinition(ctx, std::move(spec));
  if (!r.ok()) return r.status();
  storage::ChangeSet changes = state_.NewChanges();
  const TaskDefinitionRecord& slot = PutTaskDefinition(std::move(r).value(), changes);
  ECS_RETURN_IF_ERROR(Commit(changes));
  return &slot;
}

Result<ControlPlane::NewRevision> ControlPlane::NewTaskDefinition(
    const RequestContext& ctx, taskdef::TaskDefinitionSpec spec) {
  const int64_t last = state_.task_definitions.LastRevision(ctx.tenant, spec.family);
  if (last >= kMaxRevisions) {
    return Status(ErrorCode::kLimitExceededException,
                  "The maximum number of revisions (1,000,000) for family " + spec.family +
                      " has been reached.");
  }
  NewRevision made;
  made.tags = std::move(spec.tags);
  TaskDefinitionRecord& r = made.record;
  r.tenant = ctx.tenant;
  r.seq = state_.NextSeq();
  r.reg.revision = last + 1;
  r.reg.arn = ArnPrefix(ctx.tenant) + "task-definition/" + spec.family + ":" +
              std::to_string(r.reg.revision);
  r.reg.status = TaskDefinitionStatus::kActive;
  r.reg.registered_at = Now();
  r.reg.registered_by = ctx.principal_arn();
  spec.tags.clear();
  r.spec = state_.task_definitions.Intern(ctx.tenant, std::move(spec));
  return made;
}

const TaskDefinitionRecord& ControlPlane::PutTaskDefinition(NewRevision r,
                                                            storage::ChangeSet& changes) {
  // One row, tags included. The family's revision counter is not written: at load it is at least
  // the highest stored revision, and the deletions that could remove that row write it.
  changes.PutTaskDefinition(Stored(r.record, r.tags));
  state_.tags.Set(r.record.reg.arn, std::move(r.tags));
  return state_.task_definitions.Put(std::move(r.record));
}

Result<const TaskDefinitionRecord*> ControlPlane::DescribeTaskDefinition(
    const RequestContext& ctx, const std::string& identifier) const {
  return state_.task_definitions.Resolve(ctx.tenant, identifier);
}

Result<const TaskDefinitionRecord*> ControlPlane::DeregisterTaskDefinition(
    const RequestContext& ctx, const std::string& identifier) {
  ECS_RETURN_IF_ERROR(CheckArnArgument(ctx.tenant, identifier, ArnResource::kTaskDefinition));
  auto ref = taskdef::ParseTaskDefinitionRef(identifier);
  if (!ref) {
    return Status::InvalidParameter("Invalid revision number. Number: " +
                                    std::string(identifier.substr(identifier.rfind(':') + 1)));
  }
  // AWS's codes and text for a bare family and an unknown revision (issue 11).
  if (!ref->revision) return Status::Client("Revision is missing.");
  const TaskDefinitionRecord* current =
      state_.task_definitions.Find(ctx.tenant, ref->family, *ref->revision);
  if (!current) return Status::Client("Unable to describe task definition.");
  if (!current->is_active()) return current;
  TaskDefinitionRecord next = *current;
  next.reg.status = TaskDefinitionStatus::kInactive;
  next.reg.deregistered_at = Now();
  storage::ChangeSet changes = state_.NewChanges();
  changes.PutTaskDefinition(Stored(next, state_.tags.Of(next.reg.arn)));
  const TaskDefinitionRecord& slot = state_.task_definitions.Put(std::move(next));
  ECS_RETURN_IF_ERROR(Commit(changes));
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
  ECS_RETURN_IF_ERROR(CheckArnArguments(ctx.tenant, identifiers, ArnResource::kTaskDefinition));
  storage::ChangeSet changes = state_.NewChanges();
  const Millis now = Now();
  for (const auto& id : identifiers) {
    auto ref = taskdef::ParseTaskDefinitionRef(id);
    if (!ref || !ref->revision) {
      failures->push_back({id,
                           "The specified task definition identifier is invalid. Specify a "
                           "valid name or ARN and try again.",
                           ""});
      continue;
    }
    if (std::any_of(deleted->begin(), deleted->end(), [&](const TaskDefinitionRecord& seen) {
          return seen.spec->family == ref->family && seen.reg.revision == *ref->revision;
        })) {
      continue;  // named twice in one request: reported once
    }
    const TaskDefinitionRecord* r =
        state_.task_definitions.Find(ctx.tenant, ref->family, *ref->revision);
    if (!r) {
      failures->push_back({id,
                           "The specified task definition does not exist. Specify a valid "
                           "task definition and try again.",
                           ""});
      continue;
    }
    if (r->is_active()) {
      failures->push_back({r->reg.arn,
                           "The specified task definition is still in ACTIVE "
                           "status. Please deregister the target and try again.",
                           ""});
      continue;
    }
    TaskDefinitionRecord n = *r;
    if (n.reg.status != TaskDefinitionStatus::kDeleteInProgress) {
      n.reg.status = TaskDefinitionStatus::kDeleteInProgress;
      n.reg.delete_requested_at = now;
    }
    // Nothing runs it: gone for good right away (the reply still shows DELETE_IN_PROGRESS, as
    // ECS's does). Otherwise the last task or service to let go of it removes it.
    if (!TaskDefinitionInUse(state_, ctx.tenant, n.reg.arn)) {
      DeleteRevision(state_, n, changes);
      state_.tags.Erase(n.reg.arn);
      state_.task_definitions.Erase(ctx.tenant, n.spec->family, n.reg.revision);
    } else if (r->reg.status != TaskDefinitionStatus::kDeleteInProgress) {
      changes.PutTaskDefinition(Stored(n, state_.tags.Of(n.reg.arn)));
      state_.task_definitions.Put(n);
    }
    deleted->push_back(std::move(n));
  }
  return Commit(changes);
}

bool TaskDefinitionInUse(const State& state, const Tenant& t, const std::string& arn) {
  const TenantState* ts = state.index.FindTenant(t);
  if (!ts) return false;
  for (const auto& [cluster, cs] : ts->cluster_state) {
    for (const auto& [id, task] : cs.tasks) {
      if (task.task_definition_arn == arn && !task.is_stopped()) return true;
    }
    for (const auto& [name, svc] : cs.services) {
      // A draining service's tasks are counted above.
      if (svc.status != model::ServiceStatus::kActive) continue;
      if (svc.task_definition_arn == arn) return true;
      for (const auto& d : svc.deployments) {
        if (d.status != model::DeploymentStatus::kInactive && d.task_definition_arn == arn) {
          return true;
        }
      }
    }
  }
  return false;
}

void ReleaseTaskDefinition(State& state, const Tenant& t, const std::string& arn,
                           storage::ChangeSet& changes) {
  const TaskDefinitionRecord* r = state.task_definitions.FindArn(t, arn);
  if (!r || r->reg.status != TaskDefinitionStatus::kDeleteInProgress ||
      TaskDefinitionInUse(state, t, arn)) {
    return;
  }
  DeleteRevision(state, *r, changes);
  state.tags.Erase(arn);
  state.task_definitions.Erase(t, r->spec->family, r->reg.revision);
}

Result<Page> ControlPlane::ListTaskDefinitions(const RequestContext& ctx,
                                               const ListTaskDefinitionsInput& in) const {
  auto size = ResolvePageSize(in.page.max_results, 100, 100);
  if (!size.ok()) return size.status();
  const std::string scope = TenantScope(ctx.tenant, "ListTaskDefinitions") + "|" +
                            in.family_prefix + "|" + std::string(model::ToString(in.status)) + "|" +
                            (in.descending ? "DESC" : "ASC");
  std::string after;
  if (in.page.next_token) {
    auto cursor = DecodePageToken(*in.page.next_token, scope);
    if (!cursor.ok()) return cursor.status();
    after = *cursor;
  }
  // Sort key: family, then zero-padded revision; DESC reverses both (ECS documents this order).
  std::vector<std::pair<std::string, std::string>> keyed;
  if (const auto* families = state_.task_definitions.FamiliesOf(ctx.tenant)) {
    for (const auto& [family, revisions] : *families) {
      // familyPrefix is an exact family name despite its name (ECS behaviour).
      if (!in.family_prefix.empty() && family != in.family_prefix) continue;
      for (const auto& [rev, r] : revisions) {
        if (r.reg.status == in.status)
          keyed.emplace_back(family + "\x01" + SeqCursor(rev), r.reg.arn);
      }
    }
  }
  std::sort(keyed.begin(), keyed.end());
  if (in.descending) std::reverse(keyed.begin(), keyed.end());
  Page page;
  for (size_t i = 0; i < keyed.size(); ++i) {
    if (!after.empty() && (in.descending ? keyed[i].first >= after : keyed[i].first <= after)) {
      continue;
    }
    if (static_cast<int>(page.arns.size()) == *size) {
      page.next_token = EncodePageToken(scope, keyed[i - 1].first);
      break;
    }
    page.arns.push_back(keyed[i].second);
  }
  return page;
}

Result<Page> ControlPlane::ListTaskDefinitionFamilies(const RequestContext& ctx,
                                                      const std::string& family_prefix,
                                                      FamilyStatusFilter status,
                                                      const PageRequest& request) const {
  auto size = ResolvePageSize(request.max_results, 100, 100);
  if (!size.ok()) return size.status();
  static constexpr const char* kNames[] = {"ACTIVE", "INACTIVE", "ALL"};
  const std::string scope = TenantScope(ctx.tenant, "ListTaskDefinitionFamilies") + "|" +
                            family_prefix + "|" + kNames[static_cast<int>(status)];
  std::string after;
  if (request.next_token) {
    auto cursor = DecodePageToken(*request.next_token, scope);
    if (!cursor.ok()) return cursor.status();
    after = *cursor;
  }
  Page page;
  const auto* families = state_.task_definitions.FamiliesOf(ctx.tenant);
  if (!families) return page;
  std::string last;
  for (const auto& [family, revisions] : *families) {  // std::map: alphabetical
    if (!family.starts_with(family_prefix) || (!after.empty() && family <= after)) continue;
    if (revisions.empty()) continue;
    const bool active = std::any_of(revisions.begin(), revisions.end(),
                                    [](const auto& e) { return e.second.is_active(); });
    if (status == FamilyStatusFilter::kActive && !active) continue;
    if (status == FamilyStatusFilter::kInactive && active) continue;
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

// RegisterDaemonTaskDefinition, DescribeDaemonTaskDefinition, ListDaemonTaskDefinitions,
// DeleteDaemonTaskDefinition, and the registry behind them.
//
// Lifecycle (the model's DaemonTaskDefinitionStatus): ACTIVE when registered;
// DeleteDaemonTaskDefinition makes it DELETE_IN_PROGRESS while a daemon still runs the revision
// ("Existing daemons that reference the deleted daemon task definition continue to run") and
// DELETED once none does — at once, in the same request, when no daemon runs it, so the
// DaemonTaskDefinitionDeleted waiter succeeds on its first poll. A DELETED revision is kept and
// still described by family:revision or ARN; a bare family resolves to the latest ACTIVE one.
//
// Persistence: one row per revision (storage::StoredDaemonTaskDefinition); tags in a tags row.
#include "control/daemon_task_definitions.h"

#include <algorithm>

#include "common/arn_check.h"
#include "common/pagination.h"
#include "control/control_plane.h"
#include "model/quotas.h"
#include "taskdef/reference.h"
#include "taskdef/stored.h"

namespace ecs::control {

namespace {

using model::DaemonTaskDefinitionStatus;

constexpr std::string_view kArnType = "daemon-task-definition";

Status NotFound() { return Status::Client("The specified daemon task definition does not exist."); }

storage::StoredDaemonTaskDefinition Stored(const DaemonTaskDefinitionRecord& r) {
  return {r.tenant, r.seq, r.spec->family, r.reg, r.spec->body.text()};
}

}  // namespace

// --- The registry ---

const DaemonTaskDefinitionRecord* DaemonTaskDefinitionRegistry::Find(const Tenant& t,
                                                                     const std::string& family,
                                                                     int64_t revision) const {
  const auto* families = FamiliesOf(t);
  if (!families) return nullptr;
  auto fi = families->find(family);
  if (fi == families->end()) return nullptr;
  auto ri = fi->second.find(revision);
  return ri == fi->second.end() ? nullptr : &ri->second;
}

const DaemonTaskDefinitionRecord* DaemonTaskDefinitionRegistry::FindArn(
    const Tenant& t, std::string_view arn) const {
  auto ref = taskdef::ParseTaskDefinitionRef(arn, kArnType);
  if (!ref || !ref->revision) return nullptr;
  const DaemonTaskDefinitionRecord* r = Find(t, ref->family, *ref->revision);
  return r && r->reg.arn == arn ? r : nullptr;
}

Result<const DaemonTaskDefinitionRecord*> DaemonTaskDefinitionRegistry::Resolve(
    const Tenant& t, std::string_view identifier) const {
  ECS_RETURN_IF_ERROR(CheckArnArgument(t, identifier, ArnResource::kDaemonTaskDefinition));
  auto ref = taskdef::ParseTaskDefinitionRef(identifier, kArnType);
  if (!ref) return NotFound();
  if (ref->revision) {
    const DaemonTaskDefinitionRecord* r = Find(t, ref->family, *ref->revision);
    if (!r) return NotFound();
    return r;
  }
  const auto* families = FamiliesOf(t);
  auto fi = families ? families->find(ref->family) : decltype(families->end()){};
  if (!families || fi == families->end()) return NotFound();
  for (auto it = fi->second.rbegin(); it != fi->second.rend(); ++it) {
    if (it->second.is_active()) return &it->second;
  }
  return NotFound();
}

const std::map<std::string, DaemonTaskDefinitionRegistry::Family>*
DaemonTaskDefinitionRegistry::FamiliesOf(const Tenant& t) const {
  auto it = families_.find(t);
  return it == families_.end() ? nullptr : &it->second;
}

int64_t DaemonTaskDefinitionRegistry::LastRevision(const Tenant& t,
                                                   const std::string& family) const {
  const auto* families = FamiliesOf(t);
  if (!families) return 0;
  auto fi = families->find(family);
  return fi == families->end() || fi->second.empty() ? 0 : fi->second.rbegin()->first;
}

const DaemonTaskDefinitionRecord& DaemonTaskDefinitionRegistry::Put(
    DaemonTaskDefinitionRecord record) {
  Family& family = families_[record.tenant][record.spec->family];
  const int64_t revision = record.reg.revision;
  return family.insert_or_assign(revision, std::move(record)).first->second;
}

// --- The operations ---

Status ControlPlane::LoadDaemonTaskDefinitions(storage::Snapshot& snap) {
  for (auto& row : snap.daemon_task_definitions) {
    auto spec = taskdef::SpecFromStoredBody(std::move(row.body));
    if (!spec.ok()) {
      return Status::Corrupt("corrupt daemon task definition row " + row.reg.arn + ": " +
                             spec.status().message());
    }
    state_.next_seq = std::max(state_.next_seq, row.seq + 1);
    state_.daemon_task_definitions.Put(
        {row.tenant, row.seq, std::make_shared<const taskdef::TaskDefinitionSpec>(std::move(*spec)),
         std::move(row.reg)});
  }
  return Status::Ok();
}

Result<const DaemonTaskDefinitionRecord*> ControlPlane::RegisterDaemonTaskDefinition(
    const RequestContext& ctx, taskdef::TaskDefinitionSpec spec) {
  const int64_t last = state_.daemon_task_definitions.LastRevision(ctx.tenant, spec.family);
  if (last >= quotas::kRevisionsPerTaskDefinitionFamily) {
    return Status(ErrorCode::kLimitExceededException,
                  "The maximum number of revisions (1,000,000) for daemon task definition family " +
                      spec.family + " has been reached.");
  }
  DaemonTaskDefinitionRecord r;
  r.tenant = ctx.tenant;
  r.seq = state_.NextSeq();
  r.reg.revision = last + 1;
  r.reg.arn = ArnPrefix(ctx.tenant) + std::string(kArnType) + "/" + spec.family + ":" +
              std::to_string(r.reg.revision);
  r.reg.registered_at = Now();
  r.reg.registered_by = ctx.principal_arn();
  model::TagList tags = std::move(spec.tags);
  r.spec = std::make_shared<const taskdef::TaskDefinitionSpec>(std::move(spec));
  storage::ChangeSet changes = state_.NewChanges();
  changes.PutDaemonTaskDefinition(Stored(r));
  if (!tags.empty()) changes.PutTags(r.reg.arn, tags);
  state_.tags.Set(r.reg.arn, std::move(tags));
  const DaemonTaskDefinitionRecord& slot = state_.daemon_task_definitions.Put(std::move(r));
  ECS_RETURN_IF_ERROR(Commit(changes));
  return &slot;
}

Result<const DaemonTaskDefinitionRecord*> ControlPlane::DescribeDaemonTaskDefinition(
    const RequestContext& ctx, const std::string& identifier) const {
  return state_.daemon_task_definitions.Resolve(ctx.tenant, identifier);
}

Result<const DaemonTaskDefinitionRecord*> ControlPlane::DeleteDaemonTaskDefinition(
    const RequestContext& ctx, const std::string& identifier) {
  ECS_RETURN_IF_ERROR(CheckArnArgument(ctx.tenant, identifier, ArnResource::kDaemonTaskDefinition));
  auto ref = taskdef::ParseTaskDefinitionRef(identifier, kArnType);
  if (!ref) return NotFound();
  // The model: "The family and revision (family:revision) or full ARN".
  if (!ref->revision) return Status::Client("Revision is missing.");
  const DaemonTaskDefinitionRecord* current =
      state_.daemon_task_definitions.Find(ctx.tenant, ref->family, *ref->revision);
  if (!current) return NotFound();
  if (!current->is_active()) {
    return Status::Client("The daemon task definition " + current->reg.arn +
                          " can't be deleted: its status is " +
                          std::string(model::ToString(current->reg.status)) +
                          ". Only an ACTIVE daemon task definition can be deleted.");
  }
  DaemonTaskDefinitionRecord next = *current;
  next.reg.delete_requested_at = Now();
  next.reg.status = DaemonTaskDefinitionInUse(state_, ctx.tenant, next.reg.arn)
                        ? DaemonTaskDefinitionStatus::kDeleteInProgress
                        : DaemonTaskDefinitionStatus::kDeleted;
  storage::ChangeSet changes = state_.NewChanges();
  changes.PutDaemonTaskDefinition(Stored(next));
  const DaemonTaskDefinitionRecord& slot = state_.daemon_task_definitions.Put(std::move(next));
  ECS_RETURN_IF_ERROR(Commit(changes));
  return &slot;
}

namespace {

bool Matches(const ListDaemonTaskDefinitionsInput& in, const DaemonTaskDefinitionRecord& r) {
  return !in.status || r.reg.status == *in.status;
}

// The sort key: family, then the zero-padded revision (the model: "ascending order by family
// name and revision number"); DESC reverses both.
std::string SortKey(const DaemonTaskDefinitionRecord& r) {
  return r.spec->family + "\x01" + SeqCursor(r.reg.revision);
}

}  // namespace

Result<DaemonTaskDefinitionPage> ControlPlane::ListDaemonTaskDefinitions(
    const RequestContext& ctx, const ListDaemonTaskDefinitionsInput& in) const {
  auto size = ResolvePageSize(in.max_results, 100, 100);
  if (!size.ok()) return size.status();
  const std::string scope = TenantScope(ctx.tenant, "ListDaemonTaskDefinitions") + "|" +
                            in.family_prefix + "|" + in.family + "|" +
                            (in.last_registered ? "LAST" : "") + "|" +
                            std::string(in.status ? model::ToString(*in.status) : "ALL") + "|" +
                            (in.descending ? "DESC" : "ASC");
  std::string after;
  if (in.next_token) {
    auto cursor = DecodePageToken(*in.next_token, scope);
    if (!cursor.ok()) return cursor.status();
    after = *cursor;
  }
  std::vector<const DaemonTaskDefinitionRecord*> matching;
  if (const auto* families = state_.daemon_task_definitions.FamiliesOf(ctx.tenant)) {
    for (const auto& [family, revisions] : *families) {  // std::map: ascending
      if (!family.starts_with(in.family_prefix)) continue;
      if (!in.family.empty() && family != in.family) continue;
      if (in.last_registered) {
        // The family's last registered revision, whatever the filter; then the status filter.
        if (Matches(in, revisions.rbegin()->second))
          matching.push_back(&revisions.rbegin()->second);
        continue;
      }
      for (const auto& [revision, r] : revisions) {
        if (Matches(in, r)) matching.push_back(&r);
      }
    }
  }
  if (in.descending) std::reverse(matching.begin(), matching.end());
  DaemonTaskDefinitionPage page;
  for (const DaemonTaskDefinitionRecord* r : matching) {
    const std::string key = SortKey(*r);
    if (!after.empty() && (in.descending ? key >= after : key <= after)) continue;
    if (static_cast<int>(page.items.size()) == *size) {
      page.next_token = EncodePageToken(scope, SortKey(*page.items.back()));
      break;
    }
    page.items.push_back(r);
  }
  return page;
}

bool DaemonTaskDefinitionInUse(const State& state, const Tenant& t, const std::string& arn) {
  for (const auto& [daemon_arn, d] : state.daemons) {
    if (d.tenant != t || d.deleted) continue;
    const model::DaemonRevision* target = d.FindRevision(d.latest().EffectiveTarget());
    if (target && target->task_definition_arn == arn) return true;
    const ClusterState* cs = state.index.FindCluster(t, d.cluster);
    if (!cs) continue;
    auto tasks = cs->daemon_tasks.find(d.task_group());  // the daemon's own tasks
    if (tasks == cs->daemon_tasks.end()) continue;
    for (const model::Task* task : tasks->second) {
      if (!task->is_stopped() && task->task_definition_arn == arn) return true;
    }
  }
  return false;
}

void ReleaseDaemonTaskDefinitions(State& state, const Tenant& t, storage::ChangeSet& changes) {
  const auto* families = state.daemon_task_definitions.FamiliesOf(t);
  if (!families) return;
  std::vector<DaemonTaskDefinitionRecord> released;
  for (const auto& [family, revisions] : *families) {
    for (const auto& [revision, r] : revisions) {
      if (r.reg.status == DaemonTaskDefinitionStatus::kDeleteInProgress &&
          !DaemonTaskDefinitionInUse(state, t, r.reg.arn)) {
        released.push_back(r);
      }
    }
  }
  for (auto& r : released) {
    r.reg.status = DaemonTaskDefinitionStatus::kDeleted;
    changes.PutDaemonTaskDefinition(Stored(r));
    state.daemon_task_definitions.Put(std::move(r));
  }
}

}  // namespace ecs::control

// ControlPlane as a whole: construction, loading, reset, the commit and rollback path, and
// cluster resolution.
#include "control/control_plane.h"

#include <algorithm>

#include "common/arn_check.h"
#include "common/log.h"

namespace ecs::control {

ControlPlane::ControlPlane(storage::Store* store, const Clock* clock, IdGenerator ids,
                           ControlOptions options)
    : state_(store, clock, ids, std::move(options)),
      lifecycle_(
          state_,
          [this](ClusterState& cs, model::Task& t, Millis now, storage::ChangeSet& c) {
            scheduler_.OnTaskChanged(cs, t, now, c);
          },
          [this](ClusterState& cs, const model::Task& t, TaskLifecycle::TargetEvent e, Millis now,
                 storage::ChangeSet& c) { scheduler_.OnTargetsChanged(cs, t, e, now, c); }),
      launcher_(state_),
      scheduler_(state_, lifecycle_, launcher_) {}

Status ControlPlane::Load() {
  ClearForLoad();
  RowLoad loading;
  auto snap = state_.store->Load([&](storage::LoadBatch& rows) { return LoadRows(rows, loading); });
  if (!snap.ok()) return snap.status();
  return LoadRest(*snap, loading);
}

Status ControlPlane::LoadFrom(storage::Snapshot& snap) {
  ClearForLoad();
  RowLoad loading;
  storage::LoadBatch rows{std::move(snap.tasks), std::move(snap.container_instances),
                          std::move(snap.services), std::move(snap.task_definitions)};
  ECS_RETURN_IF_ERROR(LoadRows(rows, loading));
  return LoadRest(snap, loading);
}

void ControlPlane::ClearForLoad() {
  state_.Clear();
  scheduler_.ForgetPass();
}

Status ControlPlane::LoadRest(storage::Snapshot& snap, RowLoad& loading) {
  for (const auto& [owner, revision] : snap.revision_counters) {
    state_.task_definitions.RaiseLastRevision(owner.first, owner.second, revision);
  }
  ECS_RETURN_IF_ERROR(LoadDaemonTaskDefinitions(snap));
  LoadSnapshot(snap);
  state_.next_seq = std::max(state_.next_seq, loading.next_seq);
  // Client tokens are rebuilt from the tasks that carry them, each token's tasks in creation
  // order (what a retried RunTask answers with).
  std::sort(loading.client_tokens.begin(), loading.client_tokens.end(),
            [](const auto& a, const auto& b) { return a.seq < b.seq; });
  for (auto& token : loading.client_tokens) {
    state_.index.GetTenant(token.tenant).client_tokens[token.key].push_back(std::move(token.entry));
  }
  state_.index.FinishLoad();
  return Status::Ok();
}

// Rows in any order (the table's): into the index and the registry, the tasks' usage and the
// services' counts left to FinishLoad.
Status ControlPlane::LoadRows(storage::LoadBatch& rows, RowLoad& loading) {
  ECS_RETURN_IF_ERROR(LoadTaskDefinitions(rows.task_definitions));
  LoadTasks(rows.tasks, loading);
  for (auto& ci : rows.container_instances) {
    loading.next_seq = std::max(loading.next_seq, ci.seq + 1);
    ClusterState& cs = state_.index.GetCluster(ci.tenant, ci.cluster);
    state_.index.PutInstance(cs, std::move(ci));
  }
  for (auto& svc : rows.services) {
    loading.next_seq = std::max(loading.next_seq, svc.seq + 1);
    ClusterState& cs = state_.index.GetCluster(svc.tenant, svc.cluster);
    state_.index.LoadService(cs, std::move(svc));
  }
  return Status::Ok();
}

void ControlPlane::LoadTasks(std::vector<model::Task>& tasks, RowLoad& loading) {
  // Rows come mostly in runs of one cluster: look it up once per run.
  ClusterState* cs = nullptr;
  const model::Task* previous = nullptr;
  for (auto& t : tasks) {
    loading.next_seq = std::max(loading.next_seq, t.seq + 1);
    if (!previous || t.cluster != previous->cluster || t.tenant != previous->tenant) {
      cs = &state_.index.GetCluster(t.tenant, t.cluster);
    }
    model::Task& slot = state_.index.LoadTask(*cs, std::move(t));
    previous = &slot;
    if (!slot.client_token.empty()) {
      loading.client_tokens.push_back({slot.seq, slot.tenant,
                                       slot.cluster + "|" + slot.client_token,
                                       slot.request_fingerprint + "|" + slot.id});
    }
  }
}

void ControlPlane::LoadSnapshot(storage::Snapshot& snap) {
  int64_t& next = state_.next_seq;
  auto see = [&next](int64_t seq) { next = std::max(next, seq + 1); };
  for (auto& [arn, tags] : snap.tags) state_.tags.Set(arn, std::move(tags));
  for (auto& c : snap.clusters) {
    see(c.seq);
    state_.index.PutCluster(std::move(c));
  }
  for (const auto& s : snap.account_settings) {
    state_.account_settings[s.tenant][{s.principal_arn, s.name}] = s.value;
  }
  for (auto& cp : snap.capacity_providers) {
    see(cp.seq);
    auto& slot = state_.capacity_providers[cp.tenant][cp.name];
    slot = std::move(cp);
  }
  for (auto& g : snap.auto_scaling_groups) {
    see(g.seq);
    auto& slot = state_.auto_scaling_groups[g.tenant][g.name];
    slot = std::move(g);
  }
  for (auto& d : snap.daemons) {
    see(d.seq);
    std::string arn = d.arn;
    state_.daemons.insert_or_assign(std::move(arn), std::move(d));
  }
  for (auto& e : snap.express_gateway_services) {
    see(e.seq);
    std::string arn = e.service_arn;
    state_.express_services.insert_or_assign(std::move(arn), std::move(e));
  }
}

storage::ChangeSet ControlPlane::DumpRows(const StateScope& scope) const {
  if (scope.all()) return DumpRowsWhere([](const Tenant&) { return true; });
  return DumpRowsWhere([&scope](const Tenant& t) { return scope.Covers(t); });
}

// Every row of the tenants `keep` accepts. A row belongs to the tenant of its resource; a tags
// row to the tenant its ARN names.
storage::ChangeSet ControlPlane::DumpRowsWhere(const TenantFilter& keep) const {
  storage::ChangeSet rows;
  for (const auto& [tenant, ts] : state_.index.tenants()) {
    if (!keep(tenant)) continue;
    for (const auto& [name, c] : ts.clusters) rows.PutCluster(c);
    for (const auto& [name, cs] : ts.cluster_state) {
      for (const auto& [id, ci] : cs.instances) rows.PutContainerInstance(ci);
      for (const auto& [id, t] : cs.tasks) rows.PutTask(t);
      for (const auto& [id, s] : cs.services) rows.PutService(s);
    }
  }
  for (const auto& [tenant, families] : state_.task_definitions.all()) {
    if (!keep(tenant)) continue;
    for (const auto& [family, revisions] : families) {
      for (const auto& [revision, r] : revisions) {
        rows.PutTaskDefinition(
            {tenant, r.seq, r.reg, state_.tags.Of(r.reg.arn), r.spec->body.text()});
      }
    }
  }
  for (const auto& [tenant, families] : state_.daemon_task_definitions.all()) {
    if (!keep(tenant)) continue;
    for (const auto& [family, revisions] : families) {
      for (const auto& [revision, r] : revisions) {
        rows.PutDaemonTaskDefinition({tenant, r.seq, family, r.reg, r.spec->body.text()});
      }
    }
  }
  for (const auto& [owner, revision] : state_.task_definitions.last_revisions()) {
    if (keep(owner.first)) rows.PutRevisionCounter(owner.first, owner.second, revision);
  }
  for (const auto& [arn, tags] : state_.tags.all()) {
    // A task definition's tags are in its own row (above).
    ParsedArn parsed;
    const bool parsed_ok = ParseEcsArn(arn, &parsed);
    // Tags are only kept for ECS ARNs; one that does not parse goes with every tenant's rows.
    if (parsed_ok ? !keep({parsed.account, parsed.region}) : !keep({})) continue;
    const bool in_definition_row =
        parsed_ok && parsed.resource_type == "task-definition" &&
        state_.task_definitions.FindArn({parsed.account, parsed.region}, arn);
    if (!in_definition_row) rows.PutTags(arn, tags);
  }
  for (const auto& [tenant, settings] : state_.account_settings) {
    if (!keep(tenant)) continue;
    for (const auto& [key, value] : settings) {
      rows.PutAccountSetting({tenant, key.first, key.second, value});
    }
  }
  for (const auto& [tenant, providers] : state_.capacity_providers) {
    if (!keep(tenant)) continue;
    for (const auto& [name, cp] : providers) rows.PutCapacityProvider(cp);
  }
  for (const auto& [tenant, groups] : state_.auto_scaling_groups) {
    if (!keep(tenant)) continue;
    for (const auto& [name, g] : groups) rows.PutAutoScalingGroup(g);
  }
  for (const auto& [arn, e] : state_.express_services) {
    if (keep(e.tenant)) rows.PutExpressGatewayService(e);
  }
  for (const auto& [arn, d] : state_.daemons) {
    if (keep(d.tenant)) rows.PutDaemon(d);
  }
  return rows;
}

Status ControlPlane::Reset() {
  ECS_RETURN_IF_ERROR(state_.store->Wipe());
  state_.Clear();
  scheduler_.ForgetPass();
  return Status::Ok();
}

Status ControlPlane::RecoverFromFailedCommit() {
  // The pending writes were made on top of the lost ones: they go too.
  state_.store->DiscardPending();
  return Load();
}

Status ControlPlane::Commit(const storage::ChangeSet& changes) {
  if (Status s = state_.store->Commit(changes); !s.ok()) {
    if (Status reload = RecoverFromFailedCommit(); !reload.ok()) {
      Log(LogLevel::kError, "reload after a failed commit: " + reload.message());
    }
    return s;
  }
  if (!changes.empty()) committed_since_settle_ = true;
  if (state_.options.check_invariants) return CheckInvariants();
  return Status::Ok();
}

Result<const model::Cluster*> ControlPlane::FindCluster(const RequestContext& ctx,
                                                        const std::string& identifier,
                                                        bool require_active) const {
  ECS_RETURN_IF_ERROR(CheckArnArgument(ctx.tenant, identifier, ArnResource::kCluster));
  const TenantState* ts = state_.index.FindTenant(ctx.tenant);
  if (ts) {
    auto it = ts->clusters.find(ClusterNameFromIdentifier(identifier));
    if (it != ts->clusters.end()) {
      if (require_active && it->second.status != model::ClusterStatus::kActive) {
        return Status::ClusterNotFound("The referenced cluster was inactive.");
      }
      return &it->second;
    }
  }
  return Status::ClusterNotFound();
}

Result<ControlPlane::ClusterRef> ControlPlane::ResolveCluster(const RequestContext& ctx,
                                                              const std::string& identifier,
                                                              bool require_active) {
  auto c = FindCluster(ctx, identifier, require_active);
  if (!c.ok()) return c.status();
  return ClusterRef{*c, &state_.index.GetCluster(ctx.tenant, (*c)->name)};
}

}  // namespace ecs::control

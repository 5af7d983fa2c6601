// The state as a whole, moved in and out: scoped resets and snapshots (GET / POST
// /_emulator/snapshot). Both are built on the rows the store keeps — DumpRows() writes memory as
// rows, storage::DecodeRows() reads rows back with the same codecs a restart uses — so every
// kind of resource the store keeps is in a snapshot by construction. What memory holds beyond
// the rows travels as RuntimeState.
#include <algorithm>

#include "control/control_plane.h"

namespace ecs::control {

bool ControlPlane::Empty() const {
  for (const auto& [tenant, ts] : state_.index.tenants()) {
    if (!ts.clusters.empty()) return false;
  }
  if (!state_.task_definitions.all().empty() || !state_.daemon_task_definitions.all().empty() ||
      !state_.account_settings.empty()) {
    return false;
  }
  // Whatever else a row stands for (tags, counters, kinds added later).
  return DumpRows().empty();
}

Status ControlPlane::Reset(const StateScope& scope) {
  state_.placement_traces.Forget(scope);
  ClearBehaviorRules(scope);
  ClearTargetGroups(scope);
  ClearHooksAndAlarms(scope);
  if (scope.all()) return Reset();
  return ReplaceState(scope, {}, {});
}

RuntimeState ControlPlane::ExportRuntime(const StateScope& scope) const {
  return ExportRuntimeWhere([&scope](const Tenant& t) { return scope.Covers(t); });
}

RuntimeState ControlPlane::ExportRuntimeWhere(const TenantFilter& keep) const {
  RuntimeState out;
  for (const auto& [tenant, ts] : state_.index.tenants()) {
    if (!keep(tenant)) continue;
    for (const auto& [cluster, cs] : ts.cluster_state) {
      for (const auto& [name, svc] : cs.services) {
        if (svc.next_launch_at == 0 && svc.start_failures == 0 && !svc.placement_failure_reported &&
            !svc.throttle_reported) {
          continue;  // nothing to carry
        }
        out.services.push_back({tenant, cluster, name, svc.next_launch_at, svc.start_failures,
                                svc.placement_failure_reported, svc.throttle_reported});
      }
    }
  }
  for (const auto& arn : state_.failing_task_definitions) {
    ParsedArn parsed;
    if (ParseEcsArn(arn, &parsed) && keep({parsed.account, parsed.region})) {
      out.failing_task_definitions.push_back(arn);
    }
  }
  return out;
}

void ControlPlane::ImportRuntime(const RuntimeState& runtime) {
  for (const auto& r : runtime.services) {
    ClusterState* cs = state_.index.FindCluster(r.tenant, r.cluster);
    model::Service* svc = cs ? cs->FindService(r.service) : nullptr;
    if (!svc) continue;  // the snapshot's rows did not hold it
    svc->next_launch_at = r.next_launch_at;
    svc->start_failures = r.start_failures;
    svc->placement_failure_reported = r.placement_failure_reported;
    svc->throttle_reported = r.throttle_reported;
  }
  for (const auto& arn : runtime.failing_task_definitions) {
    state_.failing_task_definitions.insert(arn);
  }
}

Status ControlPlane::ReplaceState(const StateScope& scope,
                                  const std::vector<storage::ChangeSet::Row>& rows,
                                  const RuntimeState& runtime) {
  const auto covered = [&scope](const Tenant& t) { return scope.Covers(t); };
  const auto outside = [&scope](const Tenant& t) { return !scope.Covers(t); };
  // Read the incoming rows into a control plane of their own: the validation a restart makes,
  // and a DumpRows that knows the tenant of every row.
  auto incoming = storage::DecodeRows(rows);
  if (!incoming.ok()) return incoming.status();
  ControlPlane scratch(state_.store, state_.clock, state_.ids, state_.options);
  ECS_RETURN_IF_ERROR(scratch.LoadFrom(*incoming));
  const storage::ChangeSet stray = scratch.DumpRowsWhere(outside);
  if (!stray.empty()) {
    const auto& row = stray.rows().front();
    return Status::InvalidParameter("The snapshot holds the " +
                                    std::string(storage::KindName(row.kind)) + " " + row.key +
                                    ", which is outside the account and region restored.");
  }
  // Tenants outside the scope keep what they have; the scope gets the incoming rows.
  storage::ChangeSet next = DumpRowsWhere(outside);
  next.Append(scratch.DumpRowsWhere(covered));
  RuntimeState next_runtime = ExportRuntimeWhere(outside);
  for (const auto& s : runtime.services) {
    if (scope.Covers(s.tenant)) next_runtime.services.push_back(s);
  }
  for (const auto& arn : runtime.failing_task_definitions) {
    ParsedArn parsed;
    if (ParseEcsArn(arn, &parsed) && scope.Covers({parsed.account, parsed.region})) {
      next_runtime.failing_task_definitions.push_back(arn);
    }
  }
  auto decoded = storage::DecodeRows(next.rows());
  if (!decoded.ok()) return decoded.status();
  // The commit: on failure memory is untouched (a queued one fails its batch, and the writer's
  // rollback reloads what the store holds).
  ECS_RETURN_IF_ERROR(state_.store->ReplaceAll(next));
  ECS_RETURN_IF_ERROR(LoadFrom(*decoded));
  ImportRuntime(next_runtime);
  if (state_.options.check_invariants) return CheckInvariants();
  return Status::Ok();
}

}  // namespace ecs::control

// State: everything the control plane holds in memory, and what it was given to work with (the
// store, the clock, the id generator, the options). ControlPlane owns one; its internal parts
// (TaskLifecycle, TaskLauncher, ServiceScheduler) work on it by reference.
//
// THREADING: state strand only. Nothing here locks.
#pragma once

#include <map>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "common/clock.h"
#include "common/ids.h"
#include "common/tenant.h"
#include "control/cluster_index.h"
#include "control/daemon_task_definitions.h"
#include "control/options.h"
#include "control/placement_traces.h"
#include "control/tags.h"
#include "control/task_definition_registry.h"
#include "model/auto_scaling_group.h"
#include "model/capacity_provider.h"
#include "model/daemon.h"
#include "model/express_gateway.h"
#include "model/task_behavior.h"
#include "scheduler/deployment_checks.h"
#include "storage/store.h"

namespace ecs::control {

// Explicit account settings of one tenant: (principal ARN, setting name) -> value.
using AccountSettingValues = std::map<std::pair<std::string, std::string>, std::string>;

struct State {
  State(storage::Store* store_in, const Clock* clock_in, IdGenerator ids_in,
        ControlOptions options_in)
      : store(store_in),
        clock(clock_in),
        ids(ids_in),
        options(std::move(options_in)),
        placement_traces(options.placement_traces) {}

  storage::Store* store;
  const Clock* clock;
  // A mutation's ChangeSet: one that only counts its writes when the store keeps nothing.
  storage::ChangeSet NewChanges() const {
    return storage::ChangeSet(store->discards_writes() ? storage::ChangeSet::Mode::kCountOnly
                                                       : storage::ChangeSet::Mode::kRecord);
  }
  IdGenerator ids;
  ControlOptions options;

  ClusterIndex index;
  TaskDefinitionRegistry task_definitions;
  DaemonTaskDefinitionRegistry daemon_task_definitions;
  TagIndex tags;
  std::map<Tenant, AccountSettingValues> account_settings;
  // Auto Scaling group capacity providers by tenant and name (INACTIVE ones too, until the name
  // is reused); FARGATE and FARGATE_SPOT are built in and not here.
  std::map<Tenant, std::map<std::string, model::CapacityProvider>> capacity_providers;
  // Simulated Auto Scaling groups (POST /_emulator/fleets with autoScalingGroup) by tenant, name.
  std::map<Tenant, std::map<std::string, model::AutoScalingGroup>> auto_scaling_groups;
  // Express gateway services (control/express_gateway.cc) by the ARN of the service they are.
  std::map<std::string, model::ExpressGatewayService> express_services;
  // Daemons (control/daemons.cc) by ARN, deleted ones too (their deployments stay described).
  std::map<std::string, model::Daemon> daemons;
  // Daemons the daemon scheduler found with nothing to do, by ARN, with the cluster's
  // (instances_generation, daemon_task_changes) then (not persisted: a restart looks again).
  std::map<std::string, std::pair<uint64_t, uint64_t>> settled_daemons;
  std::set<std::string> failing_task_definitions;  // fault injection (not persisted)
  // POST /_emulator/task-behaviors, in the order armed (not persisted; cleared by reset).
  std::map<Tenant, std::vector<model::BehaviorRule>> behavior_rules;
  // POST /_emulator/targets/<arn>: simulated target-group settings, by target group ARN (or
  // Classic Load Balancer name); the timing profile's for the others (not persisted; cleared by
  // reset).
  std::map<Tenant, std::map<std::string, scheduler::TargetHealthConfig>> target_groups;
  // POST /_emulator/hooks: what simulated Lambda hook functions answer, in the order set; and
  // POST /_emulator/alarms: simulated CloudWatch alarm states by alarm name (both not
  // persisted, as the rules above; cleared by reset). A hook run copies its script when it
  // starts, so a running deployment's hooks do survive a restart.
  std::map<Tenant, std::vector<scheduler::HookScript>> hook_scripts;
  std::map<Tenant, std::map<std::string, std::string>> alarm_states;
  int64_t next_seq = 1;  // creation order of every resource
  // GET /metrics: placement outcomes since start-up (not persisted, not reset).
  struct PlacementCounters {
    int64_t placed = 0;
    std::map<std::string, int64_t> failures;  // by reason (RESOURCE:CPU, ...)
  } placements;
  // Why the last placements went where they went (not persisted; a reset forgets its scope's).
  PlacementTraceLog placement_traces;

  Millis Now() const { return clock->Now(); }
  const std::vector<model::BehaviorRule>& BehaviorRulesOf(const Tenant& t) const {
    static const std::vector<model::BehaviorRule> kNone;
    auto it = behavior_rules.find(t);
    return it == behavior_rules.end() ? kNone : it->second;
  }
  const std::vector<scheduler::HookScript>& HookScriptsOf(const Tenant& t) const {
    static const std::vector<scheduler::HookScript> kNone;
    auto it = hook_scripts.find(t);
    return it == hook_scripts.end() ? kNone : it->second;
  }
  int64_t NextSeq() { return next_seq++; }
  // The tenant's Auto Scaling group provider of that name (any status), or nullptr.
  const model::CapacityProvider* FindCapacityProvider(const Tenant& t,
                                                      const std::string& name) const {
    auto ti = capacity_providers.find(t);
    if (ti == capacity_providers.end()) return nullptr;
    auto it = ti->second.find(name);
    return it == ti->second.end() ? nullptr : &it->second;
  }
  // Forgets everything in memory (not the store).
  void Clear() {
    index.Clear();
    task_definitions.Clear();
    daemon_task_definitions.Clear();
    tags.Clear();
    account_settings.clear();
    capacity_providers.clear();
    auto_scaling_groups.clear();
    express_services.clear();
    daemons.clear();
    settled_daemons.clear();
    failing_task_definitions.clear();
    next_seq = 1;
  }
};

// A task definition is in use while a task that is not STOPPED runs it or an ACTIVE service
// deploys it (task_definitions.cc).
bool TaskDefinitionInUse(const State& state, const Tenant& t, const std::string& arn);
// Removes a DELETE_IN_PROGRESS revision nothing uses any more (row, tags, registry entry; the
// family's revision counter stays). Called whenever a user of `arn` goes away.
void ReleaseTaskDefinition(State& state, const Tenant& t, const std::string& arn,
                           storage::ChangeSet& changes);
// A daemon's task (group daemon:<name>), placed by control/daemon_scheduler.cc.
inline bool IsDaemonTask(const model::Task& t) { return model::IsDaemonGroup(t.group); }
// Daemon task definitions in DELETE_IN_PROGRESS that no daemon uses any more become DELETED
// (daemon_task_definitions.cc).
void ReleaseDaemonTaskDefinitions(State& state, const Tenant& t, storage::ChangeSet& changes);
// A daemon task definition is in use while a daemon runs it (daemon_task_definitions.cc); a
// DELETE_IN_PROGRESS one becomes DELETED when it is not.
bool DaemonTaskDefinitionInUse(const State& state, const Tenant& t, const std::string& arn);

}  // namespace ecs::control

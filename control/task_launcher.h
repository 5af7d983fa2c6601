// TaskLauncher: RunTask and StartTask, for API callers and for the service scheduler. One
// launch is five steps, each its own function:
//   Validate  — the request against ECS's rules and the resolved task definition;
//   Demand    — what one task reserves on an instance (docs/scheduling.md §2), overrides applied;
//   Place     — where each task goes (scheduler/placement.h; StartTask: the named instances);
//   Build     — the task records, containers, network bindings and ENIs;
//   Insert    — into the cluster index and the caller's ChangeSet (the caller commits).
// A clientToken retry returns the tasks of the first call (ConflictException when the
// parameters differ).
//
// THREADING: state strand only.
#pragma once

#include <string>
#include <vector>

#include "common/status.h"
#include "control/requests.h"
#include "control/state.h"
#include "scheduler/placement_trace.h"
#include "scheduler/placement_types.h"
#include "storage/store.h"

namespace ecs::control {

class TaskLauncher {
 public:
  explicit TaskLauncher(State& state) : state_(state) {}

  // REQUIRES: in.cluster names an ACTIVE cluster of ctx.tenant (the caller resolved it).
  Result<RunTaskOutput> Launch(const RequestContext& ctx, const model::Cluster& cluster,
                               const RunTaskInput& in, storage::ChangeSet& changes);

  // Places a task waiting for its Auto Scaling group provider's capacity (awaiting_capacity) on
  // one of the provider's instances, by the request's constraints and strategies, if one fits
  // now; it then goes on from PROVISIONING. False when nothing fits (it keeps waiting).
  Result<bool> PlaceWaiting(ClusterState& cs, model::Task& t, storage::ChangeSet& changes);

  // A daemon's task of `def` (a daemon task definition, as a record) on the ACTIVE instance `ci`,
  // its resources checked as StartTask checks them (an error names the failure reason), tagged
  // with `tags`.
  Result<const model::Task*> LaunchDaemonTask(const RequestContext& ctx, ClusterState& cs,
                                              const model::Cluster& cluster,
                                              const TaskDefinitionRecord& def,
                                              const model::ContainerInstance& ci,
                                              const RunTaskInput& in, const model::TagList& tags,
                                              storage::ChangeSet& changes);

 private:
  // Everything a launch decided before placement.
  struct LaunchPlan;
  // One placed task: its instance (nullptr on Fargate, and for a task that waits for its Auto
  // Scaling group provider's capacity) and placement; `provider` names the Auto Scaling group
  // provider it launches on ("" otherwise).
  struct Slot {
    const model::ContainerInstance* instance = nullptr;
    scheduler::TaskPlacement placement;
    std::string provider;
  };
  // The instances of one capacity provider, as placement sees them.
  struct ProviderPool {
    std::vector<const scheduler::InstanceView*> views;
    std::vector<const model::ContainerInstance*> instances;
  };

  Result<LaunchPlan> Validate(const RequestContext& ctx, const model::Cluster& cluster,
                              const RunTaskInput& in) const;
  static scheduler::TaskDemand Demand(const LaunchPlan& launch, const RunTaskInput& in);
  Result<std::vector<Slot>> Place(const RequestContext& ctx, ClusterState& cs,
                                  const LaunchPlan& launch, const RunTaskInput& in,
                                  RunTaskOutput& out);
  // The placement request of a launch: the definition's memberOf constraints, then the request's
  // constraints and strategies.
  Result<scheduler::PlacementRequest> RequestFor(const LaunchPlan& launch,
                                                 const RunTaskInput& in) const;
  static ProviderPool PoolOf(ClusterState& cs, const std::string& provider);
  bool IsManagedInstancesProvider(const Tenant& t, const std::string& name) const;
  bool UsesManagedInstances(const Tenant& t, const model::CapacityProviderStrategy& strategy) const;
  Result<std::vector<Slot>> PlaceOnProviders(ClusterState& cs, const LaunchPlan& launch,
                                             const scheduler::PlacementRequest& req,
                                             RunTaskOutput& out);
  // Puts a task on the slot's instance: what it reserves there and its host ports.
  static void AssignInstance(const scheduler::TaskDemand& demand, const Slot& slot, model::Task& t);
  Result<std::vector<Slot>> PlaceOnNamed(const RequestContext& ctx, ClusterState& cs,
                                         const LaunchPlan& launch,
                                         const scheduler::PlacementRequest& req,
                                         const RunTaskInput& in, RunTaskOutput& out);
  // Keeps a placement trace in State::placement_traces; returns its id.
  int64_t RecordTrace(const RequestContext& ctx, const LaunchPlan& launch, const RunTaskInput& in,
                      scheduler::PlacementTrace trace);
  std::vector<model::Task> Build(const RequestContext& ctx, const LaunchPlan& launch,
                                 const RunTaskInput& in, const std::vector<Slot>& slots);
  model::Task BuildOne(const RequestContext& ctx, const LaunchPlan& launch, const RunTaskInput& in,
                       const Slot& slot, size_t index);
  void BuildContainers(const RequestContext& ctx, const LaunchPlan& launch, const RunTaskInput& in,
                       const Slot& slot, model::Task& t);
  model::EniAttachment BuildEni(const RequestContext& ctx, const std::string& subnet);
  model::TagList TagsFor(const LaunchPlan& launch, const RunTaskInput& in) const;
  // The earlier call's tasks for a clientToken already used in this cluster, if any.
  std::optional<Result<RunTaskOutput>> Replay(const RequestContext& ctx, ClusterState& cs,
                                              const std::string& token_key,
                                              const std::string& fingerprint);

  State& state_;
};

}  // namespace ecs::control

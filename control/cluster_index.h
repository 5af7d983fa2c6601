// ClusterIndex: every cluster, container instance, task and service in memory, and the indexes
// derived from them — tasks by sequence and by service, placement views of the instances,
// instance usage, cluster and service counters, and the due queue of task transitions.
//
// The primary maps (clusters, instances, tasks, services) may only change through the
// operations below, which keep every derived index in step: AddTask / UpdateTask / RemoveTask for
// tasks (UpdateTask takes the change as a function, so the task is taken out of every count
// before it and put back after it), PutInstance / UpdateInstance for instances, and
// PutService + RecountServices for services. CheckInvariants() recomputes every derived index
// from the primary maps and reports the first difference; unit tests run it after every commit.
//
// THREADING: state strand only, like all of control/.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "common/clock.h"
#include "common/status.h"
#include "common/tenant.h"
#include "control/requests.h"
#include "model/cluster.h"
#include "model/container_instance.h"
#include "model/service.h"
#include "model/task.h"
#include "scheduler/instance_view.h"

namespace ecs::control {

// One cluster's resources (by name or id) and what is derived from them.
struct ClusterState {
  // std::less<>: looked up by string_view (an id cut from an ARN) without a copy.
  std::map<std::string, model::ContainerInstance, std::less<>> instances;  // by id
  std::map<std::string, model::Task, std::less<>> tasks;                   // by id
  std::map<std::string, model::Service, std::less<>> services;             // by name

  // Derived.
  std::map<int64_t, model::Task*> tasks_by_seq;          // ListTasks order
  std::map<std::string, scheduler::InstanceView> views;  // placement snapshots, by instance id
  ClusterCounts counts;                                  // task and service counters
  // Per service name, per deployment id (the task's startedBy): (running, pending) tasks.
  std::map<std::string, std::map<std::string, std::pair<int64_t, int64_t>>> service_counts;
  // Each service's tasks that are not STOPPED, for the scheduler and the counts.
  std::map<std::string, std::set<model::Task*>> service_tasks;
  // Each daemon's tasks (group daemon:<name>), STOPPED ones too until purged, and a count of
  // their changes: the daemon scheduler looks at a daemon's own tasks, and skips a daemon that
  // is settled when neither they nor the instances changed (control/daemon_scheduler.cc).
  std::map<std::string, std::set<model::Task*>> daemon_tasks;
  uint64_t daemon_task_changes = 0;

  // The service scheduler's work list, so a pass costs what changed, not the cluster's size:
  // the names of the services that may have work (dirty or not settled), and a generation of
  // the instance set, bumped whenever an instance is put or updated (RefreshView; every change
  // of status, agent connection or attributes goes through it). A service not listed, settled,
  // and whose instances_generation is current has nothing to do, and a pass does not look at it.
  std::set<std::string, std::less<>> services_to_visit;
  uint64_t instances_generation = 0;
  // The generation for which every service was listed (a pass lists them all when it moved on).
  uint64_t instances_generation_listed = 0;
  // Marks a service of this cluster for the scheduler's next pass (its tasks, deployments or
  // settings changed).
  void WakeService(model::Service& svc);

  // RunTask's candidates: the instances that are not INACTIVE and their views, in id order.
  // Rebuilt on demand after an instance changed.
  const std::vector<const scheduler::InstanceView*>& candidate_views();
  const std::vector<const model::ContainerInstance*>& candidate_instances();

  model::ContainerInstance* FindInstance(std::string_view id_or_arn);
  const model::ContainerInstance* FindInstance(std::string_view id_or_arn) const;
  model::Task* FindTask(std::string_view id_or_arn);
  const model::Task* FindTask(std::string_view id_or_arn) const;
  model::Service* FindService(std::string_view name_or_arn);
  const model::Service* FindService(std::string_view name_or_arn) const;

 private:
  friend class ClusterIndex;
  void RebuildCandidates();
  std::vector<const scheduler::InstanceView*> candidate_views_;
  std::vector<const model::ContainerInstance*> candidate_instances_;
  bool candidates_stale_ = true;
};

struct TenantState {
  std::map<std::string, model::Cluster> clusters;  // by name
  std::map<std::string, ClusterState> cluster_state;
  std::map<std::string, std::vector<std::string>> client_tokens;  // RunTask idempotency
};

class ClusterIndex {
 public:
  // --- Tenants and clusters ---
  const std::map<Tenant, TenantState>& tenants() const { return tenants_; }
  TenantState* FindTenant(const Tenant& t);
  const TenantState* FindTenant(const Tenant& t) const;
  TenantState& GetTenant(const Tenant& t) { return tenants_[t]; }
  ClusterState* FindCluster(const Tenant& t, const std::string& cluster);
  const ClusterState* FindCluster(const Tenant& t, const std::string& cluster) const;
  // The cluster's state, made empty when it has none yet.
  ClusterState& GetCluster(const Tenant& t, const std::string& cluster);
  model::Cluster& PutCluster(model::Cluster c);

  // --- Container instances ---
  // Inserts or replaces an instance (its derived usage is kept) and refreshes its view.
  model::ContainerInstance& PutInstance(ClusterState& cs, model::ContainerInstance ci);
  template <typename F>
  void UpdateInstance(ClusterState& cs, model::ContainerInstance& ci, F&& change) {
    change(ci);
    RefreshView(cs, ci);
  }

  // --- Tasks ---
  model::Task& AddTask(ClusterState& cs, model::Task&& task);
  // A restart's bulk load, in any order: LoadTask indexes a task but leaves its usage and counts
  // (its instance may not be in yet), LoadService a service but leaves the service counts.
  // FinishLoad then accounts every task, recounts the services and refreshes every view once
  // (a view's port lists and group counts are rebuilt from the whole instance, so per task that
  // would be quadratic in the tasks per instance). Until then counts and views are stale.
  model::Task& LoadTask(ClusterState& cs, model::Task&& task);
  model::Service& LoadService(ClusterState& cs, model::Service svc);
  void FinishLoad();
  // Applies `change` to the task between taking it out of every count and index and putting it
  // back, and reschedules it when next_transition_at changed.
  template <typename F>
  void UpdateTask(ClusterState& cs, model::Task& task, F&& change) {
    Unindex(cs, task);
    const Millis due_before = task.next_transition_at;
    change(task);
    Reindex(cs, task, due_before);
  }
  void RemoveTask(ClusterState& cs, model::Task& task);  // `task` dangles afterwards

  // The due queue: tasks whose next_transition_at is set, earliest first.
  std::optional<Millis> NextDue() const;
  // The earliest task due at or before `now`, or nullptr.
  model::Task* FirstDue(Millis now) const;

  // --- Services ---
  model::Service& PutService(ClusterState& cs, model::Service svc);
  // activeServicesCount / drainingServicesCount of a cluster, after a service's status (or its
  // launch type) changed.
  static void RecountServices(ClusterState& cs);

  // remainingResources of an instance as ECS shows them.
  static std::vector<model::Resource> RemainingResources(const model::ContainerInstance& ci);

  void Clear();
  // Recomputes every derived index and counter from the primary maps; Ok when all match, else
  // a ServerException naming the first difference.
  Status CheckInvariants() const;

 private:
  // A task's contribution to its instance's usage, its cluster's and its service's counters.
  static void Account(ClusterState& cs, const model::Task& t, int sign);
  void Unindex(ClusterState& cs, model::Task& t);
  // Account + the instance's view + Track.
  void Reindex(ClusterState& cs, model::Task& t, Millis due_before);
  // The task in the service, daemon and due indexes, and a new generation.
  void Track(ClusterState& cs, model::Task& t, Millis due_before);
  model::Task& InsertTask(ClusterState& cs, model::Task&& task);  // into tasks and tasks_by_seq
  void RefreshView(ClusterState& cs, const model::ContainerInstance& ci);
  // The usage-derived part of the view only (resources, ports, counts, groups): what a task
  // change affects. Cheaper than RefreshView, which also copies the attributes.
  static void RefreshUsage(ClusterState& cs, const model::ContainerInstance& ci);
  Status CheckCluster(const Tenant& t, const std::string& name, const ClusterState& cs) const;

  std::map<Tenant, TenantState> tenants_;
  std::set<std::pair<Millis, model::Task*>> due_;
  // Hands out task generations. Never reset (not even by Clear), so a generation names one
  // version of a task across reloads.
  uint64_t last_generation_ = 0;
};

}  // namespace ecs::control

// ClusterIndex::CheckInvariants: every derived index recomputed from the primary maps.
#include <set>

#include "control/cluster_index.h"
#include "model/daemon.h"

namespace ecs::control {

namespace {

Status Broken(const Tenant& t, const std::string& cluster, const std::string& what) {
  return Status::Server("index invariant broken in cluster " + t.account + "/" + t.region + "/" +
                        cluster + ": " + what);
}

// The scheduler's work list holds every service that may have work: dirty, not settled, or not
// planned against the instances as they are (once they were listed for that generation).
Status CheckServicesToVisit(const Tenant& t, const std::string& name, const ClusterState& cs) {
  const bool generation_listed = cs.instances_generation_listed == cs.instances_generation;
  for (const auto& [service, svc] : cs.services) {
    if (svc.status == model::ServiceStatus::kInactive) continue;
    const bool behind = generation_listed && svc.instances_generation != cs.instances_generation;
    if ((svc.dirty || !svc.settled || behind) && !cs.services_to_visit.contains(service)) {
      return Broken(t, name, "services_to_visit misses " + service);
    }
  }
  return Status::Ok();
}

// daemon_tasks lists every task of a daemon group, STOPPED ones too.
Status CheckDaemonTasks(const Tenant& t, const std::string& name, const ClusterState& cs) {
  std::map<std::string, std::set<const model::Task*>> want, listed;
  for (const auto& [id, task] : cs.tasks) {
    if (model::IsDaemonGroup(task.group)) want[task.group].insert(&task);
  }
  for (const auto& [group, tasks] : cs.daemon_tasks)
    listed[group].insert(tasks.begin(), tasks.end());
  return want == listed ? Status::Ok() : Broken(t, name, "daemon_tasks");
}

}  // namespace

Status ClusterIndex::CheckCluster(const Tenant& t, const std::string& name,
                                  const ClusterState& cs) const {
  // tasks_by_seq lists exactly the tasks, by their own seq.
  if (cs.tasks_by_seq.size() != cs.tasks.size()) return Broken(t, name, "tasks_by_seq size");
  for (const auto& [id, task] : cs.tasks) {
    auto it = cs.tasks_by_seq.find(task.seq);
    if (it == cs.tasks_by_seq.end() || it->second != &task) {
      return Broken(t, name, "tasks_by_seq misses task " + id);
    }
  }
  // Counters, service counts and instance usage: start from nothing and account every task.
  ClusterState scratch;
  scratch.instances = cs.instances;
  for (auto& [id, ci] : scratch.instances) ci.usage = {};
  scratch.services = cs.services;
  for (const auto& [id, task] : cs.tasks) Account(scratch, task, +1);
  RecountServices(scratch);
  if (!(scratch.counts == cs.counts)) return Broken(t, name, "cluster counters");
  if (scratch.service_counts != cs.service_counts) return Broken(t, name, "service counts");
  ClusterIndex fresh;
  for (const auto& [id, ci] : scratch.instances) {
    if (!(ci.usage == cs.instances.at(id).usage)) return Broken(t, name, "usage of " + id);
    fresh.RefreshView(scratch, ci);
    auto view = cs.views.find(id);
    if (view == cs.views.end() || !(view->second == scratch.views.at(id))) {
      return Broken(t, name, "placement view of " + id);
    }
  }
  if (cs.views.size() != cs.instances.size()) return Broken(t, name, "views of gone instances");
  // service_tasks: each service's tasks that are not STOPPED.
  std::map<std::string, std::set<const model::Task*>> live;
  for (const auto& [id, task] : cs.tasks) {
    if (!task.service_name.empty() && !task.is_stopped()) live[task.service_name].insert(&task);
  }
  for (const auto& [service, tasks] : cs.service_tasks) {
    std::set<const model::Task*> listed(tasks.begin(), tasks.end());
    auto want = live.find(service);
    if (listed != (want == live.end() ? std::set<const model::Task*>{} : want->second)) {
      return Broken(t, name, "service_tasks of " + service);
    }
    live.erase(service);
  }
  if (!live.empty()) return Broken(t, name, "service_tasks misses " + live.begin()->first);
  ECS_RETURN_IF_ERROR(CheckDaemonTasks(t, name, cs));
  return CheckServicesToVisit(t, name, cs);
}

Status ClusterIndex::CheckInvariants() const {
  std::set<std::pair<Millis, model::Task*>> due;
  for (const auto& [tenant, ts] : tenants_) {
    for (const auto& [name, cs] : ts.cluster_state) {
      ECS_RETURN_IF_ERROR(CheckCluster(tenant, name, cs));
      for (const auto& [id, task] : cs.tasks) {
        if (task.next_transition_at != 0) {
          due.insert({task.next_transition_at, const_cast<model::Task*>(&task)});
        }
      }
    }
  }
  if (due != due_) return Status::Server("index invariant broken: the due queue");
  return Status::Ok();
}

}  // namespace ecs::control

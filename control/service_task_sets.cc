// The service scheduler's tick for EXTERNAL and CODE_DEPLOY services (docs/scheduling.md §8.7):
// no rolling deployment; each task set keeps ceil(desiredCount x scale %) tasks of its own
// definition (scheduler/task_set_planner.h decides), reports STABILIZING / STEADY_STATE, and a
// DRAINING set is removed once its last task has stopped.
#include <algorithm>

#include "control/service_scheduler.h"
#include "scheduler/task_set_planner.h"

namespace ecs::control {

namespace {

// The set's tasks that stay after `plan` on each provider of its strategy: what new tasks are
// split against, so a set keeps its base/weight split as it replaces and scales, as a rolling
// service does (capacity_strategy.h).
std::vector<int64_t> KeptPerSetProvider(const model::TaskSet& set,
                                        const std::vector<model::Task*>& own,
                                        const scheduler::TaskSetPlan& plan) {
  const auto& strategy = set.capacity_provider_strategy;
  std::vector<int64_t> kept(strategy.size(), 0);
  for (const model::Task* t : own) {
    if (!t->wants_running() ||
        std::find(plan.stops.begin(), plan.stops.end(), t->arn) != plan.stops.end()) {
      continue;
    }
    for (size_t i = 0; i < strategy.size(); ++i) {
      if (strategy[i].capacity_provider == t->capacity_provider_name) ++kept[i];
    }
  }
  return kept;
}

scheduler::TaskSetTask TaskSetTaskOf(const model::Task& t, Millis now) {
  scheduler::TaskSetTask out;
  out.arn = t.arn;
  out.phase = scheduler::TaskSetTask::Phase::kStopping;
  if (t.wants_running() && t.last_status == model::TaskState::kRunning) {
    out.phase = scheduler::TaskSetTask::Phase::kRunning;
  } else if (t.wants_running() && t.last_status < model::TaskState::kRunning) {
    out.phase = scheduler::TaskSetTask::Phase::kPending;
  }
  out.scale_in_protected = t.protected_at(now);
  return out;
}

}  // namespace

void ServiceScheduler::ReconcileTaskSets(ClusterState& cs, model::Service& svc, Millis now,
                                         storage::ChangeSet& changes) {
  std::vector<model::Task*> tasks = LiveServiceTasks(cs, svc);
  if (svc.status == model::ServiceStatus::kDraining) {
    if (svc.unsaved_events) changes.PutService(svc);
    svc.unsaved_events = false;
    return Drain(cs, svc, tasks, now, changes);
  }
  const std::string events_before = svc.events.empty() ? "" : svc.events.front().id;
  bool changed = false;
  bool all_steady = true;
  std::vector<std::string> stopped_ids;
  int64_t launched = 0;
  for (auto& set : svc.task_sets) {
    changed =
        ReconcileTaskSet(cs, svc, set, tasks, now, changes, &stopped_ids, &launched) || changed;
    all_steady = all_steady && set.stability_status == model::StabilityStatus::kSteadyState;
  }
  // A DRAINING set goes once none of its tasks is left.
  const size_t before = svc.task_sets.size();
  std::erase_if(svc.task_sets, [&](const model::TaskSet& set) {
    return set.status == model::TaskSetStatus::kDraining &&
           std::none_of(tasks.begin(), tasks.end(),
                        [&](const model::Task* t) { return t->started_by == set.id; });
  });
  changed = changed || svc.task_sets.size() != before;
  const bool events_changed = (svc.events.empty() ? "" : svc.events.front().id) != events_before;
  if (changed || events_changed || svc.unsaved_events || !stopped_ids.empty() || launched > 0) {
    changes.PutService(svc);
  }
  svc.unsaved_events = false;
  svc.settled = all_steady && stopped_ids.empty() && launched == 0 && !changed;
}

bool ServiceScheduler::ReconcileTaskSet(ClusterState& cs, model::Service& svc, model::TaskSet& set,
                                        const std::vector<model::Task*>& tasks, Millis now,
                                        storage::ChangeSet& changes,
                                        std::vector<std::string>* stopped_ids, int64_t* launched) {
  bool changed = false;
  const int64_t computed = set.status == model::TaskSetStatus::kDraining
                               ? 0
                               : scheduler::ComputedDesiredCount(svc.desired_count, set.scale);
  if (set.computed_desired_count != computed) {
    set.computed_desired_count = computed;
    changed = true;
  }
  std::vector<model::Task*> own;
  std::vector<scheduler::TaskSetTask> planner_tasks;
  for (model::Task* t : tasks) {
    if (t->started_by != set.id) continue;
    own.push_back(t);
    planner_tasks.push_back(TaskSetTaskOf(*t, now));
  }
  const scheduler::TaskSetPlan plan = scheduler::PlanTaskSet(computed, planner_tasks);
  std::vector<std::string> stopped;
  for (const auto& arn : plan.stops) {
    auto it =
        std::find_if(own.begin(), own.end(), [&](const model::Task* t) { return t->arn == arn; });
    lifecycle_.RequestStop(cs, **it, model::StopCode::kServiceSchedulerInitiated,
                           "Scaling activity initiated by (deployment " + set.id + ")", now,
                           changes);
    stopped.push_back((*it)->id);
  }
  if (!stopped.empty()) {
    std::string list;
    for (const auto& id : stopped) list += " (task " + id + ")";
    AddEvent(svc,
             ServiceTag(svc) + " has stopped " + std::to_string(stopped.size()) +
                 " running tasks:" + list + ".",
             now);
    stopped_ids->insert(stopped_ids->end(), stopped.begin(), stopped.end());
  }
  int64_t started = 0;
  if (plan.start > 0 && now >= svc.next_launch_at) {
    started =
        LaunchTaskSetTasks(svc, set, plan.start, KeptPerSetProvider(set, own, plan), now, changes);
    *launched += started;
  }
  const bool steady = plan.steady && plan.stops.empty() && started == 0;
  const auto stability =
      steady ? model::StabilityStatus::kSteadyState : model::StabilityStatus::kStabilizing;
  if (set.stability_status != stability) {
    set.stability_status = stability;
    set.stability_status_at = now;
    if (steady) {
      // [O] docs/scheduling.md §8.7.
      AddEvent(svc, ServiceTag(svc) + " (task-set " + set.id + ") updated state to STEADY_STATE.",
               now);
    }
    changed = true;
  }
  return changed;
}

int64_t ServiceScheduler::LaunchTaskSetTasks(model::Service& svc, const model::TaskSet& set,
                                             int64_t count,
                                             const std::vector<int64_t>& strategy_existing,
                                             Millis now, storage::ChangeSet& changes) {
  RunTaskInput in =
      ServiceTaskInput(svc, set.task_definition_arn, set.id, set.network_configuration);
  in.count = count;
  in.launch_type = set.launch_type;
  if (!set.launch_type) {
    in.capacity_provider_strategy = set.capacity_provider_strategy;
    in.strategy_existing = strategy_existing;
    if (in.capacity_provider_strategy.empty()) in.launch_type = model::LaunchType::kEc2;
  }
  if (!set.platform_version.empty()) in.platform_version = set.platform_version;
  in.constraints = svc.placement_constraints;
  in.strategies = svc.placement_strategy;
  std::vector<std::string> started;
  std::optional<std::string> failure;
  auto out = LaunchFor(svc, in, changes);
  if (!out.ok()) {
    failure = ServiceTag(svc) + " (task-set " + set.id +
              ") was unable to place a task. Reason: " + out.status().message();
  } else {
    for (const auto* t : out->tasks) started.push_back(t->id);
    if (!out->failures.empty()) {
      failure = ServiceTag(svc) + " (task-set " + set.id +
                ") was unable to place a task because no container instance met all of its "
                "requirements. Reason: " +
                out->failures.front().reason;
    }
  }
  // Also the retry a second later when something could not be placed.
  return ReportLaunch(svc, started, failure, now);
}

}  // namespace ecs::control

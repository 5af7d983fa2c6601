#include "scheduler/deployment_planner.h"

#include <algorithm>
#include <map>
#include <string_view>
#include <tuple>

#include "scheduler/capacity_strategy.h"

namespace ecs::scheduler {
namespace {

using Phase = PlannerTask::Phase;

// Victim preference: tasks that serve nothing yet go first, so a stop costs no healthy capacity.
enum class VictimRank { kPending = 0, kUnhealthy = 1, kHealthy = 2 };

VictimRank RankOf(const PlannerTask& t) {
  if (t.phase == Phase::kPending) return VictimRank::kPending;
  return t.healthy ? VictimRank::kHealthy : VictimRank::kUnhealthy;
}

bool IsActive(const PlannerTask& t) { return t.phase != Phase::kStopping; }
bool IsHealthy(const PlannerTask& t) { return t.phase == Phase::kRunning && t.healthy; }

// Picks victims one at a time by the default service scale-in rule (docs/scheduling.md §6): the AZ
// holding the most active tasks of the service, then the instance holding the most, ties by ARN.
// Tallies shrink as victims are taken so a multi-task stop stays balanced. Only healthy victims
// spend the budget that protects minimumHealthyPercent. Protected tasks are never taken.
class VictimPicker {
 public:
  VictimPicker(const std::vector<PlannerTask>& tasks, int64_t healthy_budget,
               const model::CapacityProviderStrategy& strategy)
      : tasks_(tasks), healthy_budget_(healthy_budget), strategy_(strategy) {
    for (const PlannerTask& t : tasks_) {
      if (!IsActive(t)) continue;
      ++per_az_[t.availability_zone];
      ++per_instance_[t.instance_arn];
    }
  }

  // Takes up to `limit` victims among `candidates` (indices into tasks), appending them to `out`
  // with `reason_of(task)`. With `keep_split`, each victim comes from the capacity provider most
  // above its share of the strategy. Returns how many were taken.
  template <typename ReasonFn>
  int64_t Take(std::vector<size_t> candidates, int64_t limit, ReasonFn reason_of,
               std::vector<PlannedStop>& out, bool keep_split = false) {
    std::erase_if(candidates, [this](size_t i) { return tasks_[i].scale_in_protected; });
    std::vector<int64_t> per_item = keep_split ? CountPerItem(candidates) : std::vector<int64_t>{};
    int64_t taken = 0;
    while (taken < limit && !candidates.empty()) {
      const size_t shrink = keep_split ? ItemToShrink(per_item) : kNoItem;
      auto best = candidates.end();
      for (auto it = candidates.begin(); it != candidates.end(); ++it) {
        const PlannerTask& t = tasks_[*it];
        if (RankOf(t) == VictimRank::kHealthy && healthy_budget_ <= 0) continue;
        if (best == candidates.end() || Better(t, tasks_[*best], shrink)) best = it;
      }
      if (best == candidates.end()) break;  // only healthy tasks left and no budget
      const PlannerTask& victim = tasks_[*best];
      if (RankOf(victim) == VictimRank::kHealthy) --healthy_budget_;
      --per_az_[victim.availability_zone];
      --per_instance_[victim.instance_arn];
      if (keep_split) --per_item[ItemOf(victim)];
      out.push_back({victim.arn, reason_of(victim)});
      candidates.erase(best);
      ++taken;
    }
    return taken;
  }

 private:
  static constexpr size_t kNoItem = static_cast<size_t>(-1);

  // Lower rank first, then the provider to shrink, the most crowded AZ and instance, then the
  // smaller ARN.
  bool Better(const PlannerTask& a, const PlannerTask& b, size_t shrink) const {
    auto key = [this, shrink](const PlannerTask& t) {
      const bool other_item = shrink != kNoItem && ItemOf(t) != shrink;
      return std::make_tuple(static_cast<int>(RankOf(t)), other_item,
                             -per_az_.at(t.availability_zone), -per_instance_.at(t.instance_arn),
                             std::string_view(t.arn));
    };
    return key(a) < key(b);
  }

  // Position of the task's provider in the strategy; one past the end for any other provider.
  size_t ItemOf(const PlannerTask& t) const {
    for (size_t i = 0; i < strategy_.size(); ++i) {
      if (strategy_[i].capacity_provider == t.capacity_provider) return i;
    }
    return strategy_.size();
  }
  std::vector<int64_t> CountPerItem(const std::vector<size_t>& candidates) const {
    std::vector<int64_t> per_item(strategy_.size() + 1, 0);
    for (size_t i : candidates) ++per_item[ItemOf(tasks_[i])];
    return per_item;
  }
  // Tasks on a provider the strategy no longer names go first (the item one past the end);
  // then those of the provider most above its share.
  size_t ItemToShrink(const std::vector<int64_t>& per_item) const {
    if (strategy_.empty()) return kNoItem;
    if (per_item.back() > 0) return strategy_.size();
    const int item =
        PickItemToShrink(strategy_, std::span<const int64_t>(per_item.data(), strategy_.size()));
    return item < 0 ? kNoItem : static_cast<size_t>(item);
  }

  const std::vector<PlannerTask>& tasks_;
  int64_t healthy_budget_;
  const model::CapacityProviderStrategy& strategy_;
  std::map<std::string, int64_t, std::less<>> per_az_;
  std::map<std::string, int64_t, std::less<>> per_instance_;
};

}  // namespace

int64_t LowerBound(int64_t desired, int min_percent) { return (desired * min_percent + 99) / 100; }

int64_t UpperBound(int64_t desired, int max_percent) { return desired * max_percent / 100; }

int64_t CircuitBreakerThreshold(int64_t desired) {
  return std::min<int64_t>(200, std::max<int64_t>(3, (desired + 1) / 2));
}

bool CircuitBreakerTripped(int64_t failed_tasks, bool ever_running, int64_t desired) {
  return !ever_running && failed_tasks >= CircuitBreakerThreshold(desired);
}

namespace {

// The service's tasks sorted for one tick. Keepers: PRIMARY tasks on usable instances. Retirees:
// tasks that must be replaced — older deployments' (kept running when the PRIMARY has FAILED and
// starts nothing, docs/scheduling.md §8.4 rollback false) and anything on a DRAINING instance (§7).
struct Census {
  std::vector<size_t> keepers, retirees;
  int64_t active = 0, stopping = 0, healthy = 0, pending = 0, unhealthy = 0;
  int64_t other_deployment_tasks = 0;  // any phase: they keep their deployment listed
};

Census TakeCensus(const PlanInput& in, const PlannerDeployment& primary, bool failed) {
  Census c;
  for (size_t i = 0; i < in.tasks.size(); ++i) {
    const PlannerTask& t = in.tasks[i];
    const bool of_primary = t.deployment_id == primary.id;
    if (!of_primary) ++c.other_deployment_tasks;
    if (!IsActive(t)) {
      ++c.stopping;
      continue;
    }
    ++c.active;
    if (t.phase == Phase::kPending) ++c.pending;
    if (IsHealthy(t)) ++c.healthy;
    if (t.phase == Phase::kRunning && !t.healthy) ++c.unhealthy;
    if (t.on_draining_instance || (!of_primary && !failed)) {
      c.retirees.push_back(i);
    } else if (of_primary) {
      c.keepers.push_back(i);
    }
  }
  return c;
}

// Non-primary deployments with no task left.
std::vector<std::string> DrainedDeployments(const PlanInput& in) {
  std::vector<std::string> out;
  for (const PlannerDeployment& d : in.deployments) {
    if (d.primary) continue;
    const bool has_task = std::any_of(in.tasks.begin(), in.tasks.end(), [&](const PlannerTask& t) {
      return t.deployment_id == d.id;
    });
    if (!has_task) out.push_back(d.id);
  }
  return out;
}

// The deployment whose protected tasks hold the plan up (Plan::blocked_by_protection): a
// protected task that must be replaced, or more protected PRIMARY tasks than desiredCount.
std::string BlockedByProtection(const PlanInput& in, const Census& c,
                                const PlannerDeployment& primary) {
  for (size_t i : c.retirees) {
    if (in.tasks[i].scale_in_protected) return in.tasks[i].deployment_id;
  }
  const auto unprotected = std::count_if(c.keepers.begin(), c.keepers.end(),
                                         [&](size_t i) { return !in.tasks[i].scale_in_protected; });
  const int64_t surplus = static_cast<int64_t>(c.keepers.size()) - in.desired_count;
  return surplus > unprotected ? primary.id : std::string();
}

}  // namespace

Plan PlanStep(const PlanInput& in) {
  Plan plan;
  const PlannerDeployment* primary = nullptr;
  for (const PlannerDeployment& d : in.deployments) {
    if (d.primary) primary = &d;
  }
  if (primary == nullptr) return plan;

  const int64_t desired = in.desired_count;
  plan.lower = LowerBound(desired, in.minimum_healthy_percent);
  const bool failed = primary->rollout == PlannerDeployment::Rollout::kFailed;
  const Census c = TakeCensus(in, *primary, failed);
  // maximumPercent bounds the tasks "during a deployment" (the model's DeploymentConfiguration
  // documentation): while old tasks are being replaced. With nothing to replace (a new service,
  // a scale-out) a value below 100 does not hold the service below its desired count.
  plan.upper = UpperBound(desired, in.maximum_percent);
  const bool replacing = !c.retirees.empty() || c.other_deployment_tasks > 0;
  if (!replacing) plan.upper = std::max(plan.upper, desired);
  const int64_t keepers_active = static_cast<int64_t>(c.keepers.size());

  // Launches: fill the PRIMARY up to desired, within upper counting stopping tasks and this
  // tick's victims as still present (see the header's counting choice).
  if (!failed) {
    plan.start_primary = std::max<int64_t>(
        0, std::min(desired - keepers_active, plan.upper - c.active - c.stopping));
  }

  // Stops: every retiree that is pending or not yet healthy, and healthy ones while healthy
  // RUNNING tasks stay >= lower. Then PRIMARY surplus on scale-in from the same budget; with
  // lower computed from the new desired the surplus always fits (healthy > desired >= lower).
  VictimPicker picker(in.tasks, c.healthy - plan.lower, in.capacity_provider_strategy);
  picker.Take(
      c.retirees, static_cast<int64_t>(c.retirees.size()),
      [](const PlannerTask& t) {
        return t.on_draining_instance ? PlannedStop::Reason::kDrainingInstance
                                      : PlannedStop::Reason::kReplacedByDeployment;
      },
      plan.stops);
  if (keepers_active > desired) {
    picker.Take(
        c.keepers, keepers_active - desired,
        [](const PlannerTask&) { return PlannedStop::Reason::kScaleIn; }, plan.stops,
        /*keep_split=*/true);
  }
  plan.blocked_by_protection = BlockedByProtection(in, c, *primary);

  // Stuck: something is left to do, this tick does nothing, and no task is in a transient state
  // whose end could open room (stopping) or add health (pending, in grace).
  const bool work_left = !c.retirees.empty() || (!failed && keepers_active != desired);
  const bool in_flight = c.pending > 0 || c.stopping > 0 || c.unhealthy > 0;
  plan.deadlocked = work_left && plan.start_primary == 0 && plan.stops.empty() && !in_flight &&
                    !failed && plan.blocked_by_protection.empty();
  plan.drained_deployments = DrainedDeployments(in);

  const bool keepers_all_healthy = std::all_of(c.keepers.begin(), c.keepers.end(),
                                               [&](size_t i) { return IsHealthy(in.tasks[i]); });
  plan.primary_completed = !failed && keepers_active == desired && keepers_all_healthy &&
                           c.retirees.empty() && c.other_deployment_tasks == 0;
  // Completion already means every active task is a healthy RUNNING keeper, so runningCount ==
  // desiredCount and pendingCount == 0 hold; only the deployment count is left to check.
  plan.steady = plan.primary_completed && in.deployments.size() == 1;
  return plan;
}

}  // namespace ecs::scheduler

#include "scheduler/managed_scaling.h"

#include <algorithm>
#include <map>
#include <tuple>

#include "common/int_math.h"
#include "scheduler/managed_instances.h"

namespace ecs::scheduler {

namespace {

constexpr Millis kBillingHour = 3'600'000;

}  // namespace

int64_t CapacityProviderReservation(int64_t needed, int64_t instances) {
  if (instances <= 0) return needed > 0 ? 200 : 100;
  return CeilDiv(needed * 100, instances);
}

int64_t TargetInstances(const ScalingInput& in) {
  const int64_t target = std::clamp<int64_t>(in.target_capacity, 1, 100);
  const int64_t wanted = CeilDiv(std::max<int64_t>(0, in.instances_needed) * 100, target);
  return std::clamp(wanted, in.group_min, std::max(in.group_min, in.group_max));
}

ScalingDecision DecideScaling(const ScalingInput& in) {
  using Action = ScalingDecision::Action;
  const int64_t target = TargetInstances(in);
  ScalingDecision d{Action::kNone, in.instances};
  if (target > in.instances) {
    int64_t step = target - in.instances;
    step = std::max(step, std::max<int64_t>(1, in.minimum_step));
    step = std::min(step, std::max<int64_t>(1, in.maximum_step));
    d.desired = std::min(in.instances + step, std::max(in.group_min, in.group_max));
    if (d.desired > in.instances) d.action = Action::kScaleOut;
  } else if (target < in.instances) {
    d.action = Action::kScaleIn;
    d.desired = target;
  }
  return d;
}

int64_t InstancesForWaitingTasks(std::span<const WaitingDemand> tasks, int64_t instance_cpu,
                                 int64_t instance_memory) {
  // The group's one instance shape as the only type there is.
  const InstanceTypeOption only{"", 0, 0, instance_cpu, instance_memory, ""};
  return static_cast<int64_t>(
      PlanInstanceLaunches(tasks, {}, std::span<const InstanceTypeOption>(&only, 1)).size());
}

std::vector<size_t> PickInstancesToTerminate(std::span<const GroupInstance> instances,
                                             int64_t count, Millis now) {
  std::vector<size_t> picked;
  std::vector<bool> taken(instances.size(), false);
  std::map<std::string, int64_t> per_zone;
  for (const auto& i : instances) ++per_zone[i.availability_zone];
  auto to_billing_hour = [now](const GroupInstance& i) {
    const Millis age = std::max<Millis>(0, now - i.launched_at);
    return kBillingHour - age % kBillingHour;
  };
  while (static_cast<int64_t>(picked.size()) < count) {
    int best = -1;
    for (size_t k = 0; k < instances.size(); ++k) {
      const GroupInstance& i = instances[k];
      if (taken[k] || i.protected_from_scale_in) continue;
      if (best < 0) {
        best = static_cast<int>(k);
        continue;
      }
      const GroupInstance& b = instances[static_cast<size_t>(best)];
      auto key = [&](const GroupInstance& g) {
        return std::make_tuple(-per_zone[g.availability_zone], to_billing_hour(g), g.id);
      };
      if (key(i) < key(b)) best = static_cast<int>(k);
    }
    if (best < 0) break;
    const auto chosen = static_cast<size_t>(best);
    taken[chosen] = true;
    --per_zone[instances[chosen].availability_zone];
    picked.push_back(chosen);
  }
  return picked;
}

ScalingPlan PlanScalingRound(const GroupScaling& settings, std::span<const GroupMember> members,
                             std::span<const WaitingDemand> waiting, Millis now) {
  ScalingPlan plan;
  ScalingInput in;
  in.target_capacity = settings.target_capacity;
  in.minimum_step = settings.minimum_step;
  in.maximum_step = settings.maximum_step;
  in.group_min = settings.group_min;
  in.group_max = settings.group_max;
  std::vector<GroupInstance> candidates;  // joined, not draining: what scale-in may pick
  for (const GroupMember& m : members) {
    if (m.draining) {
      if (m.tasks == 0) plan.terminate.push_back(m.id);
      continue;
    }
    ++in.instances;
    if (m.tasks > 0) ++in.instances_needed;
    if (m.joined) {
      candidates.push_back({m.id, m.availability_zone, m.launched_at,
                            settings.termination_protection && m.tasks > 0});
    }
  }
  in.instances_needed +=
      InstancesForWaitingTasks(waiting, settings.instance_cpu, settings.instance_memory);
  plan.reservation = CapacityProviderReservation(in.instances_needed, in.instances);
  const ScalingDecision decision = DecideScaling(in);
  plan.desired = decision.desired;
  if (decision.action == ScalingDecision::Action::kScaleOut) {
    plan.launch = decision.desired - in.instances;
    plan.join_at = now + settings.warmup;
  } else if (decision.action == ScalingDecision::Action::kScaleIn) {
    const std::vector<size_t> picked =
        PickInstancesToTerminate(candidates, in.instances - decision.desired, now);
    for (size_t i : picked) {
      const GroupInstance& chosen = candidates[i];
      auto member = std::find_if(members.begin(), members.end(),
                                 [&](const GroupMember& m) { return m.id == chosen.id; });
      const bool busy = member->tasks > 0;
      (busy && settings.managed_draining ? plan.drain : plan.terminate).push_back(chosen.id);
    }
    // Fewer may have been picked (protected members): the group keeps them.
    plan.desired = in.instances - static_cast<int64_t>(picked.size());
  }
  return plan;
}

std::string LeastUsedZone(const std::vector<std::string>& zones,
                          std::span<const GroupMember> members) {
  std::map<std::string, int64_t> per_zone;
  for (const auto& z : zones) per_zone[z] = 0;
  for (const auto& m : members) {
    if (per_zone.count(m.availability_zone)) ++per_zone[m.availability_zone];
  }
  std::string best = zones.front();
  for (const auto& z : zones) {
    if (per_zone[z] < per_zone[best]) best = z;
  }
  return best;
}

}  // namespace ecs::scheduler

#include "scheduler/daemon_rollout.h"

#include <algorithm>
#include <cmath>

namespace ecs::scheduler {

int64_t DaemonBatchSize(double drain_percent, int64_t instances) {
  const double share = std::ceil(drain_percent * static_cast<double>(instances) / 100.0 - 1e-9);
  return std::max<int64_t>(1, static_cast<int64_t>(share));
}

int64_t DaemonFailureThreshold(int64_t instances) {
  return std::clamp<int64_t>((instances + 1) / 2, 3, 200);
}

DaemonRolloutStep PlanDaemonRollout(std::span<const DaemonInstance> instances,
                                    const DaemonRollout& rollout, Millis now) {
  DaemonRolloutStep step;
  const auto& providers = rollout.target_providers;
  std::vector<std::string> outdated;
  bool starting = false;  // a target-revision task has not reached RUNNING yet
  for (const DaemonInstance& i : instances) {
    const bool targeted = !rollout.target.empty() && std::find(providers.begin(), providers.end(),
                                                               i.provider) != providers.end();
    const std::string desired = targeted ? rollout.target : "";
    if (i.lost_its_task) {
      step.repair.push_back(i.id);
    } else if (i.revision == desired) {
      starting = starting || (targeted && !i.running);
    } else if (i.revision.empty() && i.joined_after_start) {
      step.start.push_back(i.id);
      starting = true;
    } else {
      outdated.push_back(i.id);
    }
  }
  if (!rollout.rolling || rollout.in_flight > 0 || starting || !step.repair.empty()) return step;
  if (rollout.batch_open) {
    step.batch_done = true;  // the caller starts the bake; the next batch comes after it
    return step;
  }
  if (now < rollout.bake_until) return step;
  if (outdated.empty()) {
    step.complete = true;
    return step;
  }
  const auto batch = static_cast<size_t>(
      DaemonBatchSize(rollout.drain_percent, static_cast<int64_t>(instances.size())));
  outdated.resize(std::min(outdated.size(), batch));
  step.replace = std::move(outdated);
  return step;
}

}  // namespace ecs::scheduler

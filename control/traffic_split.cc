#include "control/traffic_split.h"

namespace ecs::control {

namespace {

bool InProgress(const model::Deployment& d) {
  return d.deployment_status == model::ServiceDeploymentStatus::kPending ||
         d.deployment_status == model::ServiceDeploymentStatus::kInProgress;
}

}  // namespace

std::vector<RevisionTraffic> TrafficSplit(const model::Service& svc) {
  std::vector<RevisionTraffic> out;
  if (svc.deployments.empty()) return out;
  const model::Deployment& primary = svc.deployments.front();
  const bool blue_green =
      model::ShiftsTraffic(svc.deployment_strategy) || model::ShiftsTraffic(primary.strategy);
  if (!blue_green) return out;
  const bool shifting = primary.lifecycle_stage && InProgress(primary);
  bool blue_found = false;
  for (const model::Deployment& d : svc.deployments) {
    if (d.status == model::DeploymentStatus::kInactive) continue;
    RevisionTraffic t{&d, 0, 0};
    if (&d == &primary) {
      t.production = shifting ? primary.production_traffic : 100;
      t.test = shifting ? primary.test_traffic : 100;
    } else if (shifting && !blue_found && d.revision_number() == primary.source_revision_id) {
      // Blue: whatever green does not receive.
      blue_found = true;
      t.production = 100 - primary.production_traffic;
      t.test = 100 - primary.test_traffic;
    }
    out.push_back(t);
  }
  return out;
}

}  // namespace ecs::control

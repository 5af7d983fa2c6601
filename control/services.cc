// Services and the service scheduler. Until services exist, no cluster holds one: the hooks the
// task lifecycle calls have nothing to react to.
#include "control/control_plane.h"

namespace ecs::control {

bool ControlPlane::ServiceExists(const RequestContext& /*ctx*/, const std::string& /*cluster*/,
                                 const std::string& /*service*/) const {
  return false;
}

void ControlPlane::OnTaskChanged(ClusterState& /*cs*/, model::Task& /*task*/, Millis /*now*/,
                                 storage::ChangeSet& /*changes*/) {}

void ControlPlane::ReconcileServices(Millis /*now*/, storage::ChangeSet& /*changes*/) {}

}  // namespace ecs::control

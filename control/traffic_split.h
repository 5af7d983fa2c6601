// The simulated load-balancer traffic split of a BLUE_GREEN service (issue #13): no ELB exists
// here, so each revision's share of production and test traffic is derived from the deployment
// state. Shown in ServiceRevisionSummary's requested*TrafficWeight members and at
// GET /_emulator/services/<cluster>/<service>/traffic.
#pragma once

#include <vector>

#include "model/service.h"

namespace ecs::control {

struct RevisionTraffic {
  const model::Deployment* deployment = nullptr;
  double production = 0;  // percent
  double test = 0;        // percent
};

// One entry per revision that is not INACTIVE, PRIMARY first. A BLUE_GREEN deployment in progress
// holds green's share (Deployment::production_traffic / test_traffic) and its source revision
// (blue) the rest; otherwise the PRIMARY receives everything. Empty for a service that is not
// BLUE_GREEN and whose PRIMARY did not deploy as BLUE_GREEN.
std::vector<RevisionTraffic> TrafficSplit(const model::Service& svc);

}  // namespace ecs::control

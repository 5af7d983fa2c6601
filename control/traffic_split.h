// The simulated load-balancer traffic split of a BLUE_GREEN, LINEAR or CANARY service (issue #13):
// no ELB exists here, so each revision's share of production and test traffic is derived from the
// deployment state. Shown in ServiceRevisionSummary's requested*TrafficWeight members and at
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

// One entry per revision that is not INACTIVE, PRIMARY first. A BLUE_GREEN, LINEAR or CANARY
// deployment in progress holds green's share (Deployment::production_traffic / test_traffic) and
// its source revision (blue) the rest; otherwise the PRIMARY receives everything (so a rollback
// gives blue all of it again). Empty for a service whose strategy is ROLLING and whose PRIMARY
// did not deploy with one of those strategies.
std::vector<RevisionTraffic> TrafficSplit(const model::Service& svc);

}  // namespace ecs::control

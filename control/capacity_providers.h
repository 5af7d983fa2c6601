// Capacity-provider rules shared by the cluster, task and service operations: which providers
// exist (FARGATE and FARGATE_SPOT are built in; Auto Scaling group providers are not built yet,
// so CreateCapacityProvider answers "not implemented" and no other name can be associated) and
// whether a strategy may be used on a cluster.
#pragma once

#include <string>
#include <string_view>

#include "common/status.h"
#include "common/tenant.h"
#include "model/cluster.h"
#include "model/launch.h"

namespace ecs::control {

std::string CapacityProviderArn(const Tenant& t, std::string_view name);

// A strategy given to RunTask, CreateService or UpdateService (or the cluster's default used for
// them): shape rules, every provider associated with the cluster, Fargate and Auto Scaling group
// providers not mixed, and some provider with a weight above 0.
Status CheckStrategyForCluster(const model::Cluster& cluster,
                               const model::CapacityProviderStrategy& strategy);

// The providers and default strategy of CreateCluster / PutClusterCapacityProviders.
Status CheckClusterProviders(const std::vector<std::string>& providers,
                             const model::CapacityProviderStrategy& default_strategy);

}  // namespace ecs::control

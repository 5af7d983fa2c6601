// Capacity-provider rules shared by the cluster, task and service operations: which providers
// exist (FARGATE and FARGATE_SPOT are built in; Auto Scaling group providers are created by
// CreateCapacityProvider) and whether a strategy may be used on a cluster.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "common/tenant.h"
#include "model/cluster.h"
#include "model/launch.h"
#include "storage/store.h"

namespace ecs::control {

std::string CapacityProviderArn(const Tenant& t, std::string_view name);

// A strategy given to RunTask, CreateService or UpdateService (or the cluster's default used for
// them): shape rules, every provider associated with the cluster, Fargate and Auto Scaling group
// providers not mixed, and some provider with a weight above 0.
Status CheckStrategyForCluster(const model::Cluster& cluster,
                               const model::CapacityProviderStrategy& strategy);

// The providers and default strategy of CreateCluster / PutClusterCapacityProviders on
// `cluster_name`: each built in or an ACTIVE Auto Scaling group provider of the tenant that no
// other ACTIVE cluster has, and the strategy valid over them.
struct State;
Status CheckClusterProviders(const State& state, const Tenant& tenant,
                             const std::string& cluster_name,
                             const std::vector<std::string>& providers,
                             const model::CapacityProviderStrategy& default_strategy);

// The reconciler's part: every provider DeleteCapacityProvider left DELETE_IN_PROGRESS becomes
// INACTIVE with updateStatus DELETE_COMPLETE.
void FinishProviderDeletes(State& state, storage::ChangeSet& changes);

}  // namespace ecs::control

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

// ≤ 255 of [A-Za-z0-9_-], not starting with aws, ecs or fargate (ClientException).
Status ValidateProviderName(const std::string& name);

struct State;
struct ClusterState;
// No ACTIVE provider of the tenant has the name (ClientException naming the rule).
Status CheckProviderNameFree(const State& state, const Tenant& t, const std::string& name);

// Whether a service or a task not STOPPED of the cluster uses `provider` (it may not be removed).
bool ProviderInUse(const ClusterState& cs, const std::string& provider);

// launchType MANAGED_INSTANCES on RunTask or CreateService: the model says to use a
// capacityProviderStrategy and omit launchType.
Status ManagedInstancesNeedStrategy();

// A strategy given to RunTask, CreateService or UpdateService (or the cluster's default used for
// them): shape rules, every provider associated with the cluster, Fargate and Auto Scaling group
// providers not mixed, and some provider with a weight above 0.
Status CheckStrategyForCluster(const model::Cluster& cluster,
                               const model::CapacityProviderStrategy& strategy);

// The providers and default strategy of CreateCluster / PutClusterCapacityProviders on
// `cluster_name`: each built in, an ACTIVE Auto Scaling group provider of the tenant that no
// other ACTIVE cluster has or a Managed Instances provider of this cluster, and the strategy
// valid over them.
Status CheckClusterProviders(const State& state, const Tenant& tenant,
                             const std::string& cluster_name,
                             const std::vector<std::string>& providers,
                             const model::CapacityProviderStrategy& default_strategy);

// The reconciler's part: every provider DeleteCapacityProvider left DELETE_IN_PROGRESS becomes
// INACTIVE with updateStatus DELETE_COMPLETE.
void FinishProviderDeletes(State& state, storage::ChangeSet& changes);

}  // namespace ecs::control

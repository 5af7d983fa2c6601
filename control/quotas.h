// The checks of ECS's counted service quotas (model/quotas.h has the numbers and their source):
// each runs before a mutation creates a resource or raises a count, and answers the error ECS
// answers. A rejected request changes nothing.
//
// THREADING: state strand only, like all of control/.
#pragma once

#include <cstdint>

#include "common/status.h"
#include "control/cluster_index.h"

namespace ecs::control {

// CreateService / UpdateService desiredCount within [0, kTasksPerService].
Status CheckDesiredCount(int64_t desired_count);

// CreateCluster of a new name: the tenant's ACTIVE clusters below kClustersPerAccount.
Status CheckClusterQuota(const TenantState* tenant);

// CreateService of a new name: the cluster's ACTIVE and DRAINING services below
// kServicesPerCluster.
Status CheckServiceQuota(const ClusterState& cluster);

// Registering `adding` new container instances (agent or fleet): the cluster's registered ones
// (ACTIVE or DRAINING) plus `adding` at most kContainerInstancesPerCluster.
Status CheckInstanceQuota(const ClusterState& cluster, int64_t adding);

}  // namespace ecs::control

#include "control/quotas.h"

#include <string>

#include "model/quotas.h"

namespace ecs::control {

// Texts: ECS answers a desired count over the quota with InvalidParameterException "Desired
// count exceeds limit." (quoted in github.com/aws/containers-roadmap/issues/768). For the other
// quotas no recorded answer was found; CreateCluster, CreateService and RegisterContainerInstance
// model no LimitExceededException (only RegisterTaskDefinition does), so the most faithful choice
// is the modeled ClientException ("caused by a client action") with a sentence naming the quota, as
// AWS's documentation names it.

Status CheckDesiredCount(int64_t desired_count) {
  if (desired_count < 0) return Status::InvalidParameter("desiredCount must be 0 or more.");
  if (desired_count > quotas::kTasksPerService) {
    return Status::InvalidParameter("Desired count exceeds limit.");
  }
  return Status::Ok();
}

Status CheckClusterQuota(const TenantState* tenant) {
  if (!tenant) return Status::Ok();
  int64_t active = 0;
  for (const auto& [name, cluster] : tenant->clusters) {
    if (cluster.status == model::ClusterStatus::kActive) ++active;
  }
  if (active < quotas::kClustersPerAccount) return Status::Ok();
  return Status::Client("Clusters per account limit exceeded: an account can have at most " +
                        std::to_string(quotas::kClustersPerAccount) +
                        " clusters in a Region. Delete a cluster and try again.");
}

Status CheckServiceQuota(const ClusterState& cluster) {
  const int64_t services = cluster.counts.active_services + cluster.counts.draining_services;
  if (services < quotas::kServicesPerCluster) return Status::Ok();
  return Status::Client("Services per cluster limit exceeded: a cluster can have at most " +
                        std::to_string(quotas::kServicesPerCluster) +
                        " services. Delete a service and try again.");
}

Status CheckInstanceQuota(const ClusterState& cluster, int64_t adding) {
  int64_t registered = 0;
  for (const auto& [id, ci] : cluster.instances) {
    if (ci.status == model::InstanceStatus::kActive ||
        ci.status == model::InstanceStatus::kDraining) {
      ++registered;
    }
  }
  if (registered + adding <= quotas::kContainerInstancesPerCluster) return Status::Ok();
  return Status::Client(
      "Container instances per cluster limit exceeded: a cluster can have at most " +
      std::to_string(quotas::kContainerInstancesPerCluster) + " registered container instances (" +
      std::to_string(registered) + " now). Deregister an instance and try again.");
}

}  // namespace ecs::control

// ECS's service quotas: the defaults AWS publishes in "Amazon ECS service quotas"
// (https://docs.aws.amazon.com/AmazonECS/latest/developerguide/service-quotas.html, read
// 2026; the same table in github.com/awsdocs/amazon-ecs-developer-guide, service-quotas.md).
// The emulator enforces each, so that no request can make it hold or do unbounded work, and a
// client meets the limit where it would meet it in AWS. README "Limits" lists them with the
// answers; control/quotas.h checks the counted ones.
//
// The quotas AWS lets an account raise are enforced at their defaults; ECS "does not support
// applied quotas" through the Service Quotas API, so there is nothing else a client could see.
#pragma once

#include <cstdint>

namespace ecs::quotas {

inline constexpr int64_t kClustersPerAccount = 10'000;  // per Region
inline constexpr int64_t kContainerInstancesPerCluster = 5'000;
inline constexpr int64_t kServicesPerCluster = 5'000;
inline constexpr int64_t kTasksPerService = 5'000;  // the desired count
inline constexpr int64_t kTasksLaunchedPerRunTask = 10;
inline constexpr int64_t kContainerInstancesPerStartTask = 10;
inline constexpr int64_t kTagsPerResource = 50;
inline constexpr int64_t kRevisionsPerTaskDefinitionFamily = 1'000'000;  // deregistered count
inline constexpr int64_t kTaskDefinitionBytes = int64_t{64} * 1024;
inline constexpr int64_t kContainersPerTaskDefinition = 10;
inline constexpr int64_t kSubnetsPerAwsvpcConfiguration = 16;
inline constexpr int64_t kSecurityGroupsPerAwsvpcConfiguration = 5;
inline constexpr int64_t kTargetGroupsPerService = 5;
// "Tasks in PROVISIONING state per cluster" (L-B7718569): tasks waiting for an Auto Scaling group
// provider's capacity. 500 in the current table; older copies of it say 300.
inline constexpr int64_t kProvisioningTasksPerCluster = 500;

}  // namespace ecs::quotas

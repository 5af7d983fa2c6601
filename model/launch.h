// What launching tasks is given, shared by RunTask, services and clusters: the launch type or
// capacity-provider strategy, the awsvpc network configuration, placement items and tag
// propagation. Plain data.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "model/wire_enum.h"

namespace ecs::model {

enum class LaunchType { kEc2, kFargate, kExternal, kManagedInstances };
template <>
struct WireNames<LaunchType> {
  static constexpr std::array<std::string_view, 4> kNames = {"EC2", "FARGATE", "EXTERNAL",
                                                             "MANAGED_INSTANCES"};
};

// A task definition's networkMode; unset (std::nullopt) behaves as bridge on Linux.
enum class NetworkMode { kBridge, kHost, kAwsvpc, kNone };
template <>
struct WireNames<NetworkMode> {
  static constexpr std::array<std::string_view, 4> kNames = {"bridge", "host", "awsvpc", "none"};
};

struct CapacityProviderStrategyItem {
  std::string capacity_provider;
  int64_t weight = 0;
  int64_t base = 0;
  bool operator==(const CapacityProviderStrategyItem&) const = default;
};
using CapacityProviderStrategy = std::vector<CapacityProviderStrategyItem>;

// The built-in Fargate providers.
inline bool IsFargateProvider(std::string_view name) {
  return name == "FARGATE" || name == "FARGATE_SPOT";
}
// Whether the strategy names a Fargate provider (ECS does not let one strategy mix Fargate and
// Auto Scaling group providers).
inline bool UsesFargate(const CapacityProviderStrategy& strategy) {
  for (const auto& item : strategy) {
    if (IsFargateProvider(item.capacity_provider)) return true;
  }
  return false;
}

enum class AssignPublicIp { kEnabled, kDisabled };
template <>
struct WireNames<AssignPublicIp> {
  static constexpr std::array<std::string_view, 2> kNames = {"ENABLED", "DISABLED"};
};

struct AwsVpcConfiguration {
  std::vector<std::string> subnets;
  std::vector<std::string> security_groups;
  AssignPublicIp assign_public_ip = AssignPublicIp::kDisabled;
  bool operator==(const AwsVpcConfiguration&) const = default;
};

// NetworkConfiguration: ECS has only the awsvpc form.
struct NetworkConfiguration {
  AwsVpcConfiguration awsvpc;
  bool operator==(const NetworkConfiguration&) const = default;
};

// A placementConstraints / placementStrategy item as the client gave it; scheduler/ validates
// and parses them (MakePlacementConstraint, MakePlacementStrategy).
struct PlacementConstraintItem {
  std::string type;
  std::string expression;  // "" when not given
  bool operator==(const PlacementConstraintItem&) const = default;
};
struct PlacementStrategyItem {
  std::string type;
  std::string field;  // "" when not given
  bool operator==(const PlacementStrategyItem&) const = default;
};

enum class PropagateTags { kTaskDefinition, kService, kNone };
template <>
struct WireNames<PropagateTags> {
  static constexpr std::array<std::string_view, 3> kNames = {"TASK_DEFINITION", "SERVICE", "NONE"};
};

}  // namespace ecs::model

#include "scheduler/placement_types.h"

#include <utility>

namespace ecs::scheduler {
namespace {

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    char x = a[i] >= 'A' && a[i] <= 'Z' ? static_cast<char>(a[i] - 'A' + 'a') : a[i];
    char y = b[i] >= 'A' && b[i] <= 'Z' ? static_cast<char>(b[i] - 'A' + 'a') : b[i];
    if (x != y) return false;
  }
  return true;
}

}  // namespace

Result<PlacementConstraint> MakePlacementConstraint(std::string_view type,
                                                    std::string_view expression) {
  if (type == "distinctInstance") {
    if (!expression.empty()) {
      return Status::InvalidParameter(
          "An expression is not allowed for a distinctInstance placement constraint.");
    }
    return PlacementConstraint::DistinctInstance();
  }
  if (type == "memberOf") {
    if (expression.empty()) {
      return Status::InvalidParameter(
          "An expression is required for a memberOf placement constraint.");
    }
    Result<Expression> parsed = ParseQuery(expression);
    if (!parsed.ok()) return parsed.status();
    return PlacementConstraint::MemberOf(std::move(parsed).value());
  }
  return Status::InvalidParameter("Invalid placement constraint type '" + std::string(type) +
                                  "'. Valid types are distinctInstance and memberOf.");
}

Result<PlacementStrategy> MakePlacementStrategy(std::string_view type, std::string_view field) {
  if (type == "random") return PlacementStrategy::Random();
  if (type == "binpack") {
    // ECS documents lower case but accepts the resource names in either case.
    if (EqualsIgnoreCase(field, "cpu"))
      return PlacementStrategy::Binpack(PlacementStrategy::Field::kCpu);
    if (EqualsIgnoreCase(field, "memory")) {
      return PlacementStrategy::Binpack(PlacementStrategy::Field::kMemory);
    }
    return Status::InvalidParameter("Invalid field '" + std::string(field) +
                                    "' for binpack placement strategy. Valid fields are cpu "
                                    "and memory.");
  }
  if (type == "spread") {
    if (field == "instanceId" || field == "host") return PlacementStrategy::SpreadInstances();
    constexpr std::string_view kPrefix = "attribute:";
    if (field.starts_with(kPrefix) && field.size() > kPrefix.size()) {
      return PlacementStrategy::SpreadAttribute(std::string(field.substr(kPrefix.size())));
    }
    return Status::InvalidParameter("Invalid field '" + std::string(field) +
                                    "' for spread placement strategy. Valid fields are "
                                    "instanceId, host and attribute:<name>.");
  }
  return Status::InvalidParameter("Invalid placement strategy type '" + std::string(type) +
                                  "'. Valid types are random, spread and binpack.");
}

std::vector<PlacementStrategy> DefaultStrategies(bool is_service) {
  // RunTask: "distribute tasks randomly". Services: fewest tasks of this service per AZ, then per
  // instance; the spread counts are the service's task group.
  if (!is_service) return {PlacementStrategy::Random()};
  return {PlacementStrategy::SpreadAttribute(std::string(kAvailabilityZoneAttribute)),
          PlacementStrategy::SpreadInstances()};
}

std::string_view FailureReasonText(FailureReason reason) {
  switch (reason) {
    case FailureReason::kNoContainerInstances:
      return "No Container Instances were found in your cluster.";
    case FailureReason::kAgent:
      return "AGENT";
    case FailureReason::kAttribute:
      return "ATTRIBUTE";
    case FailureReason::kLocation:
      return "LOCATION";
    case FailureReason::kResourceCpu:
      return "RESOURCE:CPU";
    case FailureReason::kResourceMemory:
      return "RESOURCE:MEMORY";
    case FailureReason::kResourcePorts:
      return "RESOURCE:PORTS";
    case FailureReason::kResourcePortsUdp:
      return "RESOURCE:PORTS_UDP";
    case FailureReason::kResourceGpu:
      return "RESOURCE:GPU";
    case FailureReason::kResourceEni:
      return "RESOURCE:ENI";
    case FailureReason::kMemberOf:
      return "MemberOf placement constraint unsatisfied.";
    case FailureReason::kDistinctInstance:
      return "DistinctInstance placement constraint unsatisfied.";
  }
  return "";
}

}  // namespace ecs::scheduler

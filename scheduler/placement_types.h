// Plain inputs and outputs of the placement engine (docs/scheduling.md §2-§4, §6): what one task
// needs, the constraints and strategies that steer it, and the per-task outcome. control/ fills
// these from task definitions, overrides and request parameters; placement.h consumes them. Also
// the validating constructors for the API's placementConstraints / placementStrategy items. Plain
// data, thread-compatible.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/status.h"
#include "scheduler/query_language.h"

namespace ecs::scheduler {

inline constexpr size_t kMaxPlacementStrategies = 5;
inline constexpr size_t kMaxPlacementConstraints = 10;

enum class LaunchType {
  kEc2,       // instances without the ecs.capability.external attribute
  kExternal,  // instances with it (ECS Anywhere)
  kAny,       // no launch-type filter (StartTask onto explicitly named instances)
};

// A requiresAttributes entry: the instance must have the attribute, and the value if one is given.
struct RequiredAttribute {
  std::string name;
  std::optional<std::string> value;
};

// What one task reserves on an instance. The caller has already resolved it (docs/scheduling.md
// §2): cpu = task cpu or the sum of container cpu; memory = task memory or the sum of
// memoryReservation-else-memory; overrides applied.
struct TaskDemand {
  int64_t cpu = 0;
  int64_t memory = 0;
  int64_t gpus = 0;
  // Static host ports (bridge with an explicit hostPort, or host mode) per protocol.
  std::vector<int32_t> static_tcp_ports;
  std::vector<int32_t> static_udp_ports;
  // Bridge port mappings with hostPort absent or 0: that many free host ports are picked.
  int32_t dynamic_tcp_ports = 0;
  int32_t dynamic_udp_ports = 0;
  // awsvpc: the task takes an ENI slot and its subnets' AZs must include the instance's AZ.
  bool awsvpc = false;
  std::vector<std::string> subnet_availability_zones;  // empty: any AZ
  std::vector<RequiredAttribute> required_attributes;
  // Task group: "service:<name>" for service tasks, "family:<family>" or the RunTask group.
  std::string group;
  LaunchType launch_type = LaunchType::kEc2;
  std::string capacity_provider;  // non-empty: only that provider's instances are candidates
};

struct PlacementConstraint {
  enum class Type { kDistinctInstance, kMemberOf };
  Type type = Type::kDistinctInstance;
  Expression expression;  // kMemberOf only

  static PlacementConstraint DistinctInstance() { return {Type::kDistinctInstance, {}}; }
  static PlacementConstraint MemberOf(Expression e) { return {Type::kMemberOf, std::move(e)}; }
};

struct PlacementStrategy {
  enum class Type { kBinpack, kSpread, kRandom };
  enum class Field {
    kNone,        // random
    kCpu,         // binpack
    kMemory,      // binpack
    kInstanceId,  // spread instanceId / host
    kAttribute,   // spread attribute:<name>
  };
  Type type = Type::kRandom;
  Field field = Field::kNone;
  std::string attribute;  // kAttribute only

  static PlacementStrategy Random() { return {Type::kRandom, Field::kNone, {}}; }
  static PlacementStrategy Binpack(Field f) { return {Type::kBinpack, f, {}}; }
  static PlacementStrategy SpreadInstances() { return {Type::kSpread, Field::kInstanceId, {}}; }
  static PlacementStrategy SpreadAttribute(std::string name) {
    return {Type::kSpread, Field::kAttribute, std::move(name)};
  }
};

// From API items {type, expression}: "distinctInstance" (no expression) or "memberOf" (parsed).
Result<PlacementConstraint> MakePlacementConstraint(std::string_view type,
                                                    std::string_view expression);
// From API items {type, field}: binpack cpu|memory, spread instanceId|host|attribute:<name>,
// random (field ignored).
Result<PlacementStrategy> MakePlacementStrategy(std::string_view type, std::string_view field);

// The strategies used when a request names none (docs/scheduling.md §6 "Defaults").
std::vector<PlacementStrategy> DefaultStrategies(bool is_service);

struct PlacementRequest {
  TaskDemand demand;
  int32_t count = 1;
  // Task-definition and request constraints together (all must hold).
  std::vector<PlacementConstraint> constraints;
  // In priority order; empty = DefaultStrategies(is_service).
  std::vector<PlacementStrategy> strategies;
  bool is_service = false;
  uint64_t seed = 0;  // the only source of randomness
};

// Why no instance took a task, in the order the pipeline checks (docs/scheduling.md §4): the
// failure reported is the one of the instance that got furthest.
enum class FailureReason {
  kNoContainerInstances,  // no ACTIVE instance of the launch type / capacity provider at all
  kAgent,
  kAttribute,
  kLocation,
  kResourceCpu,
  kResourceMemory,
  kResourcePorts,
  kResourcePortsUdp,
  kResourceGpu,
  kResourceEni,
  kMemberOf,
  kDistinctInstance,
};

// The reason string of RunTask/StartTask `failures`, e.g. "RESOURCE:CPU".
std::string_view FailureReasonText(FailureReason reason);

struct PlacementFailure {
  std::string arn;  // the closest instance; empty for kNoContainerInstances
  FailureReason reason = FailureReason::kNoContainerInstances;
};

// The outcome for one task of a request.
struct TaskPlacement {
  bool placed = false;
  // When placed:
  size_t instance_index = 0;  // position in the instance list given to Place
  std::string instance_arn;
  std::vector<int32_t> dynamic_tcp_ports;  // host ports for the hostPort-0 TCP mappings, in order
  std::vector<int32_t> dynamic_udp_ports;
  std::vector<std::string> gpu_ids;
  // When not placed:
  PlacementFailure failure;
};

}  // namespace ecs::scheduler

// A container instance: simulated capacity registered by an agent call or a fleet.
// Persisted members first; the `usage` block is derived from the tasks placed on the instance and
// rebuilt at load, never stored.
#pragma once

#include <array>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/clock.h"
#include "common/tenant.h"
#include "model/raw_json.h"
#include "model/wire_enum.h"

namespace ecs::model {

struct Attribute {
  std::string name;
  std::optional<std::string> value;
  bool operator==(const Attribute&) const = default;
};

// The resource names every instance registers.
inline constexpr std::string_view kCpuResource = "CPU";
inline constexpr std::string_view kMemoryResource = "MEMORY";
inline constexpr std::string_view kPortsResource = "PORTS";
inline constexpr std::string_view kUdpPortsResource = "PORTS_UDP";

// ECS Resource: CPU/MEMORY as INTEGER, PORTS/PORTS_UDP/GPU as STRINGSET, custom DOUBLE/LONG.
struct Resource {
  std::string name;
  std::string type = "INTEGER";
  int64_t integer_value = 0;
  int64_t long_value = 0;
  double double_value = 0;
  std::vector<std::string> string_set;
  bool operator==(const Resource&) const = default;
};

enum class InstanceStatus {
  kActive,
  kDraining,
  kRegistering,
  kDeregistering,
  kRegistrationFailed,
  kInactive,
};
template <>
struct WireNames<InstanceStatus> {
  static constexpr std::array<std::string_view, 6> kNames = {
      "ACTIVE", "DRAINING", "REGISTERING", "DEREGISTERING", "REGISTRATION_FAILED", "INACTIVE"};
};

enum class AgentUpdateStatus { kPending, kStaging, kStaged, kUpdating, kUpdated, kFailed };
template <>
struct WireNames<AgentUpdateStatus> {
  static constexpr std::array<std::string_view, 6> kNames = {"PENDING",  "STAGING", "STAGED",
                                                             "UPDATING", "UPDATED", "FAILED"};
};

struct InstanceUsage {
  int64_t cpu = 0;
  int64_t memory = 0;
  std::map<int, int> tcp_ports;  // static host port -> tasks holding it
  std::map<int, int> udp_ports;
  std::map<int, int> dynamic_tcp_ports;  // dynamically assigned host port -> tasks holding it
  std::map<int, int> dynamic_udp_ports;
  int running_tasks = 0;              // desiredStatus RUNNING
  int pending_tasks = 0;              // lastStatus PENDING
  std::map<std::string, int> groups;  // task group -> non-STOPPED tasks
  bool operator==(const InstanceUsage&) const = default;
};

struct ContainerInstance {
  Tenant tenant;
  std::string cluster;  // cluster name
  std::string id;       // 32 hex
  std::string arn;
  int64_t seq = 0;
  std::string ec2_instance_id;
  InstanceStatus status = InstanceStatus::kActive;
  std::string status_reason;
  bool agent_connected = true;
  std::vector<Resource> registered_resources;  // always CPU, MEMORY, PORTS, PORTS_UDP first
  std::string agent_version;                   // versionInfo
  std::string agent_hash;
  std::string docker_version;
  std::vector<Attribute> attributes;  // built-in, capabilities and custom, in that order
  RawJson platform_devices;           // as registered; empty when none
  // Set by UpdateContainerAgent (always kPending there); the simulated update then advances
  // with time from agent_update_started_at (AgentUpdateStatusAt).
  std::optional<AgentUpdateStatus> agent_update_status;
  Millis agent_update_started_at = 0;
  std::string agent_version_before_update;  // versionInfo shown until the update is UPDATED
  std::string capacity_provider_name;
  std::string
      auto_scaling_group;  // the simulated group that launched it (model/auto_scaling_group.h)
  Millis registered_at = 0;
  int64_t version = 1;

  InstanceUsage usage;  // derived

  bool is_inactive() const { return status == InstanceStatus::kInactive; }
  int64_t RegisteredInteger(std::string_view resource) const;
  const std::optional<std::string>* FindAttribute(std::string_view name) const;
  std::string availability_zone() const;
  // The simulated agent update moves PENDING -> STAGING -> STAGED -> UPDATING -> UPDATED, one
  // step per second of simulated time; nullopt when no update was ever asked for.
  std::optional<AgentUpdateStatus> AgentUpdateStatusAt(Millis now) const;
  // versionInfo.agentVersion at `now`: the old version until the update reaches UPDATED.
  const std::string& AgentVersionAt(Millis now) const;
};

// The ports every ECS agent reserves on registration (observed registeredResources).
const std::vector<std::string>& DefaultReservedPorts();

}  // namespace ecs::model

// InstanceView: the read-only snapshot of one container instance that the scheduler evaluates
// (cluster query language, placement, scale-in). control/ builds these from its indexes; the
// scheduler only reads them, takes them by const reference and never copies attribute maps.
// Plain data, thread-compatible.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/clock.h"
#include "model/container_instance.h"
#include "scheduler/known_attributes.h"

namespace ecs::scheduler {

// Built-in attribute names the scheduler itself reads.
inline constexpr std::string_view kAvailabilityZoneAttribute = "ecs.availability-zone";
inline constexpr std::string_view kExternalCapabilityAttribute = "ecs.capability.external";
inline constexpr std::string_view kInstanceTypeAttribute = "ecs.instance-type";

// Ports the agent keeps for itself; the caller includes them in reserved_*_ports. 51680 is the
// agent's own listener on newer AMIs: it is refused as a static port even when not listed.
inline constexpr int32_t kAlwaysRefusedStaticPort = 51680;
// The Linux fallback ephemeral range from which bridge-mode dynamic host ports are drawn.
inline constexpr int32_t kFirstDynamicPort = 49153;
inline constexpr int32_t kLastDynamicPort = 65535;
// ECS limit on the PORTS (and, separately, PORTS_UDP) reserved set, the 5 defaults included.
inline constexpr size_t kMaxReservedPorts = 100;

struct InstanceView {
  std::string arn;
  // HashArn(arn) (scheduler/tie_break.h), set with the ARN by whoever builds the view; 0 = not
  // set. Placement breaks ties with it on every candidate, and reading a 5,000-instance cluster's
  // ARN strings (one heap line each) cost more than the rest of the pick.
  uint64_t arn_hash = 0;
  std::string ec2_instance_id;
  model::InstanceStatus status = model::InstanceStatus::kActive;
  bool agent_connected = true;
  std::string agent_version;  // e.g. "1.29.0"; compared as dotted numbers
  Millis registered_at = 0;
  std::string capacity_provider_name;  // empty: not launched by a capacity provider

  // remainingResources, already net of every non-STOPPED task on the instance.
  int64_t remaining_cpu = 0;
  int64_t remaining_memory = 0;
  std::vector<std::string> available_gpu_ids;  // GPU ids not assigned to any task
  int32_t remaining_eni_slots = -1;            // awsvpc trunking capacity; -1 = unlimited

  // The PORTS / PORTS_UDP reserved sets: the 5 agent defaults plus static host ports of tasks.
  std::vector<int32_t> reserved_tcp_ports;
  std::vector<int32_t> reserved_udp_ports;
  // Host ports handed out dynamically (bridge, hostPort 0): busy, but not "reserved" in ECS terms.
  std::vector<int32_t> dynamic_tcp_ports;
  std::vector<int32_t> dynamic_udp_ports;

  int64_t running_tasks_count = 0;  // tasks with desiredStatus RUNNING

  // Attribute name -> value; valueless attributes (capabilities) map to nullopt.
  std::map<std::string, std::optional<std::string>, std::less<>> attributes;
  // Copies of what the scheduler reads for every instance on every placement: an attribute-map
  // lookup costs more than all the other per-instance checks together.
  // REQUIRES: consistent with `attributes`; SyncHotAttributes() sets them.
  std::string availability_zone;       // attributes["ecs.availability-zone"]; empty when absent
  std::string instance_type;           // attributes["ecs.instance-type"]; empty when absent
  bool external = false;               // attributes contains "ecs.capability.external"
  KnownAttributeSet known_attributes;  // bit KnownAttributeId(name) for each name present
  // Task group -> number of this instance's non-STOPPED tasks in it. Zero entries are allowed and
  // mean "none". Used by task:group, distinctInstance and spread.
  std::map<std::string, int64_t, std::less<>> task_group_counts;

  bool operator==(const InstanceView&) const = default;
};

// Sets the hot copies (availability_zone, instance_type, external, known_attributes) from
// `attributes`. Call after filling or changing the attributes.
void SyncHotAttributes(InstanceView* instance);

// The value of attribute `name` when it is one of the hot copies and present with a non-empty
// value; nullptr otherwise (the caller then looks in `attributes`).
const std::string* HotAttributeValue(const InstanceView& instance, std::string_view name);

// Tasks that the current placement request has already put on an instance but that its
// InstanceView does not show yet. The query language needs them so that `runningTasksCount` and
// `task:group` see the earlier tasks of the same RunTask `count`.
struct PendingTasks {
  int64_t count = 0;
  std::string_view group;  // the group of those tasks (all tasks of one request share it)
};

}  // namespace ecs::scheduler

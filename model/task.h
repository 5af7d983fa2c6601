// A task: one placed copy of a task definition, moved through its lifecycle by the reconciler and
// the agent calls. Everything here is persisted (storage/codec_tasks.cc) except `generation`.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/clock.h"
#include "common/tenant.h"
#include "model/container_runtime.h"
#include "model/launch.h"
#include "model/raw_json.h"
#include "model/wire_enum.h"

namespace ecs::model {

// Lifecycle states in order; a task only ever moves forward.
enum class TaskState {
  kProvisioning = 0,
  kPending,
  kActivating,
  kRunning,
  kDeactivating,
  kStopping,
  kDeprovisioning,
  kStopped,
};
template <>
struct WireNames<TaskState> {
  static constexpr std::array<std::string_view, 8> kNames = {
      "PROVISIONING", "PENDING",  "ACTIVATING",     "RUNNING",
      "DEACTIVATING", "STOPPING", "DEPROVISIONING", "STOPPED"};
};

// desiredStatus: ECS only ever sets RUNNING or STOPPED (PENDING is a ListTasks filter value).
enum class DesiredStatus { kRunning, kStopped };
template <>
struct WireNames<DesiredStatus> {
  static constexpr std::array<std::string_view, 2> kNames = {"RUNNING", "STOPPED"};
};

enum class ContainerStatus { kPending, kRunning, kStopped };
template <>
struct WireNames<ContainerStatus> {
  static constexpr std::array<std::string_view, 3> kNames = {"PENDING", "RUNNING", "STOPPED"};
};

enum class HealthStatus { kHealthy, kUnhealthy, kUnknown };
template <>
struct WireNames<HealthStatus> {
  static constexpr std::array<std::string_view, 3> kNames = {"HEALTHY", "UNHEALTHY", "UNKNOWN"};
};

enum class StopCode {
  kTaskFailedToStart,
  kEssentialContainerExited,
  kUserInitiated,
  kServiceSchedulerInitiated,
  kSpotInterruption,
  kTerminationNotice,
};
template <>
struct WireNames<StopCode> {
  static constexpr std::array<std::string_view, 6> kNames = {
      "TaskFailedToStart",         "EssentialContainerExited", "UserInitiated",
      "ServiceSchedulerInitiated", "SpotInterruption",         "TerminationNotice"};
};

// The statuses of an attachment (Attachment.status in the model's documentation).
enum class AttachmentStatus {
  kPrecreated,
  kCreated,
  kAttaching,
  kAttached,
  kDetaching,
  kDetached,
  kDeleted,
  kFailed,
};
template <>
struct WireNames<AttachmentStatus> {
  static constexpr std::array<std::string_view, 8> kNames = {"PRECREATED", "CREATED",   "ATTACHING",
                                                             "ATTACHED",   "DETACHING", "DETACHED",
                                                             "DELETED",    "FAILED"};
};

struct NetworkBinding {
  std::string bind_ip = "0.0.0.0";
  int container_port = 0;
  int host_port = 0;
  std::string protocol = "tcp";
  bool operator==(const NetworkBinding&) const = default;
};

struct ContainerState {
  std::string arn;
  std::string name;
  std::string image;
  ContainerStatus last_status = ContainerStatus::kPending;
  std::optional<int64_t> exit_code;
  std::string reason;
  std::string runtime_id;
  HealthStatus health_status = HealthStatus::kUnknown;
  bool essential = true;
  std::string cpu = "0";  // strings, as the model has them
  std::string memory;     // "" when not set
  std::string memory_reservation;
  std::vector<NetworkBinding> network_bindings;
  // Port mappings to bind when the container starts (host port resolved at placement).
  std::vector<NetworkBinding> planned_bindings;
  // The simulated container (model/container_runtime.h), fixed when the task is launched: the
  // definition's health check, dependencies and timeouts, and what it is scripted to do.
  std::optional<HealthCheckConfig> health_check;
  std::vector<ContainerDependency> depends_on;
  Millis stop_timeout = 30'000;
  std::optional<Millis> start_timeout;  // giving up on a dependency (set on the dependency)
  ContainerBehavior behavior;
  // When it started and when it stopped (the simulation's clock; ECS does not show them).
  std::optional<Millis> started_at, stopped_at;
  bool operator==(const ContainerState&) const = default;
};

struct EniAttachment {
  std::string id;  // UUID
  AttachmentStatus status = AttachmentStatus::kPrecreated;
  std::string subnet_id;
  std::string eni_id;  // eni-...
  std::string mac_address;
  std::string private_ip;
  std::string private_dns_name;
  bool operator==(const EniAttachment&) const = default;
};

struct Task {
  Tenant tenant;
  std::string cluster;  // name
  std::string id;       // 32 hex
  std::string arn;
  int64_t seq = 0;
  std::string task_definition_arn;
  std::string family;
  std::string container_instance_id;  // "" for Fargate
  std::string ec2_instance_id;
  std::string availability_zone;
  LaunchType launch_type = LaunchType::kEc2;
  std::string capacity_provider_name;
  std::string platform_version;             // Fargate: resolved, e.g. 1.4.0
  std::optional<NetworkMode> network_mode;  // the definition's; unset = bridge
  TaskState last_status = TaskState::kPending;
  DesiredStatus desired_status = DesiredStatus::kRunning;
  std::string group;
  std::string started_by;
  std::string service_name;  // set for service tasks
  std::string cpu;           // strings as shown
  std::string memory;
  int64_t reserved_cpu = 0;  // what placement reserved on the instance
  int64_t reserved_memory = 0;
  std::vector<int> reserved_tcp_ports;  // static host ports
  std::vector<int> reserved_udp_ports;
  // Host ports handed out dynamically (bridge, hostPort 0): busy on the instance while the task
  // holds it, but not listed in remainingResources.
  std::vector<int> dynamic_tcp_ports;
  std::vector<int> dynamic_udp_ports;
  std::vector<ContainerState> containers;
  // The request's TaskOverride as sent (api/ shows one containerOverrides entry per container).
  RawJson overrides;
  std::optional<EniAttachment> eni;
  bool enable_execute_command = false;
  HealthStatus health_status = HealthStatus::kUnknown;
  std::optional<StopCode> stop_code;
  std::string stopped_reason;
  std::string client_token;
  std::string request_fingerprint;  // RunTask parameters, to tell a retry from a conflict
  Millis created_at = 0;
  std::optional<Millis> pull_started_at, pull_stopped_at, started_at, connectivity_at, stopping_at,
      execution_stopped_at, stopped_at;
  int64_t version = 1;
  // When the reconciler should move this task on (0 = nothing scheduled).
  Millis next_transition_at = 0;
  // Whether this task counted as failing to start (for service throttling / circuit breaker).
  bool failed_to_start = false;
  // Task scale-in protection (UpdateTaskProtection): protected until this time.
  std::optional<Millis> protection_expires_at;
  // The request's placementConstraints / placementStrategy, kept only while the task waits for
  // capacity (awaiting_capacity), so it is placed by them when instances join.
  std::vector<PlacementConstraintItem> placement_constraints;
  std::vector<PlacementStrategyItem> placement_strategy;

  // Not persisted: a new value from control's ClusterIndex on every change of the task (unique
  // across reloads), so api/ can keep a task's encoding until the task changes.
  uint64_t generation = 0;

  bool is_stopped() const { return last_status == TaskState::kStopped; }
  bool wants_running() const { return desired_status == DesiredStatus::kRunning; }
  // Waiting in PROVISIONING for an instance of its Auto Scaling group or Managed Instances
  // capacity provider: not
  // placed yet, so no instance and nothing reserved (docs/scheduling.md §8.6).
  bool awaiting_capacity() const {
    return (launch_type == LaunchType::kEc2 || launch_type == LaunchType::kManagedInstances) &&
           container_instance_id.empty() && !capacity_provider_name.empty() &&
           last_status == TaskState::kProvisioning;
  }
  bool protected_at(Millis now) const {
    return protection_expires_at && *protection_expires_at > now;
  }
};

}  // namespace ecs::model

// A task: one placed copy of a task definition, moved through its lifecycle by the reconciler and
// the agent calls. Everything here is persisted (storage codec in storage/codec_tasks.cc).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "common/clock.h"
#include "common/tenant.h"

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
std::string_view ToString(TaskState s);
std::optional<TaskState> ParseTaskState(std::string_view s);

struct NetworkBinding {
  std::string bind_ip = "0.0.0.0";
  int container_port = 0;
  int host_port = 0;
  std::string protocol = "tcp";
};

struct ContainerState {
  std::string arn;
  std::string name;
  std::string image;
  std::string last_status = "PENDING";
  std::optional<int64_t> exit_code;
  std::string reason;
  std::string runtime_id;
  std::string health_status = "UNKNOWN";
  bool essential = true;
  std::string cpu = "0";  // strings, as the model has them
  std::string memory;     // "" when not set
  std::string memory_reservation;
  std::vector<NetworkBinding> network_bindings;
  // Port mappings to bind when the container starts (host port resolved at placement).
  std::vector<NetworkBinding> planned_bindings;
};

struct EniAttachment {
  std::string id;      // UUID
  std::string status;  // PRECREATED, ATTACHED, DETACHED
  std::string subnet_id;
  std::string eni_id;  // eni-...
  std::string mac_address;
  std::string private_ip;
  std::string private_dns_name;
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
  std::string launch_type;  // EC2, FARGATE, EXTERNAL
  std::string capacity_provider_name;
  std::string platform_version;  // Fargate: resolved, e.g. 1.4.0
  std::string network_mode;      // "" = bridge
  TaskState last_status = TaskState::kPending;
  std::string desired_status = "RUNNING";  // RUNNING or STOPPED
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
  std::string overrides_json;  // TaskOverride as shown (one entry per container)
  std::optional<EniAttachment> eni;
  bool enable_execute_command = false;
  std::string health_status = "UNKNOWN";
  std::string stop_code;
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
  // The API encoding of this task without tags (api/encode.cc), reused until the task changes.
  // Not persisted. Every change of a task is persisted through ControlPlane::PersistTask, which
  // clears it; only the state strand touches it.
  mutable std::string json_cache;

  bool is_stopped() const { return last_status == TaskState::kStopped; }
};

}  // namespace ecs::model

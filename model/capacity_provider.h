// A capacity provider as the control plane keeps it (docs/resources.md §9): an Auto Scaling group
// provider, or a Managed Instances provider (cluster-scoped; its simulated instances are container
// instances carrying its name, control/managed_instances.cc). The built-in FARGATE and
// FARGATE_SPOT have no record: they always exist (model/launch.h).
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
#include "model/auto_scaling_group.h"
#include "model/raw_json.h"
#include "model/wire_enum.h"

namespace ecs::model {

enum class CapacityProviderStatus { kActive, kInactive };
template <>
struct WireNames<CapacityProviderStatus> {
  static constexpr std::array<std::string_view, 2> kNames = {"ACTIVE", "INACTIVE"};
};

// The updateStatus member: none right after CreateCapacityProvider.
enum class CapacityProviderUpdateStatus {
  kNone,
  kDeleteInProgress,
  kDeleteComplete,
  kDeleteFailed,
  kUpdateComplete,
};
template <>
struct WireNames<CapacityProviderUpdateStatus> {
  static constexpr std::array<std::string_view, 5> kNames = {
      "", "DELETE_IN_PROGRESS", "DELETE_COMPLETE", "DELETE_FAILED", "UPDATE_COMPLETE"};
};

// managedScaling, with the defaults the botocore model documents.
struct ManagedScaling {
  bool enabled = false;
  int64_t target_capacity = 100;
  int64_t minimum_scaling_step_size = 1;
  int64_t maximum_scaling_step_size = 10000;
  int64_t instance_warmup_period = 300;  // seconds
  bool operator==(const ManagedScaling&) const = default;
};

// instanceLaunchTemplate.instanceRequirements: the members the simulated fleet chooses instance
// types by (scheduler/managed_instances.h); the rest is only echoed.
struct InstanceRequirements {
  int64_t vcpu_min = 0;
  std::optional<int64_t> vcpu_max;
  int64_t memory_mib_min = 0;
  std::optional<int64_t> memory_mib_max;
  std::vector<std::string> cpu_manufacturers;       // intel | amd | amazon-web-services
  std::vector<std::string> allowed_instance_types;  // may hold * wildcards
  std::vector<std::string> excluded_instance_types;
  std::vector<std::string> instance_generations;  // current | previous
  std::string burstable_performance;              // included (default) | required | excluded
  std::vector<std::string> accelerator_types;     // gpu | fpga | inference
  bool operator==(const InstanceRequirements&) const = default;
};

// managedInstancesProvider. `echo` is the member as the client last gave it (Create, or Update
// merged over it), written back verbatim by Describe; the typed members are what the simulation
// reads from it.
struct ManagedInstancesSettings {
  RawJson echo;
  std::string infrastructure_role_arn;
  std::vector<std::string> subnets;  // the launch template's networkConfiguration
  std::optional<InstanceRequirements> requirements;
  bool propagate_tags = false;  // propagateTags CAPACITY_PROVIDER
  // infrastructureOptimization.scaleInAfter: nullopt = the default, -1 = never.
  std::optional<int64_t> scale_in_after;
  // The simulated fleet: instances launched, not registered yet (LaunchingInstance::instance_type
  // set), and since when each idle instance (by EC2 id) runs no task.
  std::vector<LaunchingInstance> launching;
  std::map<std::string, Millis> idle_since;
  bool operator==(const ManagedInstancesSettings&) const = default;
};

struct CapacityProvider {
  Tenant tenant;
  std::string name;
  std::string arn;
  int64_t seq = 0;  // creation order: DescribeCapacityProviders lists in it
  CapacityProviderStatus status = CapacityProviderStatus::kActive;
  CapacityProviderUpdateStatus update_status = CapacityProviderUpdateStatus::kNone;
  std::string update_status_reason;
  // autoScalingGroupProvider
  std::string auto_scaling_group_arn;  // as given: a group name or an ARN
  ManagedScaling managed_scaling;
  bool managed_termination_protection = false;
  bool managed_draining = true;
  // managedInstancesProvider (then autoScalingGroupProvider is empty) and its one cluster.
  std::optional<ManagedInstancesSettings> managed_instances;
  std::string cluster;

  bool is_managed_instances() const { return managed_instances.has_value(); }
  std::string_view type() const {
    return is_managed_instances() ? "MANAGED_INSTANCES" : "EC2_AUTOSCALING";
  }
  bool is_active() const { return status == CapacityProviderStatus::kActive; }
  bool operator==(const CapacityProvider&) const = default;
};

}  // namespace ecs::model

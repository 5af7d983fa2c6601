// An Auto Scaling group capacity provider as the control plane keeps it (docs/resources.md §9).
// The built-in FARGATE and FARGATE_SPOT have no record: they always exist (model/launch.h).
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

#include "common/clock.h"
#include "common/tenant.h"
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

  bool is_active() const { return status == CapacityProviderStatus::kActive; }
  bool operator==(const CapacityProvider&) const = default;
};

}  // namespace ecs::model

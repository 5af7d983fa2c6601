// What the control plane adds to a registered task definition: its ARN, revision, status and
// registration times. The definition itself (taskdef::TaskDefinitionSpec) is made by taskdef/.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "common/clock.h"
#include "model/wire_enum.h"

namespace ecs::model {

enum class TaskDefinitionStatus { kActive, kInactive, kDeleteInProgress };
template <>
struct WireNames<TaskDefinitionStatus> {
  static constexpr std::array<std::string_view, 3> kNames = {"ACTIVE", "INACTIVE",
                                                             "DELETE_IN_PROGRESS"};
};

struct TaskDefinitionRegistration {
  std::string arn;
  int64_t revision = 0;
  TaskDefinitionStatus status = TaskDefinitionStatus::kActive;
  Millis registered_at = 0;
  std::string registered_by;
  std::optional<Millis> deregistered_at;
  std::optional<Millis> delete_requested_at;
  bool operator==(const TaskDefinitionRegistration&) const = default;
};

}  // namespace ecs::model

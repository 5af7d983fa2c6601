// What the control plane adds to a registered daemon task definition
// (RegisterDaemonTaskDefinition): its ARN, revision, status and times. The definition itself is a
// taskdef::TaskDefinitionSpec made by taskdef::NormalizeDaemonTaskDefinition. Plain data.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "common/clock.h"
#include "model/wire_enum.h"

namespace ecs::model {

// The model's DaemonTaskDefinitionStatus. DELETE_IN_PROGRESS while a daemon still runs the
// revision after DeleteDaemonTaskDefinition; DELETED once none does (control/
// daemon_task_definitions.cc).
enum class DaemonTaskDefinitionStatus { kActive, kDeleteInProgress, kDeleted };
template <>
struct WireNames<DaemonTaskDefinitionStatus> {
  static constexpr std::array<std::string_view, 3> kNames = {"ACTIVE", "DELETE_IN_PROGRESS",
                                                             "DELETED"};
};

struct DaemonTaskDefinitionRegistration {
  std::string arn;
  int64_t revision = 0;
  DaemonTaskDefinitionStatus status = DaemonTaskDefinitionStatus::kActive;
  Millis registered_at = 0;
  std::string registered_by;
  std::optional<Millis> delete_requested_at;
  bool operator==(const DaemonTaskDefinitionRegistration&) const = default;
};

}  // namespace ecs::model

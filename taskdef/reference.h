// Task-definition references as requests give them: "family", "family:revision" or a full
// task-definition ARN. Pure; thread-safe.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace ecs::taskdef {

struct TaskDefinitionRef {
  std::string family;
  std::optional<int64_t> revision;  // nullopt for a bare family
};
// nullopt when `identifier` is none of the three forms (empty family, bad revision number).
// `arn_type`: the ARN's resource type, "daemon-task-definition" for daemon task definitions.
std::optional<TaskDefinitionRef> ParseTaskDefinitionRef(
    std::string_view identifier, std::string_view arn_type = "task-definition");

}  // namespace ecs::taskdef

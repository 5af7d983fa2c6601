#include "model/task.h"

namespace ecs::model {

namespace {
constexpr std::string_view kNames[] = {"PROVISIONING", "PENDING",  "ACTIVATING",     "RUNNING",
                                       "DEACTIVATING", "STOPPING", "DEPROVISIONING", "STOPPED"};
}

std::string_view ToString(TaskState s) { return kNames[static_cast<int>(s)]; }

std::optional<TaskState> ParseTaskState(std::string_view s) {
  for (int i = 0; i < 8; ++i) {
    if (kNames[i] == s) return static_cast<TaskState>(i);
  }
  return std::nullopt;
}

}  // namespace ecs::model

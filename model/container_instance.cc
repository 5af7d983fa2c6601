#include "model/container_instance.h"

namespace ecs::model {

int64_t ContainerInstance::RegisteredInteger(std::string_view resource) const {
  for (const auto& r : registered_resources) {
    if (r.name == resource) return r.integer_value;
  }
  return 0;
}

const std::optional<std::string>* ContainerInstance::FindAttribute(std::string_view name) const {
  for (const auto& a : attributes) {
    if (a.name == name) return &a.value;
  }
  return nullptr;
}

std::string ContainerInstance::availability_zone() const {
  const auto* az = FindAttribute("ecs.availability-zone");
  return az && *az ? **az : std::string();
}

std::optional<AgentUpdateStatus> ContainerInstance::AgentUpdateStatusAt(Millis now) const {
  if (!agent_update_status) return std::nullopt;
  if (*agent_update_status == AgentUpdateStatus::kFailed) return AgentUpdateStatus::kFailed;
  // PENDING, STAGING, STAGED, UPDATING, UPDATED: one step per second.
  Millis step = (now - agent_update_started_at) / 1000;
  return static_cast<AgentUpdateStatus>(step < 0 ? 0 : step > 4 ? 4 : step);
}

const std::string& ContainerInstance::AgentVersionAt(Millis now) const {
  if (agent_version_before_update.empty() ||
      AgentUpdateStatusAt(now) == AgentUpdateStatus::kUpdated) {
    return agent_version;
  }
  return agent_version_before_update;
}

const std::vector<std::string>& DefaultReservedPorts() {
  static const std::vector<std::string> kPorts = {"22", "2376", "2375", "51678", "51679"};
  return kPorts;
}

}  // namespace ecs::model

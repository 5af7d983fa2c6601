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

std::string ContainerInstance::AgentUpdateStatusAt(Millis now) const {
  if (agent_update_status.empty()) return "";
  static const char* kSteps[] = {"PENDING", "STAGING", "STAGED", "UPDATING", "UPDATED"};
  Millis step = (now - agent_update_started_at) / 1000;
  return kSteps[step < 0 ? 0 : step > 4 ? 4 : step];
}

const std::string& ContainerInstance::AgentVersionAt(Millis now) const {
  if (agent_version_before_update.empty() || AgentUpdateStatusAt(now) == "UPDATED") {
    return agent_version;
  }
  return agent_version_before_update;
}

const std::vector<std::string>& DefaultReservedPorts() {
  static const std::vector<std::string> kPorts = {"22", "2376", "2375", "51678", "51679"};
  return kPorts;
}

}  // namespace ecs::model

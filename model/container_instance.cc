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

const std::vector<std::string>& DefaultReservedPorts() {
  static const std::vector<std::string> kPorts = {"22", "2376", "2375", "51678", "51679"};
  return kPorts;
}

}  // namespace ecs::model

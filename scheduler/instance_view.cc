#include "scheduler/instance_view.h"

namespace ecs::scheduler {

void SyncHotAttributes(InstanceView* instance) {
  const auto& attributes = instance->attributes;
  auto value_of = [&](std::string_view name) {
    auto it = attributes.find(name);
    return it != attributes.end() && it->second ? *it->second : std::string();
  };
  instance->availability_zone = value_of(kAvailabilityZoneAttribute);
  instance->instance_type = value_of(kInstanceTypeAttribute);
  instance->external = attributes.contains(kExternalCapabilityAttribute);
  instance->known_attributes.reset();
  for (const auto& entry : attributes) {
    if (const int id = KnownAttributeId(entry.first); id >= 0) {
      instance->known_attributes.set(static_cast<size_t>(id));
    }
  }
}

const std::string* HotAttributeValue(const InstanceView& instance, std::string_view name) {
  const std::string* hot = nullptr;
  if (name == kAvailabilityZoneAttribute) {
    hot = &instance.availability_zone;
  } else if (name == kInstanceTypeAttribute) {
    hot = &instance.instance_type;
  }
  return hot != nullptr && !hot->empty() ? hot : nullptr;
}

}  // namespace ecs::scheduler

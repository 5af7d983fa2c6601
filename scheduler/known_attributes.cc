#include "scheduler/known_attributes.h"

#include <string>
#include <unordered_map>
#include <vector>

#include "model/agent_capabilities.h"
#include "scheduler/instance_view.h"

namespace ecs::scheduler {

namespace {

const std::unordered_map<std::string_view, int>& Table() {
  static const std::vector<std::string> kNames = [] {
    std::vector<std::string> names = {
        std::string(kAvailabilityZoneAttribute),
        std::string(kInstanceTypeAttribute),
        std::string(kExternalCapabilityAttribute),
        "ecs.ami-id",
        "ecs.os-type",
        "ecs.os-family",
        "ecs.cpu-architecture",
        "ecs.vpc-id",
        "ecs.subnet-id",
    };
    for (const std::string& cap : model::AgentCapabilities()) names.push_back(cap);
    return names;
  }();
  static const std::unordered_map<std::string_view, int> kIds = [] {
    std::unordered_map<std::string_view, int> ids;
    for (const std::string& name : kNames) {
      // Past the bitset's width a name is simply not known: still correct, only slower.
      if (ids.size() == kMaxKnownAttributes) break;
      ids.emplace(name, static_cast<int>(ids.size()));
    }
    return ids;
  }();
  return kIds;
}

}  // namespace

int KnownAttributeId(std::string_view name) {
  const auto& table = Table();
  auto it = table.find(name);
  return it == table.end() ? -1 : it->second;
}

}  // namespace ecs::scheduler

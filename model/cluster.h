// A cluster as the control plane stores it. Counters (running tasks, instances, services) are
// not stored: control/ derives them from its indexes when it describes the cluster.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "common/clock.h"
#include "common/tenant.h"

namespace ecs::model {

struct NameValue {
  std::string name;
  std::string value;
  bool operator==(const NameValue&) const = default;
};

enum class ClusterStatus { kActive, kInactive };
std::string_view ToString(ClusterStatus s);

struct Cluster {
  Tenant tenant;
  std::string name;
  std::string arn;
  ClusterStatus status = ClusterStatus::kActive;
  int64_t seq = 0;  // creation order; the stable ListClusters order and its page cursor
  Millis created_at = 0;
  std::vector<NameValue> settings;  // containerInsights
  // Members the control plane only stores and echoes are kept as the JSON the client sent
  // (already validated), so they round-trip exactly. Empty string = not set.
  std::string configuration_json;             // ClusterConfiguration
  std::string service_connect_defaults_json;  // ClusterServiceConnectDefaults
  std::vector<std::string> capacity_providers;
  std::string default_capacity_provider_strategy_json;  // JSON array; "" = []
};

}  // namespace ecs::model

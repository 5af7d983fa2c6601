// A cluster as the control plane keeps it. Counters (running tasks, instances, services) are not
// stored: control/ derives them from its indexes when it describes the cluster.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "common/clock.h"
#include "common/tenant.h"
#include "model/launch.h"
#include "model/raw_json.h"
#include "model/wire_enum.h"

namespace ecs::model {

struct NameValue {
  std::string name;
  std::string value;
  bool operator==(const NameValue&) const = default;
};

enum class ClusterStatus { kActive, kInactive };
template <>
struct WireNames<ClusterStatus> {
  static constexpr std::array<std::string_view, 2> kNames = {"ACTIVE", "INACTIVE"};
};

struct Cluster {
  Tenant tenant;
  std::string name;
  std::string arn;
  ClusterStatus status = ClusterStatus::kActive;
  int64_t seq = 0;  // creation order; the stable ListClusters order and its page cursor
  Millis created_at = 0;
  std::vector<NameValue> settings;  // containerInsights
  RawJson configuration;            // ClusterConfiguration, echoed
  // serviceConnectDefaults.namespace as a Cloud Map namespace ARN; "" = none.
  std::string service_connect_namespace_arn;
  std::vector<std::string> capacity_providers;
  CapacityProviderStrategy default_capacity_provider_strategy;
};

}  // namespace ecs::model

// How the control plane is set up: simulated task timings, availability zones, the endpoint
// agents are told to poll, and fleets (capacity declared up front). Parsed once by config/ and
// passed down. Plain data.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "common/clock.h"
#include "model/container_instance.h"

namespace ecs::control {

// How fast the simulated agent moves tasks along (milliseconds of simulated time).
struct LifecycleConfig {
  Millis provisioning = 100;             // PROVISIONING -> PENDING (awsvpc / Fargate: ENI attach)
  Millis pending = 200;                  // PENDING -> RUNNING (image pull, container start)
  Millis stopping = 100;                 // STOPPING -> DEPROVISIONING / STOPPED
  Millis deprovisioning = 100;           // DEPROVISIONING -> STOPPED
  Millis stopped_retention = 3'600'000;  // STOPPED tasks stay describable this long
  // How long a RUNNING service task must run before it counts as healthy toward
  // minimumHealthyPercent (ECS waits 40 s without health checks; 0 keeps CI fast).
  Millis health_grace = 0;
};

struct ControlOptions {
  LifecycleConfig lifecycle;
  // Availability zones of every region: region + suffix (us-east-1a, ...). Fleets round-robin.
  std::vector<std::string> az_suffixes = {"a", "b", "c"};
  // The address agents are told to poll (DiscoverPollEndpoint).
  std::string endpoint_url = "http://127.0.0.1:4599/";
  // Unit tests: after every commit, check that every derived index matches what the primary
  // maps imply (ClusterIndex::CheckInvariants); a mismatch fails the commit.
  bool check_invariants = false;
  // How many placement decisions keep a trace for GET /_emulator/placement/... (0: none, and
  // placement runs untraced). Each lists at most 1,000 instances (scheduler/placement_trace.h).
  size_t placement_traces = 100;
  // Also trace placements that succeeded (by default only failed ones are: tracing a decision
  // costs several times the decision). StartTask decisions are always traced.
  bool trace_all_placements = false;
};

// Simulated container instances declared in bulk (--fleet, POST /_emulator/fleets).
struct FleetInput {
  std::string cluster = "default";
  int count = 1;
  std::string instance_type = "m5.large";
  std::optional<int64_t> cpu, memory;           // override the instance type's size
  std::vector<std::string> availability_zones;  // default: the region's AZs
  std::vector<model::Attribute> attributes;
  // A cluster that does not exist is created (--fleet, seed files); otherwise it is
  // ClusterNotFoundException, as for RegisterContainerInstance.
  bool create_cluster = false;
};

}  // namespace ecs::control

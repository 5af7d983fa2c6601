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
#include "scheduler/target_health.h"

namespace ecs::control {

// How fast the simulated agent moves tasks along (milliseconds of simulated time). The member
// defaults are what unit tests run with; the server starts from a named profile (below,
// `--timing`), and each `--task-*-ms` flag given overrides that one value.
struct LifecycleConfig {
  Millis provisioning = 100;             // PROVISIONING -> PENDING (awsvpc / Fargate: ENI attach)
  Millis pending = 200;                  // PENDING -> RUNNING (image pull, container start)
  Millis stopping = 100;                 // STOPPING -> DEPROVISIONING / STOPPED
  Millis deprovisioning = 100;           // DEPROVISIONING -> STOPPED
  Millis stopped_retention = 3'600'000;  // STOPPED tasks stay describable this long
  // How long a RUNNING service task must run before it counts as healthy toward
  // minimumHealthyPercent (ECS waits 40 s without health checks; 0 keeps CI fast).
  Millis health_grace = 0;
  // The simulated target group a load-balanced service's tasks register with, unless
  // POST /_emulator/targets/<arn> set its own: by default every check passes at registration
  // and deregistration takes no time.
  scheduler::TargetHealthConfig target_health;
  // Whether an Auto Scaling group's new instance waits the provider's instanceWarmupPeriod before
  // it joins the cluster (realistic), or joins at once (instant).
  bool instance_warmup = true;
  // How long an Express service's simulated managed resources (load balancer, listener, target
  // group, security groups, scaling) take to provision or deprovision (docs/resources.md §14).
  Millis managed_resources = 1000;
};

// The server's default: every step the agent takes by itself is immediate, and the server
// runs what falls due right after each write (server/reconciler_loop.h, Settle), so a waiter
// succeeds on its first poll unless something (capacity, a health check, a behaviour) holds
// the outcome back. Under a frozen clock a zero delay still takes 1 ms (TaskLifecycle::Delay),
// so every intermediate state can be seen by advancing 1 ms at a time.
inline LifecycleConfig InstantTiming() {
  LifecycleConfig lc;
  lc.provisioning = lc.pending = lc.stopping = lc.deprovisioning = 0;
  lc.instance_warmup = false;
  lc.managed_resources = 0;
  return lc;
}

// `--timing realistic`: the order of magnitude ECS shows for a small image (an estimate, not a
// measurement: tens of seconds to start, seconds to stop), and the 40 s a service waits before
// counting a task without health checks as healthy.
inline LifecycleConfig RealisticTiming() {
  LifecycleConfig lc;
  lc.provisioning = 10'000;
  lc.pending = 15'000;
  lc.stopping = 5'000;
  lc.deprovisioning = 10'000;
  lc.health_grace = 40'000;
  // An Application Load Balancer takes minutes to become active [I: an estimate].
  lc.managed_resources = 180'000;
  // Elastic Load Balancing's target-group defaults (HealthCheckIntervalSeconds 30,
  // UnhealthyThresholdCount 2; a new target needs one passing check, deregistration_delay 300 s).
  lc.target_health = {30'000, 2, 300'000};
  return lc;
}

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
  // The fleet is a simulated Auto Scaling group of this name (or ARN): `desired` instances now
  // (instead of `count`), within [min, max] as managed scaling later moves it.
  std::string auto_scaling_group;
  std::optional<int64_t> group_min, group_max, group_desired;
};

}  // namespace ecs::control

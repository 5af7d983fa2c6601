// The choices of a Managed Instances capacity provider's simulated fleet (docs/resources.md §9,
// the botocore model's InstanceRequirementsRequest and InfrastructureOptimization):
//
// - Which instance types the launch template's instanceRequirements allow, from a catalog
//   (control/instance_types.h): vCPUs and memory (the EC2 totals) within [min, max]; an
//   allowedInstanceTypes list (with * wildcards) if given; no excludedInstanceTypes match;
//   cpuManufacturers (arm64 types are amazon-web-services, x86_64 types intel); burstable
//   performance (t* families) included, required or excluded; instanceGenerations (t2 is the
//   previous generation, the rest current); acceleratorTypes gpu requires a GPU type, and a type
//   with a GPU is only chosen when gpu is asked for. Without instanceRequirements every type of
//   the catalog without an accelerator qualifies.
// - Scale-out: the tasks waiting in PROVISIONING for the provider fill, first fit decreasing, the
//   instances already launching, then new instances, each of the cheapest allowed type (fewest
//   vCPUs, then least memory, then name) that fits the largest task still unplaced. A task that
//   no allowed type fits launches nothing and keeps waiting.
// - Scale-in: an instance that has run no task for scaleInAfter seconds (default 300 [I];
//   -1 never; 0..3600) is retired.
//
// Pure functions over plain values; thread-compatible.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "common/clock.h"
#include "model/capacity_provider.h"
#include "scheduler/managed_scaling.h"

namespace ecs::scheduler {

// One instance type of the catalog.
struct InstanceTypeOption {
  std::string name;
  int64_t vcpus = 0;
  int64_t memory_mib = 0;      // the EC2 total, as instanceRequirements.memoryMiB counts it
  int64_t registered_cpu = 0;  // what the agent registers: what tasks can use
  int64_t registered_memory = 0;
  std::string architecture;  // x86_64 | arm64
};

bool MatchesRequirements(const InstanceTypeOption& type,
                         const std::optional<model::InstanceRequirements>& req);

// The catalog's types the requirements allow, cheapest first (fewest vCPUs, least memory, name).
std::vector<InstanceTypeOption> AllowedInstanceTypes(
    std::span<const InstanceTypeOption> catalog,
    const std::optional<model::InstanceRequirements>& req);

// The instance types (names) to launch for `waiting`, given the instances already launching
// (their free capacity: their type's registered size). `allowed` is cheapest first.
std::vector<std::string> PlanInstanceLaunches(std::span<const WaitingDemand> waiting,
                                              std::span<const WaitingDemand> launching,
                                              std::span<const InstanceTypeOption> allowed);

constexpr int64_t kDefaultScaleInAfterSeconds = 300;

// When an instance idle since `idle_since` is retired, or nullopt (optimization off: -1).
std::optional<Millis> RetireAt(Millis idle_since, std::optional<int64_t> scale_in_after);

}  // namespace ecs::scheduler

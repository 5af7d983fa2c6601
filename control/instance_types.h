// A small table of common EC2 instance types, for fleets, for agents that register without
// totalResources and for the instance types a Managed Instances provider chooses from. Memory is
// what the ECS agent registers (total minus the agent/OS reserve), in MiB; values approximate
// what the agent reports on the ECS-optimized AMI.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string_view>

namespace ecs::control {

struct InstanceTypeInfo {
  std::string_view name;
  int64_t cpu;                    // CPU units (1024 per vCPU)
  int64_t memory;                 // registered MiB
  std::string_view architecture;  // x86_64 | arm64
  int64_t memory_mib;             // EC2's total memory (instanceRequirements.memoryMiB)
};

std::optional<InstanceTypeInfo> FindInstanceType(std::string_view name);

// Every type of the table.
std::span<const InstanceTypeInfo> InstanceTypeCatalog();

}  // namespace ecs::control

// Task sizes as ECS reads them: "1 vCPU", "0.5 GB", "512", and the Fargate size table.
// Pure functions; thread-safe.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

namespace ecs::taskdef {

// "1 vCPU"/"1vcpu"/"0.5 vCPU"/"512" ⇒ CPU units; nullopt when not a valid, whole number of units.
std::optional<int64_t> ParseTaskCpu(std::string_view text);
// "1GB"/"1 GB"/"0.5GB"/"512" ⇒ MiB; nullopt when not a valid, whole number of MiB.
std::optional<int64_t> ParseTaskMemory(std::string_view text);
// `number` × `factor` for a plain decimal ("2", "0.5", ".25"), when the product is whole.
std::optional<int64_t> ScaleDecimal(std::string_view number, int64_t factor);
// True when (cpu units, MiB) is a task size Fargate offers (docs/operations.md A20).
bool IsValidFargateSize(int64_t cpu, int64_t memory);

}  // namespace ecs::taskdef

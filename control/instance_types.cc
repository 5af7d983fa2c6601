#include "control/instance_types.h"

#include <array>

namespace ecs::control {

namespace {

constexpr std::array<InstanceTypeInfo, 22> kTypes = {{
    {"t2.micro", 1024, 985, "x86_64", 1024},       {"t2.small", 1024, 1993, "x86_64", 2048},
    {"t2.medium", 2048, 3942, "x86_64", 4096},     {"t3.micro", 2048, 943, "x86_64", 1024},
    {"t3.small", 2048, 1939, "x86_64", 2048},      {"t3.medium", 2048, 3921, "x86_64", 4096},
    {"t3.large", 2048, 7943, "x86_64", 8192},      {"m5.large", 2048, 7681, "x86_64", 8192},
    {"m5.xlarge", 4096, 15576, "x86_64", 16384},   {"m5.2xlarge", 8192, 31386, "x86_64", 32768},
    {"m5.4xlarge", 16384, 62981, "x86_64", 65536}, {"c5.large", 2048, 3722, "x86_64", 4096},
    {"c5.xlarge", 4096, 7624, "x86_64", 8192},     {"c5.2xlarge", 8192, 15453, "x86_64", 16384},
    {"r5.large", 2048, 15694, "x86_64", 16384},    {"r5.xlarge", 4096, 31618, "x86_64", 32768},
    {"m6g.large", 2048, 7681, "arm64", 8192},      {"m6g.xlarge", 4096, 15576, "arm64", 16384},
    {"c6g.large", 2048, 3722, "arm64", 4096},      {"t4g.small", 2048, 1939, "arm64", 2048},
    {"t4g.medium", 2048, 3921, "arm64", 4096},     {"g4dn.xlarge", 4096, 15564, "x86_64", 16384},
}};

}  // namespace

std::optional<InstanceTypeInfo> FindInstanceType(std::string_view name) {
  for (const auto& t : kTypes) {
    if (t.name == name) return t;
  }
  return std::nullopt;
}

std::span<const InstanceTypeInfo> InstanceTypeCatalog() { return kTypes; }

}  // namespace ecs::control

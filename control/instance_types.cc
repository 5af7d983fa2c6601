#include "control/instance_types.h"

#include <array>

namespace ecs::control {

std::optional<InstanceTypeInfo> FindInstanceType(std::string_view name) {
  static constexpr std::array<InstanceTypeInfo, 22> kTypes = {{
      {"t2.micro", 1024, 985, "x86_64"},      {"t2.small", 1024, 1993, "x86_64"},
      {"t2.medium", 2048, 3942, "x86_64"},    {"t3.micro", 2048, 943, "x86_64"},
      {"t3.small", 2048, 1939, "x86_64"},     {"t3.medium", 2048, 3921, "x86_64"},
      {"t3.large", 2048, 7943, "x86_64"},     {"m5.large", 2048, 7681, "x86_64"},
      {"m5.xlarge", 4096, 15576, "x86_64"},   {"m5.2xlarge", 8192, 31386, "x86_64"},
      {"m5.4xlarge", 16384, 62981, "x86_64"}, {"c5.large", 2048, 3722, "x86_64"},
      {"c5.xlarge", 4096, 7624, "x86_64"},    {"c5.2xlarge", 8192, 15453, "x86_64"},
      {"r5.large", 2048, 15694, "x86_64"},    {"r5.xlarge", 4096, 31618, "x86_64"},
      {"m6g.large", 2048, 7681, "arm64"},     {"m6g.xlarge", 4096, 15576, "arm64"},
      {"c6g.large", 2048, 3722, "arm64"},     {"t4g.small", 2048, 1939, "arm64"},
      {"t4g.medium", 2048, 3921, "arm64"},    {"g4dn.xlarge", 4096, 15564, "x86_64"},
  }};
  for (const auto& t : kTypes) {
    if (t.name == name) return t;
  }
  return std::nullopt;
}

}  // namespace ecs::control

#include "common/tenant.h"

namespace ecs {

std::string_view PartitionFor(std::string_view region) {
  if (region.starts_with("cn-")) return "aws-cn";
  if (region.starts_with("us-gov-")) return "aws-us-gov";
  return "aws";
}

std::string ArnPrefix(const Tenant& t) {
  std::string s = "arn:";
  s += PartitionFor(t.region);
  s += ":ecs:";
  s += t.region;
  s += ':';
  s += t.account;
  s += ':';
  return s;
}

std::string ClusterArn(const Tenant& t, std::string_view name) {
  return ArnPrefix(t) + "cluster/" + std::string(name);
}

std::string PrincipalArn(const Tenant& t) {
  return "arn:" + std::string(PartitionFor(t.region)) + ":iam::" + t.account + ":root";
}

bool ParseEcsArn(std::string_view arn, ParsedArn* out) {
  // arn:partition:service:region:account:resource
  std::string_view parts[6];
  size_t start = 0;
  for (int i = 0; i < 5; ++i) {
    size_t colon = arn.find(':', start);
    if (colon == std::string_view::npos) return false;
    parts[i] = arn.substr(start, colon - start);
    start = colon + 1;
  }
  parts[5] = arn.substr(start);
  if (parts[0] != "arn" || parts[2] != "ecs") return false;
  size_t slash = parts[5].find('/');
  if (slash == std::string_view::npos || slash == 0) return false;
  out->region = parts[3];
  out->account = parts[4];
  out->resource_type = parts[5].substr(0, slash);
  out->resource = parts[5].substr(slash + 1);
  out->partition = parts[1];
  return true;
}

std::string_view LastSegment(std::string_view identifier) {
  size_t slash = identifier.rfind('/');
  return slash == std::string_view::npos ? identifier : identifier.substr(slash + 1);
}

std::string ClusterNameFromIdentifier(std::string_view identifier) {
  if (identifier.empty()) return "default";
  if (identifier.starts_with("arn:")) {
    size_t pos = identifier.find(":cluster/");
    if (pos != std::string_view::npos) return std::string(identifier.substr(pos + 9));
  }
  return std::string(identifier);
}

}  // namespace ecs

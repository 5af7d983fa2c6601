// Tenancy and ARNs. Every resource belongs to one (account, region); ARNs are built here only.
#pragma once

#include <string>
#include <string_view>

namespace ecs {

struct Tenant {
  std::string account;  // 12 digits
  std::string region;   // e.g. us-east-1
  bool operator==(const Tenant&) const = default;
  auto operator<=>(const Tenant&) const = default;
};

// "aws", "aws-cn" for cn-*, "aws-us-gov" for us-gov-*.
std::string_view PartitionFor(std::string_view region);

// "arn:<partition>:ecs:<region>:<account>:" — append "cluster/<name>" etc.
std::string ArnPrefix(const Tenant& t);
std::string ClusterArn(const Tenant& t, std::string_view name);
std::string PrincipalArn(const Tenant& t);  // arn:aws:iam::<account>:root

// A parsed ECS ARN: arn:<partition>:ecs:<region>:<account>:<resource_type>/<rest>
struct ParsedArn {
  std::string region;
  std::string account;
  std::string resource_type;  // "cluster", "task-definition", ...
  std::string resource;       // everything after the first '/'
  std::string partition;      // "aws", "aws-cn", ...
};
bool ParseEcsArn(std::string_view arn, ParsedArn* out);

// "name" or "arn:...:cluster/name" -> "name"; empty -> "default".
std::string ClusterNameFromIdentifier(std::string_view identifier);
// Last '/'-separated segment of an id or ARN.
std::string_view LastSegment(std::string_view identifier);

}  // namespace ecs

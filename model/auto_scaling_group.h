// A simulated Auto Scaling group: the named fleet an Auto Scaling group capacity provider drives
// (there is no EC2 here). It holds the group's bounds, the shape of the instances it launches and
// the instances still warming up; the instances in service are container instances carrying the
// group's name (ContainerInstance::auto_scaling_group).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "common/clock.h"
#include "common/tenant.h"
#include "model/container_instance.h"

namespace ecs::model {

// An instance the group (or a Managed Instances provider) launched that has not joined the
// cluster yet.
struct LaunchingInstance {
  std::string ec2_instance_id;
  std::string availability_zone;
  Millis launched_at = 0;
  Millis join_at = 0;         // launched_at + the provider's instanceWarmupPeriod
  std::string instance_type;  // Managed Instances only: the type chosen at launch
  bool operator==(const LaunchingInstance&) const = default;
};

struct AutoScalingGroup {
  Tenant tenant;
  std::string name;
  std::string arn;  // arn:aws:autoscaling:<region>:<account>:autoScalingGroup:<uuid>:...
  int64_t seq = 0;
  std::string cluster;  // the cluster its instances register with
  int64_t min_size = 0;
  int64_t max_size = 0;
  int64_t desired_capacity = 0;
  // What each launched instance looks like.
  std::string instance_type;
  int64_t cpu = 0;
  int64_t memory = 0;
  std::vector<std::string> availability_zones;
  std::vector<Attribute> attributes;
  std::vector<LaunchingInstance> launching;
  bool operator==(const AutoScalingGroup&) const = default;
};

// The group name an identifier names: the name itself, or the part after
// "autoScalingGroupName/" of an Auto Scaling group ARN.
inline std::string AutoScalingGroupName(const std::string& name_or_arn) {
  static constexpr std::string_view kMarker = ":autoScalingGroupName/";
  const size_t at = name_or_arn.find(kMarker);
  if (name_or_arn.rfind("arn:", 0) != 0 || at == std::string::npos) return name_or_arn;
  return name_or_arn.substr(at + kMarker.size());
}

}  // namespace ecs::model

// An Express gateway service (CreateExpressGatewayService, docs/operations.md §B8,
// docs/resources.md §14): an ordinary ECS service (resourceManagementType ECS) plus what Express
// Mode keeps beside it — the configuration of every revision it rolled out, and the AWS resources
// it would provision in the account (load balancer, listener, rule, target group, security
// groups, certificate, Application Auto Scaling target and policy, metric alarm, log group).
// Those resources are simulated: they have ARNs in their services' formats and statuses that
// move on simulated time (control/express_gateway.cc); nothing exists outside the emulator.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "common/clock.h"
#include "common/tenant.h"
#include "model/raw_json.h"
#include "model/wire_enum.h"

namespace ecs::model {

// ExpressGatewayServiceStatus.statusCode.
enum class ExpressStatus { kActive, kDraining, kInactive };
template <>
struct WireNames<ExpressStatus> {
  static constexpr std::array<std::string_view, 3> kNames = {"ACTIVE", "DRAINING", "INACTIVE"};
};

// ExpressGatewayScalingTarget.autoScalingMetric.
enum class ExpressScalingMetric { kAverageCpu, kAverageMemory, kRequestCountPerTarget };
template <>
struct WireNames<ExpressScalingMetric> {
  static constexpr std::array<std::string_view, 3> kNames = {"AVERAGE_CPU", "AVERAGE_MEMORY",
                                                             "REQUEST_COUNT_PER_TARGET"};
};

// ManagedResourceStatus.
enum class ManagedStatus { kProvisioning, kActive, kDeprovisioning, kDeleted, kFailed };
template <>
struct WireNames<ManagedStatus> {
  static constexpr std::array<std::string_view, 5> kNames = {"PROVISIONING", "ACTIVE",
                                                             "DEPROVISIONING", "DELETED", "FAILED"};
};

// Which member of ECSManagedResources a simulated resource is shown under.
enum class ManagedKind {
  kLoadBalancer,
  kLoadBalancerSecurityGroup,
  kCertificate,
  kListener,
  kListenerRule,
  kTargetGroup,
  kScalableTarget,
  kScalingPolicy,
  kMetricAlarm,
  kServiceSecurityGroup,
  kLogGroup,
};
template <>
struct WireNames<ManagedKind> {
  static constexpr std::array<std::string_view, 11> kNames = {
      "loadBalancer",   "loadBalancerSecurityGroup",
      "certificate",    "listener",
      "rule",           "targetGroup",
      "scalableTarget", "scalingPolicy",
      "metricAlarm",    "serviceSecurityGroup",
      "logGroup"};
};

struct ManagedResource {
  ManagedKind kind = ManagedKind::kLoadBalancer;
  std::string arn;
  std::string name;  // log group name, certificate domain; else ""
  ManagedStatus status = ManagedStatus::kProvisioning;
  std::string status_reason;
  Millis updated_at = 0;
  Millis due_at = 0;  // when PROVISIONING / DEPROVISIONING ends; 0 = nothing pending
  bool operator==(const ManagedResource&) const = default;
};

// ExpressGatewayScalingTarget with the defaults filled in.
struct ExpressScaling {
  int64_t min_tasks = 1;
  int64_t max_tasks = 20;
  ExpressScalingMetric metric = ExpressScalingMetric::kAverageCpu;
  int64_t target_value = 60;
  bool operator==(const ExpressScaling&) const = default;
};

// One ExpressGatewayServiceConfiguration: what a revision of the service was deployed from.
struct ExpressConfiguration {
  std::string deployment_id;  // the service deployment (ecs-svc/<19 digits>) it rolled out as
  std::string task_definition_arn;
  std::string execution_role_arn;
  std::string task_role_arn;
  std::string cpu = "256";
  std::string memory = "512";
  std::string health_check_path = "/ping";
  std::string image;
  int64_t container_port = 80;
  // The ExpressGatewayContainer as given (echoed; image and containerPort are read from above).
  RawJson primary_container;
  std::vector<std::string> subnets;
  std::vector<std::string> security_groups;
  ExpressScaling scaling;
  Millis created_at = 0;
  bool operator==(const ExpressConfiguration&) const = default;
};

struct ExpressGatewayService {
  Tenant tenant;
  std::string service_arn;  // the ECS service it is (arn:...:service/<cluster>/<name>)
  std::string cluster;
  std::string name;
  int64_t seq = 0;
  std::string infrastructure_role_arn;
  ExpressStatus status = ExpressStatus::kActive;
  std::string status_reason;
  std::string endpoint;  // https://<host>.ecs.<region>.on.aws
  Millis created_at = 0;
  Millis updated_at = 0;
  // Oldest first; the last one is the target of the current deployment.
  std::vector<ExpressConfiguration> configurations;
  std::vector<ManagedResource> resources;
  bool operator==(const ExpressGatewayService&) const = default;

  const ExpressConfiguration& current() const { return configurations.back(); }
};

}  // namespace ecs::model

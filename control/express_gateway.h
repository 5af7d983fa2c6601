// Express gateway services (docs/operations.md §B8): the requests, the plan a request becomes,
// and the pure rules (defaults, validation, the managed resources and their ARNs). The
// ControlPlane methods that apply them are in control/express_gateway.cc.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "common/ids.h"
#include "common/status.h"
#include "common/tenant.h"
#include "model/express_gateway.h"
#include "model/tag.h"

namespace ecs::control {

// ExpressGatewayContainer as decoded: image and containerPort are read, the rest is echoed.
struct ExpressContainerInput {
  std::string image;
  std::optional<int64_t> container_port;
  model::RawJson raw;  // the member as given
};

// Create/UpdateExpressGatewayService's members; unset = not given (update keeps the value).
struct ExpressInput {
  std::string service_arn;  // update only
  std::string cluster;      // create only
  std::string service_name;
  std::string infrastructure_role_arn;
  std::optional<std::string> execution_role_arn, task_role_arn, cpu, memory, health_check_path;
  std::optional<ExpressContainerInput> primary_container;
  std::optional<std::vector<std::string>> subnets, security_groups;
  std::optional<int64_t> min_tasks, max_tasks, target_value;
  std::optional<model::ExpressScalingMetric> metric;
  model::TagList tags;
};

// What a request becomes before anything changes: the service it makes or updates, the
// configuration of its next revision, and what the revision's task definition is made from.
struct ExpressPlan {
  std::string cluster;
  std::string service_name;
  std::string infrastructure_role_arn;
  std::string family;          // the task definition family
  std::string container_name;  // the primary container's name in it
  std::string log_group;       // awslogs-group (given, or the managed log group)
  std::string log_stream_prefix;
  model::ExpressConfiguration config;
};

// The container's name in the task definitions Express registers [I].
inline constexpr const char* kExpressContainerName = "Main";

// arn:<partition>:iam::<account>:role/<name> (the roles Express is given are not used: no IAM).
bool IsIamRoleArn(const std::string& arn);

// The next revision's configuration: `base` (the current one; nullptr on create) with the members
// `in` gives, the documented defaults for the rest (the model's doc strings: cpu 256, memory 512,
// containerPort 80, healthCheckPath /ping, target value 60, metric CPU). Validated.
Result<model::ExpressConfiguration> MergeExpressConfiguration(
    const model::ExpressConfiguration* base, const ExpressInput& in);

// The managed resources CreateExpressGatewayService provisions for a service, PROVISIONING until
// `ready_at`, with ARNs in their services' formats: the certificate for `domain`, a log group
// only when `log_group` names one (the container gave no awsLogsConfiguration).
std::vector<model::ManagedResource> NewManagedResources(const Tenant& t, const std::string& cluster,
                                                        const std::string& service,
                                                        const model::ExpressConfiguration& config,
                                                        const std::string& domain,
                                                        const std::string& log_group, Millis now,
                                                        Millis ready_at, IdGenerator& ids);

// The service's public endpoint: https://<name>-<8 hex>.ecs.<region>.on.aws [I: the docs show
// https://<service-name>.ecs.<region>.on.aws; a suffix keeps names of two clusters apart].
std::string ExpressEndpoint(const Tenant& t, const std::string& service, IdGenerator& ids);

// The managed log group's name when the container gives no awsLogsConfiguration [I].
std::string ManagedLogGroupName(const std::string& cluster, const std::string& service);

}  // namespace ecs::control

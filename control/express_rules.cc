// The pure rules of Express gateway services (control/express_gateway.h): the next revision's
// configuration with defaults and validation, and the simulated managed resources.
#include <algorithm>
#include <cctype>

#include "common/tenant.h"
#include "control/express_gateway.h"

namespace ecs::control {

namespace {

// The members of ExpressGatewayScalingTarget and the documented defaults for them.
Status CheckScaling(const model::ExpressScaling& s) {
  if (s.min_tasks < 0) return Status::InvalidParameter("minTaskCount must be at least 0.");
  if (s.max_tasks < 1) return Status::InvalidParameter("maxTaskCount must be at least 1.");
  if (s.min_tasks > s.max_tasks) {
    return Status::InvalidParameter("minTaskCount (" + std::to_string(s.min_tasks) +
                                    ") must not be greater than maxTaskCount (" +
                                    std::to_string(s.max_tasks) + ").");
  }
  if (s.target_value <= 0) {
    return Status::InvalidParameter("autoScalingTargetValue must be greater than 0.");
  }
  if (s.metric != model::ExpressScalingMetric::kRequestCountPerTarget && s.target_value > 100) {
    return Status::InvalidParameter(
        "autoScalingTargetValue for a utilization metric must be at most 100.");
  }
  return Status::Ok();
}

Status CheckConfiguration(const model::ExpressConfiguration& c) {
  if (c.image.empty()) return Status::InvalidParameter("primaryContainer.image must not be empty.");
  if (c.container_port < 1 || c.container_port > 65535) {
    return Status::InvalidParameter("primaryContainer.containerPort must be between 1 and 65535.");
  }
  if (c.health_check_path.empty() || c.health_check_path.front() != '/') {
    return Status::InvalidParameter("healthCheckPath must start with a forward slash (/).");
  }
  if (!IsIamRoleArn(c.execution_role_arn)) {
    return Status::InvalidParameter("executionRoleArn must be an IAM role ARN.");
  }
  if (!c.task_role_arn.empty() && !IsIamRoleArn(c.task_role_arn)) {
    return Status::InvalidParameter("taskRoleArn must be an IAM role ARN.");
  }
  if (c.subnets.size() > 16) {
    return Status::InvalidParameter("networkConfiguration.subnets can have at most 16 subnets.");
  }
  if (c.security_groups.size() > 5) {
    return Status::InvalidParameter(
        "networkConfiguration.securityGroups can have at most 5 security groups.");
  }
  return CheckScaling(c.scaling);
}

template <typename T>
void Take(const std::optional<T>& given, T& slot) {
  if (given) slot = *given;
}

std::string Hex(IdGenerator& ids, size_t n) { return ids.Hex32().substr(0, n); }

}  // namespace

bool IsIamRoleArn(const std::string& arn) {
  return arn.rfind("arn:", 0) == 0 && arn.find(":iam::") != std::string::npos &&
         arn.find(":role/") != std::string::npos;
}

Result<model::ExpressConfiguration> MergeExpressConfiguration(
    const model::ExpressConfiguration* base, const ExpressInput& in) {
  model::ExpressConfiguration c = base ? *base : model::ExpressConfiguration{};
  c.deployment_id.clear();
  c.task_definition_arn.clear();
  Take(in.execution_role_arn, c.execution_role_arn);
  Take(in.task_role_arn, c.task_role_arn);
  Take(in.cpu, c.cpu);
  Take(in.memory, c.memory);
  Take(in.health_check_path, c.health_check_path);
  if (in.primary_container) {
    // The container is given whole (image is required in it): what it leaves out is unset.
    c.image = in.primary_container->image;
    c.container_port = in.primary_container->container_port.value_or(80);
    c.primary_container = in.primary_container->raw;
  }
  Take(in.subnets, c.subnets);
  Take(in.security_groups, c.security_groups);
  Take(in.min_tasks, c.scaling.min_tasks);
  Take(in.max_tasks, c.scaling.max_tasks);
  Take(in.metric, c.scaling.metric);
  Take(in.target_value, c.scaling.target_value);
  ECS_RETURN_IF_ERROR(CheckConfiguration(c));
  return c;
}

std::string ExpressEndpoint(const Tenant& t, const std::string& service, IdGenerator& ids) {
  // A DNS label: lower case, '-' for '_', at most 63 characters with the suffix.
  std::string label;
  for (char ch : service.substr(0, 50)) {
    label += ch == '_' ? '-' : static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  }
  return "https://" + label + "-" + Hex(ids, 8) + ".ecs." + t.region + ".on.aws";
}

std::string ManagedLogGroupName(const std::string& cluster, const std::string& service) {
  return "/aws/ecs/" + cluster + "/" + service;
}

std::vector<model::ManagedResource> NewManagedResources(const Tenant& t, const std::string& cluster,
                                                        const std::string& service,
                                                        const model::ExpressConfiguration& config,
                                                        const std::string& domain,
                                                        const std::string& log_group, Millis now,
                                                        Millis ready_at, IdGenerator& ids) {
  const std::string tail = ":" + t.region + ":" + t.account + ":";
  const std::string elb = "arn:aws:elasticloadbalancing" + tail;
  const std::string ec2 = "arn:aws:ec2" + tail + "security-group/sg-";
  // Elastic Load Balancing names are at most 32 characters.
  const std::string lb_name = "ecs-express-gateway-alb-" + Hex(ids, 8);
  const std::string lb_id = Hex(ids, 16);
  const std::string listener_id = Hex(ids, 16);
  using K = model::ManagedKind;
  std::vector<model::ManagedResource> out;
  auto add = [&](K kind, std::string arn, std::string name = "") {
    out.push_back({kind, std::move(arn), std::move(name), model::ManagedStatus::kProvisioning, "",
                   now, ready_at});
  };
  add(K::kLoadBalancer, elb + "loadbalancer/app/" + lb_name + "/" + lb_id);
  add(K::kLoadBalancerSecurityGroup, ec2 + Hex(ids, 17));
  add(K::kCertificate, "arn:aws:acm" + tail + "certificate/" + ids.Uuid(), domain);
  add(K::kListener, elb + "listener/app/" + lb_name + "/" + lb_id + "/" + listener_id);
  add(K::kListenerRule,
      elb + "listener-rule/app/" + lb_name + "/" + lb_id + "/" + listener_id + "/" + Hex(ids, 16));
  add(K::kTargetGroup, elb + "targetgroup/ecs-gateway-tg-" + Hex(ids, 12) + "/" + Hex(ids, 16));
  add(K::kScalableTarget,
      "arn:aws:application-autoscaling" + tail + "scalable-target/" + Hex(ids, 4) + ids.Hex32());
  add(K::kScalingPolicy, "arn:aws:autoscaling" + tail + "scalingPolicy:" + ids.Uuid() +
                             ":resource/ecs/service/" + cluster + "/" + service + ":policyName/" +
                             service + "-target-tracking");
  add(K::kMetricAlarm, "arn:aws:cloudwatch" + tail + "alarm:" + service + "-deployment-alarm");
  // A service security group only when the request names none ("create appropriate security
  // groups automatically", ExpressGatewayServiceNetworkConfiguration).
  if (config.security_groups.empty()) add(K::kServiceSecurityGroup, ec2 + Hex(ids, 17));
  if (!log_group.empty()) {
    add(K::kLogGroup, "arn:aws:logs" + tail + "log-group:" + log_group, log_group);
  }
  return out;
}

}  // namespace ecs::control

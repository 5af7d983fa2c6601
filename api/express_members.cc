// ECSManagedResources: the simulated resources of an Express gateway service, grouped as the
// model groups them (ingress path: load balancer, its security groups, certificate, listener,
// rule, target groups; auto scaling: scalable target and policies; alarms; service security
// groups; log groups).
#include "api/express_members.h"

#include <string>

namespace ecs::api {

namespace {

using K = model::ManagedKind;

const model::ManagedResource* Find(const model::ExpressGatewayService& e, K kind) {
  for (const auto& m : e.resources) {
    if (m.kind == kind) return &m;
  }
  return nullptr;
}

std::string Id(const std::string& arn) { return arn.substr(arn.rfind('/') + 1); }

// The members every managed resource has; the caller adds its own and closes the object.
void Open(JsonWriter& w, const model::ManagedResource& m) {
  w.StartObject().Member("arn", m.arn).Member("status", model::ToString(m.status));
  if (!m.status_reason.empty()) w.Member("statusReason", m.status_reason);
  w.Key("updatedAt").Timestamp(m.updated_at);
}

void WriteAll(JsonWriter& w, const char* member, const model::ExpressGatewayService& e, K kind) {
  w.Key(member).StartArray();
  for (const auto& m : e.resources) {
    if (m.kind != kind) continue;
    Open(w, m);
    if (kind == K::kLogGroup) w.Member("logGroupName", m.name);
    w.EndObject();
  }
  w.EndArray();
}

void WriteOne(JsonWriter& w, const char* member, const model::ManagedResource* m) {
  if (!m) return;
  w.Key(member);
  Open(w, *m);
  w.EndObject();
}

void WriteIngressPath(JsonWriter& w, const model::ExpressGatewayService& e,
                      const model::ExpressConfiguration& c) {
  w.StartObject().Member("accessType", "PUBLIC").Member("endpoint", e.endpoint);
  if (const auto* lb = Find(e, K::kLoadBalancer)) {
    w.Key("loadBalancer");
    Open(w, *lb);
    w.Member("scheme", "internet-facing").StringArray("subnetIds", c.subnets);
    w.Key("securityGroupIds").StartArray();
    for (const auto& m : e.resources) {
      if (m.kind == K::kLoadBalancerSecurityGroup) w.String(Id(m.arn));
    }
    w.EndArray().EndObject();
  }
  WriteAll(w, "loadBalancerSecurityGroups", e, K::kLoadBalancerSecurityGroup);
  if (const auto* cert = Find(e, K::kCertificate)) {
    w.Key("certificate");
    Open(w, *cert);
    w.Member("domainName", cert->name).EndObject();
  }
  WriteOne(w, "listener", Find(e, K::kListener));
  WriteOne(w, "rule", Find(e, K::kListenerRule));
  w.Key("targetGroups").StartArray();
  for (const auto& m : e.resources) {
    if (m.kind != K::kTargetGroup) continue;
    Open(w, m);
    w.Member("healthCheckPath", c.health_check_path)
        .Member("healthCheckPort", c.container_port)
        .Member("port", c.container_port)
        .EndObject();
  }
  w.EndArray().EndObject();
}

// Application Auto Scaling's metric names for the Express metric ("ALBRequestCountPerTarget";
// the model's doc string spells it "ALBRequestCOuntPerTarget").
const char* PolicyMetric(model::ExpressScalingMetric m) {
  switch (m) {
    case model::ExpressScalingMetric::kAverageMemory:
      return "ECSServiceAverageMemoryUtilization";
    case model::ExpressScalingMetric::kRequestCountPerTarget:
      return "ALBRequestCountPerTarget";
    case model::ExpressScalingMetric::kAverageCpu:
      break;
  }
  return "ECSServiceAverageCPUUtilization";
}

void WriteAutoScaling(JsonWriter& w, const model::ExpressGatewayService& e,
                      const model::ExpressConfiguration& c) {
  w.Key("autoScaling").StartObject();
  if (const auto* t = Find(e, K::kScalableTarget)) {
    w.Key("scalableTarget");
    Open(w, *t);
    w.Member("minCapacity", c.scaling.min_tasks)
        .Member("maxCapacity", c.scaling.max_tasks)
        .EndObject();
  }
  w.Key("applicationAutoScalingPolicies").StartArray();
  for (const auto& m : e.resources) {
    if (m.kind != K::kScalingPolicy) continue;
    Open(w, m);
    w.Member("policyType", "TargetTrackingScaling")
        .Key("targetValue")
        .Double(static_cast<double>(c.scaling.target_value))
        .Member("metric", PolicyMetric(c.scaling.metric))
        .EndObject();
  }
  w.EndArray().EndObject();
}

}  // namespace

void WriteManagedResources(JsonWriter& w, const model::ExpressGatewayService& e,
                           const model::ExpressConfiguration& config) {
  w.Key("ecsManagedResources").StartObject().Key("ingressPaths").StartArray();
  WriteIngressPath(w, e, config);
  w.EndArray();
  WriteAutoScaling(w, e, config);
  WriteAll(w, "metricAlarms", e, K::kMetricAlarm);
  WriteAll(w, "serviceSecurityGroups", e, K::kServiceSecurityGroup);
  WriteAll(w, "logGroups", e, K::kLogGroup);
  w.EndObject();
}

}  // namespace ecs::api

// /_emulator/targets: the simulated load-balancer targets (control/load_balancer_targets.h).
//   GET  [?cluster=&service=&targetGroupArn=]  -> {"targets": [{"targetGroupArn" |
//        "loadBalancerName", "cluster", "serviceName", "taskArn", "containerName", "id", "port",
//        "state", "reason", "since"}]}, state and reason as ELB names them
//   POST /<targetGroupArn or loadBalancerName> {"healthCheckIntervalSeconds",
//        "unhealthyThresholdCount", "deregistrationDelaySeconds"} -> 200 the settings now in force
// A member the route does not know is refused by name.
#include <string>

#include "api/admin.h"
#include "common/json.h"

namespace ecs::api {

namespace {

std::string Filter(const PreparedCall& call, const char* key) {
  if (auto q = call.query.find(key); q != call.query.end()) return q->second;
  if (call.body && call.body->IsObject()) {
    auto m = call.body->FindMember(key);
    if (m != call.body->MemberEnd() && m->value.IsString()) return m->value.GetString();
  }
  return "";
}

void WriteTarget(JsonWriter& w, const control::ControlPlane::TargetRow& t) {
  w.StartObject();
  if (!t.lb->target_group_arn.empty()) w.Member("targetGroupArn", t.group);
  if (!t.lb->load_balancer_name.empty()) w.Member("loadBalancerName", t.lb->load_balancer_name);
  w.Member("cluster", t.cluster)
      .Member("serviceName", t.service)
      .Member("taskArn", t.task_arn)
      .Member("containerName", t.lb->container_name)
      .Member("id", t.id)
      .Member("port", t.port)
      .Member("state", model::ToString(t.state))
      .Member("reason", scheduler::TargetReason(t.state))
      .Key("since")
      .Timestamp(t.since)
      .EndObject();
}

void WriteSettings(JsonWriter& w, const std::string& group,
                   const scheduler::TargetHealthConfig& c) {
  w.StartObject()
      .Member("targetGroup", group)
      .Member("healthCheckIntervalSeconds", c.interval / 1000)
      .Member("unhealthyThresholdCount", static_cast<int64_t>(c.unhealthy_threshold))
      .Member("deregistrationDelaySeconds", c.deregistration_delay / 1000)
      .EndObject();
}

HttpReply SetTargetGroup(PreparedCall& call, AdminContext& admin) {
  const rapidjson::Value& body = *call.body;
  control::ControlPlane::TargetGroupSettings settings;
  JsonObjectReader in(body);
  for (const auto& m : body.GetObject()) {
    const std::string_view name(m.name.GetString(), m.name.GetStringLength());
    if (name != "account" && name != "region" && name != "healthCheckIntervalSeconds" &&
        name != "unhealthyThresholdCount" && name != "deregistrationDelaySeconds") {
      return AdminError(Status::InvalidParameter("A target group's settings have no member '" +
                                                 std::string(name) + "'."));
    }
  }
  settings.interval_seconds = in.Int("healthCheckIntervalSeconds");
  settings.unhealthy_threshold = in.Int("unhealthyThresholdCount");
  settings.deregistration_delay_seconds = in.Int("deregistrationDelaySeconds");
  if (!in.ok()) return AdminError(in.status());
  auto config = admin.control.SetTargetGroup(call.ctx.tenant, call.admin_arg, settings);
  if (!config.ok()) return AdminError(config.status());
  JsonWriter w;
  WriteSettings(w, call.admin_arg, *config);
  return AdminJson(200, w.str());
}

}  // namespace

HttpReply TargetsRoute(PreparedCall& call, AdminContext& admin) {
  if (call.admin_method == "POST") {
    if (call.admin_arg.empty()) {
      return AdminError(Status::InvalidParameter(
          "POST /_emulator/targets/<targetGroupArn> names the target group to configure."));
    }
    return SetTargetGroup(call, admin);
  }
  control::ControlPlane::TargetFilter filter{Filter(call, "cluster"), Filter(call, "service"),
                                             Filter(call, "targetGroupArn")};
  if (!call.admin_arg.empty()) filter.target_group = call.admin_arg;
  JsonWriter w;
  w.StartObject().Key("targets").StartArray();
  for (const auto& t : admin.control.ListTargets(call.ctx.tenant, filter)) WriteTarget(w, t);
  w.EndArray().EndObject();
  return AdminJson(200, w.str());
}

}  // namespace ecs::api

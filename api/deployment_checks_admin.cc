// The simulated outcomes that can fail a deployment (scheduler/deployment_checks.h):
//   POST /_emulator/hooks {"hookTargetArn": "<Lambda ARN or glob>", "result": "SUCCEEDED" |
//        "FAILED", "inProgressInvocations": N}: what matching AWS_LAMBDA hook functions answer
//        (IN_PROGRESS N times, then the result) in hook runs that start from now on
//   GET  /_emulator/hooks -> {"scripts": [...], "invocations": [{"invokedAt", "lifecycleStage",
//        "serviceArn", "serviceDeploymentArn", "hookId", "hookTargetArn", "result", "payload"}]}
//   POST /_emulator/alarms {"alarmName", "state": "OK" | "ALARM" | "INSUFFICIENT_DATA"}
//   GET  /_emulator/alarms -> {"alarms": [{"alarmName", "state"}]}
// A member the routes do not know is refused by name, so a typo never sets nothing.
#include <string>

#include "api/admin.h"
#include "common/json.h"
#include "scheduler/deployment_checks.h"

namespace ecs::api {

namespace {

Status RefuseUnknown(const rapidjson::Value& body, std::initializer_list<std::string_view> known,
                     std::string_view what) {
  for (const auto& m : body.GetObject()) {
    const std::string_view name(m.name.GetString(), m.name.GetStringLength());
    if (std::find(known.begin(), known.end(), name) == known.end()) {
      return Status::InvalidParameter(std::string(what) + " has no member '" + std::string(name) +
                                      "'.");
    }
  }
  return Status::Ok();
}

// The payload ECS invokes a hook's function with (the developer guide's "Lifecycle payloads":
// the service, the target revision and each revision's share of test and production traffic
// during the hook's stage), plus the hook's hookDetails as configured.
void WritePayload(JsonWriter& w, const control::ControlPlane::HookInvocationRow& row) {
  const model::Service& s = *row.service;
  const model::Deployment& green = *row.deployment;
  const model::Deployment* blue = nullptr;
  for (const auto& d : s.deployments) {
    if (!green.source_revision_id.empty() && d.revision_number() == green.source_revision_id) {
      blue = &d;
    }
  }
  const std::string green_arn = control::ControlPlane::ServiceRevisionArn(s, green);
  auto weights = [&](const char* key, double green_share) {
    w.Key(key).StartObject();
    if (blue) w.Key(control::ControlPlane::ServiceRevisionArn(s, *blue)).Double(100 - green_share);
    w.Key(green_arn).Double(green_share).EndObject();
  };
  w.Key("payload")
      .StartObject()
      .Member("serviceArn", s.arn)
      .Member("targetServiceRevisionArn", green_arn);
  weights("testTrafficWeights", blue ? row.run->test_traffic : 100);
  weights("productionTrafficWeights", blue ? row.run->production_traffic : 100);
  if (!row.run->hook_details.empty()) w.Key("hookDetails").Raw(row.run->hook_details.text());
  w.EndObject();
}

HttpReply SetHookScript(PreparedCall& call, AdminContext& admin) {
  const rapidjson::Value& body = *call.body;
  Status known =
      RefuseUnknown(body, {"account", "region", "hookTargetArn", "result", "inProgressInvocations"},
                    "A hook script");
  if (!known.ok()) return AdminError(known);
  JsonObjectReader in(body);
  scheduler::HookScript script;
  script.target_pattern = in.String("hookTargetArn").value_or("");
  const std::string result = in.String("result").value_or("SUCCEEDED");
  script.in_progress = in.Int("inProgressInvocations").value_or(0);
  if (!in.ok()) return AdminError(in.status());
  script.result = model::Parse<model::HookStatus>(result).value_or(model::HookStatus::kInProgress);
  Status set = admin.control.SetHookScript(call.ctx.tenant, std::move(script));
  if (!set.ok()) return AdminError(set);
  return AdminJson(200, "{}");
}

HttpReply ListHooks(PreparedCall& call, AdminContext& admin) {
  JsonWriter w;
  w.StartObject().Key("scripts").StartArray();
  for (const scheduler::HookScript& s : admin.control.HookScripts(call.ctx.tenant)) {
    w.StartObject()
        .Member("hookTargetArn", s.target_pattern)
        .Member("result", model::ToString(s.result))
        .Member("inProgressInvocations", s.in_progress)
        .EndObject();
  }
  w.EndArray().Key("invocations").StartArray();
  for (const auto& row : admin.control.HookInvocations(call.ctx.tenant)) {
    w.StartObject().Key("invokedAt").Timestamp(row.invocation->at);
    w.Member("lifecycleStage", model::ToString(row.run->stage))
        .Member("serviceArn", row.service->arn)
        .Member("serviceDeploymentArn",
                control::ControlPlane::ServiceDeploymentArn(*row.service, *row.deployment))
        .Member("hookId", row.run->hook_id)
        .Member("hookTargetArn", row.run->target_arn)
        .Member("result", model::ToString(row.invocation->answer));
    WritePayload(w, row);
    w.EndObject();
  }
  w.EndArray().EndObject();
  return AdminJson(200, w.str());
}

}  // namespace

HttpReply HooksRoute(PreparedCall& call, AdminContext& admin) {
  return call.admin_method == "POST" ? SetHookScript(call, admin) : ListHooks(call, admin);
}

HttpReply AlarmsRoute(PreparedCall& call, AdminContext& admin) {
  if (call.admin_method == "POST") {
    const rapidjson::Value& body = *call.body;
    Status known = RefuseUnknown(body, {"account", "region", "alarmName", "state"}, "An alarm");
    if (!known.ok()) return AdminError(known);
    JsonObjectReader in(body);
    const std::string name = in.String("alarmName").value_or("");
    const std::string state = in.String("state").value_or("");
    if (!in.ok()) return AdminError(in.status());
    Status set = admin.control.SetAlarmState(call.ctx.tenant, name, state);
    if (!set.ok()) return AdminError(set);
    // The deployments watching it see it on the scheduler's next pass.
    return AdminJson(200, "{}");
  }
  JsonWriter w;
  w.StartObject().Key("alarms").StartArray();
  for (const auto& [name, state] : admin.control.AlarmStates(call.ctx.tenant)) {
    w.StartObject().Member("alarmName", name).Member("state", state).EndObject();
  }
  w.EndArray().EndObject();
  return AdminJson(200, w.str());
}

}  // namespace ecs::api

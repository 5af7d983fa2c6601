// /_emulator/task-behaviors: run-time rules for what containers do (scheduler/behavior_rules.h).
//   POST   {"match": {"image","family","revision","container"}, "exitCode", "exitAfter",
//           "failToStart", "unhealthyAfter", "stopTakes"}  -> 201 {"id"}
//   GET    -> {"rules": [...]}, in the order armed
//   DELETE -> every rule of the account and region;  DELETE /<id> -> that one (404 if unknown)
// A member the route does not know is refused by name, so a typo never arms a rule that does
// nothing.
#include <set>
#include <string>

#include "api/admin.h"
#include "common/duration.h"
#include "common/json.h"

namespace ecs::api {

namespace {

Status RefuseUnknown(const rapidjson::Value& obj, const std::set<std::string_view>& known,
                     std::string_view where) {
  for (const auto& m : obj.GetObject()) {
    const std::string_view name(m.name.GetString(), m.name.GetStringLength());
    if (!known.count(name)) {
      return Status::InvalidParameter(std::string(where) + " has no member '" + std::string(name) +
                                      "'.");
    }
  }
  return Status::Ok();
}

// A duration member ("2s", "500ms", ...); a bad one fails `in` naming it.
std::optional<Millis> ReadDuration(JsonObjectReader& in, std::string_view key) {
  auto text = in.String(key);
  if (!text) return std::nullopt;
  auto ms = ParseDuration(*text);
  if (!ms) {
    in.Fail(Status::InvalidParameter(
        std::string(key) + " must be a duration like 500ms, 2s, 5m or 1h; got '" + *text + "'."));
  }
  return ms;
}

Result<model::BehaviorRule> ReadRule(const rapidjson::Value& body) {
  ECS_RETURN_IF_ERROR(RefuseUnknown(body,
                                    {"account", "region", "match", "exitCode", "exitAfter",
                                     "failToStart", "unhealthyAfter", "stopTakes"},
                                    "A task behaviour rule"));
  model::BehaviorRule rule;
  JsonObjectReader in(body);
  if (const rapidjson::Value* match = in.Object("match")) {
    ECS_RETURN_IF_ERROR(
        RefuseUnknown(*match, {"image", "family", "revision", "container"}, "match"));
    JsonObjectReader m = in.Nested(*match, "match");
    rule.match.image = m.String("image");
    rule.match.family = m.String("family");
    rule.match.revision = m.Int("revision");
    rule.match.container = m.String("container");
  }
  rule.effects.exit_code = in.Int("exitCode");
  rule.effects.exit_after = ReadDuration(in, "exitAfter");
  rule.effects.fail_to_start = in.String("failToStart");
  rule.effects.unhealthy_after = ReadDuration(in, "unhealthyAfter");
  rule.effects.stop_takes = ReadDuration(in, "stopTakes");
  if (!in.ok()) return in.status();
  return rule;
}

std::string DurationText(Millis ms) {
  return ms % 1000 == 0 ? std::to_string(ms / 1000) + "s" : std::to_string(ms) + "ms";
}

void WriteRule(JsonWriter& w, const model::BehaviorRule& r) {
  w.StartObject().Member("id", r.id).Key("match").StartObject();
  if (r.match.image) w.Member("image", *r.match.image);
  if (r.match.family) w.Member("family", *r.match.family);
  if (r.match.revision) w.Member("revision", *r.match.revision);
  if (r.match.container) w.Member("container", *r.match.container);
  w.EndObject();
  const model::BehaviorEffects& e = r.effects;
  if (e.exit_code) w.Member("exitCode", *e.exit_code);
  if (e.exit_after) w.Member("exitAfter", DurationText(*e.exit_after));
  if (e.fail_to_start) w.Member("failToStart", *e.fail_to_start);
  if (e.unhealthy_after) w.Member("unhealthyAfter", DurationText(*e.unhealthy_after));
  if (e.stop_takes) w.Member("stopTakes", DurationText(*e.stop_takes));
  w.EndObject();
}

}  // namespace

HttpReply TaskBehaviorsRoute(PreparedCall& call, AdminContext& admin) {
  control::ControlPlane& control = admin.control;
  const Tenant& tenant = call.ctx.tenant;
  JsonWriter w;
  if (call.admin_method == "POST") {
    auto rule = ReadRule(*call.body);
    if (!rule.ok()) return AdminError(rule.status());
    auto id = control.ArmBehaviorRule(tenant, std::move(*rule));
    if (!id.ok()) return AdminError(id.status());
    w.StartObject().Member("id", *id).EndObject();
    return AdminJson(201, w.str());
  }
  if (call.admin_method == "DELETE") {
    const auto deleted = static_cast<int64_t>(control.BehaviorRules(tenant).size());
    control::StateScope scope{tenant.account, tenant.region};
    control.ClearBehaviorRules(scope);
    w.StartObject().Member("deleted", deleted).EndObject();
    return AdminJson(200, w.str());
  }
  w.StartObject().Key("rules").StartArray();
  for (const auto& r : control.BehaviorRules(tenant)) WriteRule(w, r);
  w.EndArray().EndObject();
  return AdminJson(200, w.str());
}

HttpReply TaskBehaviorRoute(PreparedCall& call, AdminContext& admin) {
  if (!admin.control.DeleteBehaviorRule(call.ctx.tenant, call.admin_arg)) {
    return AdminError(Status::InvalidParameter("No task behaviour rule " + call.admin_arg + "."),
                      404);
  }
  JsonWriter w;
  w.StartObject().Member("deleted", call.admin_arg).EndObject();
  return AdminJson(200, w.str());
}

}  // namespace ecs::api

// The emulator-only surface under /_emulator/ that needs the state strand: reset, simulated time,
// fleets. (health and operations are answered in Api::Prepare.)
#include "api/admin.h"

#include "api/decode.h"
#include "common/json.h"

namespace ecs::api {

namespace {

std::string ClockJson(const SimulatedClock& clock) {
  JsonWriter w;
  w.StartObject().Key("now").Timestamp(clock.Now()).Member("frozen", clock.frozen()).EndObject();
  return w.str();
}

// "30s", "5m", "2h", "1500ms" or a plain number of seconds.
std::optional<Millis> ParseDuration(std::string_view s) {
  if (s.empty()) return std::nullopt;
  size_t i = 0;
  while (i < s.size() && (std::isdigit(static_cast<unsigned char>(s[i])) || s[i] == '.')) ++i;
  if (i == 0) return std::nullopt;
  double n = std::strtod(std::string(s.substr(0, i)).c_str(), nullptr);
  std::string_view unit = s.substr(i);
  double scale = 1000;
  if (unit == "ms")
    scale = 1;
  else if (unit == "s" || unit.empty())
    scale = 1000;
  else if (unit == "m")
    scale = 60'000;
  else if (unit == "h")
    scale = 3'600'000;
  else
    return std::nullopt;
  return static_cast<Millis>(n * scale);
}

AdminReply Reset(control::ControlPlane& control, control::SimulatedTime& time) {
  Status s = control.Reset();
  if (!s.ok()) return {500, s};
  // A frozen clock is state too: the next test starts with time flowing (it never goes back).
  time.Release();
  return {200, Status::Ok(), R"({"reset":true})"};
}

AdminReply Clock(JsonObjectReader& in, control::SimulatedTime& time) {
  auto action = ReadEnum(in, "action", {"freeze", "advance", "release", "set"});
  auto by = in.String("by");
  auto seconds = in.Double("seconds");
  auto to = in.Timestamp("to");
  if (!in.ok()) return {400, in.status()};
  if (!action) {
    return {400,
            Status::InvalidParameter("action can not be empty: freeze, advance, release or set.")};
  }
  Status s;
  if (*action == "freeze") time.Freeze();
  if (*action == "release") time.Release();
  if (*action == "set") {
    if (!to) return {400, Status::InvalidParameter("set needs `to` (epoch seconds or ISO-8601).")};
    s = time.Set(*to);
  }
  if (*action == "advance") {
    std::optional<Millis> delta;
    if (by) delta = ParseDuration(*by);
    if (seconds) delta = static_cast<Millis>(*seconds * 1000);
    if (!delta) {
      return {400, Status::InvalidParameter(
                       "advance needs `by` (\"30s\", \"5m\", \"1h\", \"250ms\") or `seconds`.")};
    }
    s = time.Advance(*delta);
  }
  if (!s.ok()) return {s.code() == ErrorCode::kInvalidParameterException ? 400 : 500, s};
  return {200, Status::Ok(), ClockJson(time.clock())};
}

AdminReply Fleets(JsonObjectReader& in, const control::RequestContext& ctx,
                  control::ControlPlane& control) {
  control::FleetInput f;
  f.cluster = in.String("cluster").value_or("default");
  f.count = static_cast<int>(in.Int("count").value_or(1));
  f.instance_type = in.String("instanceType").value_or("m5.large");
  f.cpu = in.Int("cpu");
  f.memory = in.Int("memory");
  f.availability_zones = in.StringList("availabilityZones").value_or(std::vector<std::string>{});
  if (const rapidjson::Value* attrs = in.Object("attributes")) {
    for (const auto& m : attrs->GetObject()) {
      f.attributes.push_back(
          {m.name.GetString(),
           m.value.IsString() ? std::optional<std::string>(m.value.GetString()) : std::nullopt});
    }
  }
  if (!in.ok()) return {400, in.status()};
  auto made = control.CreateFleet(ctx, f);
  if (!made.ok()) return {400, made.status()};
  JsonWriter w;
  w.StartObject().Key("containerInstanceArns").StartArray();
  for (const auto* ci : *made) w.String(ci->arn);
  w.EndArray().EndObject();
  return {200, Status::Ok(), w.str()};
}

AdminReply Faults(JsonObjectReader& in, const control::RequestContext& ctx,
                  control::ControlPlane& control) {
  auto type = ReadEnum(
      in, "type",
      {"fail-task", "lose-instance", "lose-zone", "fail-task-definition", "heal-task-definition"});
  std::string cluster = in.String("cluster").value_or("");
  std::string task = in.String("task").value_or("");
  int64_t exit_code = in.Int("exitCode").value_or(1);
  std::string reason = in.String("reason").value_or("");
  std::string instance = in.String("containerInstance").value_or("");
  std::string zone = in.String("availabilityZone").value_or("");
  std::string td = in.String("taskDefinition").value_or("");
  if (!in.ok()) return {400, in.status()};
  if (!type) {
    return {400,
            Status::InvalidParameter("type can not be empty: fail-task, lose-instance, lose-zone, "
                                     "fail-task-definition, heal-task-definition.")};
  }
  Status s;
  int affected = 1;
  if (*type == "fail-task") s = control.FailTask(ctx, cluster, task, exit_code, reason);
  if (*type == "lose-instance") s = control.LoseInstance(ctx, cluster, instance);
  if (*type == "lose-zone") {
    auto n = control.LoseZone(ctx, zone);
    if (n.ok()) affected = *n;
    s = n.ok() ? Status::Ok() : n.status();
  }
  if (*type == "fail-task-definition") s = control.SetTaskDefinitionFailing(ctx, td, true);
  if (*type == "heal-task-definition") s = control.SetTaskDefinitionFailing(ctx, td, false);
  if (!s.ok()) return {HttpStatusFor(s.code()), s};
  JsonWriter w;
  w.StartObject()
      .Member("type", *type)
      .Member("affected", static_cast<int64_t>(affected))
      .EndObject();
  return {200, Status::Ok(), w.str()};
}

}  // namespace

AdminReply ExecuteAdminRoute(const std::string& route, const std::string& method,
                             const rapidjson::Document& body, const control::RequestContext& ctx,
                             control::ControlPlane& control, control::SimulatedTime& time) {
  JsonObjectReader in(body);
  if (route == "reset" && method == "POST") return Reset(control, time);
  if (route == "clock" && method == "GET") return {200, Status::Ok(), ClockJson(time.clock())};
  if (route == "clock" && method == "POST") return Clock(in, time);
  if (route == "fleets" && method == "POST") return Fleets(in, ctx, control);
  if (route == "faults" && method == "POST") return Faults(in, ctx, control);
  return {404, Status::InvalidParameter("Unknown emulator route /_emulator/" + route + ".")};
}

}  // namespace ecs::api

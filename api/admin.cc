// The emulator's own routes: the table, routing (404 with the route list, 405 with Allow),
// the account/region of a call, and the handlers of reset, clock, fleets and faults. The
// snapshot, placement-trace, task-behaviors, web-view and metrics routes have files of their own.
#include "api/admin.h"

#include <algorithm>
#include <cctype>

#include "api/decode.h"
#include "api/operations.h"
#include "api/protocol.h"
#include "common/json.h"
#include "common/percent_decode.h"

namespace ecs::api {

namespace {

HttpReply Index(const HttpCall& call, const ApiOptions& options, const std::string& arg);
HttpReply Health(const HttpCall& call, const ApiOptions& options, const std::string& arg);
HttpReply Operations(const HttpCall& call, const ApiOptions& options, const std::string& arg);
HttpReply Reset(PreparedCall& call, AdminContext& admin);
HttpReply Clock(PreparedCall& call, AdminContext& admin);
HttpReply Fleets(PreparedCall& call, AdminContext& admin);
HttpReply Faults(PreparedCall& call, AdminContext& admin);

}  // namespace

const std::vector<AdminRoute>& AdminRoutes() {
  static const std::vector<AdminRoute> kRoutes = {
      {"/_emulator", "GET", "this list, the version, the mode and the default account and region",
       Index},
      {"/_emulator/health", "GET", "{\"status\":\"ok\",\"version\",\"uptime\"}", Health},
      {"/_emulator/operations", "GET", "the ECS operations: implemented and all", Operations},
      {"/_emulator/reset", "POST",
       "wipe all state and return the clock to real time; with account and/or region, only "
       "those",
       nullptr, Reset},
      {"/moto-api/reset", "POST", "moto's server-mode reset: the same as POST /_emulator/reset",
       nullptr, Reset},
      {"/_emulator/clock", "GET, POST",
       "simulated time: {\"action\":\"freeze\"|\"release\"|\"advance\"|\"set\"}", nullptr, Clock},
      {"/_emulator/fleets", "POST",
       "simulated container instances: {\"cluster\",\"count\",\"instanceType\",\"createCluster\"}",
       nullptr, Fleets},
      {"/_emulator/faults", "POST",
       "fail-task, lose-instance, lose-zone, fail-task-definition, heal-task-definition", nullptr,
       Faults},
      {"/_emulator/task-behaviors", "GET, POST, DELETE",
       "run-time rules for what containers do: POST {\"match\": {\"image\",\"family\","
       "\"revision\",\"container\"}, \"exitCode\", \"exitAfter\", \"failToStart\", "
       "\"unhealthyAfter\", \"stopTakes\"}; GET lists; DELETE clears",
       nullptr, TaskBehaviorsRoute},
      {"/_emulator/task-behaviors/{id}", "DELETE", "delete one task behaviour rule", nullptr,
       TaskBehaviorRoute},
      {"/_emulator/targets", "GET",
       "the simulated load-balancer targets of service tasks: ?cluster=&service=&targetGroupArn=",
       nullptr, TargetsRoute},
      {"/_emulator/targets/{targetGroupArn}", "GET, POST",
       "one target group's targets (GET); its simulated settings (POST "
       "{\"healthCheckIntervalSeconds\", \"unhealthyThresholdCount\", "
       "\"deregistrationDelaySeconds\"})",
       nullptr, TargetsRoute},
      {"/_emulator/services/{cluster}/{service}/traffic", "GET",
       "the simulated production and test traffic weights of each revision of a BLUE_GREEN, "
       "LINEAR or CANARY service",
       nullptr, ServiceTrafficRoute},
      {"/_emulator/hooks", "GET, POST",
       "simulated AWS_LAMBDA lifecycle hook functions: POST {\"hookTargetArn\" (ARN or glob), "
       "\"result\": \"SUCCEEDED\"|\"FAILED\", \"inProgressInvocations\"}; GET lists the "
       "scripts and every invocation",
       nullptr, HooksRoute},
      {"/_emulator/alarms", "GET, POST",
       "simulated CloudWatch alarm states for deployment alarms: POST {\"alarmName\", "
       "\"state\": \"OK\"|\"ALARM\"|\"INSUFFICIENT_DATA\"}; GET lists them",
       nullptr, AlarmsRoute},
      {"/_emulator/snapshot", "GET, POST",
       "the whole state as one JSON document (GET); restore one (POST)", nullptr, SnapshotRoute},
      {"/_emulator/placement", "GET",
       "the recent placement decisions of an account and region, newest first", nullptr,
       PlacementRoute},
      {"/_emulator/placement/{id}", "GET",
       "why a placement went where it did: a decision id, a task, a service or a group", nullptr,
       PlacementRoute},
      {"/_emulator/state", "GET", "the web view's data for one account and region", nullptr,
       StateRoute},
      {"/_emulator/ui", "GET", "the live web view", WebAssetRoute},
      {"/", "GET", "the live web view, for a browser (POST / is the ECS API)", WebAssetRoute},
      {"/metrics", "GET", "Prometheus metrics", nullptr, MetricsRoute},
  };
  return kRoutes;
}

std::map<std::string, std::string> ParseQuery(std::string_view query) {
  std::map<std::string, std::string> out;
  while (!query.empty()) {
    const size_t amp = query.find('&');
    const std::string_view pair = query.substr(0, amp);
    const size_t eq = pair.find('=');
    if (!pair.empty()) {
      out[PercentDecode(pair.substr(0, eq), PlusIs::kSpace)] =
          eq == std::string_view::npos ? "" : PercentDecode(pair.substr(eq + 1), PlusIs::kSpace);
    }
    query = amp == std::string_view::npos ? std::string_view() : query.substr(amp + 1);
  }
  return out;
}

const AdminRoute* FindAdminRoute(std::string_view path, std::string* arg) {
  if (path == "/_emulator/") path = "/_emulator";
  for (const AdminRoute& r : AdminRoutes()) {
    const size_t brace = r.path.find('{');
    if (brace == std::string_view::npos) {
      if (path == r.path) return &r;
      continue;
    }
    const std::string_view prefix = r.path.substr(0, brace);
    if (path.size() > prefix.size() && path.starts_with(prefix)) {
      // The value may be an ARN (slashes included), percent-encoded or not.
      *arg = ParseQuery("v=" + std::string(path.substr(prefix.size())))["v"];
      return &r;
    }
  }
  return nullptr;
}

HttpReply AdminJson(int status, std::string body) {
  HttpReply r;
  r.status = status;
  r.content_type = "application/json";
  r.body = std::move(body);
  r.operation = "-";
  return r;
}

HttpReply AdminError(const Status& status, int http_status) {
  HttpReply r = Api::ErrorReply(status, "-");
  if (http_status != 0) r.status = http_status;
  return r;
}

namespace {

bool Allows(const AdminRoute& route, std::string_view method) {
  std::string_view methods = route.methods;
  while (!methods.empty()) {
    const size_t comma = methods.find(", ");
    if (methods.substr(0, comma) == method) return true;
    methods = comma == std::string_view::npos ? std::string_view() : methods.substr(comma + 2);
  }
  return false;
}

std::string AllowHeader(const AdminRoute& route) {
  std::string allow(route.methods);
  if (Allows(route, "GET")) allow += ", HEAD";
  return allow;
}

void WriteRoutes(JsonWriter& w) {
  w.Key("routes").StartArray();
  for (const AdminRoute& r : AdminRoutes()) {
    w.StartObject()
        .Member("path", r.path)
        .Member("methods", AllowHeader(r))
        .Member("description", r.what)
        .EndObject();
  }
  w.EndArray();
}

// 404: the route list, so a typo shows what was meant.
HttpReply NotFound(const HttpCall& call) {
  JsonWriter w;
  w.StartObject().Member("message", "No emulator route " + call.method + " " + call.path + ".");
  WriteRoutes(w);
  w.EndObject();
  HttpReply r = AdminJson(404, w.str());
  r.route = call.method + " " + call.path;
  r.error_type = "NotFound";
  r.error_message = "no route " + call.path;
  return r;
}

HttpReply MethodNotAllowed(const HttpCall& call, const AdminRoute& route) {
  const std::string allow = AllowHeader(route);
  JsonWriter w;
  w.StartObject()
      .Member("message",
              std::string(route.path) + " accepts " + allow + ", not " + call.method + ".")
      .Member("allow", allow)
      .EndObject();
  HttpReply r = AdminJson(405, w.str());
  r.route = call.method + " " + call.path;
  r.allow = allow;
  r.error_type = "MethodNotAllowed";
  r.error_message = call.method + " " + call.path;
  return r;
}

bool IsTwelveDigits(std::string_view s) {
  return s.size() == 12 &&
         std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

bool LooksLikeRegion(std::string_view s) {
  return !s.empty() && s.size() <= 32 && s.find('-') != std::string_view::npos &&
         std::all_of(s.begin(), s.end(), [](char c) {
           return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-';
         });
}

// `account` / `region` from the body, else the query: the scope a call names (checked), which
// overrides the tenant of its signature.
Status ReadScope(const rapidjson::Document& body, const std::map<std::string, std::string>& query,
                 control::StateScope* scope) {
  JsonObjectReader in(body);
  std::optional<std::string> account = in.String("account");
  std::optional<std::string> region = in.String("region");
  if (!in.ok()) return in.status();
  if (auto q = query.find("account"); !account && q != query.end()) account = q->second;
  if (auto q = query.find("region"); !region && q != query.end()) region = q->second;
  if (account && !IsTwelveDigits(*account)) {
    return Status::InvalidParameter("account must be 12 digits; got '" + *account + "'.");
  }
  if (region && !LooksLikeRegion(*region)) {
    return Status::InvalidParameter("region must look like us-east-1; got '" + *region + "'.");
  }
  scope->account = std::move(account);
  scope->region = std::move(region);
  return Status::Ok();
}

}  // namespace

std::optional<std::variant<HttpReply, PreparedCall>> PrepareAdmin(const HttpCall& call,
                                                                  const ApiOptions& options) {
  const bool ours = call.path == "/" || call.path == "/_emulator" ||
                    call.path.starts_with("/_emulator/") || call.path == "/metrics" ||
                    call.path == "/moto-api/reset";
  if (!ours) return std::nullopt;
  std::string arg;
  const AdminRoute* route = FindAdminRoute(call.path, &arg);
  if (!route) return NotFound(call);
  if (!Allows(*route, call.method)) return MethodNotAllowed(call, *route);
  const Tenant signed_tenant = ResolveTenant(call.authorization, call.host, options.defaults);
  auto finish = [&](HttpReply r) {
    r.route = call.method + " " + std::string(route->path);
    r.tenant = signed_tenant;
    return r;
  };
  if (route->serve) return finish(route->serve(call, options, arg));
  PreparedCall p;
  p.operation = "-";
  p.admin = route;
  p.admin_method = call.method;
  p.admin_arg = std::move(arg);
  p.query = ParseQuery(call.query);
  p.ctx.tenant = signed_tenant;
  auto body = ParseJsonObject(call.method == "POST" ? std::string_view(call.body) : "");
  if (!body.ok()) return finish(AdminError(body.status()));
  p.body = std::move(*body);
  if (Status s = ReadScope(*p.body, p.query, &p.scope); !s.ok()) return finish(AdminError(s));
  if (p.scope.account) p.ctx.tenant.account = *p.scope.account;
  if (p.scope.region) p.ctx.tenant.region = *p.scope.region;
  return p;
}

HttpReply ExecuteAdmin(PreparedCall& call, AdminContext& admin) {
  HttpReply r = call.admin->execute(call, admin);
  r.route = call.admin_method + " " + std::string(call.admin->path);
  return r;
}

namespace {

HttpReply Index(const HttpCall&, const ApiOptions& options, const std::string&) {
  JsonWriter w;
  w.StartObject()
      .Member("emulator", "ecs-emulator")
      .Member("version", options.version)
      .Member("mode", options.mode)
      .Key("defaults")
      .StartObject()
      .Member("account", options.defaults.account)
      .Member("region", options.defaults.region)
      .EndObject();
  WriteRoutes(w);
  w.EndObject();
  return AdminJson(200, w.str());
}

HttpReply Health(const HttpCall&, const ApiOptions& options, const std::string&) {
  JsonWriter w;
  w.StartObject()
      .Member("status", "ok")
      .Member("version", options.version)
      .Key("uptime")
      .Double(static_cast<double>(SystemNowMillis() - options.started_at) / 1000.0)
      .EndObject();
  return AdminJson(200, w.str());
}

HttpReply Operations(const HttpCall&, const ApiOptions&, const std::string&) {
  JsonWriter w;
  w.StartObject().Key("implemented").StartArray();
  for (const auto& op : OperationTable()) {
    if (op.handler) w.String(op.name);
  }
  w.EndArray().Key("all").StartArray();
  for (const auto& op : OperationTable()) w.String(op.name);
  w.EndArray().EndObject();
  return AdminJson(200, w.str());
}

void WriteClock(JsonWriter& w, const SimulatedClock& clock) {
  w.StartObject().Key("now").Timestamp(clock.Now()).Member("frozen", clock.frozen()).EndObject();
}

std::string ClockJson(const SimulatedClock& clock) {
  JsonWriter w;
  WriteClock(w, clock);
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

// A full reset also returns the clock to real time (the state that lived in simulated time is
// gone); a scoped one leaves it, as other tenants still live in it.
HttpReply Reset(PreparedCall& call, AdminContext& admin) {
  if (Status s = admin.control.Reset(call.scope); !s.ok()) return AdminError(s);
  if (call.scope.all()) admin.time.ReturnToRealTime();
  JsonWriter w;
  w.StartObject().Member("reset", true).Key("scope").StartObject();
  if (call.scope.account) w.Member("account", *call.scope.account);
  if (call.scope.region) w.Member("region", *call.scope.region);
  w.EndObject().Key("clock");
  WriteClock(w, admin.time.clock());
  w.EndObject();
  return AdminJson(200, w.str());
}

HttpReply Clock(PreparedCall& call, AdminContext& admin) {
  control::SimulatedTime& time = admin.time;
  if (call.admin_method == "GET") return AdminJson(200, ClockJson(time.clock()));
  JsonObjectReader in(*call.body);
  auto action = ReadEnum(in, "action", {"freeze", "advance", "release", "set"});
  auto by = in.String("by");
  auto seconds = in.Double("seconds");
  auto to = in.Timestamp("to");
  if (!in.ok()) return AdminError(in.status());
  if (!action) {
    return AdminError(
        Status::InvalidParameter("action can not be empty: freeze, advance, release or set."));
  }
  Status s;
  if (*action == "freeze") time.Freeze();
  if (*action == "release") time.Release();
  if (*action == "set") {
    if (!to)
      return AdminError(Status::InvalidParameter("set needs `to` (epoch seconds or ISO-8601)."));
    s = time.Set(*to);
  }
  if (*action == "advance") {
    std::optional<Millis> delta;
    if (by) delta = ParseDuration(*by);
    if (seconds) delta = static_cast<Millis>(*seconds * 1000);
    if (!delta) {
      return AdminError(Status::InvalidParameter(
          "advance needs `by` (\"30s\", \"5m\", \"1h\", \"250ms\") or `seconds`."));
    }
    s = time.Advance(*delta);
  }
  if (!s.ok()) return AdminError(s);
  return AdminJson(200, ClockJson(time.clock()));
}

// A plain fleet takes `count`; an Auto Scaling group fleet takes min/max/desired instead.
Status CheckFleetKind(const control::FleetInput& f, bool has_count) {
  if (!f.auto_scaling_group.empty()) {
    if (has_count) {
      return Status::InvalidParameter(
          "An autoScalingGroup fleet takes \"desired\" (and \"min\", \"max\"), not \"count\".");
    }
    return Status::Ok();
  }
  if (f.group_min || f.group_max || f.group_desired) {
    return Status::InvalidParameter("\"min\", \"max\" and \"desired\" need \"autoScalingGroup\".");
  }
  return Status::Ok();
}

HttpReply Fleets(PreparedCall& call, AdminContext& admin) {
  JsonObjectReader in(*call.body);
  control::FleetInput f;
  f.cluster = in.String("cluster").value_or("default");
  f.count = static_cast<int>(in.Int("count").value_or(1));
  f.instance_type = in.String("instanceType").value_or("m5.large");
  f.cpu = in.Int("cpu");
  f.memory = in.Int("memory");
  f.availability_zones = in.StringList("availabilityZones").value_or(std::vector<std::string>{});
  f.create_cluster = in.Bool("createCluster").value_or(false);
  f.auto_scaling_group = in.String("autoScalingGroup").value_or("");
  f.group_min = in.Int("min");
  f.group_max = in.Int("max");
  f.group_desired = in.Int("desired");
  const bool has_count = in.Int("count").has_value();
  if (const rapidjson::Value* attrs = in.Object("attributes")) {
    for (const auto& m : attrs->GetObject()) {
      f.attributes.push_back(
          {m.name.GetString(),
           m.value.IsString() ? std::optional<std::string>(m.value.GetString()) : std::nullopt});
    }
  }
  if (!in.ok()) return AdminError(in.status());
  if (Status s = CheckFleetKind(f, has_count); !s.ok()) return AdminError(s);
  auto made = admin.control.CreateFleet(call.ctx, f);
  if (!made.ok()) return AdminError(made.status());
  JsonWriter w;
  w.StartObject().Key("containerInstanceArns").StartArray();
  for (const auto* ci : *made) w.String(ci->arn);
  w.EndArray();
  if (!f.auto_scaling_group.empty()) {
    const model::AutoScalingGroup* g = admin.control.FindAutoScalingGroup(
        call.ctx.tenant, model::AutoScalingGroupName(f.auto_scaling_group));
    if (g) w.Member("autoScalingGroupArn", g->arn);
  }
  w.EndObject();
  return AdminJson(200, w.str());
}

HttpReply Faults(PreparedCall& call, AdminContext& admin) {
  control::ControlPlane& control = admin.control;
  const control::RequestContext& ctx = call.ctx;
  JsonObjectReader in(*call.body);
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
  if (!in.ok()) return AdminError(in.status());
  if (!type) {
    return AdminError(
        Status::InvalidParameter("type can not be empty: fail-task, lose-instance, lose-zone, "
                                 "fail-task-definition, heal-task-definition."));
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
  if (!s.ok()) return AdminError(s);
  JsonWriter w;
  w.StartObject()
      .Member("type", *type)
      .Member("affected", static_cast<int64_t>(affected))
      .EndObject();
  return AdminJson(200, w.str());
}

}  // namespace

}  // namespace ecs::api

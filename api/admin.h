// The emulator's own HTTP surface, everything but ECS's `POST /`: one table of routes
// (AdminRoutes(), listed by GET /_emulator, the 404 and the README), their routing and their
// handlers.
//
// Every route takes `account` and `region` in its JSON body or its query string; when absent
// they come from the request's SigV4 signature, then the server's defaults (api/protocol.h
// ResolveTenant). POST /_emulator/reset is the exception: without them it wipes every tenant.
//
// THREADING: PrepareAdmin runs on the connection strand (routing, body parsing, tenant) and
// answers the routes that need no state; ExecuteAdmin runs the others on the state strand.
#pragma once

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "api/api.h"
#include "control/control_plane.h"
#include "control/simulated_time.h"

namespace ecs::api {

// What the state-strand routes work with besides the call.
struct AdminContext {
  control::ControlPlane& control;
  control::SimulatedTime& time;
  const ApiOptions& options;
};

struct AdminRoute {
  std::string_view path;     // a trailing "{…}" segment takes any value
  std::string_view methods;  // "GET", "GET, POST", … (HEAD is accepted wherever GET is)
  std::string_view what;
  // One of the two: answered on the connection strand (no state), or run on the state strand.
  HttpReply (*serve)(const HttpCall& call, const ApiOptions& options,
                     const std::string& arg) = nullptr;
  HttpReply (*execute)(PreparedCall& call, AdminContext& admin) = nullptr;
};
const std::vector<AdminRoute>& AdminRoutes();

// The route a path names, or nullptr. `arg` gets the value of a trailing "{…}" segment.
const AdminRoute* FindAdminRoute(std::string_view path, std::string* arg);

// "a=1&b=x%20y" -> {a: 1, b: "x y"}.
std::map<std::string, std::string> ParseQuery(std::string_view query);

// Whether `path` belongs to the emulator's surface rather than to ECS's (nullopt: not ours).
// Otherwise the finished reply, or the call to execute on the state strand.
std::optional<std::variant<HttpReply, PreparedCall>> PrepareAdmin(const HttpCall& call,
                                                                  const ApiOptions& options);

HttpReply ExecuteAdmin(PreparedCall& call, AdminContext& admin);

// A JSON reply of an emulator route (application/json).
HttpReply AdminJson(int status, std::string body);
// An error reply of an emulator route: the ECS error envelope, with `status` when given.
HttpReply AdminError(const Status& status, int http_status = 0);

// The routes' handlers, one file per concern.
HttpReply SnapshotRoute(PreparedCall& call, AdminContext& admin);  // api/snapshot.cc
HttpReply StateRoute(PreparedCall& call, AdminContext& admin);     // api/web_view.cc
HttpReply WebAssetRoute(const HttpCall& call, const ApiOptions& options,
                        const std::string& arg);                         // api/web_view.cc
HttpReply MetricsRoute(PreparedCall& call, AdminContext& admin);         // api/metrics_text.cc
HttpReply PlacementRoute(PreparedCall& call, AdminContext& admin);       // api/placement_traces.cc
HttpReply TaskBehaviorsRoute(PreparedCall& call, AdminContext& admin);   // api/behaviors_admin.cc
HttpReply TaskBehaviorRoute(PreparedCall& call, AdminContext& admin);    // api/behaviors_admin.cc
HttpReply TargetsRoute(PreparedCall& call, AdminContext& admin);         // api/targets_admin.cc
HttpReply ServiceTrafficRoute(PreparedCall& call, AdminContext& admin);  // api/traffic_admin.cc
HttpReply HooksRoute(PreparedCall& call, AdminContext& admin);   // api/deployment_checks_admin.cc
HttpReply AlarmsRoute(PreparedCall& call, AdminContext& admin);  // api/deployment_checks_admin.cc

}  // namespace ecs::api

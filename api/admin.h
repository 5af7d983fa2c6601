// /_emulator/* routes that touch state (run on the state strand).
//   POST /_emulator/reset                 wipe all state
//   GET  /_emulator/clock                 {"now": <epoch s>, "frozen": bool}
//   POST /_emulator/clock                 {"action": "freeze" | "release" | "advance" | "set",
//                                          "by": "30s" | "seconds": 30, "to": <time>}
//   POST /_emulator/fleets                {"cluster", "count", "instanceType", "cpu", "memory",
//                                          "availabilityZones": [...], "attributes": {...}}
//   POST /_emulator/faults                {"type": "fail-task", "cluster", "task", "exitCode"}
//                                         {"type": "lose-instance", "cluster", "containerInstance"}
//                                         {"type": "lose-zone", "availabilityZone"}
//                                         {"type": "fail-task-definition" | "heal-task-definition",
//                                          "taskDefinition"}
#pragma once

#include <rapidjson/document.h>

#include <string>

#include "control/control_plane.h"
#include "control/simulated_time.h"

namespace ecs::api {

struct AdminReply {
  AdminReply(int s, Status e, std::string b = "")
      : status(s), error(std::move(e)), body(std::move(b)) {}
  int status = 200;
  Status error;      // set when status != 200
  std::string body;  // JSON on success
};

AdminReply ExecuteAdminRoute(const std::string& route, const std::string& method,
                             const rapidjson::Document& body, const control::RequestContext& ctx,
                             control::ControlPlane& control, control::SimulatedTime& time);

}  // namespace ecs::api

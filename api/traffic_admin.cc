// GET /_emulator/services/<cluster>/<service>/traffic: the simulated load-balancer traffic split of
// a BLUE_GREEN, LINEAR or CANARY service (control/traffic_split.h) ->
//   {"serviceArn", "strategy", "lifecycleStage" (when a deployment runs its stages),
//    "revisions": [{"serviceRevisionArn", "deploymentId", "status", "productionTrafficWeight",
//                   "testTrafficWeight"}]}   PRIMARY first; weights in percent
#include <string>

#include "api/admin.h"
#include "common/json.h"
#include "control/traffic_split.h"

namespace ecs::api {

HttpReply ServiceTrafficRoute(PreparedCall& call, AdminContext& admin) {
  const std::string& arg = call.admin_arg;  // <cluster>/<service>/traffic
  const size_t slash = arg.find('/');
  const std::string suffix = "/traffic";
  if (slash == std::string::npos || !arg.ends_with(suffix) ||
      arg.size() <= slash + 1 + suffix.size()) {
    return AdminError(Status::InvalidParameter(
        "The route is GET /_emulator/services/<cluster>/<service>/traffic."));
  }
  const std::string cluster = arg.substr(0, slash);
  const std::string service = arg.substr(slash + 1, arg.size() - slash - 1 - suffix.size());
  std::vector<const model::Service*> found;
  std::vector<control::DescribeFailure> failures;
  Status st = admin.control.DescribeServices(call.ctx, cluster, {service}, &found, &failures);
  if (!st.ok()) return AdminError(st);
  if (found.empty())
    return AdminError(Status(ErrorCode::kServiceNotFoundException, "Service not found."));
  const model::Service& svc = *found.front();
  const auto split = control::TrafficSplit(svc);
  if (split.empty()) {
    return AdminError(Status::InvalidParameter(
        "Traffic weights are simulated for BLUE_GREEN, LINEAR and CANARY services only; " +
        svc.name + " uses " + std::string(model::ToString(svc.deployment_strategy)) + "."));
  }
  JsonWriter w;
  w.StartObject()
      .Member("serviceArn", svc.arn)
      .Member("strategy", model::ToString(svc.deployment_strategy));
  const model::Deployment& primary = svc.deployments.front();
  if (primary.lifecycle_stage) {
    w.Member("lifecycleStage", model::ToString(*primary.lifecycle_stage));
  }
  w.Key("revisions").StartArray();
  for (const control::RevisionTraffic& t : split) {
    w.StartObject()
        .Member("serviceRevisionArn", control::ControlPlane::ServiceRevisionArn(svc, *t.deployment))
        .Member("deploymentId", t.deployment->id)
        .Member("status", model::ToString(t.deployment->status))
        .Key("productionTrafficWeight")
        .Double(t.production)
        .Key("testTrafficWeight")
        .Double(t.test)
        .EndObject();
  }
  w.EndArray().EndObject();
  return AdminJson(200, w.str());
}

}  // namespace ecs::api

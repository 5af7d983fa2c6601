// What the service and task-set operations share on the wire (services_api.cc,
// task_sets_api.cc). INTERNAL to api/.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "common/json.h"
#include "control/requests.h"
#include "model/service.h"

namespace ecs::api {

// The members CreateService, UpdateService and CreateTaskSet share.
control::ServiceInput ReadServiceInput(JsonObjectReader& in);
void WriteStrategyOrLaunch(JsonWriter& w, const std::optional<model::LaunchType>& launch_type,
                           const model::CapacityProviderStrategy& strategy,
                           const std::string& platform);
void WriteLoadBalancers(JsonWriter& w, const std::vector<model::LoadBalancer>& lbs);
// One TaskSet object; `tags` when the caller asked for them.
void WriteTaskSet(JsonWriter& w, const model::Service& s, const model::TaskSet& t,
                  const control::ServiceCounts& counts, const model::TagList* tags);

}  // namespace ecs::api

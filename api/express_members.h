// Express gateway service members other operations show: DescribeServiceRevisions'
// ecsManagedResources (the simulated managed resources, api/express_members.cc).
#pragma once

#include "common/json.h"
#include "model/express_gateway.h"

namespace ecs::api {

// ecsManagedResources of a revision deployed from `config`.
void WriteManagedResources(JsonWriter& w, const model::ExpressGatewayService& e,
                           const model::ExpressConfiguration& config);

}  // namespace ecs::api

// What CreateService and UpdateService share: the validation of a ServiceInput against ECS's
// rules and its application to a service record (service_input.cc). INTERNAL to control/.
#pragma once

#include "common/status.h"
#include "common/tenant.h"
#include "control/requests.h"
#include "control/task_definition_registry.h"
#include "model/cluster.h"
#include "model/service.h"

namespace ecs::control {

// Validates `in` and applies it to `svc` (a new record when `creating`, else a copy of the
// current one). Returns whether the change needs a new deployment. `svc` is left half-changed on
// an error: callers apply to a copy or a record they throw away.
Result<bool> ApplyServiceInput(const TaskDefinitionRegistry& registry, const Tenant& tenant,
                               const model::Cluster& cluster, const ServiceInput& in, bool creating,
                               model::Service* svc);

}  // namespace ecs::control

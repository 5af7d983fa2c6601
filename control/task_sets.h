// What CreateService (CODE_DEPLOY's first task set) and the task-set operations share
// (task_sets.cc). INTERNAL to control/.
#pragma once

#include <string>

#include "common/clock.h"
#include "model/service.h"

namespace ecs::control {

struct State;

// A new ACTIVE task set of `svc` that runs what `validated` (a copy of the service with the
// set's members applied by ApplyServiceInput) describes, at `scale` percent.
model::TaskSet NewTaskSet(State& state, const model::Service& svc, const model::Service& validated,
                          double scale, Millis now);

// The service shows its PRIMARY task set's members (taskDefinition, launch type or strategy,
// platform, network, load balancers, registries), or none without a PRIMARY (the EXTERNAL
// deployment type's documentation [D]).
void ShowPrimaryOnService(model::Service& svc);

}  // namespace ecs::control

// SpecFromStoredBody: the TaskDefinitionSpec of a body NormalizeTaskDefinition made earlier and
// the store kept. A stored body is trusted as written: nothing is validated again, so a rule
// tightened later never stops a server from loading an older database. Only the facts are read
// back (sizes, ports, network mode, compatibilities, constraints); the body itself is kept as is.
// Pure; thread-safe.
#pragma once

#include <string>

#include "common/status.h"
#include "taskdef/spec.h"

namespace ecs::taskdef {

// Corrupt when `body` is not a JSON object with a family and containerDefinitions.
Result<TaskDefinitionSpec> SpecFromStoredBody(std::string body);

}  // namespace ecs::taskdef

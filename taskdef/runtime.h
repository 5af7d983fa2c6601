// The facts a container definition gives the simulated data plane: its health check (with the
// model's defaults), dependsOn, stopTimeout / startTimeout, and the emulator's own dockerLabels,
// which script what the container does:
//   ecs-emulator.exit-code      integer 0..255: the container exits with it...
//   ecs-emulator.exit-after     duration ("2s"): ...this long after it starts (default: at once)
//   ecs-emulator.health         HEALTHY | UNHEALTHY: UNHEALTHY fails every health check
//   ecs-emulator.fail-to-start  text: the container never starts; the text is its reason
// INTERNAL to taskdef/ (normalize.cc and stored.cc). Pure.
#pragma once

#include <rapidjson/document.h>

#include "common/status.h"
#include "taskdef/spec.h"

namespace ecs::taskdef {

// Reads the runtime facts of container definition `c` into `spec`. A label under
// ecs-emulator. that is unknown or has a value the emulator cannot honour is a ClientException
// naming it (never silently ignored). REQUIRES: `c` passed the shape checks.
Status ReadContainerRuntime(const rapidjson::Value& c, ContainerSpec& spec);

}  // namespace ecs::taskdef

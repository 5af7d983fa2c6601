// The capabilities the simulated ECS agent registers on every container instance: what a
// current ECS-optimized Amazon Linux 2023 AMI reports, all without values. control/ registers
// them; scheduler/known_attributes.h indexes them for placement.
#pragma once

#include <string>
#include <vector>

namespace ecs::model {

const std::vector<std::string>& AgentCapabilities();

}  // namespace ecs::model

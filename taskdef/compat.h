// Steps of NormalizeTaskDefinition that decide where a definition can run (compat.cc).
// INTERNAL to taskdef/. REQUIRES: `request` passed the type checks and `spec` holds the network
// mode, requiresCompatibilities, task cpu/memory and containers read from it.
#pragma once

#include <rapidjson/document.h>

#include <optional>
#include <string>

#include "common/status.h"
#include "taskdef/spec.h"

namespace ecs::taskdef {

// Why the definition cannot run on Fargate (the ECS message), or nullopt when it can.
std::optional<std::string> FargateProblem(const rapidjson::Value& request,
                                          const TaskDefinitionSpec& spec);
// Fills spec.compatibilities; ClientException when a requested compatibility is impossible.
Status ComputeCompatibilities(const rapidjson::Value& request, TaskDefinitionSpec& spec);
// Fills spec.requires_attributes.
void ComputeRequiresAttributes(const rapidjson::Value& request, TaskDefinitionSpec& spec);

}  // namespace ecs::taskdef

// RenderTaskDefinition: the full TaskDefinition JSON object as DescribeTaskDefinition returns
// it — a normalized body with the control plane's members spliced in at the places AWS writes
// them:
//   {"taskDefinitionArn", containerDefinitions, family, taskRoleArn, executionRoleArn,
//    networkMode, "revision", volumes, "status", requiresAttributes, placementConstraints,
//    compatibilities, requiresCompatibilities, cpu, memory, runtimePlatform,
//    inferenceAccelerators, pidMode, ipcMode, proxyConfiguration, "registeredAt",
//    "deregisteredAt", "deleteRequestedAt", "registeredBy", ephemeralStorage,
//    enableFaultInjection}
// (quoted = from the registration; the rest from the body, each only when present).
// Pure functions; thread-safe.
#pragma once

#include <string>
#include <string_view>

#include "model/daemon_task_definition.h"
#include "model/task_definition.h"
#include "taskdef/spec.h"

namespace ecs::taskdef {

// By the splice offsets the spec recorded (no scan of the body); scans when they are unknown.
std::string RenderTaskDefinition(const TaskDefinitionSpec& spec,
                                 const model::TaskDefinitionRegistration& reg);
// By scanning `body` (a compact JSON object).
std::string RenderTaskDefinition(std::string_view body,
                                 const model::TaskDefinitionRegistration& reg);

// The DaemonTaskDefinition object DescribeDaemonTaskDefinition returns: the control plane's
// members (daemonTaskDefinitionArn, revision, status, registeredAt, deleteRequestedAt,
// registeredBy), then the body's (taskdef::NormalizeDaemonTaskDefinition).
// REQUIRES: `body` is a compact JSON object with at least one member.
std::string RenderDaemonTaskDefinition(std::string_view body,
                                       const model::DaemonTaskDefinitionRegistration& reg);

// The splice offsets of a body (what NormalizeTaskDefinition records while writing it), found by
// scanning; all 0 when `body` is not a compact JSON object.
TaskDefinitionSpec::Splices FindSplices(std::string_view body);

}  // namespace ecs::taskdef

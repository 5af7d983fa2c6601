// NormalizeTaskDefinition: validates a RegisterTaskDefinition request the way ECS does and turns
// it into a TaskDefinitionSpec (taskdef/spec.h): the facts the scheduler and control plane need
// and the TaskDefinition body DescribeTaskDefinition shows, with ECS's defaults filled in and
// computed members added.
//
// Pure: no storage, no clock, no I/O. Thread-safe (no shared state). api/ calls it on the
// connection strand, before the request reaches the state strand.
//
// Error types, in the order they are checked (first failure wins):
//   * SerializationException — any member of the wrong JSON type, anywhere in the request
//     (container `cpu` as a string, `portMappings` as an object, …); the message names the member
//     path, e.g. `containerDefinitions[0].cpu`. Integer members must also fit in 32 bits.
//   * ClientException — everything about the definition's content (family, containers, memory,
//     ports, network mode, Fargate rules, enum values, required nested members, 64 KiB cap).
//   * InvalidParameterException — `tags` (count, key/value length, reserved `aws:` prefix).
// Members the model does not know are ignored at every depth and never echoed; JSON nulls count as
// absent.
//
// Implementation: schema.cc (the member tables from the model, type checks, the body echo),
// normalize.cc (validation), compat.cc (Fargate rules, compatibilities, requiresAttributes),
// sizes.cc (task sizes) and render.cc (RenderTaskDefinition).
#pragma once

#include <rapidjson/document.h>

#include "common/status.h"
#include "taskdef/spec.h"

namespace ecs::taskdef {

// Validates and normalizes a RegisterTaskDefinition request object (the whole request body).
Result<TaskDefinitionSpec> NormalizeTaskDefinition(const rapidjson::Value& request);

// The same for a RegisterDaemonTaskDefinition request, with the same rules and messages over
// the members a daemon task definition has (family, roles, containerDefinitions, cpu, memory,
// host volumes, tags). Members of a ContainerDefinition that a DaemonContainerDefinition lacks
// (portMappings, links, dockerLabels, ...) are ignored like any unknown member. The spec has no
// network mode, constraints or compatibilities; its body is the DaemonTaskDefinition object
// without the control plane's members (see schema::WriteDaemonBody).
Result<TaskDefinitionSpec> NormalizeDaemonTaskDefinition(const rapidjson::Value& request);

}  // namespace ecs::taskdef

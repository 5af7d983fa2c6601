// Task definition rules: validates a RegisterTaskDefinition request the way ECS does and turns it
// into (a) the facts the scheduler and control plane need and (b) the TaskDefinition body that
// DescribeTaskDefinition shows, with ECS's defaults filled in and computed members added.
//
// Pure functions: no storage, no clock, no I/O. Thread-safe (no shared state). Callers are the
// task-definition control code (RegisterTaskDefinition) and, through RenderTaskDefinition, every
// operation that returns a `taskDefinition` object.
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
// Implementation: task_definition_schema.cc (the member tables from the model, type checks, the
// body echo), task_definition_rules.cc (validation, NormalizeTaskDefinition, task sizes),
// task_definition_compat.cc (Fargate rules, compatibilities, requiresAttributes) and
// task_definition_render.cc (RenderTaskDefinition).
#pragma once

#include <rapidjson/document.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/clock.h"
#include "common/status.h"
#include "model/tag.h"

namespace ecs::control {

struct PortMappingSpec {
  int container_port = 0;  // 0 when the mapping is a containerPortRange
  // The host port to reserve: 0 = dynamic (bridge without hostPort, or hostPort 0). In host and
  // awsvpc modes it always equals container_port.
  int host_port = 0;
  std::string protocol = "tcp";  // tcp | udp
  // containerPortRange "first-last"; both 0 when the mapping is a single port.
  int range_first = 0;
  int range_last = 0;
};

struct ContainerSpec {
  std::string name;
  std::string image;
  int64_t cpu = 0;                            // CPU units; 0 when omitted
  std::optional<int64_t> memory;              // hard limit, MiB
  std::optional<int64_t> memory_reservation;  // soft limit, MiB
  bool essential = true;
  bool has_health_check = false;
  int gpu_count = 0;  // resourceRequirements of type GPU
  std::vector<PortMappingSpec> port_mappings;
};

struct TaskDefinitionSpec {
  std::string family;
  std::string network_mode;  // "" when not given (behaves as bridge; the body omits it)
  std::vector<std::string> requires_compatibilities;  // as sent
  std::vector<std::string> compatibilities;           // computed, in ECS's order
  std::optional<int64_t> cpu;     // task level, CPU units (normalized from "1 vCPU" etc.)
  std::optional<int64_t> memory;  // task level, MiB (normalized from "1 GB" etc.)
  std::vector<ContainerSpec> containers;
  std::vector<std::string> member_of_expressions;  // placementConstraints (all are memberOf)
  std::vector<std::string> requires_attributes;    // attribute names, as in the body
  model::TagList tags;                             // validated; NOT part of body_json
  // The TaskDefinition object (a complete JSON object, braces included) without the members the
  // control plane owns: taskDefinitionArn, revision, status, registeredAt, deregisteredAt,
  // deleteRequestedAt, registeredBy. Members are already in the order AWS writes them; pass it
  // to RenderTaskDefinition to splice those in at their places.
  std::string body_json;
  // Where RenderTaskDefinition inserts the control plane's members into body_json, as byte
  // offsets just after the member each follows (before that member's comma): revision after
  // networkMode's place (before volumes), status after volumes, the registration timestamps and
  // registeredBy after proxyConfiguration's place. All 0 when unknown (render then scans).
  struct Splices {
    size_t revision = 0;
    size_t status = 0;
    size_t registered = 0;
  } splices;
};

// Validates and normalizes a RegisterTaskDefinition request object (the whole request body).
Result<TaskDefinitionSpec> NormalizeTaskDefinition(const rapidjson::Value& request);

// The members the control plane adds to a registered definition.
struct TaskDefinitionRegistration {
  std::string arn;
  int64_t revision = 0;
  std::string status;  // ACTIVE | INACTIVE | DELETE_IN_PROGRESS
  Millis registered_at = 0;
  std::string registered_by;
  std::optional<Millis> deregistered_at;
  std::optional<Millis> delete_requested_at;
};

// The full TaskDefinition JSON object as DescribeTaskDefinition returns it:
//   {"taskDefinitionArn", containerDefinitions, family, taskRoleArn, executionRoleArn,
//    networkMode, "revision", volumes, "status", requiresAttributes, placementConstraints,
//    compatibilities, requiresCompatibilities, cpu, memory, runtimePlatform,
//    inferenceAccelerators, pidMode, ipcMode, proxyConfiguration, "registeredAt",
//    "deregisteredAt", "deleteRequestedAt", "registeredBy", ephemeralStorage,
//    enableFaultInjection}
// (quoted = from `reg`; the rest from `body_json`, each only when present).
// REQUIRES: body_json is a body_json produced by NormalizeTaskDefinition.
std::string RenderTaskDefinition(std::string_view body_json, const TaskDefinitionRegistration& reg);
// The same, by the splice offsets NormalizeTaskDefinition recorded (no scan of the body).
std::string RenderTaskDefinition(const TaskDefinitionSpec& spec,
                                 const TaskDefinitionRegistration& reg);

// "1 vCPU"/"1vcpu"/"0.5 vCPU"/"512" ⇒ CPU units; nullopt when not a valid, whole number of units.
std::optional<int64_t> ParseTaskCpu(std::string_view text);
// "1GB"/"1 GB"/"0.5GB"/"512" ⇒ MiB; nullopt when not a valid, whole number of MiB.
std::optional<int64_t> ParseTaskMemory(std::string_view text);
// True when (cpu units, MiB) is a task size Fargate offers (the table in operations.md A20).
bool IsValidFargateSize(int64_t cpu, int64_t memory);

// Steps of NormalizeTaskDefinition that decide where a definition can run
// (task_definition_compat.cc). REQUIRES: `request` passed the type checks and `spec` holds the
// network mode, requiresCompatibilities, task cpu/memory and containers read from it.
// Why the definition cannot run on Fargate (the ECS message), or nullopt when it can.
std::optional<std::string> FargateProblem(const rapidjson::Value& request,
                                          const TaskDefinitionSpec& spec);
// Fills spec.compatibilities; ClientException when a requested compatibility is impossible.
Status ComputeCompatibilities(const rapidjson::Value& request, TaskDefinitionSpec& spec);
// Fills spec.requires_attributes.
void ComputeRequiresAttributes(const rapidjson::Value& request, TaskDefinitionSpec& spec);

}  // namespace ecs::control

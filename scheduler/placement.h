// The EC2/EXTERNAL placement engine (docs/scheduling.md §2-§4, §6): given a snapshot of a cluster's
// container instances and one request (a task's demand × count, constraints, strategies, seed),
// decide where each task goes or why it cannot go anywhere.
//
// Pipeline per task: candidates (ACTIVE, launch type, capacity provider) → agent, attributes,
// location → resources (CPU, memory, ports, GPU, ENI) → constraints → strategies as successive
// tie-breakers → seeded random among the remaining ties. Tasks of one request see the
// reservations of the earlier ones (resources, ports, distinctInstance, spread counts), held in a
// local overlay: the InstanceViews are never modified, and the caller commits the returned plan.
//
// Pure: no I/O, no clock, randomness only from request.seed. The same inputs and seed give the
// same plan; with any strategy but random alone, in any order of the inputs too (random draws
// positions in the caller's list, which the control layer keeps in instance-id order). Cost: one
// pass over the instances per request plus one per task, with no per-instance allocation (a
// request of count 1 over 1,000 instances takes tens of µs); random alone evaluates only the
// instances it draws while most pass (a few, against every instance).
#pragma once

#include <span>
#include <vector>

#include "common/status.h"
#include "scheduler/instance_view.h"
#include "scheduler/placement_trace.h"
#include "scheduler/placement_types.h"

namespace ecs::scheduler {

// Places request.count tasks. Returns one TaskPlacement per task, in order. Once a task cannot be
// placed the rest of the request cannot be either (state only tightens), so they repeat its
// failure. InvalidParameterException for malformed requests (negative count or resources, more
// than 5 strategies or 10 constraints, an empty memberOf expression, an unnamed spread attribute).
// With `trace`, also records why (placement_trace.h); it changes nothing about the decision.
// REQUIRES: the pointers are non-null and outlive the call; ARNs are unique.
Result<std::vector<TaskPlacement>> PlaceTasks(std::span<const InstanceView* const> instances,
                                              const PlacementRequest& request,
                                              PlacementTrace* trace = nullptr);

// Convenience overload for a contiguous array of instances (instance_index refers to it).
Result<std::vector<TaskPlacement>> PlaceTasks(std::span<const InstanceView> instances,
                                              const PlacementRequest& request,
                                              PlacementTrace* trace = nullptr);

}  // namespace ecs::scheduler

// Encoders for resources that several operations return (tasks, container instances,
// task definitions) and the `failures` list.
#pragma once

#include <set>
#include <string>
#include <vector>

#include "api/encode_cache.h"
#include "common/json.h"
#include "control/control_plane.h"

namespace ecs::api {

void WriteContainerInstance(JsonWriter& w, const control::ControlPlane& cp,
                            const model::ContainerInstance& ci,
                            const std::set<std::string>& include);
void WriteTask(JsonWriter& w, const control::ControlPlane& cp, EncodeCache& cache,
               const model::Task& t, bool include_tags);
void WriteFailures(JsonWriter& w, const std::vector<control::DescribeFailure>& failures);
// {"tasks":[...],"failures":[...]}: the reply of DescribeTasks, RunTask and StartTask. With
// `cache`, tasks keep their encoding for the next describe; a task just created is about to
// change, so RunTask passes false.
std::string TasksReply(const control::ControlPlane& cp, EncodeCache& cache,
                       const std::vector<const model::Task*>& tasks,
                       const std::vector<control::DescribeFailure>& failures, bool include_tags,
                       bool cache_them = true);
// The TaskDefinition object every task-definition operation returns.
std::string TaskDefinitionJson(const control::TaskDefinitionRecord& r);
// A task's `overrides` as ECS shows them: the request's TaskOverride with one
// containerOverrides entry per container (request entries as sent, the others just {"name"}),
// in definition order, and inferenceAcceleratorOverrides present.
std::string TaskOverridesJson(const model::Task& t);

}  // namespace ecs::api

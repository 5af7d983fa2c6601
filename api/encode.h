// Encoders for resources that several operations return (tasks, container instances).
#pragma once

#include <set>
#include <string>

#include "common/json.h"
#include "control/control_plane.h"

namespace ecs::api {

void WriteContainerInstance(JsonWriter& w, const control::ControlPlane& cp,
                            const model::ContainerInstance& ci,
                            const std::set<std::string>& include);
void WriteTask(JsonWriter& w, const control::ControlPlane& cp, const model::Task& t,
               bool include_tags);
void WriteFailures(JsonWriter& w, const std::vector<control::DescribeFailure>& failures);
// {"tasks":[...],"failures":[...]}: the reply of DescribeTasks, RunTask and StartTask. With
// `cache`, tasks keep their encoding for the next describe (model::Task::json_cache); a task
// just created is about to change, so RunTask passes false.
std::string TasksReply(const control::ControlPlane& cp,
                       const std::vector<const model::Task*>& tasks,
                       const std::vector<control::DescribeFailure>& failures, bool include_tags,
                       bool cache = true);

}  // namespace ecs::api

// Encoders for resources that several operations return (tasks, container instances).
#pragma once

#include <set>
#include <string>

#include "common/json.h"
#include "control/control_plane.h"

namespace ecs::api {

void WriteContainerInstance(JsonWriter& w, const control::ControlPlane& cp,
                            const model::ContainerInstance& ci, const std::set<std::string>& include);
void WriteTask(JsonWriter& w, const control::ControlPlane& cp, const model::Task& t,
               bool include_tags);
void WriteFailures(JsonWriter& w, const std::vector<control::DescribeFailure>& failures);

}  // namespace ecs::api

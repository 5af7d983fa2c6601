// Scripted container behaviour: what a container of a launched task does by itself (exit, fail to
// start, turn unhealthy, stop slowly). It comes from the `ecs-emulator.*` dockerLabels of the
// task definition (taskdef/runtime.h) and is copied into each container when the task is launched
// (control/task_launcher.cc). Plain data.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "common/clock.h"

namespace ecs::model {

// The effects a label set asks for; unset members leave the container's default behaviour.
struct BehaviorEffects {
  std::optional<int64_t> exit_code;
  std::optional<Millis> exit_after;
  std::optional<std::string> fail_to_start;  // the reason text
  std::optional<Millis> unhealthy_after;
  std::optional<Millis> stop_takes;
  bool empty() const {
    return !exit_code && !exit_after && !fail_to_start && !unhealthy_after && !stop_takes;
  }
  bool operator==(const BehaviorEffects&) const = default;
};

}  // namespace ecs::model

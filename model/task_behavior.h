// Scripted container behaviour: what a container of a launched task does by itself (exit, fail to
// start, turn unhealthy, stop slowly). It comes from the `ecs-emulator.*` dockerLabels of the
// task definition (taskdef/runtime.h) and from the rules armed at run time through
// POST /_emulator/task-behaviors; scheduler/behavior_rules.h decides what applies to each
// container when the task is launched (control/task_launcher.cc). Plain data.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

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

// Which containers a run-time rule applies to: every key given must hold (at least one is).
struct BehaviorMatch {
  std::optional<std::string> image;  // a glob: '*' any run of characters, '?' any one
  std::optional<std::string> family;
  std::optional<int64_t> revision;
  std::optional<std::string> container;  // the container's name
  bool empty() const { return !image && !family && !revision && !container; }
  bool operator==(const BehaviorMatch&) const = default;
};

// A rule of POST /_emulator/task-behaviors, for one account and region.
struct BehaviorRule {
  std::string id;
  BehaviorMatch match;
  BehaviorEffects effects;
  bool operator==(const BehaviorRule&) const = default;
};

}  // namespace ecs::model

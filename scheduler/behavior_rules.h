// The one place a container's scripted behaviour is decided, from both of its sources: the
// `ecs-emulator.*` dockerLabels of its task definition (taskdef/runtime.h) and the rules armed
// at run time (POST /_emulator/task-behaviors, model::BehaviorRule). The labels come first;
// each matching rule then overrides the effects it names, in the order the rules were armed (the
// last one armed wins). Matching happens when a task is launched, so a rule armed for an image
// applies to revisions registered after it.
//
// Pure; thread-compatible.
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "model/container_runtime.h"
#include "model/task_behavior.h"

namespace ecs::scheduler {

// What a rule can match a container on.
struct ContainerFacts {
  std::string_view image;
  std::string_view family;
  int64_t revision = 0;
  std::string_view container;
};

// Shell-style glob over the whole text: '*' any run of characters (also none), '?' any one;
// every other character stands for itself. Linear in practice (one backtrack point), so a
// hostile pattern cannot make matching slow.
bool GlobMatch(std::string_view pattern, std::string_view text);

bool Matches(const model::BehaviorMatch& match, const ContainerFacts& facts);

// The behaviour of a container with these facts and label effects under these rules.
model::ContainerBehavior ResolveBehavior(const model::BehaviorEffects& labels,
                                         const std::vector<model::BehaviorRule>& rules,
                                         const ContainerFacts& facts);

// A rule as POST /_emulator/task-behaviors may arm it: at least one match key and one effect,
// an exit code 0..255, exitAfter only with exitCode, failToStart not empty and not with exitCode
// or unhealthyAfter (a container that never starts cannot exit or turn unhealthy), durations not
// negative. InvalidParameter naming the member otherwise.
Status ValidateRule(const model::BehaviorRule& rule);

}  // namespace ecs::scheduler

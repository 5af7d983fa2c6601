// What fails a service deployment besides the circuit breaker (issue #13), as pure decisions over
// plain values and an injected time:
//
//  - AWS_LAMBDA lifecycle hooks. No Lambda exists here, so a hook's function is simulated by a
//    script (POST /_emulator/hooks): IN_PROGRESS for its first `in_progress` invocations, then
//    its result. ECS invokes the function when the hook's stage starts and, while it answers
//    IN_PROGRESS, again every 30 seconds (the developer guide's default callBackDelay; the
//    simulated function never asks for another delay).
//  - Deployment alarms (deploymentConfiguration.alarms): the deployment fails as soon as one of
//    its alarms is in ALARM (the model's ServiceDeploymentAlarms documentation).
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "common/clock.h"
#include "model/service.h"

namespace ecs::scheduler {

// ECS's default delay before it invokes a hook that answered IN_PROGRESS again.
inline constexpr Millis kHookCallbackDelay = 30'000;

// What a simulated hook function answers (POST /_emulator/hooks): IN_PROGRESS `in_progress`
// times, then `result` (SUCCEEDED or FAILED).
struct HookScript {
  std::string target_pattern;  // a Lambda ARN, or a glob over it ('*', '?')
  int64_t in_progress = 0;
  model::HookStatus result = model::HookStatus::kSucceeded;
};

// The script that applies to a hook target: the last one set whose pattern matches it; none = a
// function that succeeds at once.
HookScript ScriptFor(const std::vector<HookScript>& scripts, const std::string& target_arn);

// One AWS_LAMBDA hook run as far as invoking it goes.
struct LambdaHookState {
  int64_t invocations = 0;    // made so far
  Millis next_invoke_at = 0;  // when the next one is due
  HookScript script;          // fixed when the run starts, so a restart replays the same answers
};

struct LambdaInvocation {
  bool invoked = false;  // an invocation was due at `now`
  model::HookStatus answer = model::HookStatus::kInProgress;
  Millis next_invoke_at = 0;  // after an IN_PROGRESS answer
};

// Invokes the hook's function if an invocation is due at `now`.
LambdaInvocation InvokeIfDue(const LambdaHookState& hook, Millis now);

// A deployment's alarm watch: which of its alarms are in ALARM now.
struct AlarmVerdict {
  bool triggered = false;
  std::vector<std::string> triggered_names;  // in the order the configuration names them
};
// `states`: the simulated CloudWatch state of each known alarm ("ALARM", "OK", ...); an alarm
// never set is in OK (a configured alarm that does not exist cannot fire).
AlarmVerdict WatchAlarms(const std::vector<std::string>& alarm_names,
                         const std::map<std::string, std::string>& states);

}  // namespace ecs::scheduler

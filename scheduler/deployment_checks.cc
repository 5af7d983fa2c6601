#include "scheduler/deployment_checks.h"

#include "scheduler/behavior_rules.h"

namespace ecs::scheduler {

HookScript ScriptFor(const std::vector<HookScript>& scripts, const std::string& target_arn) {
  for (auto it = scripts.rbegin(); it != scripts.rend(); ++it) {
    if (GlobMatch(it->target_pattern, target_arn)) return *it;
  }
  HookScript succeed_at_once;
  succeed_at_once.target_pattern = target_arn;
  return succeed_at_once;
}

LambdaInvocation InvokeIfDue(const LambdaHookState& hook, Millis now) {
  LambdaInvocation out;
  if (now < hook.next_invoke_at) return out;
  out.invoked = true;
  if (hook.invocations < hook.script.in_progress) {
    out.answer = model::HookStatus::kInProgress;
    out.next_invoke_at = now + kHookCallbackDelay;
  } else {
    out.answer = hook.script.result;
  }
  return out;
}

AlarmVerdict WatchAlarms(const std::vector<std::string>& alarm_names,
                         const std::map<std::string, std::string>& states) {
  AlarmVerdict out;
  for (const std::string& name : alarm_names) {
    auto it = states.find(name);
    if (it != states.end() && it->second == "ALARM") out.triggered_names.push_back(name);
  }
  out.triggered = !out.triggered_names.empty();
  return out;
}

}  // namespace ecs::scheduler

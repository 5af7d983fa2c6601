// The rules of POST /_emulator/task-behaviors: kept in memory per account and region, matched
// when a task is launched (scheduler/behavior_rules.h). Not stored: a restart forgets them, as
// it forgets faults; a reset clears those of its scope.
#include "scheduler/behavior_rules.h"

#include "control/control_plane.h"

namespace ecs::control {

namespace {
// Enough for any script; a bound so a runaway loop cannot grow memory (and launch cost) forever.
constexpr size_t kMaxRulesPerTenant = 1000;
}  // namespace

Result<std::string> ControlPlane::ArmBehaviorRule(const Tenant& tenant, model::BehaviorRule rule) {
  ECS_RETURN_IF_ERROR(scheduler::ValidateRule(rule));
  auto& rules = state_.behavior_rules[tenant];
  if (rules.size() >= kMaxRulesPerTenant) {
    return Status::InvalidParameter("At most " + std::to_string(kMaxRulesPerTenant) +
                                    " task behaviour rules per account and region; delete some.");
  }
  rule.id = state_.ids.Uuid();
  rules.push_back(std::move(rule));
  return rules.back().id;
}

void ControlPlane::ClearBehaviorRules(const StateScope& scope) {
  std::erase_if(state_.behavior_rules,
                [&](const auto& entry) { return scope.Covers(entry.first); });
}

bool ControlPlane::DeleteBehaviorRule(const Tenant& tenant, const std::string& id) {
  auto it = state_.behavior_rules.find(tenant);
  if (it == state_.behavior_rules.end()) return false;
  return std::erase_if(it->second, [&](const auto& r) { return r.id == id; }) > 0;
}

}  // namespace ecs::control

#include "scheduler/behavior_rules.h"

namespace ecs::scheduler {

bool GlobMatch(std::string_view pattern, std::string_view text) {
  size_t p = 0, t = 0;
  // The last '*' seen and the text position it is currently taken to end at: on a mismatch the
  // star takes one more character. Only the last star needs remembering, so this is
  // O(pattern x text) at worst and linear for the patterns people write.
  size_t star = std::string_view::npos, star_text = 0;
  while (t < text.size()) {
    if (p < pattern.size() && (pattern[p] == '?' || pattern[p] == text[t])) {
      ++p;
      ++t;
    } else if (p < pattern.size() && pattern[p] == '*') {
      star = p++;
      star_text = t;
    } else if (star != std::string_view::npos) {
      p = star + 1;
      t = ++star_text;
    } else {
      return false;
    }
  }
  while (p < pattern.size() && pattern[p] == '*') ++p;
  return p == pattern.size();
}

bool Matches(const model::BehaviorMatch& m, const ContainerFacts& f) {
  if (m.empty()) return false;
  if (m.image && !GlobMatch(*m.image, f.image)) return false;
  if (m.family && *m.family != f.family) return false;
  if (m.revision && *m.revision != f.revision) return false;
  if (m.container && *m.container != f.container) return false;
  return true;
}

namespace {

void Override(model::BehaviorEffects& into, const model::BehaviorEffects& from) {
  if (from.exit_code) into.exit_code = from.exit_code;
  if (from.exit_after) into.exit_after = from.exit_after;
  if (from.fail_to_start) into.fail_to_start = from.fail_to_start;
  if (from.unhealthy_after) into.unhealthy_after = from.unhealthy_after;
  if (from.stop_takes) into.stop_takes = from.stop_takes;
}

}  // namespace

model::ContainerBehavior ResolveBehavior(const model::BehaviorEffects& labels,
                                         const std::vector<model::BehaviorRule>& rules,
                                         const ContainerFacts& facts) {
  model::BehaviorEffects effects = labels;
  for (const auto& rule : rules) {
    if (Matches(rule.match, facts)) Override(effects, rule.effects);
  }
  model::ContainerBehavior b;
  b.exit_code = effects.exit_code;
  b.exit_after = effects.exit_after.value_or(0);
  b.fail_to_start = effects.fail_to_start.value_or("");
  b.unhealthy_after = effects.unhealthy_after;
  b.stop_takes = effects.stop_takes.value_or(0);
  return b;
}

Status ValidateRule(const model::BehaviorRule& rule) {
  const model::BehaviorEffects& e = rule.effects;
  if (rule.match.empty()) {
    return Status::InvalidParameter(
        "match must name at least one of image, family, revision, container.");
  }
  if (rule.match.image && rule.match.image->empty()) {
    return Status::InvalidParameter("match.image must not be empty.");
  }
  if (e.empty()) {
    return Status::InvalidParameter(
        "A rule needs at least one effect: exitCode, failToStart, unhealthyAfter, stopTakes.");
  }
  if (e.exit_code && (*e.exit_code < 0 || *e.exit_code > 255)) {
    return Status::InvalidParameter("exitCode must be an integer from 0 to 255.");
  }
  if (e.exit_after && !e.exit_code) {
    return Status::InvalidParameter(
        "exitAfter needs exitCode (the code the container exits with).");
  }
  if (e.fail_to_start && e.fail_to_start->empty()) {
    return Status::InvalidParameter("failToStart must be the reason text, not empty.");
  }
  if (e.fail_to_start && (e.exit_code || e.unhealthy_after)) {
    return Status::InvalidParameter(
        "failToStart cannot be combined with exitCode or unhealthyAfter: the container never "
        "starts.");
  }
  return Status::Ok();
}

}  // namespace ecs::scheduler

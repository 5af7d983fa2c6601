// Behaviour rules: glob matching, which rules match a container, how labels and rules combine,
// and which rules are refused.
#include "scheduler/behavior_rules.h"

#include <catch2/catch.hpp>
#include <string>

namespace ecs::scheduler {
namespace {

TEST_CASE("Globs match the whole text", "[behavior]") {
  CHECK(GlobMatch("repo/app:*", "repo/app:bad"));
  CHECK(GlobMatch("repo/app:*", "repo/app:"));
  CHECK_FALSE(GlobMatch("repo/app:*", "other/repo/app:bad"));
  CHECK(GlobMatch("*/app:b?d", "repo/app:bad"));
  CHECK_FALSE(GlobMatch("*/app:b?d", "repo/app:baad"));
  CHECK(GlobMatch("*", ""));
  CHECK(GlobMatch("a*b*c", "aXXbYYbc"));
  CHECK_FALSE(GlobMatch("a*b*c", "aXXbYYb"));
  CHECK(GlobMatch("nginx", "nginx"));
  CHECK_FALSE(GlobMatch("nginx", "nginx:latest"));
  // A hostile pattern over a long text stays quick (no exponential backtracking).
  const std::string text(20000, 'a');
  CHECK_FALSE(GlobMatch("*a*a*a*a*a*a*a*a*b", text));
}

TEST_CASE("A rule matches when every key it gives holds", "[behavior]") {
  const ContainerFacts facts{"repo/app:bad", "web", 3, "app"};
  model::BehaviorMatch m;
  CHECK_FALSE(Matches(m, facts));  // no key: matches nothing
  m.image = "repo/app:*";
  CHECK(Matches(m, facts));
  m.family = "web";
  m.revision = 3;
  m.container = "app";
  CHECK(Matches(m, facts));
  m.revision = 4;
  CHECK_FALSE(Matches(m, facts));
  m.revision.reset();
  m.container = "sidecar";
  CHECK_FALSE(Matches(m, facts));
}

TEST_CASE("Labels first, then each matching rule in the order armed", "[behavior]") {
  model::BehaviorEffects labels;
  labels.exit_code = 1;
  labels.exit_after = 5000;
  model::BehaviorRule first;
  first.match.family = "web";
  first.effects.exit_code = 0;
  model::BehaviorRule second;
  second.match.image = "*";
  second.effects.stop_takes = 20'000;
  model::BehaviorRule other;
  other.match.family = "db";
  other.effects.fail_to_start = "CannotPullContainerError: pull access denied";
  const auto b =
      ResolveBehavior(labels, {first, second, other}, ContainerFacts{"nginx", "web", 1, "app"});
  CHECK(b.exit_code == 0);      // the rule overrides the label
  CHECK(b.exit_after == 5000);  // what no rule names stays the label's
  CHECK(b.stop_takes == 20'000);
  CHECK(b.fail_to_start.empty());  // the db rule does not match
  const auto none = ResolveBehavior({}, {}, ContainerFacts{"nginx", "web", 1, "app"});
  CHECK(none == model::ContainerBehavior{});
}

TEST_CASE("Rules that cannot be honoured are refused by name", "[behavior]") {
  model::BehaviorRule r;
  r.effects.exit_code = 0;
  CHECK(ValidateRule(r).message().find("match") != std::string::npos);
  r.match.image = "repo/*";
  CHECK(ValidateRule(r).ok());
  r.effects.exit_code = 256;
  CHECK(ValidateRule(r).message().find("exitCode") != std::string::npos);
  r.effects = {};
  CHECK(ValidateRule(r).message().find("effect") != std::string::npos);
  r.effects.exit_after = 1000;
  CHECK(ValidateRule(r).message().find("exitAfter needs exitCode") != std::string::npos);
  r.effects = {};
  r.effects.fail_to_start = "CannotPullContainerError";
  r.effects.unhealthy_after = 0;
  CHECK(ValidateRule(r).message().find("failToStart cannot") != std::string::npos);
}

}  // namespace
}  // namespace ecs::scheduler

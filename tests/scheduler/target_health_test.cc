// Simulated load-balancer target health on a manual timeline: initial -> healthy after the first
// passing check, unhealthy after the unhealthy threshold of failed checks, draining for the
// deregistration delay, then unused.
#include "scheduler/target_health.h"

#include <catch2/catch.hpp>

namespace ecs::scheduler {
namespace {

TargetHealthConfig Realistic() { return {30'000, 2, 300'000}; }

TEST_CASE("A new target is initial until its first check passed", "[target]") {
  const auto c = Realistic();
  const TargetTimes t{1000, std::nullopt, std::nullopt};
  auto at = TargetStateAt(c, t, 1000);
  CHECK(at.state == TargetState::kInitial);
  CHECK(at.next_change == 31'000);
  CHECK(TargetStateAt(c, t, 30'999).state == TargetState::kInitial);
  at = TargetStateAt(c, t, 31'000);
  CHECK(at.state == TargetState::kHealthy);
  CHECK(at.since == 31'000);
  CHECK_FALSE(at.next_change);
}

TEST_CASE("Failing checks make a target unhealthy after unhealthy_threshold", "[target]") {
  const auto c = Realistic();
  // Fails from 200 s: checks at 210 s and 240 s fail -> unhealthy at 240 s.
  TargetTimes t{0, 200'000, std::nullopt};
  auto at = TargetStateAt(c, t, 200'000);
  CHECK(at.state == TargetState::kHealthy);
  CHECK(at.next_change == 240'000);
  CHECK(TargetStateAt(c, t, 239'999).state == TargetState::kHealthy);
  CHECK(TargetStateAt(c, t, 240'000).state == TargetState::kUnhealthy);
  CHECK(TargetStateAt(c, t, 900'000).since == 240'000);
  // Failing from the start: never healthy, unhealthy after two failed checks.
  t.failing_from = 0;
  at = TargetStateAt(c, t, 0);
  CHECK(at.state == TargetState::kInitial);
  CHECK(at.next_change == 60'000);
  CHECK(TargetStateAt(c, t, 30'000).state == TargetState::kInitial);
  CHECK(TargetStateAt(c, t, 60'000).state == TargetState::kUnhealthy);
}

TEST_CASE("A deregistered target drains for the delay, then is unused", "[target]") {
  const auto c = Realistic();
  const TargetTimes t{0, std::nullopt, 500'000};
  auto at = TargetStateAt(c, t, 500'000);
  CHECK(at.state == TargetState::kDraining);
  CHECK(at.next_change == 800'000);
  CHECK(TargetStateAt(c, t, 799'999).state == TargetState::kDraining);
  CHECK(TargetStateAt(c, t, 800'000).state == TargetState::kUnused);
  CHECK(TargetReason(TargetState::kDraining) == "Target.DeregistrationInProgress");
}

TEST_CASE("With an interval of 0 the first check passes at registration", "[target]") {
  const TargetHealthConfig c;  // instant
  CHECK(TargetStateAt(c, {5, std::nullopt, std::nullopt}, 5).state == TargetState::kHealthy);
  CHECK(TargetStateAt(c, {5, 7, std::nullopt}, 6).state == TargetState::kHealthy);
  CHECK(TargetStateAt(c, {5, 7, std::nullopt}, 7).state == TargetState::kUnhealthy);
  CHECK(TargetStateAt(c, {5, 5, std::nullopt}, 5).state == TargetState::kUnhealthy);
  CHECK(TargetStateAt(c, {5, std::nullopt, 9}, 9).state == TargetState::kUnused);
}

}  // namespace
}  // namespace ecs::scheduler

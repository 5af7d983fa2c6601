// Capacity-provider strategies: the base/weight split against hand-computed tables, the shape
// rules, and which provider gives a task back on scale-in.
#include "scheduler/capacity_strategy.h"

#include <catch2/catch.hpp>
#include <cstdint>
#include <string>
#include <vector>

namespace ecs::scheduler {
namespace {

using Counts = std::vector<int64_t>;

model::CapacityProviderStrategy Strategy(
    const std::vector<std::tuple<std::string, int64_t, int64_t>>& items) {
  model::CapacityProviderStrategy s;
  for (const auto& [name, base, weight] : items) s.push_back({name, weight, base});
  return s;
}

TEST_CASE("Split of new tasks: base first, then by weight", "[capacity]") {
  struct Case {
    const char* what;
    model::CapacityProviderStrategy strategy;
    int64_t total;
    Counts expected;
  };
  // Each row worked by hand: base on its provider, the rest proportional to the weights, ties to
  // the provider listed first.
  const std::vector<Case> cases = {
      {"issue: FARGATE base 2 weight 1, SPOT weight 3, 10 tasks",
       Strategy({{"FARGATE", 2, 1}, {"FARGATE_SPOT", 0, 3}}),
       10,
       {4, 6}},
      {"equal weights alternate", Strategy({{"A", 0, 1}, {"B", 0, 1}}), 5, {3, 2}},
      {"weight 0 gets nothing beyond its base", Strategy({{"A", 3, 0}, {"B", 0, 1}}), 7, {3, 4}},
      {"only the base when fewer tasks than base", Strategy({{"A", 5, 1}, {"B", 0, 1}}), 3, {3, 0}},
      {"base item also takes its weighted share", Strategy({{"A", 1, 1}, {"B", 0, 4}}), 11, {3, 8}},
      {"three providers 1:2:3", Strategy({{"A", 0, 1}, {"B", 0, 2}, {"C", 0, 3}}), 12, {2, 4, 6}},
      {"zero tasks", Strategy({{"A", 2, 1}, {"B", 0, 1}}), 0, {0, 0}},
      {"single provider", Strategy({{"A", 0, 1}}), 4, {4}},
      {"base listed second", Strategy({{"A", 0, 1}, {"B", 2, 1}}), 6, {2, 4}},
  };
  for (const Case& c : cases) {
    INFO(c.what);
    CHECK(TargetSplit(c.strategy, c.total) == c.expected);
  }
}

TEST_CASE("Adding tasks to existing ones keeps the split", "[capacity]") {
  const auto s = Strategy({{"FARGATE", 2, 1}, {"FARGATE_SPOT", 0, 3}});
  // 4 running as 2/2 (base filled, weighted 0/2): the next 6 go 2 + 4 → 4/6.
  CHECK(DistributeTasks(s, Counts{2, 2}, 6) == Counts{2, 4});
  // Replacing one SPOT task of a 4/6 split puts it back on SPOT.
  CHECK(DistributeTasks(s, Counts{4, 5}, 1) == Counts{0, 1});
  // An empty base is refilled first.
  CHECK(DistributeTasks(s, Counts{0, 6}, 2) == Counts{2, 0});
}

TEST_CASE("Scale-in gives back the task of the provider furthest above its share", "[capacity]") {
  const auto s = Strategy({{"FARGATE", 2, 1}, {"FARGATE_SPOT", 0, 3}});
  CHECK(PickItemToShrink(s, Counts{4, 6}) == 1);  // 9 tasks split 4/5: SPOT gives one back
  CHECK(PickItemToShrink(s, Counts{2, 0}) == 0);
  CHECK(PickItemToShrink(s, Counts{0, 0}) == -1);
  // Shrinking 10 → 2 one at a time ends on the base.
  Counts counts{4, 6};
  for (int i = 0; i < 8; ++i) --counts[static_cast<size_t>(PickItemToShrink(s, counts))];
  CHECK(counts == Counts{2, 0});
}

TEST_CASE("Strategy shape rules", "[capacity]") {
  CHECK(ValidateStrategyShape(Strategy({{"A", 1, 1}, {"B", 0, 1}})).ok());
  CHECK_FALSE(ValidateStrategyShape(Strategy({{"A", 1, 1}, {"B", 1, 1}})).ok());  // two bases
  CHECK_FALSE(ValidateStrategyShape(Strategy({{"A", 0, 1}, {"A", 0, 1}})).ok());  // duplicate
  CHECK_FALSE(ValidateStrategyShape(Strategy({{"A", 0, 1001}})).ok());
  CHECK_FALSE(ValidateStrategyShape(Strategy({{"A", 100001, 1}})).ok());
  CHECK_FALSE(ValidateStrategyShape(Strategy({{"A", -1, 1}})).ok());
  model::CapacityProviderStrategy many;
  for (int i = 0; i < 21; ++i) many.push_back({"P" + std::to_string(i), 1, 0});
  CHECK_FALSE(ValidateStrategyShape(many).ok());
  many.pop_back();
  CHECK(ValidateStrategyShape(many).ok());
  CHECK_FALSE(HasPositiveWeight(Strategy({{"A", 2, 0}})));
  CHECK(HasPositiveWeight(Strategy({{"A", 2, 0}, {"B", 0, 1}})));
}

}  // namespace
}  // namespace ecs::scheduler

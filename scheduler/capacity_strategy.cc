#include "scheduler/capacity_strategy.h"

#include <algorithm>
#include <set>
#include <string>

namespace ecs::scheduler {

namespace {

// The item that holds the base, or -1.
int BaseItem(const model::CapacityProviderStrategy& strategy) {
  for (size_t i = 0; i < strategy.size(); ++i) {
    if (strategy[i].base > 0) return static_cast<int>(i);
  }
  return -1;
}

// Tasks of item i that count toward its weighted share (those beyond its base).
int64_t BeyondBase(const model::CapacityProviderStrategyItem& item, int64_t tasks) {
  return std::max<int64_t>(0, tasks - item.base);
}

// The item of positive weight that is furthest below its share: the smallest
// (beyond_i + 1) / weight_i, compared as cross products (no rounding). -1 when none has weight.
int MostUnderShare(const model::CapacityProviderStrategy& strategy,
                   const std::vector<int64_t>& counts) {
  int best = -1;
  for (size_t i = 0; i < strategy.size(); ++i) {
    if (strategy[i].weight <= 0) continue;
    if (best < 0) {
      best = static_cast<int>(i);
      continue;
    }
    const auto b = static_cast<size_t>(best);
    const int64_t lhs = (BeyondBase(strategy[i], counts[i]) + 1) * strategy[b].weight;
    const int64_t rhs = (BeyondBase(strategy[b], counts[b]) + 1) * strategy[i].weight;
    if (lhs < rhs) best = static_cast<int>(i);
  }
  return best;
}

}  // namespace

Status ValidateStrategyShape(const model::CapacityProviderStrategy& strategy) {
  // [I] the text of the item-count and duplicate errors; the bounds' texts are observed.
  if (strategy.size() > kMaxStrategyItems) {
    return Status::InvalidParameter(
        "The capacity provider strategy can contain a maximum of 20 capacity providers.");
  }
  std::set<std::string> seen;
  int with_base = 0;
  for (const auto& item : strategy) {
    if (!seen.insert(item.capacity_provider).second) {
      return Status::InvalidParameter(
          "The specified capacity provider strategy cannot contain duplicate capacity "
          "providers.");
    }
    if (item.weight < 0 || item.weight > kMaxStrategyWeight) {
      return Status::InvalidParameter(
          "The capacity provider strategy weight must be between 0 and 1000.");
    }
    if (item.base < 0 || item.base > kMaxStrategyBase) {
      return Status::InvalidParameter(
          "The capacity provider strategy base must be between 0 and 100000.");
    }
    if (item.base > 0) ++with_base;
  }
  if (with_base > 1) {
    return Status::InvalidParameter(
        "A base value can only be specified for one capacity provider in a capacity provider "
        "strategy.");
  }
  return Status::Ok();
}

bool HasPositiveWeight(const model::CapacityProviderStrategy& strategy) {
  for (const auto& item : strategy) {
    if (item.weight > 0) return true;
  }
  return false;
}

std::vector<int64_t> DistributeTasks(const model::CapacityProviderStrategy& strategy,
                                     std::span<const int64_t> existing, int64_t count) {
  std::vector<int64_t> counts(existing.begin(), existing.end());
  std::vector<int64_t> out(strategy.size(), 0);
  if (strategy.empty()) return out;
  const int base_item = BaseItem(strategy);
  for (int64_t k = 0; k < count; ++k) {
    int pick = -1;
    if (base_item >= 0) {
      const auto b = static_cast<size_t>(base_item);
      if (counts[b] < strategy[b].base) pick = base_item;
    }
    if (pick < 0) pick = MostUnderShare(strategy, counts);
    if (pick < 0) pick = base_item >= 0 ? base_item : 0;  // no weight anywhere
    ++counts[static_cast<size_t>(pick)];
    ++out[static_cast<size_t>(pick)];
  }
  return out;
}

std::vector<int64_t> TargetSplit(const model::CapacityProviderStrategy& strategy, int64_t total) {
  std::vector<int64_t> none(strategy.size(), 0);
  return DistributeTasks(strategy, none, total);
}

int PickItemToShrink(const model::CapacityProviderStrategy& strategy,
                     std::span<const int64_t> counts) {
  int64_t total = 0;
  for (int64_t c : counts) total += c;
  if (total <= 0) return -1;
  const std::vector<int64_t> target = TargetSplit(strategy, total - 1);
  int best = -1;
  int64_t best_surplus = 0;
  for (size_t i = 0; i < strategy.size() && i < counts.size(); ++i) {
    if (counts[i] <= 0) continue;
    const int64_t surplus = counts[i] - target[i];
    if (best < 0 || surplus >= best_surplus) {
      best = static_cast<int>(i);
      best_surplus = surplus;
    }
  }
  return best;
}

}  // namespace ecs::scheduler

// Capacity-provider strategy arithmetic (docs/scheduling.md §8.6): the rules every strategy
// obeys, and how a batch of tasks is split over its providers — `base` first, on the one provider
// that has one, then the rest in proportion to the weights; a provider of weight 0 gets nothing
// beyond its base. The split counts the tasks each provider already runs, so a service that
// replaces or adds tasks keeps the same base/weight split, and PickItemToShrink says which
// provider gives a task back on scale-in.
//
// Ties go to the provider listed first. Pure functions over plain values; thread-compatible.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "common/status.h"
#include "model/launch.h"

namespace ecs::scheduler {

inline constexpr size_t kMaxStrategyItems = 20;
inline constexpr int64_t kMaxStrategyWeight = 1000;
inline constexpr int64_t kMaxStrategyBase = 100000;

// The shape rules of a strategy wherever ECS takes one (CreateCluster, PutClusterCapacityProviders,
// RunTask, CreateService, UpdateService, CreateTaskSet): at most 20 items, weight 0-1000, base
// 0-100000, a base on at most one item, no provider twice. InvalidParameterException otherwise.
Status ValidateStrategyShape(const model::CapacityProviderStrategy& strategy);

// Whether some item has a weight above 0: without one, a strategy places no task beyond a base
// and ECS refuses to launch with it.
bool HasPositiveWeight(const model::CapacityProviderStrategy& strategy);

// How many of `count` new tasks each item gets (in strategy order), given that item i already
// runs existing[i] tasks: while the base item has fewer than its base, tasks go there; each other
// task goes to the item of positive weight whose tasks beyond its base are furthest below its
// share, i.e. the smallest (beyond_i + 1) / weight_i. A strategy without a positive weight gives
// everything to its base item (or its first item).
// REQUIRES: existing.size() == strategy.size(), strategy non-empty, counts >= 0.
std::vector<int64_t> DistributeTasks(const model::CapacityProviderStrategy& strategy,
                                     std::span<const int64_t> existing, int64_t count);

// The split ECS aims at for `total` tasks: DistributeTasks from nothing.
std::vector<int64_t> TargetSplit(const model::CapacityProviderStrategy& strategy, int64_t total);

// The item that should give up one task when the service goes from sum(counts) tasks to one
// fewer: the one furthest above its share of the smaller total (ties: the last listed). -1 when
// no item has a task.
int PickItemToShrink(const model::CapacityProviderStrategy& strategy,
                     std::span<const int64_t> counts);

}  // namespace ecs::scheduler

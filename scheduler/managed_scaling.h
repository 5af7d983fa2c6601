// The arithmetic of managed scaling for an Auto Scaling group capacity provider
// (docs/scheduling.md §8.8), and the group's own choice of which instances to terminate.
//
// ECS publishes CapacityProviderReservation = M / N × 100, where N is the number of instances of
// the group (in service or launching) and M the number it needs: the instances running tasks plus
// those a binpack of the tasks waiting in PROVISIONING would fill. A target-tracking policy keeps
// it at targetCapacity: the group wants ceil(M × 100 / targetCapacity) instances. Scale-out adds
// at least minimumScalingStepSize and at most maximumScalingStepSize instances; scale-in (only of
// instances without tasks) goes straight to the target, the step sizes do not bound it.
//
// Pure functions over plain values; thread-compatible.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "common/clock.h"

namespace ecs::scheduler {

// 100 when M = N = 0, 200 when N = 0 < M, else ceil(M / N × 100).
int64_t CapacityProviderReservation(int64_t needed, int64_t instances);

struct ScalingInput {
  int64_t instances = 0;         // N: in service or launching, not being terminated
  int64_t instances_needed = 0;  // M
  int64_t target_capacity = 100;
  int64_t minimum_step = 1;
  int64_t maximum_step = 10000;
  int64_t group_min = 0;
  int64_t group_max = 0;
};

// ceil(M × 100 / targetCapacity), kept within the group's [min, max].
int64_t TargetInstances(const ScalingInput& in);

struct ScalingDecision {
  enum class Action { kNone, kScaleOut, kScaleIn };
  Action action = Action::kNone;
  int64_t desired = 0;  // the group's new desired capacity (N when kNone)
};

// What the target-tracking policy does now (scale-in also waits for the scale-in delay; the
// caller owns that clock).
ScalingDecision DecideScaling(const ScalingInput& in);

// What one waiting task needs from an instance.
struct WaitingDemand {
  int64_t cpu = 0;
  int64_t memory = 0;
};

// How many empty instances of `instance_cpu` × `instance_memory` a first-fit-decreasing binpack of
// the waiting tasks fills. Tasks larger than an instance fit nowhere and add nothing (no instance
// of the group could run them).
int64_t InstancesForWaitingTasks(std::span<const WaitingDemand> tasks, int64_t instance_cpu,
                                 int64_t instance_memory);

// One instance of a group, as its termination policy sees it.
struct GroupInstance {
  std::string id;
  std::string availability_zone;
  Millis launched_at = 0;
  bool protected_from_scale_in = false;  // managed termination protection, while it runs tasks
};

// The instances an Auto Scaling group terminates to shrink by `count`, one at a time by its
// default termination policy: from the availability zone holding the most instances, the
// instance closest to its next billing hour (then the smaller id). Protected instances are never
// chosen, so fewer than `count` may come back. Indices into `instances`.
std::vector<size_t> PickInstancesToTerminate(std::span<const GroupInstance> instances,
                                             int64_t count, Millis now);

// --- One managed-scaling round over a simulated Auto Scaling group ---

// One instance of the group as a scaling round sees it.
struct GroupMember {
  std::string id;
  std::string availability_zone;
  Millis launched_at = 0;
  bool joined = false;    // registered with the cluster (its warm-up is over)
  bool draining = false;  // being emptied before termination (managed draining)
  int64_t tasks = 0;      // tasks on it that are not STOPPED
};

// The provider's settings and its group's bounds.
struct GroupScaling {
  int64_t target_capacity = 100;
  int64_t minimum_step = 1;
  int64_t maximum_step = 10000;
  Millis warmup = 300'000;
  bool termination_protection = false;  // managed termination protection
  bool managed_draining = true;
  int64_t group_min = 0;
  int64_t group_max = 0;
  int64_t instance_cpu = 2048;
  int64_t instance_memory = 8192;
};

// The zone of a group's next instance: the one of `zones` holding the fewest members (the first
// such). REQUIRES: `zones` is not empty.
std::string LeastUsedZone(const std::vector<std::string>& zones,
                          std::span<const GroupMember> members);

// What the round does. New instances join the cluster at `join_at`; `drain` become DRAINING
// (their tasks move away first), `terminate` leave the group and the cluster now.
struct ScalingPlan {
  int64_t reservation = 100;  // CapacityProviderReservation this round saw
  int64_t desired = 0;        // the group's desired capacity afterwards
  int64_t launch = 0;
  Millis join_at = 0;
  std::vector<std::string> drain;
  std::vector<std::string> terminate;
};

// N counts the members not draining; M those running tasks plus the binpack of `waiting` onto
// empty instances. Scale-out launches within the step sizes and the group's max. Scale-in
// shrinks to the target by the group's termination policy over joined members: with managed
// termination protection a member running tasks is never chosen; with managed draining a
// chosen member running tasks is drained first, without it terminated at once. A draining
// member is terminated once it runs nothing. Launching members are left to join.
ScalingPlan PlanScalingRound(const GroupScaling& settings, std::span<const GroupMember> members,
                             std::span<const WaitingDemand> waiting, Millis now);

}  // namespace ecs::scheduler

// Service deployment planner (docs/scheduling.md §7, §8.1-§8.4): given a snapshot of one REPLICA
// service's deployments and non-STOPPED tasks, says what the service scheduler should do on this
// reconcile tick — how many PRIMARY tasks to launch, which tasks to stop and why, which old
// deployments are drained, whether the rollout is complete or stuck — within the
// minimumHealthyPercent / maximumPercent bounds of a rolling update. Also the circuit-breaker
// threshold rule (docs/scheduling.md §8.4).
//
// Pure functions over plain values: no I/O, no clock (health is decided by the caller, which owns
// the 40 s grace), no randomness (victim ties break on ARN), results independent of input order.
// Thread-compatible. DAEMON services (one task per instance) are out of scope: control/ plans
// them directly from the instance list.
//
// Counting choice. maximumPercent caps "RUNNING or PENDING" in the API reference but "RUNNING,
// STOPPING or PENDING" in the developer guide. The planner counts STOPPING tasks toward the cap:
// a stopping task still holds its CPU, memory and ports until STOPPED (docs/scheduling.md §2), so
// the cap stays a true capacity ceiling. The consequence is that a stop frees room only once the
// task has left, so `start_primary` never relies on this tick's own stops.
//
// How the caller applies a Plan: in either order, or both in one ChangeSet. Stops (desiredStatus
// STOPPED) and launches are independent within a tick: launches fit under `upper` counting the
// victims as still present, and only healthy stops are budgeted against `lower`, which launches
// cannot lower. So every intermediate state keeps
//     pending + running + stopping <= upper   and   healthy running >= lower
// whenever the snapshot did (a service that starts outside the bounds only moves toward them).
// Stopping first is still the natural order (it releases capacity sooner for placement).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "model/launch.h"

namespace ecs::scheduler {

// One non-STOPPED task of the service.
struct PlannerTask {
  enum class Phase {
    kPending,   // PROVISIONING, PENDING, ACTIVATING (desiredStatus RUNNING)
    kRunning,   // RUNNING (desiredStatus RUNNING)
    kStopping,  // desiredStatus STOPPED: DEACTIVATING, STOPPING, DEPROVISIONING, or a RUNNING or
                // pending task the scheduler already told to stop
  };
  std::string arn;
  std::string deployment_id;  // startedBy; an id not among the deployments counts as old
  Phase phase = Phase::kPending;
  // RUNNING and past the health grace / health checks: counts toward minimumHealthyPercent.
  // Ignored unless phase is kRunning.
  bool healthy = false;
  // The container instance is DRAINING: the task is replaced like an old-deployment task
  // (docs/scheduling.md §7).
  bool on_draining_instance = false;
  std::string instance_arn;       // empty for Fargate; scale-in balancing key
  std::string availability_zone;  // scale-in balancing key
  std::string capacity_provider;  // scale-in keeps the strategy's split (capacity_strategy.h)
  // Task scale-in protection: never stopped, neither by scale-in nor by a deployment, until it
  // ends (docs/scheduling.md §8.9).
  bool scale_in_protected = false;
};

struct PlannerDeployment {
  enum class Rollout { kInProgress, kCompleted, kFailed };
  std::string id;
  bool primary = false;
  Rollout rollout = Rollout::kInProgress;
};

struct PlanInput {
  int64_t desired_count = 0;  // the service's desiredCount
  int minimum_healthy_percent = 100;
  int maximum_percent = 200;
  std::vector<PlannerDeployment> deployments;  // REQUIRES: exactly one primary
  std::vector<PlannerTask> tasks;              // the service's non-STOPPED tasks
  // The PRIMARY's strategy: scale-in takes tasks from the providers most above their share.
  model::CapacityProviderStrategy capacity_provider_strategy;
};

struct PlannedStop {
  enum class Reason {
    kReplacedByDeployment,  // belongs to an older deployment
    kDrainingInstance,      // its container instance is DRAINING
    kScaleIn,               // surplus PRIMARY task after desiredCount went down
  };
  std::string arn;
  Reason reason = Reason::kScaleIn;
};

struct Plan {
  int64_t lower = 0;               // LowerBound(desired, min%): echoed for events and traces
  int64_t upper = 0;               // UpperBound(desired, max%)
  int64_t start_primary = 0;       // PRIMARY tasks to launch now (placement may fit fewer)
  std::vector<PlannedStop> stops;  // tasks to set desiredStatus STOPPED now, in pick order
  // Work remains (old tasks, replacements or launches missing) yet nothing can be started or
  // stopped and nothing is in flight that could change that (no pending, stopping or
  // not-yet-healthy task). Emit the "unable to stop or start tasks ... service deployment
  // configuration" event (docs/scheduling.md §8.2, §9). Never set for a FAILED primary: that one
  // starts nothing on purpose.
  bool deadlocked = false;
  // Protected tasks hold up the plan: old-deployment tasks a deployment may not stop, or more
  // protected PRIMARY tasks than desiredCount. The id of the deployment holding them (for the
  // "unable to reach steady state ... unable to scale in" event); "" when nothing is held up.
  // Never set together with `deadlocked`.
  std::string blocked_by_protection;
  // Non-primary deployments with no task left in the snapshot (any phase): mark INACTIVE and drop
  // them from `deployments`. Ids in input order.
  std::vector<std::string> drained_deployments;
  // PRIMARY (not FAILED) has exactly desired_count tasks, all RUNNING and healthy, and no other
  // task is pending or running (no old-deployment task in any phase, no task left on a DRAINING
  // instance). The caller flips an IN_PROGRESS rollout to COMPLETED and emits the
  // "deployment completed" event once.
  bool primary_completed = false;
  // primary_completed, the PRIMARY is the only deployment, runningCount == desiredCount and
  // pendingCount == 0: the "has reached a steady state" condition (docs/scheduling.md §9).
  bool steady = false;
};

// One reconcile tick of the rolling-update / scale / drain logic (docs/scheduling.md §7, §8.1 step
// 3, §8.2). REQUIRES: desired_count >= 0; 0 <= minimum_healthy_percent <= 100 <= maximum_percent
// (the API validation of REPLICA services). With no primary deployment it returns an empty Plan.
Plan PlanStep(const PlanInput& in);

// ceil(desired * min_percent / 100): healthy RUNNING tasks a deployment must keep.
int64_t LowerBound(int64_t desired, int min_percent);
// floor(desired * max_percent / 100): tasks allowed to be pending, running or stopping.
int64_t UpperBound(int64_t desired, int max_percent);

// min(200, max(3, ceil(desired / 2))): failed launches that trip the breaker (docs/scheduling.md
// §8.4, current model text; the older docs' minimum of 10 is not used).
int64_t CircuitBreakerThreshold(int64_t desired);
// Stage 1 of the breaker: true when the PRIMARY has failed to start `failed_tasks` tasks in a row
// and has reached the threshold. Once any of its tasks reached RUNNING the start-failure count is
// no longer evaluated (the model resets it), so `ever_running` means never tripped here.
bool CircuitBreakerTripped(int64_t failed_tasks, bool ever_running, int64_t desired);

}  // namespace ecs::scheduler

// The deployment stage machine of BLUE_GREEN, LINEAR and CANARY (issue #13; the stage list and
// what each stage means are the botocore model's ServiceDeployment.lifecycleStage documentation):
// which lifecycle stage a deployment is in, how much of the production and test traffic the new
// (green) revision gets, and when the old (blue) revision may be scaled in. The three strategies
// walk the same stages; only PRODUCTION_TRAFFIC_SHIFT differs (ProductionShift below).
//
//   RECONCILE_SERVICE (only when more than one older revision is still ACTIVE) -> PRE_SCALE_UP
//   -> SCALE_UP (green scaled to the full desiredCount beside blue; left once every green task is
//   healthy) -> POST_SCALE_UP -> TEST_TRAFFIC_SHIFT (test traffic moves to green, all at once)
//   -> POST_TEST_TRAFFIC_SHIFT -> PRODUCTION_TRAFFIC_SHIFT (production traffic moves to green:
//   all at once, in canaryPercent then the rest, or in stepPercent steps; left at 100 %)
//   -> POST_PRODUCTION_TRAFFIC_SHIFT -> BAKE_TIME (bakeTimeInMinutes, blue still
//   running, so a rollback is instant) -> CLEAN_UP (blue scaled in; finished when none is left).
//
// Pure: plain values in, plain values out, time injected. One call moves at most one stage, and
// only once the deployment has spent `stage_dwell` in its stage: the caller passes 1 ms under a
// frozen simulated clock so that every stage can be observed, 0 otherwise. The caller keeps the
// task counts within bounds with the rolling planner (scheduler/deployment_planner.h) at
// minimumHealthyPercent 100 and maximumPercent 200, holding back the stops of blue tasks until
// `scale_in_blue`.
#pragma once

#include <cstdint>

#include "common/clock.h"
#include "model/service.h"

namespace ecs::scheduler {

// How PRODUCTION_TRAFFIC_SHIFT moves production traffic to green: the first shift on entering the
// stage, then one more shift each time `hold` has passed, until green has 100 %.
//   BLUE_GREEN: 100 at once. CANARY: canaryPercent, canaryBakeTimeInMinutes, then the rest.
//   LINEAR: stepPercent, stepBakeTimeInMinutes, stepPercent more, ... (the last step caps at 100;
//   no hold once at 100: the model's LinearConfiguration documentation).
struct ProductionShift {
  double first = 100;  // green's share after the first shift, percent
  double step = 100;   // added by every later shift, percent
  Millis hold = 0;     // the least time between two shifts
};
ProductionShift ProductionShiftFor(model::DeploymentStrategy strategy, double percent,
                                   int64_t bake_minutes);

// Green's share of production traffic after the shift that follows `current` (percent, rounded
// to the 0.1 the model's percents are multiples of, at most 100).
double NextProductionTraffic(const ProductionShift& shift, double current);

struct BlueGreenInput {
  model::LifecycleStage stage = model::LifecycleStage::kPreScaleUp;
  Millis entered_at = 0;  // when the deployment entered `stage`
  Millis now = 0;
  Millis stage_dwell = 0;  // the least time spent in any stage
  Millis bake_time = 0;    // bakeTimeInMinutes, in milliseconds
  int64_t desired_count = 0;
  int64_t green_healthy = 0;  // green tasks RUNNING and healthy
  int64_t blue_live = 0;      // tasks of older revisions not yet STOPPED (any phase)
  // A lifecycle hook of this stage has not resolved yet (a PAUSE hook AWAITING_ACTION): the stage
  // holds, whatever else it waits for.
  bool hooks_pending = false;
  ProductionShift shift;             // the strategy's production traffic schedule
  double production_traffic = 0;     // green's share of production traffic now, percent
  Millis production_shifted_at = 0;  // when production traffic last moved
};

struct BlueGreenStep {
  model::LifecycleStage stage = model::LifecycleStage::kPreScaleUp;
  bool entered = false;           // `stage` was entered on this step (stage_entered_at = now)
  bool shifted = false;           // production traffic moved on this step (shifted_at = now)
  double production_traffic = 0;  // green's share of production traffic, percent
  double test_traffic = 0;        // green's share of test traffic, percent
  bool scale_up_green = false;    // green may be launched (SCALE_UP and later)
  bool scale_in_blue = false;     // blue's tasks may be stopped (CLEAN_UP)
  bool finished = false;          // CLEAN_UP with no blue task left: the deployment succeeded
};

// The first stage of a new deployment: RECONCILE_SERVICE when more than one older revision is
// still ACTIVE (the model's definition of that stage), PRE_SCALE_UP otherwise.
model::LifecycleStage FirstStage(int older_active_revisions);

// One step of the machine from `in.stage`.
BlueGreenStep StepBlueGreen(const BlueGreenInput& in);

// Green's share (production, test) of the traffic while a deployment is in `stage`, for every
// stage but PRODUCTION_TRAFFIC_SHIFT, whose production share follows the ProductionShift (here:
// the share once the stage is done, 100).
struct TrafficShare {
  double production = 0;
  double test = 0;
};
TrafficShare GreenTraffic(model::LifecycleStage stage);

}  // namespace ecs::scheduler

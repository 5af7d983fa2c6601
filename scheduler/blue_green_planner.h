// The BLUE_GREEN deployment stage machine (issue #13; the stage list and what each stage means are
// the botocore model's ServiceDeployment.lifecycleStage documentation): which lifecycle stage a
// deployment is in, how much of the production and test traffic the new (green) revision gets,
// and when the old (blue) revision may be scaled in.
//
//   RECONCILE_SERVICE (only when more than one older revision is still ACTIVE) -> PRE_SCALE_UP
//   -> SCALE_UP (green scaled to the full desiredCount beside blue; left once every green task is
//   healthy) -> POST_SCALE_UP -> TEST_TRAFFIC_SHIFT (test traffic moves to green, all at once)
//   -> POST_TEST_TRAFFIC_SHIFT -> PRODUCTION_TRAFFIC_SHIFT (production traffic moves to green,
//   all at once) -> POST_PRODUCTION_TRAFFIC_SHIFT -> BAKE_TIME (bakeTimeInMinutes, blue still
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
};

struct BlueGreenStep {
  model::LifecycleStage stage = model::LifecycleStage::kPreScaleUp;
  bool entered = false;           // `stage` was entered on this step (stage_entered_at = now)
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

// Green's share (production, test) of the traffic while a deployment is in `stage`.
struct TrafficShare {
  double production = 0;
  double test = 0;
};
TrafficShare GreenTraffic(model::LifecycleStage stage);

}  // namespace ecs::scheduler

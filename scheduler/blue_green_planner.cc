#include "scheduler/blue_green_planner.h"

namespace ecs::scheduler {

using model::LifecycleStage;

model::LifecycleStage FirstStage(int older_active_revisions) {
  return older_active_revisions > 1 ? LifecycleStage::kReconcileService
                                    : LifecycleStage::kPreScaleUp;
}

TrafficShare GreenTraffic(LifecycleStage stage) {
  // Each shift happens all at once when its stage runs (BLUE_GREEN; the model's stage
  // documentation: POST_TEST_TRAFFIC_SHIFT "green handles 100% of the test traffic").
  if (stage >= LifecycleStage::kProductionTrafficShift) return {100, 100};
  if (stage >= LifecycleStage::kTestTrafficShift) return {0, 100};
  return {0, 0};
}

namespace {

// Whether the deployment may leave `in.stage` now (the dwell aside).
bool StageDone(const BlueGreenInput& in) {
  if (in.hooks_pending) return false;
  switch (in.stage) {
    case LifecycleStage::kScaleUp:
      return in.green_healthy >= in.desired_count;
    case LifecycleStage::kBakeTime:
      return in.now - in.entered_at >= in.bake_time;
    case LifecycleStage::kCleanUp:
      return false;  // the last stage: the deployment finishes in it
    default:
      return true;
  }
}

}  // namespace

BlueGreenStep StepBlueGreen(const BlueGreenInput& in) {
  BlueGreenStep out;
  out.stage = in.stage;
  if (in.now - in.entered_at >= in.stage_dwell && StageDone(in)) {
    out.stage = static_cast<LifecycleStage>(static_cast<int>(in.stage) + 1);
    out.entered = true;
  }
  const TrafficShare share = GreenTraffic(out.stage);
  out.production_traffic = share.production;
  out.test_traffic = share.test;
  out.scale_up_green = out.stage >= LifecycleStage::kScaleUp;
  out.scale_in_blue = out.stage == LifecycleStage::kCleanUp;
  // Finished once CLEAN_UP has run for its dwell with no blue task left.
  out.finished = out.scale_in_blue && !out.entered && in.now - in.entered_at >= in.stage_dwell &&
                 in.blue_live == 0;
  return out;
}

}  // namespace ecs::scheduler

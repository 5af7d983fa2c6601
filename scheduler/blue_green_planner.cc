#include "scheduler/blue_green_planner.h"

#include <algorithm>
#include <cmath>

namespace ecs::scheduler {

using model::LifecycleStage;

model::LifecycleStage FirstStage(int older_active_revisions) {
  return older_active_revisions > 1 ? LifecycleStage::kReconcileService
                                    : LifecycleStage::kPreScaleUp;
}

TrafficShare GreenTraffic(LifecycleStage stage) {
  // Test traffic shifts all at once for every strategy (the model's stage documentation:
  // POST_TEST_TRAFFIC_SHIFT "green handles 100% of the test traffic"; LinearConfiguration and
  // CanaryConfiguration speak of production traffic only).
  if (stage >= LifecycleStage::kProductionTrafficShift) return {100, 100};
  if (stage >= LifecycleStage::kTestTrafficShift) return {0, 100};
  return {0, 0};
}

ProductionShift ProductionShiftFor(model::DeploymentStrategy strategy, double percent,
                                   int64_t bake_minutes) {
  const Millis hold = bake_minutes * 60'000;
  switch (strategy) {
    case model::DeploymentStrategy::kCanary:
      return {percent, 100, hold};
    case model::DeploymentStrategy::kLinear:
      return {percent, percent, hold};
    default:
      return {};
  }
}

double NextProductionTraffic(const ProductionShift& shift, double current) {
  const double next = current <= 0 ? shift.first : current + shift.step;
  // Rounded to 0.1 so that 10 steps of 10.0 reach exactly 100.
  return std::min(100.0, std::round(next * 10) / 10);
}

namespace {

bool InShift(const BlueGreenInput& in) {
  return in.stage == LifecycleStage::kProductionTrafficShift;
}

// Whether the deployment may leave `in.stage` now (the dwell aside).
bool StageDone(const BlueGreenInput& in) {
  if (in.hooks_pending) return false;
  switch (in.stage) {
    case LifecycleStage::kScaleUp:
      return in.green_healthy >= in.desired_count;
    case LifecycleStage::kProductionTrafficShift:
      // Left once green has all of it, one dwell after the last shift (so that it is seen).
      return in.production_traffic >= 100 && in.now - in.production_shifted_at >= in.stage_dwell;
    case LifecycleStage::kBakeTime:
      return in.now - in.entered_at >= in.bake_time;
    case LifecycleStage::kCleanUp:
      return false;  // the last stage: the deployment finishes in it
    default:
      return true;
  }
}

// Whether PRODUCTION_TRAFFIC_SHIFT moves production traffic once more now.
bool ShiftDue(const BlueGreenInput& in) {
  return InShift(in) && !in.hooks_pending && in.production_traffic < 100 &&
         in.now - in.production_shifted_at >= std::max(in.shift.hold, in.stage_dwell);
}

}  // namespace

BlueGreenStep StepBlueGreen(const BlueGreenInput& in) {
  BlueGreenStep out;
  out.stage = in.stage;
  if (ShiftDue(in)) {
    out.shifted = true;
  } else if (in.now - in.entered_at >= in.stage_dwell && StageDone(in)) {
    out.stage = static_cast<LifecycleStage>(static_cast<int>(in.stage) + 1);
    out.entered = true;
  }
  const TrafficShare share = GreenTraffic(out.stage);
  out.production_traffic = share.production;
  out.test_traffic = share.test;
  if (out.stage == LifecycleStage::kProductionTrafficShift) {
    // The first shift on entering the stage, the next ones when due.
    out.shifted = out.shifted || out.entered;
    out.production_traffic = out.entered   ? NextProductionTraffic(in.shift, 0)
                             : out.shifted ? NextProductionTraffic(in.shift, in.production_traffic)
                                           : in.production_traffic;
  }
  out.scale_up_green = out.stage >= LifecycleStage::kScaleUp;
  out.scale_in_blue = out.stage == LifecycleStage::kCleanUp;
  // Finished once CLEAN_UP has run for its dwell with no blue task left.
  out.finished = out.scale_in_blue && !out.entered && in.now - in.entered_at >= in.stage_dwell &&
                 in.blue_live == 0;
  return out;
}

}  // namespace ecs::scheduler

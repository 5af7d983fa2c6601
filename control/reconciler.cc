// The reconciler's entry points: every lifecycle step that is due, then the service scheduler,
// committed as one ChangeSet per call (or per slice).
#include <algorithm>
#include <utility>

#include "control/capacity_providers.h"
#include "control/control_plane.h"

namespace ecs::control {

Status ControlPlane::RunDue(Millis now, bool advancing) {
  storage::ChangeSet changes = state_.NewChanges();
  if (!state_.clock->frozen() || advancing) {
    // At most ~20,000 steps per ChangeSet; the caller calls again for the rest.
    int checks_left = 20000 / 64;
    lifecycle_.StepDue(now, changes, [&] { return --checks_left <= 0; });
    FinishProviderDeletes(state_, changes);
    JoinManagedInstances(now, changes);
    AdvanceDaemons(now, changes);  // a joined instance starts its daemons before other tasks
    ScaleAutoScalingGroups(now, changes);  // places the tasks waiting for capacity, then scales
    ScaleManagedInstances(now, changes);
  }
  scheduler_.ReconcileServices(now, changes);
  if (!state_.clock->frozen() || advancing) AdvanceExpressServices(now, changes);
  return Commit(changes);
}

Result<bool> ControlPlane::RunDueSlice(Millis now, const std::function<bool()>& out_of_time) {
  storage::ChangeSet changes = state_.NewChanges();
  bool more = !state_.clock->frozen() && !lifecycle_.StepDue(now, changes, out_of_time);
  if (!state_.clock->frozen()) {
    FinishProviderDeletes(state_, changes);
    JoinManagedInstances(now, changes);
    AdvanceDaemons(now, changes);  // a joined instance starts its daemons before other tasks
    ScaleAutoScalingGroups(now, changes);  // places the tasks waiting for capacity, then scales
    ScaleManagedInstances(now, changes);
  }
  // Services see every task step due by now first, as in RunDue.
  if (!more) more = !scheduler_.ReconcileServices(now, changes, &out_of_time);
  // After the services' pass: a draining service whose last task stopped is seen at once.
  if (!state_.clock->frozen()) AdvanceExpressServices(now, changes);
  ECS_RETURN_IF_ERROR(Commit(changes));
  return more;
}

namespace {
// A bound on rounds for a settle (each round is a slice): a crash loop with zero delays would
// otherwise go round until the time budget; the reconciler loop carries on with it.
constexpr int kSettleRounds = 64;
}  // namespace

Result<bool> ControlPlane::Settle(Millis now, const std::function<bool()>& out_of_time) {
  if (!std::exchange(committed_since_settle_, false)) return false;
  // A pass the reconciler loop left unfinished was listed before this request: a service the
  // request created is not in it. Start afresh, so every service is seen by now.
  scheduler_.ForgetPass();
  for (int round = 0; round < kSettleRounds; ++round) {
    // The clock is read again each round: what a round launched is due at the instant it was
    // launched, which may be a millisecond past `now`.
    now = std::max(now, state_.Now());
    auto more = RunDueSlice(now, out_of_time);
    if (!more.ok()) return more.status();
    const bool wrote = std::exchange(committed_since_settle_, false);
    if (!wrote && !*more) return false;
    if (out_of_time()) return true;
  }
  return true;
}

}  // namespace ecs::control

// Drives the control plane's reconciler from an Asio timer on the state strand: runs every
// lifecycle step that is due, then sleeps until the next one (at most one tick, so the service
// scheduler runs periodically). Stops when Stop() is called (shutdown).
#pragma once

#include <boost/asio.hpp>

#include "common/clock.h"
#include "control/control_plane.h"
#include "server/group_commit.h"
#include "server/metrics.h"

namespace ecs::server {

class ReconcilerLoop {
 public:
  // With `group_commit`, each slice's writes go to the writer right after it.
  ReconcilerLoop(boost::asio::strand<boost::asio::io_context::executor_type> state,
                 control::ControlPlane* control, const SimulatedClock* clock, Millis tick,
                 GroupCommit* group_commit = nullptr);
  void Start();
  void Stop();  // thread-safe
  // On the state strand, right after a request: runs what it made due (ControlPlane::Settle,
  // ~kSettleBudget at most); what remains runs in the loop's next slice, at once.
  void Settle();
  void set_metrics(ServerMetrics* metrics) { metrics_ = metrics; }  // before Start

 private:
  void Arm(Millis delay);
  void Fire();

  boost::asio::strand<boost::asio::io_context::executor_type> state_;
  boost::asio::steady_timer timer_;
  control::ControlPlane* control_;
  const SimulatedClock* clock_;
  Millis tick_;
  GroupCommit* group_commit_;
  ServerMetrics* metrics_ = nullptr;
  bool stopped_ = false;  // state strand only
};

}  // namespace ecs::server

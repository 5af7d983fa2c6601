#include "server/reconciler_loop.h"

#include <algorithm>
#include <chrono>

#include "common/log.h"

namespace ecs::server {

ReconcilerLoop::ReconcilerLoop(boost::asio::strand<boost::asio::io_context::executor_type> state,
                               control::ControlPlane* control, const SimulatedClock* clock,
                               Millis tick)
    : state_(state), timer_(state), control_(control), clock_(clock), tick_(tick) {}

void ReconcilerLoop::Start() {
  boost::asio::post(state_, [this] { Fire(); });
}

void ReconcilerLoop::Stop() {
  boost::asio::post(state_, [this] {
    stopped_ = true;
    timer_.cancel();
  });
}

void ReconcilerLoop::Arm(Millis delay) {
  timer_.expires_after(std::chrono::milliseconds(std::max<Millis>(delay, 1)));
  timer_.async_wait([this](const boost::system::error_code& ec) {
    if (!ec && !stopped_) Fire();
  });
}

void ReconcilerLoop::Fire() {
  if (stopped_) return;
  Millis now = clock_->Now();
  Status s = control_->RunDue(now);
  if (!s.ok()) Log(LogLevel::kError, "reconciler: " + s.message());
  Millis delay = tick_;
  // A frozen clock only moves through /_emulator/clock, which runs due steps itself.
  if (!clock_->frozen()) {
    if (auto next = control_->NextDue()) delay = std::min(delay, *next - now);
  }
  Arm(delay);
}

}  // namespace ecs::server

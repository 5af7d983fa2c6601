#include "server/reconciler_loop.h"

#include <algorithm>
#include <chrono>
#include <ctime>
#include <utility>

#include "common/log.h"

namespace ecs::server {

namespace {
// Longest stretch of reconciler work before queued API requests get the state strand (one
// service's reconcile is not split, so a slice can run over by that much).
constexpr auto kSlice = std::chrono::microseconds(1000);
constexpr int kRestPerSlice = 2;
// How long a request may spend settling what it made due before its reply goes: enough for a
// deployment of a few hundred tasks; a larger one carries on in the loop's slices. Counted in
// the thread's CPU time, not wall time: on a loaded machine (CI runners, other builds) the
// thread may be preempted mid-settle, and a wall-clock budget would then cut short a settle
// that costs microseconds, so the next Describe would not see it.
constexpr int64_t kSettleBudgetNs = 20'000'000;

int64_t ThreadCpuNs() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<int64_t>(ts.tv_sec) * 1'000'000'000 + ts.tv_nsec;
}
}  // namespace

ReconcilerLoop::ReconcilerLoop(boost::asio::strand<boost::asio::io_context::executor_type> state,
                               control::ControlPlane* control, const SimulatedClock* clock,
                               Millis tick, GroupCommit* group_commit)
    : state_(std::move(state)),
      timer_(state_),
      control_(control),
      clock_(clock),
      tick_(tick),
      group_commit_(group_commit) {}

void ReconcilerLoop::Start() {
  boost::asio::post(state_, [this] { Fire(); });
}

void ReconcilerLoop::Stop() {
  boost::asio::post(state_, [this] {
    stopped_ = true;
    timer_.cancel();
  });
}

void ReconcilerLoop::Settle() {
  if (stopped_) return;
  const int64_t deadline = ThreadCpuNs() + kSettleBudgetNs;
  auto more = control_->Settle(clock_->Now(), [&] { return ThreadCpuNs() >= deadline; });
  if (!more.ok()) {
    Log(LogLevel::kError, "reconciler: " + more.status().message());
  } else if (*more) {
    Arm(1);
  }
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
  const auto start = std::chrono::steady_clock::now();
  const auto deadline = start + kSlice;
  auto more =
      control_->RunDueSlice(now, [&] { return std::chrono::steady_clock::now() >= deadline; });
  if (metrics_) {
    metrics_->RecordSlice(
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
  }
  if (group_commit_) group_commit_->Flush();
  if (!more.ok()) {
    Log(LogLevel::kError, "reconciler: " + more.status().message());
  } else if (*more) {
    // Continue after a rest twice as long as the slice took (a slice overruns by up to one
    // service): under a backlog the reconciler takes at most about a third of the state strand
    // and API requests keep the rest. Clients poll while deployments run; they come first.
    timer_.expires_after(kRestPerSlice * (std::chrono::steady_clock::now() - start));
    timer_.async_wait([this](const boost::system::error_code& ec) {
      if (!ec && !stopped_) Fire();
    });
    return;
  }
  Millis delay = tick_;
  // A frozen clock only moves through /_emulator/clock, which runs due steps itself.
  if (!clock_->frozen()) {
    if (auto next = control_->NextDue()) delay = std::min(delay, *next - now);
  }
  Arm(delay);
}

}  // namespace ecs::server

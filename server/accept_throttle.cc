#include "server/accept_throttle.h"

#include <algorithm>

namespace ecs::server {

AcceptThrottle::Action AcceptThrottle::OnFailure(const std::string& error, Clock::time_point now) {
  delay_ = delay_.count() == 0 ? kFirstDelay : std::min(delay_ * 2, kMaxDelay);
  Action action{delay_, ""};
  if (logged_once_ && now - last_logged_ < kLogInterval) {
    ++unlogged_;
    return action;
  }
  action.log_line = "accept failed: " + error;
  if (unlogged_ > 0) {
    action.log_line += " (and " + std::to_string(unlogged_) + " more not logged)";
  }
  action.log_line += "; retrying in up to " + std::to_string(kMaxDelay.count()) + " ms";
  unlogged_ = 0;
  last_logged_ = now;
  logged_once_ = true;
  return action;
}

std::string AcceptThrottle::OnSuccess() {
  delay_ = std::chrono::milliseconds(0);
  if (unlogged_ == 0) return "";
  std::string line =
      "accepting again (" + std::to_string(unlogged_) + " more failed accepts not logged)";
  unlogged_ = 0;
  return line;
}

}  // namespace ecs::server

// What the accept loop does after a failed accept. Out of file descriptors (EMFILE/ENFILE),
// accept fails at once, again and again, for as long as the condition lasts: retried without a
// pause it took two CPU-seconds in three and logged 61 MB of identical lines in four. So every
// failure waits before the next accept, from 1 ms doubling to 100 ms while failures go on, and
// at most one line a second is logged, counting the failures it did not log. Pure; the accept
// loop's strand only.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>

namespace ecs::server {

class AcceptThrottle {
 public:
  using Clock = std::chrono::steady_clock;
  static constexpr std::chrono::milliseconds kFirstDelay{1};
  static constexpr std::chrono::milliseconds kMaxDelay{100};
  static constexpr std::chrono::milliseconds kLogInterval{1000};

  struct Action {
    std::chrono::milliseconds delay;  // wait this long before accepting again
    std::string log_line;             // empty: stay quiet
  };

  // After a failed accept with `error` (its message), at `now`.
  Action OnFailure(const std::string& error, Clock::time_point now);
  // After an accept succeeded: the backoff starts over. Returns a line saying how many
  // failures were not logged, if any (empty otherwise).
  std::string OnSuccess();

 private:
  std::chrono::milliseconds delay_{0};
  Clock::time_point last_logged_{};
  bool logged_once_ = false;
  uint64_t unlogged_ = 0;  // failures since the last line
};

}  // namespace ecs::server

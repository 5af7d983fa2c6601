#include "server/accept_throttle.h"

#include <catch2/catch.hpp>

using namespace ecs::server;
using std::chrono::milliseconds;

TEST_CASE("Failed accepts back off, doubling to 100 ms, and start over after a success",
          "[server][accept]") {
  AcceptThrottle t;
  const auto t0 = AcceptThrottle::Clock::time_point{} + std::chrono::hours(1);
  std::vector<long> delays;
  delays.reserve(10);
  for (int i = 0; i < 10; ++i) delays.push_back(t.OnFailure("EMFILE", t0).delay.count());
  CHECK(delays == std::vector<long>{1, 2, 4, 8, 16, 32, 64, 100, 100, 100});
  (void)t.OnSuccess();
  CHECK(t.OnFailure("EMFILE", t0).delay == milliseconds(1));
}

TEST_CASE("A storm of failed accepts logs one line a second with the count it skipped",
          "[server][accept]") {
  AcceptThrottle t;
  auto now = AcceptThrottle::Clock::time_point{} + std::chrono::hours(1);
  int lines = 0;
  std::string last;
  // 3 s of failures, one every 100 µs: 30,000 failures.
  for (int i = 0; i < 30'000; ++i) {
    auto action = t.OnFailure("Too many open files", now);
    if (!action.log_line.empty()) {
      ++lines;
      last = action.log_line;
    }
    now += std::chrono::microseconds(100);
  }
  CHECK(lines == 3);
  CHECK_THAT(last, Catch::StartsWith("accept failed: Too many open files (and 9999 more"));
  CHECK_THAT(t.OnSuccess(), Catch::Contains("9999 more failed accepts not logged"));
  CHECK(t.OnSuccess().empty());
}

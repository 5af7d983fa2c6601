// What fails a deployment besides the circuit breaker: a simulated AWS_LAMBDA hook's answers and
// their 30-second re-invocations on a manual clock, which script applies to which function, and
// the alarm verdict that fails (and may roll back) a deployment.
#include "scheduler/deployment_checks.h"

#include <catch2/catch.hpp>
#include <map>
#include <string>
#include <utility>
#include <vector>

namespace ecs::scheduler {
namespace {

using model::HookStatus;

constexpr Millis kTenMinutes = 10 * Millis{60'000};
constexpr const char* kCheck = "arn:aws:lambda:us-east-1:000000000000:function:check";

// Drives one hook run the way the service scheduler does: every `tick` ms from `start` until it
// resolves, recording when each invocation happened and what it answered.
std::vector<std::pair<Millis, HookStatus>> RunHook(const HookScript& script, Millis start,
                                                   Millis tick, Millis until) {
  LambdaHookState hook;
  hook.script = script;
  hook.next_invoke_at = start;  // invoked as soon as its stage starts
  std::vector<std::pair<Millis, HookStatus>> calls;
  for (Millis now = start; now <= until; now += tick) {
    const LambdaInvocation call = InvokeIfDue(hook, now);
    if (!call.invoked) continue;
    calls.emplace_back(now, call.answer);
    ++hook.invocations;
    hook.next_invoke_at = call.next_invoke_at;
    if (call.answer != HookStatus::kInProgress) break;
  }
  return calls;
}

TEST_CASE("a hook without a script succeeds on its first invocation") {
  const HookScript script = ScriptFor({}, kCheck);
  CHECK(script.in_progress == 0);
  CHECK(script.result == HookStatus::kSucceeded);
  const auto calls = RunHook(script, 1000, 1, 200'000);
  REQUIRE(calls.size() == 1);
  CHECK(calls[0] == std::make_pair(Millis{1000}, HookStatus::kSucceeded));
}

TEST_CASE("IN_PROGRESS answers are re-invoked every 30 seconds, then the result") {
  const HookScript script{kCheck, 2, HookStatus::kSucceeded};
  // A 1 ms tick: nothing is invoked early, nothing late.
  const auto calls = RunHook(script, 5000, 1, kTenMinutes);
  REQUIRE(calls.size() == 3);
  CHECK(calls[0] == std::make_pair(Millis{5000}, HookStatus::kInProgress));
  CHECK(calls[1] == std::make_pair(Millis{35'000}, HookStatus::kInProgress));
  CHECK(calls[2] == std::make_pair(Millis{65'000}, HookStatus::kSucceeded));
}

TEST_CASE("a coarse clock invokes on the first tick at or past the due time") {
  const HookScript script{kCheck, 1, HookStatus::kFailed};
  const auto calls = RunHook(script, 0, 7000, kTenMinutes);
  REQUIRE(calls.size() == 2);
  CHECK(calls[0].first == 0);
  CHECK(calls[1] == std::make_pair(Millis{35'000}, HookStatus::kFailed));  // 28 s is too early
}

TEST_CASE("nothing is invoked before the next invocation is due") {
  LambdaHookState hook;
  hook.script = {kCheck, 5, HookStatus::kSucceeded};
  hook.invocations = 1;
  hook.next_invoke_at = 30'000;
  CHECK_FALSE(InvokeIfDue(hook, 29'999).invoked);
  const LambdaInvocation call = InvokeIfDue(hook, 30'000);
  CHECK(call.invoked);
  CHECK(call.answer == HookStatus::kInProgress);
  CHECK(call.next_invoke_at == 60'000);
}

TEST_CASE("the last script set whose pattern matches the function applies") {
  const std::vector<HookScript> scripts = {
      {"arn:aws:lambda:*", 0, HookStatus::kFailed},
      {"arn:aws:lambda:us-east-1:000000000000:function:chec?", 3, HookStatus::kSucceeded},
      {"arn:aws:lambda:eu-west-1:*", 1, HookStatus::kSucceeded},
  };
  const HookScript check = ScriptFor(scripts, kCheck);
  CHECK(check.in_progress == 3);
  CHECK(check.result == HookStatus::kSucceeded);
  const HookScript other = ScriptFor(scripts, "arn:aws:lambda:us-east-1:1:function:other");
  CHECK(other.result == HookStatus::kFailed);
  const HookScript none = ScriptFor(scripts, "arn:aws-cn:lambda:cn-north-1:1:function:x");
  CHECK(none.result == HookStatus::kSucceeded);
  CHECK(none.in_progress == 0);
}

TEST_CASE("an alarm in ALARM triggers the watch; OK, INSUFFICIENT_DATA and unknown ones do not") {
  const std::vector<std::string> names = {"high-5xx", "latency", "never-set"};
  std::map<std::string, std::string> states = {
      {"high-5xx", "OK"}, {"latency", "INSUFFICIENT_DATA"}, {"unwatched", "ALARM"}};
  CHECK_FALSE(WatchAlarms(names, states).triggered);
  states["latency"] = "ALARM";
  AlarmVerdict verdict = WatchAlarms(names, states);
  CHECK(verdict.triggered);
  CHECK(verdict.triggered_names == std::vector<std::string>{"latency"});
  states["high-5xx"] = "ALARM";
  verdict = WatchAlarms(names, states);
  CHECK(verdict.triggered_names == std::vector<std::string>{"high-5xx", "latency"});
  CHECK_FALSE(WatchAlarms({}, states).triggered);
}

}  // namespace
}  // namespace ecs::scheduler

// The simulated agent's container decisions on a manual clock: health-check state machine, the
// task health aggregation table, dependsOn orderings, scripted exits and start failures, and how
// long a stop takes.
#include "scheduler/container_agent.h"

#include <catch2/catch.hpp>
#include <string>
#include <vector>

namespace ecs::scheduler {
namespace {

using model::ContainerStatus;
using model::DependencyCondition;
using model::HealthStatus;

model::ContainerState Container(const std::string& name, bool essential = true) {
  model::ContainerState c;
  c.name = name;
  c.essential = essential;
  return c;
}

model::HealthCheckConfig Check(Millis interval, int retries = 3, Millis start_period = 0) {
  model::HealthCheckConfig h;
  h.interval = interval;
  h.retries = retries;
  h.start_period = start_period;
  return h;
}

TEST_CASE("A passing health check is HEALTHY from its first check", "[agent]") {
  const auto check = Check(30'000);
  CHECK(ContainerHealthAt(check, 1000, std::nullopt, 1000).status == HealthStatus::kUnknown);
  CHECK(ContainerHealthAt(check, 1000, std::nullopt, 1000).next_change == 31'000);
  CHECK(ContainerHealthAt(check, 1000, std::nullopt, 30'999).status == HealthStatus::kUnknown);
  CHECK(ContainerHealthAt(check, 1000, std::nullopt, 31'000).status == HealthStatus::kHealthy);
  CHECK_FALSE(ContainerHealthAt(check, 1000, std::nullopt, 31'000).next_change);
}

TEST_CASE("A failing health check is UNHEALTHY after `retries` failures", "[agent]") {
  // Failing from the start, interval 10 s, retries 3: checks at 10, 20, 30 s fail.
  const auto check = Check(10'000, 3);
  CHECK(ContainerHealthAt(check, 0, 0, 29'999).status == HealthStatus::kUnknown);
  CHECK(ContainerHealthAt(check, 0, 0, 29'999).next_change == 30'000);
  CHECK(ContainerHealthAt(check, 0, 0, 30'000).status == HealthStatus::kUnhealthy);
  // Failures inside the start period do not count while it never passed: 45 s -> checks at 50,
  // 60, 70 s count.
  const auto slow = Check(10'000, 3, 45'000);
  CHECK(ContainerHealthAt(slow, 0, 0, 69'999).status == HealthStatus::kUnknown);
  CHECK(ContainerHealthAt(slow, 0, 0, 70'000).status == HealthStatus::kUnhealthy);
  // Healthy first, failing from 25 s: checks at 30, 40, 50 s fail.
  CHECK(ContainerHealthAt(check, 0, 25'000, 10'000).status == HealthStatus::kHealthy);
  CHECK(ContainerHealthAt(check, 0, 25'000, 49'999).status == HealthStatus::kHealthy);
  CHECK(ContainerHealthAt(check, 0, 25'000, 50'000).status == HealthStatus::kUnhealthy);
}

TEST_CASE("Task health aggregates the essential containers with a health check", "[agent]") {
  struct Row {
    std::vector<std::pair<bool, std::optional<HealthStatus>>> containers;  // essential, health
    HealthStatus want;
  };
  constexpr auto kH = HealthStatus::kHealthy;
  constexpr auto kU = HealthStatus::kUnhealthy;
  constexpr auto kK = HealthStatus::kUnknown;
  const std::vector<Row> table = {
      {{{true, std::nullopt}}, kK},              // no health check at all
      {{{true, kH}}, kH},                        //
      {{{true, kH}, {true, kK}}, kK},            // one essential not yet checked
      {{{true, kH}, {true, kU}}, kU},            // any essential UNHEALTHY
      {{{true, kK}, {true, kU}}, kU},            //
      {{{true, kH}, {false, kU}}, kH},           // non-essential ones do not count
      {{{false, kH}}, kK},                       // only non-essential checks: UNKNOWN
      {{{true, kH}, {true, std::nullopt}}, kH},  // containers without a check do not count
  };
  for (size_t i = 0; i < table.size(); ++i) {
    INFO("row " << i);
    std::vector<model::ContainerState> cs;
    for (const auto& [essential, health] : table[i].containers) {
      auto c = Container("c" + std::to_string(cs.size()), essential);
      if (health) {
        c.health_check = Check(5000);
        c.health_status = *health;
      }
      cs.push_back(c);
    }
    CHECK(AggregateHealth(cs) == table[i].want);
  }
}

TEST_CASE("dependsOn orders starts: START, COMPLETE, SUCCESS, HEALTHY", "[agent]") {
  auto db = Container("db");
  db.health_check = Check(5000);
  auto migrate = Container("migrate", false);
  migrate.behavior.exit_code = 0;
  migrate.behavior.exit_after = 2000;
  migrate.depends_on = {{"db", DependencyCondition::kHealthy}};
  auto app = Container("app");
  app.depends_on = {{"migrate", DependencyCondition::kSuccess}};
  auto sidecar = Container("sidecar", false);
  sidecar.depends_on = {{"app", DependencyCondition::kStart}};
  std::vector<model::ContainerState> cs = {app, sidecar, migrate, db};

  ContainerStep s = AdvanceContainers(cs, 0);
  CHECK(cs[3].last_status == ContainerStatus::kRunning);  // db: no dependency
  CHECK(cs[2].last_status == ContainerStatus::kPending);  // migrate waits for db HEALTHY
  CHECK_FALSE(s.all_started);
  CHECK(s.next_due == 5000);  // db's first health check

  s = AdvanceContainers(cs, 5000);
  CHECK(cs[3].health_status == HealthStatus::kHealthy);
  CHECK(cs[2].last_status == ContainerStatus::kRunning);
  CHECK(cs[0].last_status == ContainerStatus::kPending);  // app waits for migrate's exit 0
  CHECK(s.next_due == 7000);

  s = AdvanceContainers(cs, 7000);
  CHECK(cs[2].last_status == ContainerStatus::kStopped);
  CHECK(cs[2].exit_code == 0);
  CHECK(cs[0].last_status == ContainerStatus::kRunning);  // app, then sidecar in the same step
  CHECK(cs[1].last_status == ContainerStatus::kRunning);
  CHECK(s.all_started);
  CHECK_FALSE(s.stop);  // migrate is not essential
}

TEST_CASE("A dependency that can no longer hold stops the dependent container", "[agent]") {
  auto migrate = Container("migrate", false);
  migrate.behavior.exit_code = 1;
  auto app = Container("app");
  app.depends_on = {{"migrate", DependencyCondition::kSuccess}};
  std::vector<model::ContainerState> cs = {migrate, app};
  AdvanceContainers(cs, 0);  // migrate starts; it exits in the next step, not this one
  CHECK(cs[0].last_status == ContainerStatus::kRunning);
  ContainerStep s = AdvanceContainers(cs, 0);
  CHECK(cs[0].exit_code == 1);
  CHECK(cs[1].last_status == ContainerStatus::kStopped);
  CHECK(cs[1].reason.find("did not exit successfully") != std::string::npos);
  REQUIRE(s.stop);
  CHECK(*s.stop == model::StopCode::kTaskFailedToStart);  // app is essential and never ran
}

TEST_CASE("Essential exits stop the task; non-essential ones do not", "[agent]") {
  auto web = Container("web");
  auto job = Container("job", false);
  job.behavior.exit_code = 3;
  job.behavior.exit_after = 1000;
  std::vector<model::ContainerState> cs = {web, job};
  ContainerStep s = AdvanceContainers(cs, 0);
  CHECK(s.all_started);
  CHECK(s.next_due == 1000);
  s = AdvanceContainers(cs, 1000);
  CHECK(cs[1].exit_code == 3);
  CHECK_FALSE(s.stop);

  std::vector<model::ContainerState> one = {Container("once")};
  one[0].behavior.exit_code = 0;  // no exit-after: exits as soon as it has run
  s = AdvanceContainers(one, 0);
  CHECK(one[0].last_status == ContainerStatus::kRunning);
  CHECK(s.next_due == 0);
  s = AdvanceContainers(one, 0);
  CHECK(one[0].exit_code == 0);
  REQUIRE(s.stop);
  CHECK(*s.stop == model::StopCode::kEssentialContainerExited);
  CHECK(s.stop_reason == "Essential container in task exited");
}

TEST_CASE("A container scripted to fail to start gives its reason", "[agent]") {
  std::vector<model::ContainerState> cs = {Container("app")};
  cs[0].behavior.fail_to_start = "CannotPullContainerError: pull access denied";
  ContainerStep s = AdvanceContainers(cs, 0);
  CHECK(cs[0].last_status == ContainerStatus::kStopped);
  CHECK(cs[0].reason == "CannotPullContainerError: pull access denied");
  CHECK_FALSE(cs[0].started_at);
  REQUIRE(s.stop);
  CHECK(*s.stop == model::StopCode::kTaskFailedToStart);
  CHECK(s.stop_reason == "CannotPullContainerError: pull access denied");
}

TEST_CASE("A scripted UNHEALTHY container fails its checks", "[agent]") {
  std::vector<model::ContainerState> cs = {Container("app")};
  cs[0].health_check = Check(5000, 2);
  cs[0].behavior.unhealthy_after = 0;
  AdvanceContainers(cs, 0);
  ContainerStep s = AdvanceContainers(cs, 10'000);
  CHECK(cs[0].health_status == HealthStatus::kUnhealthy);
  CHECK(AggregateHealth(cs) == HealthStatus::kUnhealthy);
  CHECK_FALSE(s.stop);  // the task keeps running; replacing it is the service's business
}

TEST_CASE("Stopping waits for dependents first, each within its stopTimeout", "[agent]") {
  auto db = Container("db");
  db.behavior.stop_takes = 5000;
  auto app = Container("app");
  app.depends_on = {{"db", DependencyCondition::kStart}};
  app.behavior.stop_takes = 60'000;
  app.stop_timeout = 30'000;  // killed after 30 s
  std::vector<model::ContainerState> cs = {db, app};
  AdvanceContainers(cs, 0);
  CHECK(StopDuration(cs) == 35'000);
  cs[0].behavior.stop_takes = 0;
  CHECK(StopDuration(cs) == 30'000);
}

}  // namespace
}  // namespace ecs::scheduler

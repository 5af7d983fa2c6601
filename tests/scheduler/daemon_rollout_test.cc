// The daemon deployment rules (scheduler/daemon_rollout.h): fresh instances get their daemon in
// place, old ones are replaced in batches of drainPercent, a batch waits for the last one and its
// bake, a lost daemon task replaces its instance at once, and the circuit breaker's threshold.
#include "scheduler/daemon_rollout.h"

#include <catch2/catch.hpp>

using namespace ecs;
using namespace ecs::scheduler;

namespace {

DaemonInstance Old(std::string id, std::string revision = "rev-1") {
  return {std::move(id), "mi", false, std::move(revision), true, false};
}

DaemonRollout Rolling(double drain_percent = 50) {
  DaemonRollout r;
  r.target = "rev-2";
  r.target_providers = {"mi"};
  r.drain_percent = drain_percent;
  r.rolling = true;
  return r;
}

}  // namespace

TEST_CASE("Batch size is drainPercent of the instances, rounded up, at least one",
          "[daemon_rollout]") {
  CHECK(DaemonBatchSize(25, 4) == 1);
  CHECK(DaemonBatchSize(25, 5) == 2);
  CHECK(DaemonBatchSize(50, 4) == 2);
  CHECK(DaemonBatchSize(100, 7) == 7);
  CHECK(DaemonBatchSize(0, 10) == 1);
  CHECK(DaemonBatchSize(30, 10) == 3);  // exactly 3, not 4 from rounding noise
}

TEST_CASE("Old instances are replaced a batch at a time, oldest first", "[daemon_rollout]") {
  const std::vector<DaemonInstance> instances = {Old("a"), Old("b"), Old("c"), Old("d")};
  DaemonRolloutStep step = PlanDaemonRollout(instances, Rolling(50), 0);
  CHECK(step.replace == std::vector<std::string>{"a", "b"});
  CHECK_FALSE(step.complete);

  DaemonRollout open = Rolling(50);
  open.batch_open = true;
  open.in_flight = 2;  // its instances not gone yet
  CHECK(PlanDaemonRollout(instances, open, 0).replace.empty());
  open.in_flight = 0;  // gone, replacements joined and running: the bake starts
  step = PlanDaemonRollout(instances, open, 0);
  CHECK(step.batch_done);
  CHECK(step.replace.empty());
}

TEST_CASE("The next batch waits for the bake; the deployment ends after the last bake",
          "[daemon_rollout]") {
  DaemonRollout r = Rolling(50);
  r.bake_until = 60'000;
  const std::vector<DaemonInstance> mixed = {Old("a"), Old("b", "rev-2")};
  CHECK(PlanDaemonRollout(mixed, r, 59'999).replace.empty());
  CHECK(PlanDaemonRollout(mixed, r, 60'000).replace == std::vector<std::string>{"a"});
  const std::vector<DaemonInstance> done = {Old("a", "rev-2"), Old("b", "rev-2")};
  CHECK_FALSE(PlanDaemonRollout(done, r, 59'999).complete);
  CHECK(PlanDaemonRollout(done, r, 60'000).complete);
}

TEST_CASE("A fresh instance starts the target in place; one starting holds the rollout",
          "[daemon_rollout]") {
  DaemonInstance fresh{"new", "mi", true, "", false, false};
  const std::vector<DaemonInstance> instances = {Old("a"), fresh};
  const DaemonRolloutStep step = PlanDaemonRollout(instances, Rolling(100), 0);
  CHECK(step.start == std::vector<std::string>{"new"});
  CHECK(step.replace.empty());  // waits until the fresh one's task is RUNNING

  // Not rolling (the deployment is over): starts still happen, replacements do not.
  DaemonRollout idle = Rolling(100);
  idle.rolling = false;
  const DaemonRolloutStep quiet = PlanDaemonRollout(instances, idle, 0);
  CHECK(quiet.start == std::vector<std::string>{"new"});
  CHECK(quiet.replace.empty());
  CHECK_FALSE(quiet.complete);
}

TEST_CASE("A lost daemon task replaces its instance at once, even between deployments",
          "[daemon_rollout]") {
  DaemonInstance lost{"x", "mi", true, "", false, true};
  DaemonRollout idle = Rolling();
  idle.rolling = false;
  const DaemonRolloutStep step = PlanDaemonRollout(std::vector<DaemonInstance>{lost}, idle, 0);
  CHECK(step.repair == std::vector<std::string>{"x"});
  CHECK(step.start.empty());
}

TEST_CASE("Deleting: instances with the daemon's task are replaced, others left alone",
          "[daemon_rollout]") {
  DaemonRollout deleting = Rolling(100);
  deleting.target.clear();
  DaemonInstance without{"b", "mi", true, "", false, false};
  const std::vector<DaemonInstance> instances = {Old("a"), without};
  DaemonRolloutStep step = PlanDaemonRollout(instances, deleting, 0);
  CHECK(step.replace == std::vector<std::string>{"a"});
  CHECK(step.start.empty());
  step = PlanDaemonRollout(std::vector<DaemonInstance>{without}, deleting, 0);
  CHECK(step.complete);
}

TEST_CASE("Instances of a provider the target drops lose the daemon", "[daemon_rollout]") {
  DaemonRollout r = Rolling(100);
  DaemonInstance other = Old("b");
  other.provider = "mi-other";
  const std::vector<DaemonInstance> instances = {Old("a", "rev-2"), other};
  CHECK(PlanDaemonRollout(instances, r, 0).replace == std::vector<std::string>{"b"});
}

TEST_CASE("Circuit breaker threshold: half the instances, between 3 and 200", "[daemon_rollout]") {
  CHECK(DaemonFailureThreshold(0) == 3);
  CHECK(DaemonFailureThreshold(4) == 3);
  CHECK(DaemonFailureThreshold(11) == 6);
  CHECK(DaemonFailureThreshold(10'000) == 200);
}

// The service scheduler driven through whole deployments on a manual clock: every reconciler
// tick (each due lifecycle step, or 250 ms when nothing is due) is checked against the
// minimumHealthyPercent / maximumPercent bounds. No sleeps: time only moves through Tick().
#include <rapidjson/document.h>

#include <algorithm>
#include <catch2/catch.hpp>
#include <functional>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "control/control_plane.h"
#include "control/traffic_split.h"
#include "scheduler/deployment_planner.h"
#include "tests/control/harness.h"

using namespace ecs;
using namespace ecs::control;

namespace {

ControlOptions FastOptions() {
  ControlOptions o;
  o.lifecycle.provisioning = 100;
  o.lifecycle.pending = 200;
  o.lifecycle.stopping = 100;
  o.lifecycle.deprovisioning = 100;
  o.lifecycle.health_grace = 0;
  return o;
}

struct ServiceFixture {
  explicit ServiceFixture(ControlOptions given = FastOptions())
      : store(testing::QueuedMemoryStore()),
        options(testing::Checked(std::move(given))),
        cp(std::make_unique<ControlPlane>(store.get(), &clock, IdGenerator(11), this->options)) {
    CreateClusterInput in;
    in.cluster_name = "c";
    auto created = cp->CreateCluster(ctx, std::move(in));
    REQUIRE(created.ok());
  }

  std::unique_ptr<storage::Store> store;
  ManualClock clock;
  ControlOptions options;
  std::unique_ptr<ControlPlane> cp;
  RequestContext ctx{{"000000000000", "us-east-1"}};
  int64_t ticks = 0;

  // Writes the queued commits, as the server's writer thread does.
  void Flush() { REQUIRE(testing::Flush(*store, *cp).ok()); }

  void Reload() {
    Flush();
    cp = std::make_unique<ControlPlane>(store.get(), &clock, IdGenerator(99), options);
    REQUIRE(cp->Load().ok());
  }

  std::string Definition(const std::string& family, int cpu = 256, int memory = 512,
                         const std::string& extra = "") {
    std::string json = R"({"family":")" + family +
                       R"(","containerDefinitions":[{"name":"app","image":"nginx","cpu":)" +
                       std::to_string(cpu) + R"(,"memory":)" + std::to_string(memory) + extra +
                       "}]}";
    auto td = testing::Register(*cp, ctx, json);
    INFO(json << " -> " << td.status().message());
    REQUIRE(td.ok());
    return (*td)->reg.arn;
  }

  std::vector<std::string> Fleet(int count, int64_t cpu = 2048, int64_t memory = 4096,
                                 std::vector<std::string> azs = {}) {
    FleetInput f;
    f.cluster = "c";
    f.count = count;
    f.cpu = cpu;
    f.memory = memory;
    f.availability_zones = std::move(azs);
    f.create_cluster = true;
    auto made = cp->CreateFleet(ctx, f);
    REQUIRE(made.ok());
    std::vector<std::string> arns;
    for (const auto* ci : *made) arns.push_back(ci->arn);
    return arns;
  }

  ServiceInput Input(const std::string& name, const std::string& td, int64_t desired,
                     int64_t min = 100, int64_t max = 200) {
    ServiceInput in;
    in.cluster = "c";
    in.service = name;
    in.task_definition = td;
    in.desired_count = desired;
    in.minimum_healthy_percent = min;
    in.maximum_percent = max;
    return in;
  }

  const model::Service* Create(ServiceInput in) {
    auto s = cp->CreateService(ctx, std::move(in));
    INFO(s.status().message());
    REQUIRE(s.ok());
    return *s;
  }

  const model::Service* Update(const ServiceInput& in) {
    auto s = cp->UpdateService(ctx, in);
    INFO(s.status().message());
    REQUIRE(s.ok());
    return *s;
  }

  const model::Service* Get(const std::string& name) {
    std::vector<const model::Service*> found;
    std::vector<DescribeFailure> failures;
    REQUIRE(cp->DescribeServices(ctx, "c", {name}, &found, &failures).ok());
    REQUIRE(found.size() == 1);
    return found.front();
  }

  // One reconciler tick: the next due lifecycle step, or 250 ms later when nothing is due.
  void Tick() {
    Millis next = clock.Now() + 250;
    if (auto due = cp->NextDue()) next = std::min(next, std::max(*due, clock.Now()));
    clock.Set(next);
    auto s = cp->RunDue(next);
    INFO(s.message());
    REQUIRE(s.ok());
    Flush();
    ++ticks;
  }

  // Ticks until `done` holds (checking `each` after every tick); fails after `max_ticks`.
  void RunUntil(const std::function<bool()>& done, const std::function<void()>& each = {},
                int max_ticks = 2000) {
    for (int i = 0; i < max_ticks; ++i) {
      if (done()) return;
      Tick();
      if (each) each();
    }
    FAIL("condition not reached after " << max_ticks << " ticks");
  }

  void RunFor(Millis ms, const std::function<void()>& each = {}) {
    Millis end = clock.Now() + ms;
    while (clock.Now() < end) {
      Tick();
      if (each) each();
    }
  }

  // Every task of the service that is not STOPPED yet.
  std::vector<const model::Task*> Live(const std::string& service) {
    std::vector<const model::Task*> out;
    for (auto desired : {model::DesiredStatus::kRunning, model::DesiredStatus::kStopped}) {
      ListTasksInput in;
      in.cluster = "c";
      in.service_name = service;
      in.desired_status = desired;
      for (;;) {
        auto page = cp->ListTasks(ctx, in);
        if (!page.ok() && page.status().code() == ErrorCode::kServiceNotFoundException) {
          return out;  // INACTIVE: ListTasks no longer knows the service
        }
        REQUIRE(page.ok());
        for (size_t i = 0; i < page->arns.size(); i += 100) {
          const auto first = page->arns.begin() + static_cast<std::ptrdiff_t>(i);
          const auto last = page->arns.begin() +
                            static_cast<std::ptrdiff_t>(std::min(i + 100, page->arns.size()));
          std::vector<std::string> ids(first, last);
          std::vector<const model::Task*> found;
          std::vector<DescribeFailure> failures;
          REQUIRE(cp->DescribeTasks(ctx, "c", ids, &found, &failures).ok());
          for (const auto* t : found) {
            if (!t->is_stopped()) out.push_back(t);
          }
        }
        if (!page->next_token) break;
        in.next_token = page->next_token;
      }
    }
    return out;
  }

  const model::Task* Task(const std::string& id) {
    std::vector<const model::Task*> found;
    std::vector<DescribeFailure> failures;
    REQUIRE(cp->DescribeTasks(ctx, "c", {id}, &found, &failures).ok());
    return found.empty() ? nullptr : found.front();
  }

  static int64_t Healthy(const std::vector<const model::Task*>& tasks) {
    return std::count_if(tasks.begin(), tasks.end(), [](const model::Task* t) {
      return t->last_status == model::TaskState::kRunning && t->desired_status == "RUNNING";
    });
  }

  // runningCount == desiredCount with a single deployment: what ServicesStable waits for.
  bool Stable(const std::string& name) {
    const model::Service* s = Get(name);
    return s->status == "ACTIVE" && VisibleDeployments(*s).size() == 1 &&
           cp->CountsForService(*s).running == s->desired_count &&
           cp->CountsForService(*s).pending == 0;
  }

  static std::vector<const model::Deployment*> VisibleDeployments(const model::Service& s) {
    std::vector<const model::Deployment*> out;
    for (const auto& d : s.deployments) {
      if (d.status != "INACTIVE") out.push_back(&d);
    }
    return out;
  }

  // Per AZ: tasks of the service that are not stopping.
  std::map<std::string, int> PerAz(const std::string& service) {
    std::map<std::string, int> out;
    for (const auto* t : Live(service)) {
      if (t->desired_status == "RUNNING") ++out[t->availability_zone];
    }
    return out;
  }

  std::vector<std::string> Messages(const std::string& name) {
    std::vector<std::string> out;
    for (const auto& e : Get(name)->events) out.push_back(e.message);
    return out;
  }

  int CountEvents(const std::string& name, const std::string& needle) {
    int n = 0;
    for (const auto& m : Messages(name)) n += m.find(needle) != std::string::npos ? 1 : 0;
    return n;
  }

  // Runs `ticks` reconciler ticks and requires that none of them wrote anything.
  void RequireNoWrites(int n) {
    Flush();
    for (int i = 0; i < n; ++i) {
      Millis next = clock.Now() + 250;
      clock.Set(next);
      REQUIRE(cp->RunDue(next).ok());
      if (store->has_pending()) FAIL("tick " << i << " of an idle service wrote to the store");
    }
  }
};

bool Contains(const std::vector<std::string>& v, const std::string& needle) {
  return std::any_of(v.begin(), v.end(),
                     [&](const std::string& s) { return s.find(needle) != std::string::npos; });
}

}  // namespace

TEST_CASE("A new service places desiredCount tasks AZ-balanced and reports a steady state",
          "[services]") {
  ServiceFixture f;
  f.Fleet(6);
  auto td = f.Definition("web");
  const model::Service* s = f.Create(f.Input("web", td, 6));
  CHECK(s->deployments.size() == 1);
  CHECK(s->deployments[0].status == "PRIMARY");
  CHECK(s->deployments[0].rollout_state == "IN_PROGRESS");
  const std::string id = s->deployments[0].id;
  CHECK(s->deployments[0].rollout_state_reason == "ECS deployment " + id + " in progress.");
  f.RunUntil([&] { return f.Stable("web"); });
  s = f.Get("web");
  CHECK(s->deployments[0].rollout_state == "COMPLETED");
  CHECK(s->deployments[0].rollout_state_reason == "ECS deployment " + id + " completed.");
  CHECK(s->deployments[0].deployment_status == "SUCCESSFUL");
  CHECK(f.PerAz("web") ==
        std::map<std::string, int>{{"us-east-1a", 2}, {"us-east-1b", 2}, {"us-east-1c", 2}});
  // One task per instance (the default spreads by instance within the AZ).
  std::set<std::string> instances;
  for (const auto* t : f.Live("web")) {
    instances.insert(t->container_instance_id);
    CHECK(t->group == "service:web");
    CHECK(t->started_by == id);
  }
  CHECK(instances.size() == 6);
  auto msgs = f.Messages("web");
  REQUIRE(msgs.size() == 3);
  CHECK(msgs[0] == "(service web) has reached a steady state.");
  CHECK(msgs[1] == "(service web) (deployment " + id + ") deployment completed.");
  CHECK_THAT(msgs[2], Catch::StartsWith("(service web) has started 6 tasks: (task "));
  auto counts = f.cp->CountsFor(**f.cp->FindCluster(f.ctx, "c", false));
  CHECK(counts.active_services == 1);
  // A settled service costs nothing: no event, no write, tick after tick.
  f.RequireNoWrites(40);
  CHECK(f.Messages("web").size() == 3);
}

namespace {

struct RollCase {
  int64_t desired, min, max;
};

// Creates a service, waits for it, then rolls it to a new revision checking the bounds after
// every tick. Returns the number of ticks the rollout took.
int64_t RollAndCheck(ServiceFixture& f, RollCase c, int instances) {
  f.Fleet(instances);
  auto v1 = f.Definition("app");
  auto v2 = f.Definition("app", 256, 512, R"(,"environment":[{"name":"V","value":"2"}])");
  f.Create(f.Input("app", v1, c.desired, c.min, c.max));
  f.RunUntil([&] { return f.Stable("app"); });
  const int64_t lower = scheduler::LowerBound(c.desired, static_cast<int>(c.min));
  const int64_t upper = scheduler::UpperBound(c.desired, static_cast<int>(c.max));
  ServiceInput up;
  up.cluster = "c";
  up.service = "app";
  up.task_definition = v2;
  const model::Service* s = f.Update(up);
  REQUIRE(s->deployments.size() == 2);
  const std::string new_id = s->deployments[0].id, old_id = s->deployments[1].id;
  CHECK(s->deployments[0].status == "PRIMARY");
  CHECK(s->deployments[1].status == "ACTIVE");
  CHECK(s->task_definition_arn == v2);
  int64_t start = f.ticks;
  int64_t max_seen = 0, min_healthy = c.desired;
  f.RunUntil(
      [&] {
        if (!f.Stable("app")) return false;
        for (const auto* t : f.Live("app")) {
          if (t->task_definition_arn != v2) return false;
        }
        return true;
      },
      [&] {
        auto live = f.Live("app");
        int64_t healthy = ServiceFixture::Healthy(live);
        INFO("tick " << f.ticks << ": live " << live.size() << ", healthy " << healthy);
        CHECK(healthy >= lower);
        CHECK(static_cast<int64_t>(live.size()) <= upper);
        max_seen = std::max(max_seen, static_cast<int64_t>(live.size()));
        min_healthy = std::min(min_healthy, healthy);
        // Per-deployment counts add up to the service's.
        const model::Service* svc = f.Get("app");
        auto n = f.cp->CountsForService(*svc);
        int64_t running = 0;
        for (const auto& [dep, rp] : n.by_deployment) running += rp.first;
        CHECK(running == n.running);
        // PRIMARY's desiredCount ramps up, never beyond the service's.
        CHECK(svc->deployments[0].desired_count <= c.desired);
      });
  s = f.Get("app");
  auto visible = ServiceFixture::VisibleDeployments(*s);
  REQUIRE(visible.size() == 1);
  CHECK(visible[0]->id == new_id);
  CHECK(visible[0]->rollout_state == "COMPLETED");
  CHECK(visible[0]->desired_count == c.desired);
  CHECK(visible[0]->deployment_status == "SUCCESSFUL");
  // The old deployment is kept as history only.
  const model::Deployment* old = nullptr;
  for (const auto& d : s->deployments) {
    if (d.id == old_id) old = &d;
  }
  REQUIRE(old != nullptr);
  CHECK(old->status == "INACTIVE");
  CHECK(old->desired_count == 0);
  auto msgs = f.Messages("app");
  CHECK(msgs[0] == "(service app) has reached a steady state.");
  CHECK(msgs[1] == "(service app) (deployment " + new_id + ") deployment completed.");
  CHECK(Contains(msgs, "(service app) has stopped "));
  // Bounds were used, not just respected.
  CHECK(max_seen == std::min<int64_t>(upper, c.desired * 2));
  CHECK(min_healthy == lower);
  return f.ticks - start;
}

}  // namespace

namespace {

// The services the scheduler's next pass visits, and the instance generation each was planned
// against, in cluster "c".
std::set<std::string> ToVisit(const ServiceFixture& f) {
  const ClusterState* cs = f.cp->index().FindCluster(f.ctx.tenant, "c");
  REQUIRE(cs);
  return {cs->services_to_visit.begin(), cs->services_to_visit.end()};
}

bool PlannedAgainstCurrentInstances(const ServiceFixture& f, const std::string& service) {
  const ClusterState* cs = f.cp->index().FindCluster(f.ctx.tenant, "c");
  REQUIRE(cs);
  return cs->FindService(service)->instances_generation == cs->instances_generation;
}

}  // namespace

TEST_CASE("A pass visits only the services whose tasks, settings or instances changed",
          "[services][scale]") {
  ServiceFixture f;
  f.Fleet(3);
  auto td = f.Definition("app");
  f.Create(f.Input("a", td, 2));
  f.Create(f.Input("b", td, 2));
  CHECK(ToVisit(f) == std::set<std::string>{"a", "b"});  // new services are planned
  f.RunUntil([&] { return f.Stable("a") && f.Stable("b") && ToVisit(f).empty(); });

  // Settled and nothing changed: neither is listed, tick after tick.
  f.RunFor(2000);
  CHECK(ToVisit(f).empty());

  // An update lists that service alone.
  ServiceInput up;
  up.cluster = "c";
  up.service = "a";
  up.desired_count = 3;
  f.Update(up);
  CHECK(ToVisit(f) == std::set<std::string>{"a"});
  f.RunUntil([&] { return f.Live("a").size() == 3 && ToVisit(f).empty(); });

  // A task change lists its service alone.
  const std::string victim = f.Live("b").front()->arn;
  REQUIRE(f.cp->StopTask(f.ctx, "c", victim, "test").ok());
  CHECK(ToVisit(f) == std::set<std::string>{"b"});
  f.RunUntil([&] { return f.Stable("b") && ToVisit(f).empty(); });

  // An instance change: every service is planned against the new instance set.
  REQUIRE(PlannedAgainstCurrentInstances(f, "a"));
  const std::vector<std::string> more = f.Fleet(1);
  CHECK_FALSE(PlannedAgainstCurrentInstances(f, "a"));
  CHECK_FALSE(PlannedAgainstCurrentInstances(f, "b"));
  f.Tick();
  CHECK(PlannedAgainstCurrentInstances(f, "a"));
  CHECK(PlannedAgainstCurrentInstances(f, "b"));
  f.RunUntil([&] { return ToVisit(f).empty(); });
  REQUIRE(f.cp->SetAgentConnected(f.ctx, "c", more.front(), false).ok());
  f.Tick();
  CHECK(PlannedAgainstCurrentInstances(f, "a"));
  CHECK(PlannedAgainstCurrentInstances(f, "b"));
}

TEST_CASE("Rolling deployments keep the min/max bounds at every tick", "[services][deploy]") {
  SECTION("desiredCount 4, 50/200: start 4, stop 2 at once, then the rest") {
    ServiceFixture f;
    RollAndCheck(f, {4, 50, 200}, 8);
  }
  SECTION("desiredCount 4, 100/200 (defaults): start 4, stop 4 once healthy") {
    ServiceFixture f;
    RollAndCheck(f, {4, 100, 200}, 8);
  }
  SECTION("desiredCount 4, 0/100: stop all 4 first, then start 4") {
    ServiceFixture f;
    RollAndCheck(f, {4, 0, 100}, 4);
  }
  SECTION("odd counts round lower up and upper down: 5 at 60/140 (lower 3, upper 7)") {
    ServiceFixture f;
    RollAndCheck(f, {5, 60, 140}, 8);
  }
  SECTION("odd counts: 3 at 50/150 (lower 2, upper 4)") {
    ServiceFixture f;
    RollAndCheck(f, {3, 50, 150}, 6);
  }
}

TEST_CASE("Old tasks are stopped by the scheduler with the ECS stop code and reason",
          "[services][deploy]") {
  ServiceFixture f;
  f.Fleet(4);
  auto v1 = f.Definition("app");
  auto v2 = f.Definition("app", 128);
  f.Create(f.Input("app", v1, 2));
  f.RunUntil([&] { return f.Stable("app"); });
  std::vector<std::string> old_ids;
  for (const auto* t : f.Live("app")) old_ids.push_back(t->id);
  ServiceInput up;
  up.cluster = "c";
  up.service = "app";
  up.task_definition = v2;
  const std::string new_id = f.Update(up)->deployments[0].id;
  f.RunUntil([&] { return f.Stable("app") && f.Live("app")[0]->task_definition_arn == v2; });
  for (const auto& id : old_ids) {
    const model::Task* t = f.Task(id);
    REQUIRE(t != nullptr);
    CHECK(t->is_stopped());
    CHECK(t->stop_code == "ServiceSchedulerInitiated");
    CHECK(t->stopped_reason == "Scaling activity initiated by (deployment " + new_id + ")");
  }
}

TEST_CASE("forceNewDeployment replaces every task with the same definition", "[services][deploy]") {
  ServiceFixture f;
  f.Fleet(4);
  auto v1 = f.Definition("app");
  f.Create(f.Input("app", v1, 3));
  f.RunUntil([&] { return f.Stable("app"); });
  std::set<std::string> before;
  for (const auto* t : f.Live("app")) before.insert(t->id);
  ServiceInput up;
  up.cluster = "c";
  up.service = "app";
  up.force_new_deployment = true;
  const model::Service* s = f.Update(up);
  REQUIRE(s->deployments.size() == 2);
  f.RunUntil([&] {
    if (!f.Stable("app")) return false;
    for (const auto* t : f.Live("app")) {
      if (before.count(t->id)) return false;
    }
    return true;
  });
  // An update that changes nothing that deploys does not start a deployment.
  ServiceInput same;
  same.cluster = "c";
  same.service = "app";
  same.task_definition = v1;
  CHECK(ServiceFixture::VisibleDeployments(*f.Update(same)).size() == 1);
}

TEST_CASE("100/100 cannot make progress and says so once", "[services][deploy]") {
  ServiceFixture f;
  f.Fleet(4);
  auto v1 = f.Definition("app");
  auto v2 = f.Definition("app", 128);
  f.Create(f.Input("app", v1, 4, 100, 100));
  f.RunUntil([&] { return f.Stable("app"); });
  ServiceInput up;
  up.cluster = "c";
  up.service = "app";
  up.task_definition = v2;
  f.Update(up);
  f.RunFor(30'000, [&] {
    auto live = f.Live("app");
    CHECK(live.size() == 4);
    CHECK(ServiceFixture::Healthy(live) == 4);
  });
  const std::string deadlock =
      "(service app) was unable to stop or start tasks during a deployment because of the service "
      "deployment configuration. Update the minimumHealthyPercent or maximumPercent value and try "
      "again.";
  CHECK(f.Messages("app")[0] == deadlock);
  CHECK(f.CountEvents("app", "was unable to stop or start tasks") == 1);
  const model::Service* s = f.Get("app");
  CHECK(ServiceFixture::VisibleDeployments(*s).size() == 2);
  CHECK(s->deployments[0].rollout_state == "IN_PROGRESS");
  for (const auto* t : f.Live("app")) CHECK(t->task_definition_arn == v1);
  // Stuck is not busy: nothing is rewritten while it waits.
  f.RequireNoWrites(20);
  // Lowering the minimum lets it through.
  ServiceInput fix;
  fix.cluster = "c";
  fix.service = "app";
  fix.minimum_healthy_percent = 50;
  f.Update(fix);
  f.RunUntil([&] { return f.Stable("app") && f.Live("app")[0]->task_definition_arn == v2; });
}

TEST_CASE("The circuit breaker rolls back to the last completed deployment",
          "[services][breaker]") {
  // 100/200: the good tasks never stop, so the rollback completes as soon as the failed tasks
  // are gone. 0/100: the good tasks were stopped first, so the rollback has to start them again
  // and its IN_PROGRESS state is visible for a while.
  const bool keeps_tasks = GENERATE(true, false);
  ServiceFixture f;
  f.Fleet(8);
  auto good = f.Definition("app");
  auto bad = f.Definition("app", 128);
  auto in = keeps_tasks ? f.Input("app", good, 4) : f.Input("app", good, 4, 0, 100);
  in.circuit_breaker_enable = true;
  in.circuit_breaker_rollback = true;
  f.Create(in);
  f.RunUntil([&] { return f.Stable("app"); });
  const std::string good_id = f.Get("app")->deployments[0].id;
  std::set<std::string> good_tasks;
  for (const auto* t : f.Live("app")) good_tasks.insert(t->id);
  REQUIRE(f.cp->SetTaskDefinitionFailing(f.ctx, bad, true).ok());
  ServiceInput up;
  up.cluster = "c";
  up.service = "app";
  up.task_definition = bad;
  const std::string failed_id = f.Update(up)->deployments[0].id;
  // Threshold for 4 tasks: max(3, ceil(4/2)) = 3 failed launches.
  CHECK(scheduler::CircuitBreakerThreshold(4) == 3);
  f.RunUntil([&] { return f.Get("app")->deployments[0].id == good_id; },
             [&] { CHECK(ServiceFixture::Healthy(f.Live("app")) >= (keeps_tasks ? 4 : 0)); });
  const model::Service* s = f.Get("app");
  CHECK(s->task_definition_arn == good);
  CHECK(s->deployments[0].status == "PRIMARY");
  auto msgs = f.Messages("app");
  CHECK(Contains(msgs, "(service app) (deployment " + failed_id +
                           ") deployment failed: tasks failed to start."));
  CHECK(Contains(msgs, "(service app) rolling back to deployment " + good_id + "."));
  if (!keeps_tasks) {
    CHECK(s->deployments[0].rollout_state == "IN_PROGRESS");
    CHECK(s->deployments[0].rollout_state_reason ==
          "ECS deployment circuit breaker: rolling back to deploymentId " + good_id + ".");
    const model::Deployment& failed = s->deployments[1];
    CHECK(failed.id == failed_id);
    CHECK(failed.rollout_state == "FAILED");
    CHECK(failed.rollout_state_reason == "ECS deployment circuit breaker: tasks failed to start.");
    CHECK(failed.deployment_status == "ROLLBACK_IN_PROGRESS");
  }
  f.RunUntil([&] { return f.Stable("app"); });
  s = f.Get("app");
  CHECK(s->deployments[0].id == good_id);
  CHECK(s->deployments[0].rollout_state == "COMPLETED");
  CHECK(s->deployments[0].rollout_state_reason == "ECS deployment " + good_id + " completed.");
  bool seen = false;
  for (const auto& d : s->deployments) {
    if (d.id != failed_id) continue;
    seen = true;
    CHECK(d.status == "INACTIVE");
    CHECK(d.rollout_state == "FAILED");
    CHECK(d.rollout_state_reason == "ECS deployment circuit breaker: tasks failed to start.");
    CHECK(d.failed_tasks >= 3);
    CHECK(d.circuit_breaker_status == "TRIGGERED");
    CHECK(d.deployment_status == "ROLLBACK_SUCCESSFUL");
    CHECK(d.rolled_back_to == good_id);
  }
  CHECK(seen);
  std::set<std::string> now_tasks;
  for (const auto* t : f.Live("app")) {
    now_tasks.insert(t->id);
    CHECK(t->task_definition_arn == good);
  }
  CHECK(now_tasks.size() == 4);
  // With 100 % healthy the good tasks never stopped: the rollback kept them.
  if (keeps_tasks) CHECK(now_tasks == good_tasks);
}

TEST_CASE("Without rollback a tripped breaker fails the deployment and keeps the old tasks",
          "[services][breaker]") {
  ServiceFixture f;
  f.Fleet(8);
  auto good = f.Definition("app");
  auto bad = f.Definition("app", 128);
  auto in = f.Input("app", good, 4);
  in.circuit_breaker_enable = true;
  in.circuit_breaker_rollback = false;
  f.Create(in);
  f.RunUntil([&] { return f.Stable("app"); });
  REQUIRE(f.cp->SetTaskDefinitionFailing(f.ctx, bad, true).ok());
  ServiceInput up;
  up.cluster = "c";
  up.service = "app";
  up.task_definition = bad;
  f.Update(up);
  f.RunUntil([&] { return f.Get("app")->deployments[0].rollout_state == "FAILED"; });
  const model::Service* s = f.Get("app");
  CHECK(s->deployments[0].status == "PRIMARY");
  CHECK(s->deployments[0].rollout_state_reason ==
        "ECS deployment circuit breaker: tasks failed to start.");
  CHECK(s->deployments[0].deployment_status == "STOPPED");
  CHECK(s->task_definition_arn == bad);
  // A FAILED primary launches nothing more; the old deployment's tasks keep running.
  f.RunFor(20'000);
  auto live = f.Live("app");
  CHECK(live.size() == 4);
  for (const auto* t : live) {
    CHECK(t->task_definition_arn == good);
    CHECK(t->last_status == model::TaskState::kRunning);
  }
  CHECK(ServiceFixture::VisibleDeployments(*f.Get("app")).size() == 2);
  f.RequireNoWrites(10);
}

TEST_CASE("Tasks that keep failing to start are throttled, with the ECS event once",
          "[services][throttle]") {
  ServiceFixture f;
  f.Fleet(2);
  auto bad = f.Definition("app");
  REQUIRE(f.cp->SetTaskDefinitionFailing(f.ctx, bad, true).ok());
  f.Create(f.Input("app", bad, 2));
  f.RunFor(60'000);
  // Without throttling, 2 tasks every ~0.5 s would be ~240 launches in a minute.
  ListTasksInput in;
  in.cluster = "c";
  in.service_name = "app";
  in.desired_status = model::DesiredStatus::kStopped;
  in.max_results = 100;
  auto page = f.cp->ListTasks(f.ctx, in);
  REQUIRE(page.ok());
  CHECK(page->arns.size() < 20);
  CHECK(f.CountEvents("app", "(service app) is unable to consistently start tasks successfully.") ==
        1);
}

TEST_CASE("A drained instance's tasks are replaced within the bounds", "[services][drain]") {
  ServiceFixture f;
  auto fleet = f.Fleet(4);
  auto td = f.Definition("app");
  f.Create(f.Input("app", td, 4, 50, 100));  // lower 2, upper 4
  f.RunUntil([&] { return f.Stable("app"); });
  std::vector<const model::ContainerInstance*> updated;
  std::vector<DescribeFailure> failures;
  REQUIRE(f.cp->UpdateContainerInstancesState(f.ctx, "c", {fleet[0], fleet[1]},
                                              model::InstanceStatus::kDraining, &updated, &failures)
              .ok());
  std::set<std::string> drained{std::string(LastSegment(fleet[0])),
                                std::string(LastSegment(fleet[1]))};
  f.RunUntil(
      [&] {
        if (!f.Stable("app")) return false;
        for (const auto* t : f.Live("app")) {
          if (drained.count(t->container_instance_id)) return false;
        }
        return true;
      },
      [&] {
        auto live = f.Live("app");
        CHECK(ServiceFixture::Healthy(live) >= 2);
        CHECK(live.size() <= 4);
      });
  auto live = f.Live("app");
  CHECK(live.size() == 4);
  for (const auto* t : live) CHECK_FALSE(drained.count(t->container_instance_id));
}

TEST_CASE("Draining with 100/100 never finishes", "[services][drain]") {
  ServiceFixture f;
  auto fleet = f.Fleet(2);
  auto td = f.Definition("app");
  f.Create(f.Input("app", td, 2, 100, 100));
  f.RunUntil([&] { return f.Stable("app"); });
  std::vector<const model::ContainerInstance*> updated;
  std::vector<DescribeFailure> failures;
  REQUIRE(f.cp->UpdateContainerInstancesState(f.ctx, "c", {fleet[0]},
                                              model::InstanceStatus::kDraining, &updated, &failures)
              .ok());
  f.RunFor(10'000);
  CHECK(ServiceFixture::Healthy(f.Live("app")) == 2);
  CHECK(f.CountEvents("app", "was unable to stop or start tasks") == 1);
}

TEST_CASE("Losing an AZ replaces its tasks balanced over the remaining AZs", "[services][faults]") {
  ServiceFixture f;
  f.Fleet(9);
  auto td = f.Definition("app");
  f.Create(f.Input("app", td, 6));
  f.RunUntil([&] { return f.Stable("app"); });
  CHECK(f.PerAz("app") ==
        std::map<std::string, int>{{"us-east-1a", 2}, {"us-east-1b", 2}, {"us-east-1c", 2}});
  auto lost = f.cp->LoseZone(f.ctx, "us-east-1c");
  REQUIRE(lost.ok());
  CHECK(*lost == 3);
  f.RunUntil([&] { return f.Stable("app") && ServiceFixture::Healthy(f.Live("app")) == 6; });
  auto az = f.PerAz("app");
  INFO("a=" << az["us-east-1a"] << " b=" << az["us-east-1b"] << " c=" << az["us-east-1c"]);
  CHECK(f.PerAz("app") == std::map<std::string, int>{{"us-east-1a", 3}, {"us-east-1b", 3}});
  // Lost tasks carry the instance-termination stop.
  ListTasksInput in;
  in.cluster = "c";
  in.service_name = "app";
  in.desired_status = model::DesiredStatus::kStopped;
  auto page = f.cp->ListTasks(f.ctx, in);
  REQUIRE(page.ok());
  REQUIRE(page->arns.size() == 2);
  const model::Task* t = f.Task(page->arns[0]);
  CHECK(t->stop_code == "TerminationNotice");
  CHECK_THAT(t->stopped_reason, Catch::StartsWith("Host EC2 (instance "));
}

TEST_CASE("Losing one instance keeps the AZ balance", "[services][faults]") {
  ServiceFixture f;
  auto fleet = f.Fleet(9);
  auto td = f.Definition("app");
  f.Create(f.Input("app", td, 6));
  f.RunUntil([&] { return f.Stable("app"); });
  // An instance with a task on it.
  std::string victim = f.Live("app")[0]->container_instance_id;
  const std::string victim_task = f.Live("app")[0]->id;
  REQUIRE(f.cp->LoseInstance(f.ctx, "c", victim).ok());
  f.RunUntil([&] {
    return f.Stable("app") && f.Live("app").size() == 6 && f.Task(victim_task)->is_stopped();
  });
  CHECK(f.PerAz("app") ==
        std::map<std::string, int>{{"us-east-1a", 2}, {"us-east-1b", 2}, {"us-east-1c", 2}});
  CHECK(f.CountEvents("app", "has started 1 tasks") == 1);
}

TEST_CASE("A task that exits is replaced", "[services][faults]") {
  ServiceFixture f;
  f.Fleet(3);
  auto td = f.Definition("app");
  f.Create(f.Input("app", td, 3));
  f.RunUntil([&] { return f.Stable("app"); });
  const std::string victim = f.Live("app")[0]->id;
  REQUIRE(f.cp->FailTask(f.ctx, "c", victim, 2, "boom").ok());
  f.RunUntil([&] { return f.Task(victim)->is_stopped() && f.Stable("app"); });
  const model::Task* t = f.Task(victim);
  CHECK(t->stop_code == "EssentialContainerExited");
  CHECK(t->stopped_reason == "Essential container in task exited");
  REQUIRE(t->containers[0].exit_code);
  CHECK(*t->containers[0].exit_code == 2);
  auto msgs = f.Messages("app");
  CHECK_THAT(msgs[1], Catch::StartsWith("(service app) has started 1 tasks: (task "));
  CHECK(msgs[0] == "(service app) has reached a steady state.");
  // The steady-state message comes back after the replacement, not twice in a row.
  CHECK(f.CountEvents("app", "has reached a steady state") == 2);
}

TEST_CASE("Scaling out and in", "[services][scale]") {
  ServiceFixture f;
  f.Fleet(6);
  auto td = f.Definition("app");
  f.Create(f.Input("app", td, 2));
  f.RunUntil([&] { return f.Stable("app"); });
  const std::string dep = f.Get("app")->deployments[0].id;
  ServiceInput out;
  out.cluster = "c";
  out.service = "app";
  out.desired_count = 6;
  const model::Service* s = f.Update(out);
  CHECK(s->deployments.size() == 1);  // scaling is not a deployment
  CHECK(s->deployments[0].desired_count == 6);
  f.RunUntil([&] { return f.Stable("app"); });
  CHECK(f.Live("app").size() == 6);
  CHECK(f.PerAz("app") ==
        std::map<std::string, int>{{"us-east-1a", 2}, {"us-east-1b", 2}, {"us-east-1c", 2}});
  ServiceInput in;
  in.cluster = "c";
  in.service = "app";
  in.desired_count = 3;
  f.Update(in);
  f.RunUntil([&] { return f.Stable("app") && f.Live("app").size() == 3; });
  // Scale-in keeps the AZ balance.
  CHECK(f.PerAz("app") ==
        std::map<std::string, int>{{"us-east-1a", 1}, {"us-east-1b", 1}, {"us-east-1c", 1}});
  ListTasksInput q;
  q.cluster = "c";
  q.service_name = "app";
  q.desired_status = model::DesiredStatus::kStopped;
  auto page = f.cp->ListTasks(f.ctx, q);
  REQUIRE(page.ok());
  REQUIRE(page->arns.size() == 3);
  for (const auto& arn : page->arns) {
    const model::Task* t = f.Task(arn);
    CHECK(t->stop_code == "ServiceSchedulerInitiated");
    CHECK(t->stopped_reason == "Scaling activity initiated by (deployment " + dep + ")");
  }
  CHECK(f.Messages("app")[0] == "(service app) has reached a steady state.");
  CHECK_THAT(f.Messages("app")[1], Catch::StartsWith("(service app) has stopped 3 running tasks:"));
  CHECK(f.Get("app")->deployments[0].rollout_state == "COMPLETED");
}

TEST_CASE("DeleteService: the force rule, DRAINING then INACTIVE, the name reusable",
          "[services][delete]") {
  ServiceFixture f;
  f.Fleet(3);
  auto td = f.Definition("app");
  f.Create(f.Input("app", td, 3));
  f.RunUntil([&] { return f.Stable("app"); });
  auto refused = f.cp->DeleteService(f.ctx, "c", "app", false);
  REQUIRE_FALSE(refused.ok());
  CHECK(refused.status().code() == ErrorCode::kInvalidParameterException);
  CHECK(refused.status().message() == "The service cannot be stopped while it is scaled above 0.");
  auto del = f.cp->DeleteService(f.ctx, "c", "app", true);
  REQUIRE(del.ok());
  CHECK((*del)->status == "DRAINING");
  CHECK((*del)->desired_count == 0);
  auto counts = f.cp->CountsFor(**f.cp->FindCluster(f.ctx, "c", false));
  CHECK(counts.active_services == 0);
  CHECK(counts.draining_services == 1);
  // Gone from ListServices at once, still describable.
  CHECK(f.cp->ListServices(f.ctx, {.cluster = "c"})->arns.empty());
  auto upd = f.cp->UpdateService(f.ctx, [] {
    ServiceInput in;
    in.cluster = "c";
    in.service = "app";
    in.desired_count = 1;
    return in;
  }());
  CHECK(upd.status().code() == ErrorCode::kServiceNotActiveException);
  CHECK(upd.status().message() == "Service was not ACTIVE.");
  auto created = f.cp->CreateService(f.ctx, f.Input("app", td, 1));
  CHECK(created.status().message() == "Creation of service was not idempotent.");
  f.RunUntil([&] { return f.Get("app")->status == "INACTIVE"; });
  const model::Service* s = f.Get("app");
  CHECK(s->desired_count == 0);
  CHECK(ServiceFixture::VisibleDeployments(*s).size() == 1);
  counts = f.cp->CountsFor(**f.cp->FindCluster(f.ctx, "c", false));
  CHECK(counts.draining_services == 0);
  for (const auto* t : f.Live("app")) CHECK(t->desired_status == "STOPPED");
  // Deleting again returns it unchanged.
  auto again = f.cp->DeleteService(f.ctx, "c", "app", true);
  REQUIRE(again.ok());
  CHECK((*again)->status == "INACTIVE");
  // Once the tasks are gone, the name can be used again and the old tasks are not adopted.
  f.RunFor(1000);
  const model::Service* fresh = f.Create(f.Input("app", td, 2));
  CHECK(fresh->status == "ACTIVE");
  f.RunUntil([&] { return f.Stable("app"); });
  CHECK(f.Live("app").size() == 2);
}

TEST_CASE("DeleteService of a service with no tasks is INACTIVE at once", "[services][delete]") {
  ServiceFixture f;
  auto td = f.Definition("app");
  f.Create(f.Input("app", td, 0));
  auto del = f.cp->DeleteService(f.ctx, "c", "app", false);
  REQUIRE(del.ok());
  CHECK((*del)->status == "INACTIVE");
}

TEST_CASE("DAEMON services follow instances as they come and go", "[services][daemon]") {
  ServiceFixture f;
  auto fleet = f.Fleet(2);
  auto td = f.Definition("agent", 128, 128);
  ServiceInput in;
  in.cluster = "c";
  in.service = "agent";
  in.task_definition = td;
  in.scheduling_strategy = model::SchedulingStrategy::kDaemon;
  const model::Service* s = f.Create(in);
  CHECK(s->minimum_healthy_percent == 0);
  CHECK(s->maximum_percent == 100);
  f.RunUntil([&] { return f.Stable("agent") && f.Get("agent")->desired_count == 2; });
  CHECK(f.Get("agent")->desired_count == 2);
  auto per_instance = [&] {
    std::map<std::string, int> n;
    for (const auto* t : f.Live("agent")) {
      if (t->desired_status == "RUNNING") ++n[t->container_instance_id];
    }
    return n;
  };
  CHECK(per_instance().size() == 2);
  // More instances than one StartTask call can take (10).
  f.Fleet(12);
  f.RunUntil([&] { return f.Stable("agent") && f.Get("agent")->desired_count == 14; });
  CHECK(per_instance().size() == 14);
  for (const auto& [id, n] : per_instance()) CHECK(n == 1);
  // Draining: its daemon task stops and nothing replaces it elsewhere.
  std::vector<const model::ContainerInstance*> updated;
  std::vector<DescribeFailure> failures;
  REQUIRE(f.cp->UpdateContainerInstancesState(f.ctx, "c", {fleet[0]},
                                              model::InstanceStatus::kDraining, &updated, &failures)
              .ok());
  f.RunUntil([&] { return f.Stable("agent") && f.Get("agent")->desired_count == 13; });
  CHECK(per_instance().size() == 13);
  CHECK_FALSE(per_instance().count(std::string(LastSegment(fleet[0]))));
  // Lost: same.
  REQUIRE(f.cp->LoseInstance(f.ctx, "c", fleet[1]).ok());
  f.RunUntil([&] { return f.Stable("agent") && f.Get("agent")->desired_count == 12; });
  CHECK(per_instance().size() == 12);
  // A new revision replaces each task in place (max 100 %).
  auto v2 = f.Definition("agent", 64, 128);
  ServiceInput up;
  up.cluster = "c";
  up.service = "agent";
  up.task_definition = v2;
  f.Update(up);
  f.RunUntil(
      [&] {
        if (!f.Stable("agent")) return false;
        for (const auto* t : f.Live("agent")) {
          if (t->task_definition_arn != v2) return false;
        }
        return true;
      },
      [&] {
        for (const auto& [id, n] : per_instance()) CHECK(n <= 1);
      });
  CHECK(f.Get("agent")->deployments[0].rollout_state == "COMPLETED");
}

TEST_CASE("A task that cannot be placed is reported once, not every tick", "[services][events]") {
  ServiceFixture f;
  f.Fleet(1, 1024, 2048);
  auto td = f.Definition("big", 768, 512);
  f.Create(f.Input("big", td, 2));
  f.RunFor(20'000);
  CHECK(f.Live("big").size() == 1);
  const std::string needle =
      "(service big) was unable to place a task because no container "
      "instance met all of its requirements. The closest matching "
      "(container-instance ";
  CHECK(f.CountEvents("big", needle) == 1);
  auto msgs = f.Messages("big");
  CHECK_THAT(msgs[0], Catch::Contains("has insufficient CPU units available."));
  CHECK_THAT(msgs[0],
             Catch::Contains("For more information, see the Troubleshooting section of the Amazon "
                             "ECS Developer Guide. Placement trace: /_emulator/placement/"));
  // The link names the decision that failed, with each instance's verdict.
  const std::string link = msgs[0].substr(msgs[0].rfind('/') + 1);
  const control::PlacementTraceRecord* trace = f.cp->placement_traces().Find(f.ctx.tenant, link);
  REQUIRE(trace != nullptr);
  CHECK(trace->operation == "service");
  CHECK(trace->service_name == "big");
  // One placement pass for both tasks: the first fits, the second does not.
  REQUIRE(trace->trace.tasks.size() == 2);
  CHECK(trace->trace.tasks[0].placed);
  CHECK(trace->trace.tasks[1].failure == "RESOURCE:CPU");
  f.RequireNoWrites(20);
  // Capacity arrives: the second task is placed and the service becomes steady.
  f.Fleet(1, 1024, 2048);
  f.RunUntil([&] { return f.Stable("big"); });
  CHECK(f.Messages("big")[0] == "(service big) has reached a steady state.");
}

TEST_CASE("An empty cluster gets the no-instances event", "[services][events]") {
  ServiceFixture f;
  auto td = f.Definition("app");
  f.Create(f.Input("app", td, 1));
  f.RunFor(5000);
  CHECK(f.Messages("app") ==
        std::vector<std::string>{
            "(service app) was unable to place a task because no container instance met all of "
            "its requirements. Reason: No Container Instances were found in your cluster. For "
            "more information, see the Troubleshooting section of the Amazon ECS Developer "
            "Guide."});
}

TEST_CASE("A reloaded control plane finishes a deployment it did not start",
          "[services][persistence]") {
  ServiceFixture f;
  f.Fleet(8);
  auto v1 = f.Definition("app");
  auto v2 = f.Definition("app", 128);
  f.Create(f.Input("app", v1, 4, 50, 200));
  f.RunUntil([&] { return f.Stable("app"); });
  ServiceInput up;
  up.cluster = "c";
  up.service = "app";
  up.task_definition = v2;
  const std::string new_id = f.Update(up)->deployments[0].id;
  // Part way: new tasks started, some old ones stopping.
  f.Tick();
  f.Tick();
  REQUIRE(ServiceFixture::VisibleDeployments(*f.Get("app")).size() == 2);
  const size_t events = f.Get("app")->events.size();
  f.Reload();
  const model::Service* s = f.Get("app");
  REQUIRE(ServiceFixture::VisibleDeployments(*s).size() == 2);
  CHECK(s->deployments[0].id == new_id);
  CHECK(s->events.size() == events);
  f.RunUntil([&] { return f.Stable("app"); },
             [&] { CHECK(ServiceFixture::Healthy(f.Live("app")) >= 2); });
  for (const auto* t : f.Live("app")) CHECK(t->task_definition_arn == v2);
  CHECK(f.Get("app")->deployments[0].rollout_state == "COMPLETED");
  auto counts = f.cp->CountsFor(**f.cp->FindCluster(f.ctx, "c", false));
  CHECK(counts.active_services == 1);
}

TEST_CASE("Service deployments: history, statuses, StopServiceDeployment", "[services][history]") {
  ServiceFixture f;
  f.Fleet(4);
  auto v1 = f.Definition("app");
  auto v2 = f.Definition("app", 128);
  f.Create(f.Input("app", v1, 2));
  f.RunUntil([&] { return f.Stable("app"); });
  const Millis t1 = f.clock.Now();
  ServiceInput up;
  up.cluster = "c";
  up.service = "app";
  up.task_definition = v2;
  f.Update(up);
  auto listed =
      f.cp->ListServiceDeployments(f.ctx, {.cluster = "c", .service = "app", .created_after = t1});
  REQUIRE(listed.ok());
  REQUIRE(listed->first.size() == 1);
  const std::string arn =
      f.cp->ServiceDeploymentArn(*listed->first[0].service, *listed->first[0].deployment);
  CHECK(listed->first[0].deployment->deployment_status == "IN_PROGRESS");
  // Terraform matches the PRIMARY's id digits against the target revision ARN.
  const model::Deployment& primary = f.Get("app")->deployments[0];
  CHECK_THAT(f.cp->ServiceRevisionArn(*f.Get("app"), primary),
             Catch::EndsWith("/" + primary.revision_number()));
  f.RunUntil([&] { return f.Stable("app"); });
  std::vector<ServiceDeploymentRef> found;
  std::vector<DescribeFailure> failures;
  f.cp->DescribeServiceDeployments(f.ctx, {arn}, false, &found, &failures);
  REQUIRE(found.size() == 1);
  CHECK(found[0].deployment->deployment_status == "SUCCESSFUL");
  CHECK(found[0].deployment->finished_at > 0);
  auto all = f.cp->ListServiceDeployments(f.ctx, {.cluster = "c", .service = "app"});
  REQUIRE(all->first.size() == 2);
  CHECK(all->first[0].deployment->created_at >= all->first[1].deployment->created_at);
  // The update's deployment replaces the first one: that is its source revision.
  CHECK(all->first[0].deployment->source_revision_id ==
        all->first[1].deployment->revision_number());
  CHECK(all->first[1].deployment->source_revision_id.empty());
  // A finished deployment cannot be stopped.
  auto stop = f.cp->StopServiceDeployment(f.ctx, arn, /*rollback=*/true);
  CHECK(stop.status().code() == ErrorCode::kConflictException);
  // Stop (rollback) an in-progress one: back to v2's deployment.
  auto v3 = f.Definition("app", 64);
  REQUIRE(f.cp->SetTaskDefinitionFailing(f.ctx, v3, true).ok());
  up.task_definition = v3;
  const model::Service* s = f.Update(up);
  const std::string v3_arn = f.cp->ServiceDeploymentArn(*s, s->deployments[0]);
  REQUIRE(f.cp->StopServiceDeployment(f.ctx, v3_arn, /*rollback=*/true).ok());
  s = f.Get("app");
  CHECK(s->task_definition_arn == v2);
  f.RunUntil([&] { return f.Stable("app"); });
  found.clear();
  f.cp->DescribeServiceDeployments(f.ctx, {v3_arn}, false, &found, &failures);
  REQUIRE(found.size() == 1);
  CHECK(found[0].deployment->deployment_status == "ROLLBACK_SUCCESSFUL");
}

// Green's and blue's share of production traffic per the simulated split (control/traffic_split.h).
std::map<std::string, double> ProductionSplit(const model::Service& s) {
  std::map<std::string, double> out;
  for (const RevisionTraffic& t : TrafficSplit(s)) out[t.deployment->id] = t.production;
  return out;
}

TEST_CASE(
    "A LINEAR deployment steps production traffic, its step survives a reload, and a "
    "rollback mid-shift gives blue all of it",
    "[services][deploy][persistence]") {
  ServiceFixture f;
  f.Fleet(4);
  auto v1 = f.Definition("app");
  auto v2 = f.Definition("app", 128);
  ServiceInput in = f.Input("app", v1, 2);
  in.deployment_strategy = model::DeploymentStrategy::kLinear;
  in.linear_configuration = model::TrafficShiftConfiguration{50.0, 0};
  f.Create(in);
  // Its own stages first (no blue: nothing to shift from), until it completes.
  f.RunUntil([&] {
    return f.Get("app")->deployments[0].rollout_state == model::RolloutState::kCompleted;
  });
  const std::string blue = f.Get("app")->deployments[0].id;
  ServiceInput up;
  up.cluster = "c";
  up.service = "app";
  up.task_definition = v2;
  up.linear_configuration = model::TrafficShiftConfiguration{25.0, 1};
  const std::string green = f.Update(up)->deployments[0].id;
  // Steps of 25 one minute apart: 25, then 50 no sooner than a minute later.
  Millis at25 = -1;
  f.RunUntil([&] {
    const model::Deployment& d = f.Get("app")->deployments[0];
    if (d.production_traffic == 25 && at25 < 0) at25 = f.clock.Now();
    return d.production_traffic == 50;
  });
  CHECK(f.clock.Now() - at25 >= 60'000);
  const model::Service* s = f.Get("app");
  CHECK(s->deployments[0].lifecycle_stage == model::LifecycleStage::kProductionTrafficShift);
  CHECK(s->deployments[0].production_shifted_at == f.clock.Now());
  CHECK(ProductionSplit(*s) == std::map<std::string, double>{{blue, 50}, {green, 50}});
  const model::Deployment before = s->deployments[0];
  f.Reload();
  s = f.Get("app");
  CHECK(s->deployments[0] == before);  // the step, when it started, the schedule
  CHECK(s->linear_configuration == model::TrafficShiftConfiguration{25.0, 1});
  const std::string arn = f.cp->ServiceDeploymentArn(*s, s->deployments[0]);
  REQUIRE(f.cp->StopServiceDeployment(f.ctx, arn, /*rollback=*/true).ok());
  CHECK(ProductionSplit(*f.Get("app")) == std::map<std::string, double>{{blue, 100}, {green, 0}});
  f.RunUntil([&] { return f.Stable("app"); });
  for (const auto* t : f.Live("app")) CHECK(t->task_definition_arn == v1);
}

TEST_CASE("Reconciler slices: the work is split, every service is reached, requests fit between",
          "[services][slices]") {
  ServiceFixture f;
  f.Fleet(6);
  auto td = f.Definition("app");
  for (const char* name : {"a", "b", "c"}) f.Create(f.Input(name, td, 4));
  // Out of time after every unit of work: each call does one service or 64 task steps.
  const auto out_of_time = [] { return true; };
  int ticks = 0;
  int slices = 0;
  bool deleted = false;
  auto done = [&] { return f.Stable("a") && f.Stable("c") && f.Get("b")->status == "INACTIVE"; };
  while (!done()) {
    REQUIRE(++ticks < 2000);
    Millis next = f.clock.Now() + 250;
    if (auto due = f.cp->NextDue()) next = std::min(next, std::max(*due, f.clock.Now()));
    f.clock.Set(next);
    for (;;) {
      auto more = f.cp->RunDueSlice(next, out_of_time);
      INFO(more.status().message());
      REQUIRE(more.ok());
      ++slices;
      if (slices == 2 && !deleted) {
        // A request between two slices of one pass removes a service the pass still lists.
        REQUIRE(f.cp->DeleteService(f.ctx, "c", "b", /*force=*/true).ok());
        deleted = true;
      }
      if (!*more) break;
    }
  }
  CHECK(deleted);
  CHECK(slices > 2 * ticks);  // passes really were spread over several calls
  CHECK(f.Live("a").size() == 4);
  CHECK(f.Live("c").size() == 4);
}

TEST_CASE(
    "A commit that fails in the middle of a reconciler slice leaves memory as a restart "
    "would load it, and the deployment goes on",
    "[services][durability]") {
  ServiceFixture f;
  f.Fleet(6);
  auto v1 = f.Definition("app");
  auto v2 = f.Definition("app", 256, 768);
  f.Create(f.Input("app", v1, 6, 50, 100));
  f.RunUntil([&] { return f.Stable("app"); });
  ServiceInput up = f.Input("app", v2, 6, 50, 100);
  f.Update(up);
  f.Tick();  // the deployment is under way: some old tasks stopping, some new ones pending
  f.Tick();
  REQUIRE(f.Get("app")->deployments.size() == 2);

  // The next slice's commit is the one that fails (as the writer would see it fail); the slice
  // ends early, in the middle of its pass, so some of its work is done and some is not.
  f.store->FailCommitAfter(1);
  const Millis next = f.clock.Now() + 250;
  f.clock.Set(next);
  int calls = 0;
  auto more = f.cp->RunDueSlice(next, [&] { return ++calls > 1; });
  REQUIRE(more.ok());
  REQUIRE(f.store->has_pending());  // the slice changed memory
  const auto ahead = testing::Rows(*f.cp);
  CHECK_FALSE(testing::Flush(*f.store, *f.cp).ok());
  CHECK(testing::Rows(*f.cp) != ahead);  // rolled back

  ControlPlane restarted(f.store.get(), &f.clock, IdGenerator(5), f.options);
  REQUIRE(restarted.Load().ok());
  CHECK(testing::Rows(*f.cp) == testing::Rows(restarted));
  REQUIRE(f.cp->CheckInvariants().ok());

  // Nothing was lost that the store had: the rollout finishes within its bounds.
  f.RunUntil([&] { return f.Stable("app"); });
  CHECK(f.Get("app")->deployments.front().task_definition_arn == v2);
}

TEST_CASE("Task protection holds scale-in until it expires on the manual clock, across a restart",
          "[services][protection]") {
  ServiceFixture f;
  f.Fleet(3);
  auto td = f.Definition("web");
  f.Create(f.Input("web", td, 3));
  f.RunUntil([&] { return f.Stable("web"); });
  const std::string keep = f.Live("web").front()->arn;
  auto set = f.cp->UpdateTaskProtection(f.ctx, "c", {keep}, true, 1);
  REQUIRE(set.ok());
  REQUIRE(set->tasks.size() == 1);
  CHECK(set->tasks[0].expires_at == f.clock.Now() + 60'000);
  f.Reload();  // the protection is stored with the task

  ServiceInput scale;
  scale.cluster = "c";
  scale.service = "web";
  scale.desired_count = 0;
  f.Update(scale);
  f.RunFor(30'000);
  // The siblings are gone; the protected task still runs and the service is not steady.
  CHECK(f.Healthy(f.Live("web")) == 1);
  CHECK(f.Task(keep)->desired_status == "RUNNING");
  CHECK_FALSE(f.Stable("web"));
  CHECK(f.cp->GetTaskProtection(f.ctx, "c", {keep})->tasks.at(0).enabled);

  f.RunFor(40'000);  // past the minute
  CHECK(f.Task(keep)->desired_status == "STOPPED");
  CHECK_FALSE(f.cp->GetTaskProtection(f.ctx, "c", {keep})->tasks.at(0).enabled);
  f.RunUntil([&] { return f.Stable("web"); });
}

TEST_CASE("UpdateTaskProtection refuses bad input and standalone tasks", "[services][protection]") {
  ServiceFixture f;
  f.Fleet(1);
  auto td = f.Definition("web");
  RunTaskInput run;
  run.cluster = "c";
  run.task_definition = td;
  auto solo = f.cp->RunTask(f.ctx, run);
  REQUIRE(solo.ok());
  const std::string arn = solo->tasks.at(0)->arn;
  auto r = f.cp->UpdateTaskProtection(f.ctx, "c", {arn, "missing"}, true, std::nullopt);
  REQUIRE(r.ok());
  CHECK(r->tasks.empty());
  REQUIRE(r->failures.size() == 2);
  CHECK(r->failures[0].reason == "TASK_NOT_VALID");
  CHECK(r->failures[1].reason == "MISSING");
  CHECK(f.cp->UpdateTaskProtection(f.ctx, "c", {arn}, true, 0).status().code() ==
        ErrorCode::kInvalidParameterException);
  CHECK(f.cp->UpdateTaskProtection(f.ctx, "c", {arn}, true, 2881).status().code() ==
        ErrorCode::kInvalidParameterException);
  std::vector<std::string> eleven(11, arn);
  CHECK(f.cp->UpdateTaskProtection(f.ctx, "c", eleven, false, std::nullopt).status().code() ==
        ErrorCode::kInvalidParameterException);
  CHECK(f.cp->UpdateTaskProtection(f.ctx, "nope", {arn}, true, 5).status().code() ==
        ErrorCode::kClusterNotFoundException);
}

TEST_CASE("Load-balanced tasks count once their targets are healthy, and drain before stopping",
          "[services][targets]") {
  ControlOptions o = FastOptions();
  o.lifecycle.target_health = {10'000, 2, 30'000};  // a check every 10 s; 30 s to drain
  ServiceFixture f(o);
  f.Fleet(2);
  const std::string td = f.Definition("web", 256, 512, R"(,"portMappings":[{"containerPort":80}])");
  ServiceInput in = f.Input("s", td, 2);
  model::LoadBalancer lb;
  lb.target_group_arn = "arn:aws:elasticloadbalancing:us-east-1:000000000000:targetgroup/t/1";
  lb.container_name = "app";
  lb.container_port = 80;
  in.load_balancers = std::vector<model::LoadBalancer>{lb};
  f.Create(in);
  f.RunUntil([&] { return ServiceFixture::Healthy(f.Live("s")) == 2; });
  auto states = [&] {
    std::vector<scheduler::TargetState> out;
    for (const auto& row : f.cp->ListTargets(f.ctx.tenant, {})) out.push_back(row.state);
    std::sort(out.begin(), out.end());
    return out;
  };
  using TS = scheduler::TargetState;
  CHECK(states() == std::vector<TS>{TS::kInitial, TS::kInitial});
  CHECK(f.Get("s")->deployments.front().rollout_state == model::RolloutState::kInProgress);
  f.RunFor(10'000);  // the first check passes
  CHECK(states() == std::vector<TS>{TS::kHealthy, TS::kHealthy});
  CHECK(f.Get("s")->deployments.front().rollout_state == model::RolloutState::kCompleted);
  // Both tasks started at one instant: one event counts them, as ECS writes it.
  CHECK(f.CountEvents("s", "registered 2 targets in (target-group " + lb.target_group_arn) == 1);
  CHECK(f.CountEvents("s", "registered 1 targets in (target-group " + lb.target_group_arn) == 0);

  // Derived, not stored: a restart shows the same targets.
  const auto before = f.cp->ListTargets(f.ctx.tenant, {});
  f.Reload();
  const auto after = f.cp->ListTargets(f.ctx.tenant, {});
  REQUIRE(after.size() == before.size());
  for (size_t i = 0; i < after.size(); ++i) {
    CHECK(after[i].task_arn == before[i].task_arn);
    CHECK(after[i].id == before[i].id);
    CHECK(after[i].port == before[i].port);
    CHECK(after[i].state == before[i].state);
  }

  // Scaling in: the stopped task drains in DEACTIVATING for the whole delay.
  ServiceInput down;
  down.cluster = "c";
  down.service = "s";
  down.desired_count = 1;
  f.Update(down);
  auto deactivating = [&] {
    const auto live = f.Live("s");
    return std::count_if(live.begin(), live.end(), [](const model::Task* t) {
      return t->last_status == model::TaskState::kDeactivating;
    });
  };
  f.RunFor(1000);
  CHECK(deactivating() == 1);
  CHECK(states() == std::vector<TS>{TS::kHealthy, TS::kDraining});
  f.RunFor(28'000);
  CHECK(deactivating() == 1);
  f.RunFor(2'000);
  CHECK(deactivating() == 0);
  CHECK(f.Live("s").size() == 1);
  CHECK(f.CountEvents("s", "has begun draining connections on 1 tasks.") == 1);
  CHECK(f.CountEvents("s", "deregistered 1 targets in (target-group " + lb.target_group_arn) == 1);
}

// Task sets (docs/scheduling.md §8.7): an EXTERNAL service's sets each keep
// ceil(desiredCount x scale %) tasks, follow desiredCount, drain when deleted, settle to no
// writes, and survive a reload from the store.
TEST_CASE("Task sets keep their computed counts, drain, settle and reload",
          "[services][tasksets]") {
  ServiceFixture f;
  f.Fleet(3);
  auto td = f.Definition("web", 128, 128);
  ServiceInput svc;
  svc.cluster = "c";
  svc.service = "ext";
  svc.desired_count = 3;
  svc.deployment_controller = model::DeploymentControllerType::kExternal;
  REQUIRE(f.Create(svc)->deployments.empty());
  auto create = [&](double scale) {
    TaskSetInput in;
    in.members.cluster = "c";
    in.members.service = "ext";
    in.members.task_definition = td;
    in.scale = scale;
    auto made = f.cp->CreateTaskSet(f.ctx, std::move(in));
    INFO(made.status().message());
    REQUIRE(made.ok());
    return made->task_set.id;
  };
  const std::string a = create(50);  // ceil(1.5) = 2
  const std::string b = create(0);
  auto per_set = [&] {
    std::map<std::string, int> n;
    for (const auto* t : f.Live("ext")) {
      if (t->wants_running()) ++n[t->started_by];
    }
    return n;
  };
  auto set = [&](const std::string& id) {
    for (const auto& t : f.Get("ext")->task_sets) {
      if (t.id == id) return t;
    }
    FAIL("no task set " << id);
    return model::TaskSet{};
  };
  f.RunUntil([&] { return set(a).stability_status == model::StabilityStatus::kSteadyState; });
  CHECK(per_set() == std::map<std::string, int>{{a, 2}});
  CHECK(set(b).stability_status == model::StabilityStatus::kSteadyState);

  svc.desired_count = 4;
  svc.deployment_controller.reset();
  f.Update(svc);
  REQUIRE(f.cp->UpdateTaskSet(f.ctx, "c", "ext", b, 100, "PERCENT").ok());
  f.RunUntil([&] { return per_set() == std::map<std::string, int>{{a, 2}, {b, 4}}; });
  f.RunUntil([&] {
    return f.Get("ext")->task_sets[1].stability_status == model::StabilityStatus::kSteadyState;
  });
  f.RequireNoWrites(20);

  f.Reload();
  CHECK(set(a).computed_desired_count == 2);
  CHECK(set(b).computed_desired_count == 4);
  REQUIRE(f.cp->UpdateServicePrimaryTaskSet(f.ctx, "c", "ext", b).ok());
  CHECK(f.Get("ext")->task_definition_arn == td);
  REQUIRE(f.cp->DeleteTaskSet(f.ctx, "c", "ext", a, /*force=*/true).ok());
  f.RunUntil([&] { return f.Get("ext")->task_sets.size() == 1; });
  CHECK(per_set() == std::map<std::string, int>{{b, 4}});
  CHECK(f.Get("ext")->task_sets[0].status == model::TaskSetStatus::kPrimary);
}

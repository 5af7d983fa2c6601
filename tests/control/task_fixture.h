// Shared set-up for the container-instance and task tests: a ControlPlane as the server runs it
// (tests/control/harness.h: queued commits, invariants checked on every commit) and a manual
// clock, with helpers to register definitions, build fleets and move time. Time only moves
// through Advance(), which stops at every due transition on the way (as POST /_emulator/clock
// does), so timestamps land exactly on the configured delays.
#pragma once

#include <rapidjson/document.h>

#include <catch2/catch.hpp>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "control/control_plane.h"
#include "tests/control/harness.h"

namespace ecs::testing {

inline control::ControlOptions FastOptions() {
  control::ControlOptions o;
  o.lifecycle.provisioning = 100;
  o.lifecycle.pending = 200;
  o.lifecycle.stopping = 100;
  o.lifecycle.deprovisioning = 100;
  o.lifecycle.stopped_retention = 3'600'000;
  return o;
}

struct TaskFixture {
  explicit TaskFixture(control::ControlOptions given = FastOptions(), uint64_t seed = 7)
      : store(QueuedMemoryStore()),
        options(Checked(std::move(given))),
        cp(std::make_unique<control::ControlPlane>(store.get(), &clock, IdGenerator(seed),
                                                   options)) {}

  std::unique_ptr<storage::Store> store;
  ManualClock clock;
  control::ControlOptions options;
  std::unique_ptr<control::ControlPlane> cp;
  control::RequestContext ctx{{"000000000000", "us-east-1"}};

  // Writes the queued commits, as the server's writer thread does.
  void Flush() { REQUIRE(testing::Flush(*store, *cp).ok()); }

  // A second control plane over the same store, as after a restart.
  void Reload(uint64_t seed = 99) {
    Flush();
    cp = std::make_unique<control::ControlPlane>(store.get(), &clock, IdGenerator(seed), options);
    REQUIRE(cp->Load().ok());
  }

  void Cluster(const std::string& name) {
    control::CreateClusterInput in;
    in.cluster_name = name;
    auto created = cp->CreateCluster(ctx, std::move(in));
    REQUIRE(created.ok());
  }

  // Registers a task definition from the JSON of a RegisterTaskDefinition request.
  std::string Definition(const std::string& json) {
    auto td = Register(*cp, ctx, json);
    INFO(json << ": " << td.status().message());
    REQUIRE(td.ok());
    return (*td)->reg.arn;
  }

  // A single-container bridge definition.
  std::string Simple(const std::string& family, int cpu, int memory,
                     const std::string& port_mappings = "[]") {
    return Definition(R"({"family":")" + family + R"(","containerDefinitions":[{"name":"app",)" +
                      R"("image":"nginx","cpu":)" + std::to_string(cpu) + R"(,"memory":)" +
                      std::to_string(memory) + R"(,"portMappings":)" + port_mappings + "}]}");
  }

  std::vector<const model::ContainerInstance*> Fleet(const std::string& cluster, int count,
                                                     int64_t cpu = 2048, int64_t memory = 4096,
                                                     std::vector<std::string> azs = {}) {
    control::FleetInput f;
    f.cluster = cluster;
    f.count = count;
    f.cpu = cpu;
    f.memory = memory;
    f.availability_zones = std::move(azs);
    f.create_cluster = true;
    auto made = cp->CreateFleet(ctx, f);
    REQUIRE(made.ok());
    return *made;
  }

  control::RunTaskInput Run(const std::string& cluster, const std::string& td, int count = 1) {
    control::RunTaskInput in;
    in.cluster = cluster;
    in.task_definition = td;
    in.count = count;
    return in;
  }

  control::RunTaskOutput MustRun(const control::RunTaskInput& in) {
    auto out = cp->RunTask(ctx, in);
    INFO(out.status().message());
    REQUIRE(out.ok());
    return *out;
  }

  // Moves time forward by `ms`, running each due transition at its own instant.
  void Advance(Millis ms) {
    Millis target = clock.Now() + ms;
    while (auto next = cp->NextDue()) {
      if (*next > target) break;
      if (*next > clock.Now()) clock.Set(*next);
      REQUIRE(cp->RunDue(clock.Now()).ok());
    }
    clock.Set(target);
    REQUIRE(cp->RunDue(target).ok());
    Flush();
  }

  const model::Task* Task(const std::string& cluster, const std::string& id) {
    std::vector<const model::Task*> found;
    std::vector<control::DescribeFailure> failures;
    REQUIRE(cp->DescribeTasks(ctx, cluster, {id}, &found, &failures).ok());
    return found.empty() ? nullptr : found.front();
  }

  const model::ContainerInstance* Instance(const std::string& cluster, const std::string& arn) {
    std::vector<const model::ContainerInstance*> found;
    std::vector<control::DescribeFailure> failures;
    REQUIRE(cp->DescribeContainerInstances(ctx, cluster, {arn}, &found, &failures).ok());
    REQUIRE(found.size() == 1);
    return found.front();
  }

  // remainingResources of an instance, by name.
  model::Resource Remaining(const std::string& cluster, const std::string& arn,
                            const std::string& name) {
    for (auto& r : cp->RemainingResources(*Instance(cluster, arn))) {
      if (r.name == name) return r;
    }
    FAIL("no resource " << name);
    return {};
  }

  control::ClusterCounts Counts(const std::string& cluster) {
    auto c = cp->FindCluster(ctx, cluster, false);
    REQUIRE(c.ok());
    return cp->CountsFor(**c);
  }

  std::vector<std::string> List(control::ListTasksInput in) {
    std::vector<std::string> all;
    for (;;) {
      auto page = cp->ListTasks(ctx, in);
      INFO(page.status().message());
      REQUIRE(page.ok());
      all.insert(all.end(), page->arns.begin(), page->arns.end());
      if (!page->next_token) break;
      in.next_token = page->next_token;
    }
    return all;
  }
};

}  // namespace ecs::testing

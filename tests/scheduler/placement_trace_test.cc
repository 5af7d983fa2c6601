// Placement traces: every instance's verdict with the filter and numbers that rejected it, the
// strategy steps that narrowed the survivors, the tie-break and the choice; the instance cap; and
// that tracing never changes a decision.
#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "scheduler/placement.h"

namespace ecs::scheduler {
namespace {

InstanceView Instance(const std::string& id, int64_t cpu, int64_t memory,
                      const std::string& az = "us-east-1a") {
  InstanceView v;
  v.arn = "arn:aws:ecs:us-east-1:123456789012:container-instance/default/" + id;
  v.ec2_instance_id = "i-" + id;
  v.agent_version = "1.29.0";
  v.remaining_cpu = cpu;
  v.remaining_memory = memory;
  v.attributes = {{"ecs.availability-zone", az}, {"ecs.instance-type", "t2.micro"}};
  SyncHotAttributes(&v);
  return v;
}

PlacementRequest Request(int64_t cpu, int64_t memory, int32_t count = 1) {
  PlacementRequest r;
  r.demand.cpu = cpu;
  r.demand.memory = memory;
  r.demand.group = "family:web";
  r.count = count;
  r.seed = 7;
  return r;
}

PlacementTrace Trace(const std::vector<InstanceView>& instances, const PlacementRequest& request) {
  PlacementTrace trace;
  auto placed = PlaceTasks(std::span(instances), request, &trace);
  REQUIRE(placed.ok());
  return trace;
}

TEST_CASE("a trace gives each rejected instance its filter and the numbers behind it") {
  std::vector<InstanceView> instances = {Instance("a", 1024, 512), Instance("b", 1024, 1024),
                                         Instance("c", 128, 4096), Instance("d", 4096, 4096)};
  instances[3].status = model::InstanceStatus::kDraining;
  const PlacementTrace trace = Trace(instances, Request(256, 2048));

  REQUIRE(trace.instances.size() == 4);
  CHECK(trace.instances[0].filter == "RESOURCE:MEMORY");
  CHECK(trace.instances[0].detail == "needs 2048 MiB of memory, 512 remaining");
  CHECK(trace.instances[1].filter == "RESOURCE:MEMORY");
  CHECK(trace.instances[1].detail == "needs 2048 MiB of memory, 1024 remaining");
  CHECK(trace.instances[2].filter == "RESOURCE:CPU");
  CHECK(trace.instances[2].detail == "needs 256 CPU units, 128 remaining");
  CHECK(trace.instances[3].filter == "STATUS");
  CHECK(trace.instances[3].detail == "the instance is DRAINING: only ACTIVE instances take tasks");
  REQUIRE(trace.tasks.size() == 1);
  CHECK_FALSE(trace.tasks[0].placed);
  CHECK(trace.tasks[0].failure == "RESOURCE:MEMORY");
  CHECK(trace.tasks[0].candidates == 0);
  // The closest instance: furthest through the pipeline, lowest ARN among equals.
  CHECK(trace.tasks[0].instance_arn == instances[0].arn);
}

TEST_CASE("a trace names the constraint that rejected an instance") {
  std::vector<InstanceView> instances = {Instance("a", 1024, 2048, "us-east-1a"),
                                         Instance("b", 1024, 2048, "us-east-1b")};
  instances[1].task_group_counts["family:web"] = 1;
  PlacementRequest request = Request(128, 256);
  auto member =
      MakePlacementConstraint("memberOf", "attribute:ecs.availability-zone == us-east-1b");
  REQUIRE(member.ok());
  request.constraints = {PlacementConstraint::DistinctInstance(), *member};
  const PlacementTrace trace = Trace(instances, request);

  REQUIRE(trace.constraints.size() == 2);
  CHECK(trace.constraints[0] == "distinctInstance");
  CHECK(trace.constraints[1].starts_with("memberOf("));
  CHECK(trace.instances[0].filter == "memberOf");
  CHECK(trace.instances[0].detail.starts_with("does not match "));
  CHECK(trace.instances[1].filter == "distinctInstance");
  CHECK(trace.instances[1].detail == "already runs 1 task(s) of group 'family:web'");
  // a got further (it passed the first constraint), so it is the closest and names the failure.
  CHECK(trace.tasks[0].failure == "MemberOf placement constraint unsatisfied.");
  CHECK(trace.tasks[0].instance_arn == instances[0].arn);
}

TEST_CASE("a trace shows how each strategy step narrowed the survivors, per task") {
  // binpack(memory): the least remaining memory wins; two instances tie at 1024.
  const std::vector<InstanceView> instances = {Instance("a", 1024, 4096), Instance("b", 1024, 1024),
                                               Instance("c", 1024, 1024)};
  PlacementRequest request = Request(128, 512, 3);
  request.strategies = {PlacementStrategy::Binpack(PlacementStrategy::Field::kMemory)};
  const PlacementTrace trace = Trace(instances, request);

  CHECK(trace.strategies == std::vector<std::string>{"binpack(memory)"});
  REQUIRE(trace.instances.size() == 3);
  CHECK(trace.instances[0].filter.empty());
  CHECK(trace.instances[0].keys == std::vector<int64_t>{4096});
  CHECK(trace.instances[1].keys == std::vector<int64_t>{1024});
  REQUIRE(trace.tasks.size() == 3);
  const PlacementTrace::Task& first = trace.tasks[0];
  CHECK(first.placed);
  CHECK(first.candidates == 3);
  REQUIRE(first.steps.size() == 1);
  CHECK(first.steps[0].strategy == "binpack(memory)");
  CHECK(first.steps[0].best_key == 1024);
  CHECK(first.steps[0].remaining == 2);
  CHECK(first.tied == 2);  // the seeded tie-break chose between b and c
  // The second task sees the first one's reservation: the chosen instance has 512 left.
  CHECK(trace.tasks[1].steps[0].best_key == 512);
  CHECK(trace.tasks[1].tied == 1);
  CHECK(trace.tasks[1].instance_arn == first.instance_arn);
}

TEST_CASE("tracing never changes the decision") {
  std::vector<InstanceView> instances;
  instances.reserve(50);
  for (int i = 0; i < 50; ++i) {
    instances.push_back(Instance("i" + std::to_string(i), 1024, 1024 + 256 * (i % 7),
                                 i % 2 ? "us-east-1a" : "us-east-1b"));
  }
  PlacementRequest request = Request(128, 512, 10);
  request.is_service = true;  // default strategies: spread by zone, then instance
  auto plain = PlaceTasks(std::span(instances), request);
  PlacementTrace trace;
  auto traced = PlaceTasks(std::span(instances), request, &trace);
  REQUIRE(plain.ok());
  REQUIRE(traced.ok());
  REQUIRE(plain->size() == traced->size());
  for (size_t t = 0; t < plain->size(); ++t) {
    CHECK((*plain)[t].instance_arn == (*traced)[t].instance_arn);
    CHECK(trace.tasks[t].instance_arn == (*traced)[t].instance_arn);
  }
  CHECK(trace.strategies ==
        std::vector<std::string>{"spread(attribute:ecs.availability-zone)", "spread(instanceId)"});
}

TEST_CASE("a trace lists at most kMaxTracedInstances instances and counts the rest") {
  std::vector<InstanceView> instances;
  instances.reserve(kMaxTracedInstances + 5);
  for (size_t i = 0; i < kMaxTracedInstances + 5; ++i) {
    instances.push_back(Instance("i" + std::to_string(i), 1024, 1024));
  }
  const PlacementTrace trace = Trace(instances, Request(128, 256));
  CHECK(trace.instances.size() == kMaxTracedInstances);
  CHECK(trace.instances_omitted == 5);
  CHECK(trace.tasks[0].candidates == kMaxTracedInstances + 5);
}

}  // namespace
}  // namespace ecs::scheduler

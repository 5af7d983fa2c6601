// Placement strategies: binpack, spread (instance, attribute), random, combinations as successive
// tie-breakers, the RunTask and service defaults, and seeded determinism.
#include <algorithm>
#include <catch2/catch.hpp>
#include <map>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "scheduler/placement.h"

namespace ecs::scheduler {
namespace {

using Field = PlacementStrategy::Field;
using Strings = std::vector<std::string>;
using Counts = std::map<std::string, int>;

InstanceView Instance(const std::string& id, int64_t memory = 2048,
                      const std::string& az = "us-east-1a", int64_t cpu = 4096) {
  InstanceView v;
  v.arn = "arn:aws:ecs:us-east-1:123456789012:container-instance/default/" + id;
  v.remaining_cpu = cpu;
  v.remaining_memory = memory;
  v.reserved_tcp_ports = {22, 2375, 2376, 51678, 51679};
  v.attributes = {{"ecs.availability-zone", az}};
  SyncHotAttributes(&v);
  return v;
}

// Six instances, two per AZ: a1 a2 b1 b2 c1 c2.
std::vector<InstanceView> ThreeZones() {
  std::vector<InstanceView> out;
  for (const char* az : {"a", "b", "c"}) {
    for (const char* n : {"1", "2"}) {
      out.push_back(Instance(std::string(az) + n, 2048, std::string("us-east-1") + az));
    }
  }
  return out;
}

PlacementRequest Request(int32_t count, std::vector<PlacementStrategy> strategies,
                         int64_t memory = 256) {
  PlacementRequest r;
  r.demand.cpu = 1;
  r.demand.memory = memory;
  r.demand.group = "family:web";
  r.count = count;
  r.strategies = std::move(strategies);
  return r;
}

Strings Chosen(const std::vector<InstanceView>& instances, const PlacementRequest& request) {
  Result<std::vector<TaskPlacement>> result = PlaceTasks(std::span(instances), request);
  REQUIRE(result.ok());
  Strings out;
  for (const TaskPlacement& p : *result) {
    out.push_back(p.placed ? p.instance_arn.substr(p.instance_arn.rfind('/') + 1)
                           : "!" + std::string(FailureReasonText(p.failure.reason)));
  }
  return out;
}

Counts Count(const Strings& ids) {
  Counts counts;
  for (const std::string& id : ids) counts[id] += 1;
  return counts;
}

// The first character of each id is its AZ in ThreeZones().
Counts CountZones(const Strings& ids) {
  Counts counts;
  for (const std::string& id : ids) counts[id.substr(0, 1)] += 1;
  return counts;
}

TEST_CASE("binpack memory picks the least remaining memory that still fits", "[strategy]") {
  std::vector<InstanceView> instances = {Instance("a", 1000), Instance("b", 600),
                                         Instance("c", 300)};
  auto binpack = PlacementStrategy::Binpack(Field::kMemory);
  CHECK(Chosen(instances, Request(1, {binpack})) == Strings{"c"});
  // c: 300 -> 44 (full), then b: 600 -> 344 -> 88, then a.
  CHECK(Chosen(instances, Request(4, {binpack})) == Strings{"c", "b", "b", "a"});
}

TEST_CASE("binpack cpu packs by remaining CPU", "[strategy]") {
  std::vector<InstanceView> instances = {
      Instance("a", 2048, "z", 300), Instance("b", 2048, "z", 200), Instance("c", 2048, "z", 1000)};
  PlacementRequest r = Request(3, {PlacementStrategy::Binpack(Field::kCpu)});
  r.demand.cpu = 150;
  CHECK(Chosen(instances, r) == Strings{"b", "a", "a"});
}

TEST_CASE("spread instanceId balances the group's task count per instance", "[strategy]") {
  std::vector<InstanceView> instances = {Instance("a"), Instance("b"), Instance("c")};
  instances[0].task_group_counts = {{"family:web", 2}};
  instances[2].task_group_counts = {{"family:web", 1}, {"family:other", 5}};
  // Ends at 2 tasks of the group everywhere: b gets two, c one, a none.
  CHECK(Count(Chosen(instances, Request(3, {PlacementStrategy::SpreadInstances()}))) ==
        Counts{{"b", 2}, {"c", 1}});
}

TEST_CASE("spread by availability zone balances zones", "[strategy]") {
  std::vector<InstanceView> instances = ThreeZones();
  auto spread = PlacementStrategy::SpreadAttribute("ecs.availability-zone");
  CHECK(CountZones(Chosen(instances, Request(3, {spread}))) ==
        Counts{{"a", 1}, {"b", 1}, {"c", 1}});
  CHECK(CountZones(Chosen(instances, Request(6, {spread}))) ==
        Counts{{"a", 2}, {"b", 2}, {"c", 2}});

  // Tasks already in a zone count against it.
  instances[0].task_group_counts = {{"family:web", 2}};
  CHECK(CountZones(Chosen(instances, Request(2, {spread}))) == Counts{{"b", 1}, {"c", 1}});
  CHECK(CountZones(Chosen(instances, Request(4, {spread}))) == Counts{{"b", 2}, {"c", 2}});
}

TEST_CASE("spread by a custom attribute: instances without it form their own bucket",
          "[strategy]") {
  std::vector<InstanceView> instances = {Instance("r1"), Instance("r2"), Instance("x")};
  instances[0].attributes.emplace("rack", "1");
  instances[1].attributes.emplace("rack", "1");
  for (uint64_t seed = 0; seed < 20; ++seed) {
    PlacementRequest r = Request(2, {PlacementStrategy::SpreadAttribute("rack")});
    r.seed = seed;
    CHECK(Count(Chosen(instances, r))["x"] == 1);
  }
}

TEST_CASE("strategies combine as successive tie-breakers", "[strategy]") {
  std::vector<InstanceView> instances = {
      Instance("a1", 1000, "us-east-1a"), Instance("a2", 500, "us-east-1a"),
      Instance("b1", 800, "us-east-1b"), Instance("b2", 400, "us-east-1b")};
  auto spread_az = PlacementStrategy::SpreadAttribute("ecs.availability-zone");
  auto binpack = PlacementStrategy::Binpack(Field::kMemory);
  // Spread zones first, binpack memory within the zone.
  CHECK(Chosen(instances, Request(2, {spread_az, binpack}, 100)) == Strings{"b2", "a2"});
  // Binpack first: the zone balance no longer matters.
  CHECK(Chosen(instances, Request(2, {binpack, spread_az}, 100)) == Strings{"b2", "b2"});
  // Spread instances then binpack: every instance once, fullest first.
  CHECK(Chosen(instances, Request(4, {PlacementStrategy::SpreadInstances(), binpack}, 100)) ==
        Strings{"b2", "a2", "b1", "a1"});
}

TEST_CASE("random is seeded, covers the candidates, and ends the strategy list", "[strategy]") {
  std::vector<InstanceView> instances = {Instance("a", 300), Instance("b", 600), Instance("c", 900),
                                         Instance("d", 1200)};
  std::set<std::string> seen;
  for (uint64_t seed = 0; seed < 64; ++seed) {
    PlacementRequest r =
        Request(1, {PlacementStrategy::Random(), PlacementStrategy::Binpack(Field::kMemory)});
    r.seed = seed;
    const Strings first = Chosen(instances, r);
    CHECK(Chosen(instances, r) == first);  // same seed, same choice
    seen.insert(first[0]);
  }
  CHECK(seen == std::set<std::string>{"a", "b", "c", "d"});
}

TEST_CASE("RunTask without strategies places randomly", "[strategy][defaults]") {
  std::vector<InstanceView> instances = {Instance("a", 300), Instance("b", 600),
                                         Instance("c", 900)};
  std::set<std::string> seen;
  for (uint64_t seed = 0; seed < 32; ++seed) {
    PlacementRequest r = Request(1, {});
    r.seed = seed;
    seen.insert(Chosen(instances, r)[0]);
  }
  CHECK(seen.size() == 3);
  CHECK(DefaultStrategies(false).size() == 1);
}

// Random alone draws instances until one passes (placement.cc, PickRandom), and builds the full
// pool when draws miss. These check the draws against what the full pass would allow.
std::vector<InstanceView> Fleet(int n, int64_t memory) {
  std::vector<InstanceView> out;
  for (int i = 0; i < n; ++i) {
    std::string id = "i";
    id += std::to_string(i);
    out.push_back(Instance(id, memory));
  }
  return out;
}

TEST_CASE("random draws are uniform over the instances that pass", "[strategy][random]") {
  std::vector<InstanceView> instances = Fleet(10, 2048);
  instances[3].remaining_memory = 100;  // cannot take a 256 MiB task
  Counts chosen;
  for (uint64_t seed = 0; seed < 2700; ++seed) {
    PlacementRequest r = Request(1, {});
    r.seed = seed;
    chosen[Chosen(instances, r)[0]] += 1;
  }
  CHECK(chosen.count("i3") == 0);
  REQUIRE(chosen.size() == 9);
  for (const auto& [id, n] : chosen) {
    INFO(id);
    CHECK(n > 200);  // 300 expected each; a binomial's 5.8 standard deviations away
    CHECK(n < 400);
  }
}

TEST_CASE("random finds the few instances that pass among many", "[strategy][random]") {
  // 3 of 2,000 pass: the draws miss and the full pass picks among the three.
  std::vector<InstanceView> instances = Fleet(2000, 100);
  for (size_t i : {17u, 1000u, 1999u}) instances[i].remaining_memory = 2048;
  std::set<std::string> seen;
  for (uint64_t seed = 0; seed < 40; ++seed) {
    PlacementRequest r = Request(1, {});
    r.seed = seed;
    seen.insert(Chosen(instances, r)[0]);
  }
  CHECK(seen == std::set<std::string>{"i17", "i1000", "i1999"});
  // None pass: the failure names the closest instance, as the full pass reports it.
  PlacementRequest r = Request(1, {}, 4096);
  CHECK(Chosen(instances, r) == Strings{"!RESOURCE:MEMORY"});
}

TEST_CASE("random keeps a request's reservations from its draws into the full pass",
          "[strategy][random]") {
  // 50 instances that fit one task each: 50 tasks land on 50 distinct instances (the later
  // ones found by the full pass, which must see the reservations the draws made), and a 51st
  // does not fit.
  std::vector<InstanceView> instances = Fleet(50, 300);
  for (uint64_t seed : {1u, 2u, 3u}) {
    PlacementRequest r = Request(51, {});
    r.seed = seed;
    const Strings chosen = Chosen(instances, r);
    CHECK(std::set<std::string>(chosen.begin(), chosen.end() - 1).size() == 50);
    CHECK(chosen.back() == "!RESOURCE:MEMORY");
  }
  // Past 64 reservations the full pool takes over (cheaper than looking draws up among them).
  std::vector<InstanceView> many = Fleet(200, 300);
  PlacementRequest r = Request(150, {});
  r.seed = 4;
  const Strings chosen = Chosen(many, r);
  CHECK(std::set<std::string>(chosen.begin(), chosen.end()).size() == 150);
}

TEST_CASE("a traced random placement decides as an untraced one", "[strategy][random]") {
  std::vector<InstanceView> instances = Fleet(300, 600);  // two tasks each
  for (size_t i = 0; i < instances.size(); i += 3) instances[i].remaining_memory = 100;
  for (uint64_t seed = 0; seed < 20; ++seed) {
    PlacementRequest r = Request(5 + static_cast<int32_t>(seed) * 20, {});
    r.seed = seed;
    Result<std::vector<TaskPlacement>> plain = PlaceTasks(std::span(instances), r);
    PlacementTrace trace;
    Result<std::vector<TaskPlacement>> traced = PlaceTasks(std::span(instances), r, &trace);
    REQUIRE(plain.ok());
    REQUIRE(traced.ok());
    REQUIRE(plain->size() == traced->size());
    for (size_t t = 0; t < plain->size(); ++t) {
      CHECK((*plain)[t].placed == (*traced)[t].placed);
      CHECK((*plain)[t].instance_arn == (*traced)[t].instance_arn);
    }
  }
}

TEST_CASE("service default: fewest service tasks per zone, then per instance",
          "[strategy][defaults]") {
  std::vector<InstanceView> instances = ThreeZones();
  PlacementRequest r = Request(6, {});
  r.is_service = true;
  r.demand.group = "service:web";
  CHECK(Count(Chosen(instances, r)) ==
        Counts{{"a1", 1}, {"a2", 1}, {"b1", 1}, {"b2", 1}, {"c1", 1}, {"c2", 1}});

  // Zone a already holds two tasks of the service; another group's tasks do not count.
  instances[0].task_group_counts = {{"service:web", 2}};
  instances[2].task_group_counts = {{"service:other", 9}};
  r.count = 4;
  Strings chosen = Chosen(instances, r);
  CHECK(CountZones(chosen) == Counts{{"b", 2}, {"c", 2}});
  CHECK(Count(chosen) == Counts{{"b1", 1}, {"b2", 1}, {"c1", 1}, {"c2", 1}});
}

TEST_CASE("placement is deterministic for a seed; strategies but random ignore input order",
          "[strategy][determinism]") {
  const std::string zones[] = {"us-east-1a", "us-east-1b", "us-east-1c"};
  std::vector<InstanceView> instances;
  for (int i = 0; i < 40; ++i) {
    std::string id = "i";  // (built in two steps: GCC 12 warns falsely on "i" + to_string)
    id += std::to_string(i);
    instances.push_back(Instance(id, 2048, zones[i % 3]));
  }
  for (const auto& strategies :
       {std::vector<PlacementStrategy>{}, std::vector{PlacementStrategy::SpreadInstances()},
        std::vector{PlacementStrategy::Binpack(Field::kMemory)}}) {
    PlacementRequest r = Request(25, strategies);
    r.seed = 12345;
    const Strings expected = Chosen(instances, r);
    CHECK(Chosen(instances, r) == expected);

    // Random alone draws positions in the list (in the server, instance-id order).
    std::vector<InstanceView> shuffled = instances;
    std::shuffle(shuffled.begin(), shuffled.end(), std::mt19937_64(7));
    if (!strategies.empty()) CHECK(Chosen(shuffled, r) == expected);

    r.seed = 54321;
    if (strategies.empty()) CHECK(Chosen(instances, r) != expected);
  }
}

TEST_CASE("instance_index refers to the caller's list, pointer spans included",
          "[strategy][determinism]") {
  std::vector<InstanceView> instances = {Instance("a", 300), Instance("b", 100),
                                         Instance("c", 900)};
  PlacementRequest r = Request(1, {PlacementStrategy::Binpack(Field::kMemory)}, 200);
  std::vector<const InstanceView*> pointers = {&instances[2], &instances[0], &instances[1]};
  Result<std::vector<TaskPlacement>> result =
      PlaceTasks(std::span<const InstanceView* const>(pointers), r);
  REQUIRE(result.ok());
  CHECK((*result)[0].instance_index == 1);
  CHECK((*result)[0].instance_arn == instances[0].arn);
}

}  // namespace
}  // namespace ecs::scheduler

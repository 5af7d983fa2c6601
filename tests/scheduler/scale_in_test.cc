// Scale-in victim selection: the default service rule, pending/unhealthy first, protected tasks,
// reversed binpack and spread, and determinism.
#include "scheduler/scale_in.h"

#include <algorithm>
#include <catch2/catch.hpp>
#include <map>
#include <random>
#include <string>
#include <vector>

namespace ecs::scheduler {
namespace {

using Field = PlacementStrategy::Field;
using Strings = std::vector<std::string>;
using Counts = std::map<std::string, int>;

InstanceView Host(const std::string& id, const std::string& az, int64_t memory = 1000) {
  InstanceView v;
  v.arn = "ci/" + id;
  v.remaining_memory = memory;
  v.remaining_cpu = 1000;
  v.attributes = {{"ecs.availability-zone", az}, {"rack", "r-" + id}};
  SyncHotAttributes(&v);
  return v;
}

ScaleInTask Task(const std::string& arn, const std::string& host, const std::string& az,
                 model::TaskState status = model::TaskState::kRunning) {
  ScaleInTask t;
  t.arn = arn;
  t.instance_arn = "ci/" + host;
  t.availability_zone = az;
  t.last_status = status;
  t.memory = 100;
  t.cpu = 10;
  return t;
}

Strings Pick(const std::vector<ScaleInTask>& tasks, const std::vector<InstanceView>& hosts,
             int32_t count, std::vector<PlacementStrategy> strategies = {}, uint64_t seed = 0) {
  ScaleInRequest request{count, std::move(strategies), seed};
  Strings out;
  for (size_t i : PickTasksToStop(std::span(tasks), std::span(hosts), request)) {
    out.push_back(tasks[i].arn);
  }
  return out;
}

// Task arns are "<host>-<n>"; count victims per host.
Counts PerHost(const Strings& arns) {
  Counts counts;
  for (const std::string& arn : arns) counts[arn.substr(0, arn.find('-'))] += 1;
  return counts;
}

// Zone a: h1 has 3 tasks, h2 has 1. Zone b: h3 has 2.
std::vector<ScaleInTask> Fleet() {
  return {Task("h1-1", "h1", "a"), Task("h1-2", "h1", "a"), Task("h1-3", "h1", "a"),
          Task("h2-1", "h2", "a"), Task("h3-1", "h3", "b"), Task("h3-2", "h3", "b")};
}

std::vector<InstanceView> Hosts() { return {Host("h1", "a"), Host("h2", "a"), Host("h3", "b")}; }

TEST_CASE("default rule: the zone with most tasks, then the instance with most", "[scale_in]") {
  CHECK(PerHost(Pick(Fleet(), Hosts(), 1)) == Counts{{"h1", 1}});
  // a:4 b:2 -> a (h1 3→2) -> a:3 b:2 -> a (h1 2→1 ties h2 1... h1 has 2 vs h2 1) -> h1.
  CHECK(PerHost(Pick(Fleet(), Hosts(), 2)) == Counts{{"h1", 2}});
  // Then a:2 b:2 — either zone; after 4 stops the zones are balanced at 1 each.
  Strings four = Pick(Fleet(), Hosts(), 4);
  Counts hosts = PerHost(four);
  CHECK(hosts["h1"] >= 2);
  CHECK(hosts["h1"] + hosts["h2"] == 3);
  CHECK(hosts["h3"] == 1);
}

TEST_CASE("tasks not yet running, or unhealthy, are stopped first", "[scale_in]") {
  std::vector<ScaleInTask> tasks = Fleet();
  tasks[4].last_status = model::TaskState::kPending;  // h3-1, in the smaller zone
  CHECK(Pick(tasks, Hosts(), 1) == Strings{"h3-1"});
  tasks[4].last_status = model::TaskState::kRunning;
  tasks[3].healthy = false;  // h2-1
  CHECK(Pick(tasks, Hosts(), 1) == Strings{"h2-1"});
}

TEST_CASE("unstoppable tasks are never picked but still count for balance", "[scale_in]") {
  std::vector<ScaleInTask> tasks = Fleet();
  for (int i = 0; i < 3; ++i) tasks[static_cast<size_t>(i)].stoppable = false;  // all of h1
  // Zone a still has 4 tasks, so its only stoppable task (h2-1) goes first.
  CHECK(Pick(tasks, Hosts(), 1) == Strings{"h2-1"});
  // Asking for more than can be stopped returns every stoppable task.
  CHECK(Pick(tasks, Hosts(), 10).size() == 3);
  CHECK(Pick(tasks, Hosts(), 0).empty());
}

TEST_CASE("binpack scale-in stops where the most would remain after the stop", "[scale_in]") {
  std::vector<InstanceView> hosts = {Host("h1", "a", 100), Host("h2", "a", 500),
                                     Host("h3", "b", 300)};
  auto binpack = PlacementStrategy::Binpack(Field::kMemory);
  // h2: 500+100 = 600 remaining after the stop; h3 400; h1 200.
  CHECK(PerHost(Pick(Fleet(), hosts, 1, {binpack})) == Counts{{"h2", 1}});
  // Then h2 has no task left; h3 (300 → 400 → 500) before h1.
  CHECK(PerHost(Pick(Fleet(), hosts, 3, {binpack})) == Counts{{"h2", 1}, {"h3", 2}});
}

TEST_CASE("spread scale-in keeps the balance", "[scale_in]") {
  CHECK(PerHost(Pick(Fleet(), Hosts(), 3, {PlacementStrategy::SpreadInstances()})) ==
        Counts{{"h1", 2}, {"h3", 1}});
  // Spread by a custom attribute: each host is its own rack here.
  CHECK(PerHost(Pick(Fleet(), Hosts(), 1, {PlacementStrategy::SpreadAttribute("rack")})) ==
        Counts{{"h1", 1}});
  // Zone spread alone: a:4 b:2 -> two from zone a, any instance.
  Counts zone_only = PerHost(
      Pick(Fleet(), Hosts(), 2, {PlacementStrategy::SpreadAttribute("ecs.availability-zone")}));
  CHECK(zone_only["h3"] == 0);
}

TEST_CASE("a task's AZ falls back to its instance's attribute", "[scale_in]") {
  std::vector<ScaleInTask> tasks = Fleet();
  for (ScaleInTask& t : tasks) t.availability_zone.clear();
  CHECK(PerHost(Pick(tasks, Hosts(), 2)) == Counts{{"h1", 2}});
}

TEST_CASE("scale-in is deterministic for a seed and independent of input order",
          "[scale_in][determinism]") {
  std::vector<ScaleInTask> tasks;
  std::vector<InstanceView> hosts;
  for (int h = 0; h < 6; ++h) {
    const std::string id = "h" + std::to_string(h);
    const std::string az = std::string(1, static_cast<char>('a' + h % 3));
    hosts.push_back(Host(id, az));
    for (int n = 0; n < 4; ++n) tasks.push_back(Task(id + "-" + std::to_string(n), id, az));
  }
  const Strings expected = Pick(tasks, hosts, 10, {}, 99);
  CHECK(Pick(tasks, hosts, 10, {}, 99) == expected);
  std::shuffle(tasks.begin(), tasks.end(), std::mt19937_64(3));
  std::shuffle(hosts.begin(), hosts.end(), std::mt19937_64(4));
  CHECK(Pick(tasks, hosts, 10, {}, 99) == expected);
  // Whatever the seed, the zones end balanced: 24 - 10 = 14 left, so 5/5/4 per zone.
  Counts left_per_zone = {{"a", 8}, {"b", 8}, {"c", 8}};
  for (const std::string& arn : Pick(tasks, hosts, 10, {}, 7)) {
    left_per_zone[std::string(1, static_cast<char>('a' + (arn[1] - '0') % 3))] -= 1;
  }
  for (const auto& [zone, left] : left_per_zone) CHECK((left == 4 || left == 5));
}

}  // namespace
}  // namespace ecs::scheduler

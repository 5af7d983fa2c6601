// api/encode.h and api/encode_cache.h: task overrides as ECS shows them, the task-definition
// object, and encodings kept only while what they encode is unchanged.
#include "api/encode.h"

#include <catch2/catch.hpp>

#include "api/encode_cache.h"
#include "taskdef/render.h"

using namespace ecs;
using namespace ecs::api;

namespace {

model::Task TwoContainers(std::string overrides = "") {
  model::Task t;
  t.arn = "arn:aws:ecs:us-east-1:000000000000:task/c/abc";
  t.containers.resize(2);
  t.containers[0].name = "a";
  t.containers[1].name = "b";
  t.overrides = model::RawJson::FromText(std::move(overrides));
  return t;
}

}  // namespace

TEST_CASE("Task overrides: one containerOverrides entry per container, as sent or by name",
          "[encode]") {
  // Nothing sent: every container by name, and inferenceAcceleratorOverrides present.
  CHECK(TaskOverridesJson(TwoContainers()) ==
        R"({"containerOverrides":[{"name":"a"},{"name":"b"}],"inferenceAcceleratorOverrides":[]})");
  // A container the request overrides keeps its entry as sent, in definition order.
  CHECK(TaskOverridesJson(TwoContainers(
            R"({"containerOverrides":[{"name":"a","cpu":300,"memoryReservation":512}]})")) ==
        R"({"containerOverrides":[{"name":"a","cpu":300,"memoryReservation":512},{"name":"b"}],)"
        R"("inferenceAcceleratorOverrides":[]})");
  // Task-level members stay where they were.
  CHECK(TaskOverridesJson(TwoContainers(R"({"cpu":"1024","memory":"2048"})")) ==
        R"({"cpu":"1024","memory":"2048","containerOverrides":[{"name":"a"},{"name":"b"}],)"
        R"("inferenceAcceleratorOverrides":[]})");
  // What older versions stored (already merged) shows the same again.
  const std::string merged =
      R"({"containerOverrides":[{"name":"a"},{"name":"b"}],"inferenceAcceleratorOverrides":[]})";
  CHECK(TaskOverridesJson(TwoContainers(merged)) == merged);
}

TEST_CASE("The task cache serves an encoding only for the generation it was made from",
          "[encode][cache]") {
  EncodeCache cache;
  model::Task t = TwoContainers();
  t.generation = 7;
  CHECK(cache.FindTask(t) == nullptr);
  cache.PutTask(t, "seven");
  REQUIRE(cache.FindTask(t) != nullptr);
  CHECK(*cache.FindTask(t) == "seven");
  t.generation = 8;  // the task changed
  CHECK(cache.FindTask(t) == nullptr);
}

TEST_CASE("The events cache follows the newest event and the count", "[encode][cache]") {
  EncodeCache cache;
  model::Service s;
  s.arn = "arn:aws:ecs:us-east-1:000000000000:service/c/s";
  CHECK(cache.FindEvents(s) == nullptr);  // no events: nothing to keep
  s.events.push_front({"e1", 1, "one"});
  cache.PutEvents(s, "[one]");
  CHECK(*cache.FindEvents(s) == "[one]");
  s.events.push_front({"e2", 2, "two"});
  CHECK(cache.FindEvents(s) == nullptr);
}

TEST_CASE("The cache is bounded: past its byte budget it starts over between requests",
          "[encode][cache]") {
  EncodeCache cache(/*max_bytes=*/250);  // two entries' overhead and text, not three
  model::Task a = TwoContainers(), b = TwoContainers(), c = TwoContainers();
  a.generation = 1;
  b.generation = 2;
  c.generation = 3;
  const std::string& a_json = cache.PutTask(a, "A");
  cache.PutTask(b, "B");
  cache.PutTask(c, "C");  // within a request nothing moves: a reply may still point at "A"
  CHECK(a_json == "A");
  CHECK(*cache.FindTask(c) == "C");
  cache.Trim();  // the next request: over the limit, the stale entries go
  CHECK(cache.FindTask(a) == nullptr);
  CHECK(cache.FindTask(c) == nullptr);
  CHECK(cache.bytes() == 0);
  cache.Trim();  // under the budget: kept
  cache.PutTask(c, "C");
  cache.PutTask(c, "CC");  // a replaced encoding counts once
  cache.Trim();
  CHECK(*cache.FindTask(c) == "CC");
  CHECK(cache.bytes() < 250);
  model::Service s;
  s.arn = "arn:aws:ecs:us-east-1:000000000000:service/c/s";
  s.events.push_front({"e1", 1, "one"});
  cache.PutEvents(s, std::string(200, 'x'));  // events count too: now over the budget
  CHECK(cache.bytes() > 250);
  cache.Trim();
  CHECK(cache.FindTask(c) == nullptr);
  CHECK(cache.FindEvents(s) == nullptr);
}

TEST_CASE("A task definition shows its body with the registration spliced in", "[encode]") {
  taskdef::TaskDefinitionSpec spec;
  spec.body = PackedText::FromText(
      R"({"containerDefinitions":[],"family":"f","volumes":[],"placementConstraints":[]})");
  spec.splices = taskdef::FindSplices(spec.body.text());
  control::TaskDefinitionRecord r;
  r.spec = std::make_shared<const taskdef::TaskDefinitionSpec>(std::move(spec));
  r.reg.arn = "arn:aws:ecs:us-east-1:000000000000:task-definition/f:1";
  r.reg.revision = 1;
  r.reg.registered_at = 1'700'000'000'000;
  r.reg.registered_by = "arn:aws:iam::000000000000:root";
  CHECK(TaskDefinitionJson(r) ==
        R"({"taskDefinitionArn":"arn:aws:ecs:us-east-1:000000000000:task-definition/f:1",)"
        R"("containerDefinitions":[],"family":"f","revision":1,"volumes":[],"status":"ACTIVE",)"
        R"("placementConstraints":[],"registeredAt":1700000000.000,)"
        R"("registeredBy":"arn:aws:iam::000000000000:root"})");
}

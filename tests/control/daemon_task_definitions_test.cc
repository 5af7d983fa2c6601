// Daemon task definitions through the control plane: revisions per family and tenant, the
// ACTIVE -> DELETED lifecycle, List's filters and pages, and a reload that keeps all of it.
#include <catch2/catch.hpp>

#include "common/json.h"
#include "taskdef/normalize.h"
#include "tests/control/task_fixture.h"

using namespace ecs;
using namespace ecs::control;
using ecs::testing::TaskFixture;

namespace {

const std::string kArn = "arn:aws:ecs:us-east-1:000000000000:daemon-task-definition/";

std::string RegisterDaemon(TaskFixture& f, const std::string& family,
                           const RequestContext* ctx = nullptr) {
  auto doc = ParseJsonObject(R"({"family":")" + family +
                             R"(","containerDefinitions":[{"name":"a","image":"b","memory":8}]})");
  REQUIRE(doc.ok());
  auto spec = taskdef::NormalizeDaemonTaskDefinition(**doc);
  REQUIRE(spec.ok());
  auto r = f.cp->RegisterDaemonTaskDefinition(ctx ? *ctx : f.ctx, std::move(*spec));
  REQUIRE(r.ok());
  return (*r)->reg.arn;
}

std::vector<std::string> List(TaskFixture& f, const ListDaemonTaskDefinitionsInput& in = {}) {
  auto page = f.cp->ListDaemonTaskDefinitions(f.ctx, in);
  REQUIRE(page.ok());
  std::vector<std::string> out;
  for (const auto* r : page->items) out.push_back(r->reg.arn.substr(kArn.size()));
  return out;
}

}  // namespace

TEST_CASE("Daemon task definitions: revisions, deletion and a reload",
          "[daemon_task_definitions]") {
  TaskFixture f;
  CHECK(RegisterDaemon(f, "agent") == kArn + "agent:1");
  CHECK(RegisterDaemon(f, "agent") == kArn + "agent:2");
  CHECK(RegisterDaemon(f, "logs") == kArn + "logs:1");
  RequestContext west{{"000000000000", "us-west-2"}};
  CHECK(RegisterDaemon(f, "agent", &west).ends_with("daemon-task-definition/agent:1"));

  auto deleted = f.cp->DeleteDaemonTaskDefinition(f.ctx, "agent:2");
  REQUIRE(deleted.ok());
  CHECK((*deleted)->reg.status == model::DaemonTaskDefinitionStatus::kDeleted);
  CHECK((*deleted)->reg.delete_requested_at == f.clock.Now());
  auto again = f.cp->DeleteDaemonTaskDefinition(f.ctx, "agent:2");
  REQUIRE_FALSE(again.ok());
  CHECK(again.status().code() == ErrorCode::kClientException);
  // The bare family falls back to the latest ACTIVE revision.
  auto latest = f.cp->DescribeDaemonTaskDefinition(f.ctx, "agent");
  REQUIRE(latest.ok());
  CHECK((*latest)->reg.revision == 1);

  CHECK(List(f) == std::vector<std::string>{"agent:1", "logs:1"});
  CHECK(List(f, {.status = std::nullopt}) ==
        std::vector<std::string>{"agent:1", "agent:2", "logs:1"});
  CHECK(List(f, {.last_registered = true}) == std::vector<std::string>{"logs:1"});
  CHECK(List(f, {.status = std::nullopt, .descending = true, .max_results = 2}) ==
        std::vector<std::string>{"logs:1", "agent:2"});

  f.Reload();
  CHECK(List(f, {.status = std::nullopt}) ==
        std::vector<std::string>{"agent:1", "agent:2", "logs:1"});
  auto kept = f.cp->DescribeDaemonTaskDefinition(f.ctx, kArn + "agent:2");
  REQUIRE(kept.ok());
  CHECK((*kept)->reg.status == model::DaemonTaskDefinitionStatus::kDeleted);
  CHECK(RegisterDaemon(f, "agent") == kArn + "agent:3");
}

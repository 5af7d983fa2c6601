// Daemon task-definition rows: a round trip through a store on a file (a restart), and a damaged
// row that names its kind.
#include <catch2/catch.hpp>
#include <filesystem>

#include "storage/codec.h"
#include "storage/store.h"
#include "tests/temp_db_path.h"

using namespace ecs;
using namespace ecs::storage;

TEST_CASE("A daemon task definition round-trips in every status; damage is named", "[storage]") {
  const Tenant tenant{"000000000000", "us-east-1"};
  StoredDaemonTaskDefinition active{tenant, 3, "agent", {}, R"({"family":"agent","cpu":"256"})"};
  active.reg.arn = ArnPrefix(tenant) + "daemon-task-definition/agent:1";
  active.reg.revision = 1;
  active.reg.registered_at = 1700000000123;
  active.reg.registered_by = "arn:aws:iam::000000000000:root";
  StoredDaemonTaskDefinition deleted = active;
  deleted.seq = 5;
  deleted.reg.arn = ArnPrefix(tenant) + "daemon-task-definition/agent:2";
  deleted.reg.revision = 2;
  deleted.reg.status = model::DaemonTaskDefinitionStatus::kDeleted;
  deleted.reg.delete_requested_at = 1700000009000;

  const std::string path = ecs::testing::FreshDbPath("daemon-td");
  {
    auto store = std::move(*Store::Open(path));
    ChangeSet changes;
    changes.PutDaemonTaskDefinition(deleted);
    changes.PutDaemonTaskDefinition(active);
    REQUIRE(store->Commit(changes).ok());
  }
  auto store = std::move(*Store::Open(path));
  auto snap = store->Load();
  REQUIRE(snap.ok());
  REQUIRE(snap->daemon_task_definitions.size() == 2);
  const auto& first = snap->daemon_task_definitions[0];  // creation (seq) order
  const auto& second = snap->daemon_task_definitions[1];
  CHECK(first.reg == active.reg);
  CHECK(first.family == "agent");
  CHECK(first.body == active.body);
  CHECK(first.tenant == tenant);
  CHECK(second.reg == deleted.reg);
  CHECK(second.seq == 5);

  auto damaged = DecodeDaemonTaskDefinition(active.reg.arn, 1, R"({"account":"a","region":"r"})");
  REQUIRE_FALSE(damaged.ok());
  CHECK(damaged.status().code() == ErrorCode::kCorrupt);
  CHECK(damaged.status().message().find("daemon task definition") != std::string::npos);
  std::filesystem::remove_all(std::filesystem::path(path).parent_path());
}

TEST_CASE("A daemon round-trips with its revisions, deployments and rollout state", "[storage]") {
  const Tenant tenant{"000000000000", "us-east-1"};
  model::Daemon d;
  d.tenant = tenant;
  d.cluster = "c";
  d.name = "agent";
  d.arn = ArnPrefix(tenant) + "daemon/c/agent";
  d.seq = 7;
  d.status = model::DaemonStatus::kDeleteInProgress;
  d.created_at = 1700000000000;
  d.updated_at = 1700000005000;
  d.client_token = "tok";
  d.request_fingerprint = "123";
  d.replacing = {"ci-1"};
  d.replacements = {"i-0abc"};
  model::DaemonRevision rev;
  rev.arn = ArnPrefix(tenant) + "daemon-revision/c/agent/r1";
  rev.task_definition_arn = ArnPrefix(tenant) + "daemon-task-definition/agent:1";
  rev.capacity_providers = {"mi-a", "mi-b"};
  rev.images = {{"agent", "datadog:1"}};
  rev.propagate_tags = true;
  rev.execute_command = true;
  rev.created_at = 1700000000000;
  d.revisions.push_back(rev);
  model::DaemonDeployment dep;
  dep.arn = ArnPrefix(tenant) + "daemon-deployment/c/agent/d1";
  dep.id = "d1";
  dep.status = model::DaemonDeploymentStatus::kRollbackInProgress;
  dep.status_reason = "alarm";
  dep.target_revision_arn = rev.arn;
  dep.source_revision_arns = {"x"};
  dep.config = {12.5, 3, {"cpu-high"}, true};
  dep.created_at = 1700000001000;
  dep.started_at = 1700000001000;
  dep.batch_open = true;
  dep.bake_until = 1700000060000;
  dep.failure_count = 2;
  dep.triggered_alarms = {"cpu-high"};
  dep.rollback = model::DaemonRollback{"alarm", 1700000002000, "x"};
  d.deployments.push_back(dep);
  model::DaemonDeployment deleting;
  deleting.arn = ArnPrefix(tenant) + "daemon-deployment/c/agent/d2";
  deleting.id = "d2";
  deleting.created_at = 1700000003000;
  deleting.finished_at = 1700000004000;
  d.deployments.push_back(deleting);

  const std::string path = ecs::testing::FreshDbPath("daemon");
  {
    auto store = std::move(*Store::Open(path));
    ChangeSet changes;
    changes.PutDaemon(d);
    REQUIRE(store->Commit(changes).ok());
  }
  auto store = std::move(*Store::Open(path));
  auto snap = store->Load();
  REQUIRE(snap.ok());
  REQUIRE(snap->daemons.size() == 1);
  CHECK(snap->daemons[0] == d);

  auto damaged = DecodeDaemon(d.arn, R"({"account":"a","region":"r","deployments":[]})");
  REQUIRE_FALSE(damaged.ok());
  CHECK(damaged.status().message().find("daemon") != std::string::npos);
  std::filesystem::remove_all(std::filesystem::path(path).parent_path());
}

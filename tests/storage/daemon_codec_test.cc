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

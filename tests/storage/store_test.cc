#include "storage/store.h"

#include <algorithm>
#include <catch2/catch.hpp>
#include <cstdio>
#include <filesystem>
#include <thread>

#include "storage/codec.h"
#include "storage/database.h"
#include "tests/temp_db_path.h"

using namespace ecs;
using namespace ecs::storage;

namespace {
model::Cluster MakeCluster(const std::string& name, int64_t seq) {
  model::Cluster c;
  c.tenant = {"000000000000", "us-east-1"};
  c.name = name;
  c.arn = ClusterArn(c.tenant, name);
  c.seq = seq;
  c.created_at = 1700000000123;
  c.settings = {{"containerInsights", "enabled"}};
  c.configuration =
      model::RawJson::FromText(R"({"executeCommandConfiguration":{"logging":"DEFAULT"}})");
  c.capacity_providers = {"FARGATE"};
  return c;
}

model::Task MakeTask(const std::string& id, int64_t seq) {
  model::Task t;
  t.tenant = {"000000000000", "us-east-1"};
  t.cluster = "c";
  t.id = id;
  t.arn = ArnPrefix(t.tenant) + "task/c/" + id;
  t.seq = seq;
  t.task_definition_arn = ArnPrefix(t.tenant) + "task-definition/f:1";
  return t;
}

std::vector<std::string> TaskIds(const Snapshot& snap) {
  std::vector<std::string> ids;
  ids.reserve(snap.tasks.size());
  for (const auto& t : snap.tasks) ids.push_back(t.id);
  return ids;
}

model::Service MakeService() {
  model::Service s;
  s.tenant = {"000000000000", "us-east-1"};
  s.cluster = "c";
  s.name = "web";
  s.arn = ArnPrefix(s.tenant) + "service/c/web";
  s.seq = 1;
  s.task_definition_arn = ArnPrefix(s.tenant) + "task-definition/f:1";
  return s;
}

StoredTaskDefinition MakeDefinition(const std::string& arn, int64_t seq) {
  StoredTaskDefinition td;
  td.tenant = {"000000000000", "us-east-1"};
  td.seq = seq;
  td.reg.arn = arn;
  td.reg.revision = 1;
  td.body = R"({"family":"f"})";
  return td;
}

std::string TempDbPath() { return ecs::testing::FreshDbPath("store-test"); }
}  // namespace

TEST_CASE("Store round trips on :memory: and on a file", "[storage]") {
  for (const std::string& path : {std::string(":memory:"), TempDbPath()}) {
    DYNAMIC_SECTION("path " << path) {
      {
        auto store = Store::Open(path);
        REQUIRE(store.ok());
        CHECK(*(*store)->SchemaVersion() == static_cast<int>(Migrations().size()));
        ChangeSet cs;
        cs.PutCluster(MakeCluster("a", 1));
        cs.PutCluster(MakeCluster("b", 2));
        cs.PutTags(ClusterArn({"000000000000", "us-east-1"}, "a"), {{"k", "v"}});
        REQUIRE((*store)->Commit(cs).ok());
        auto snap = (*store)->Load();
        REQUIRE(snap.ok());
        REQUIRE(snap->clusters.size() == 2);
        CHECK(snap->clusters[0].name == "a");
        CHECK(snap->clusters[0].configuration == MakeCluster("a", 1).configuration);
        CHECK(snap->clusters[0].settings == MakeCluster("a", 1).settings);
        CHECK(snap->clusters[1].capacity_providers == std::vector<std::string>{"FARGATE"});
        CHECK(snap->tags.size() == 1);
      }
      if (path != ":memory:") {
        // Reopening the file sees the committed rows and does not re-run migrations.
        auto store = Store::Open(path);
        REQUIRE(store.ok());
        auto snap = (*store)->Load();
        REQUIRE(snap.ok());
        CHECK(snap->clusters.size() == 2);
      }
    }
  }
}

TEST_CASE("A failed commit applies nothing", "[storage]") {
  auto store = Store::Open(":memory:");
  REQUIRE(store.ok());
  ChangeSet first;
  first.PutTask(MakeTask("kept", 1));
  REQUIRE((*store)->Commit(first).ok());
  (*store)->FailCommitAfter(1);
  ChangeSet second;
  second.PutTask(MakeTask("x", 2));
  second.PutTask(MakeTask("y", 3));
  second.DeleteTask(MakeTask("kept", 1).arn);
  CHECK_FALSE((*store)->Commit(second).ok());
  auto snap = (*store)->Load();
  REQUIRE(snap.ok());
  CHECK(TaskIds(*snap) == std::vector<std::string>{"kept"});
}

TEST_CASE("Deleting rows and wiping", "[storage]") {
  auto store = Store::Open(":memory:");
  REQUIRE(store.ok());
  ChangeSet cs;
  cs.PutCluster(MakeCluster("a", 1));
  cs.PutTags("arn:x", {{"k", "v"}});
  REQUIRE((*store)->Commit(cs).ok());
  ChangeSet untag;
  untag.PutTags("arn:x", {});
  REQUIRE((*store)->Commit(untag).ok());
  CHECK((*store)->Load()->tags.empty());
  REQUIRE((*store)->Wipe().ok());
  CHECK((*store)->Load()->clusters.empty());
}

TEST_CASE("A ChangeSet writing one row several times commits its last write", "[storage]") {
  auto store = Store::Open(":memory:");
  REQUIRE(store.ok());
  ChangeSet cs;
  model::Task first = MakeTask("a", 1);
  first.started_by = "replaced";
  cs.PutTask(first);
  cs.PutTask(MakeTask("a", 1));
  cs.PutTask(MakeTask("b", 2));
  cs.DeleteTask(MakeTask("b", 2).arn);  // then gone
  cs.DeleteTask(MakeTask("c", 3).arn);
  cs.PutTask(MakeTask("c", 3));  // delete then put: present
  REQUIRE((*store)->Commit(cs).ok());
  auto snap = (*store)->Load();
  REQUIRE(snap.ok());
  CHECK(TaskIds(*snap) == std::vector<std::string>{"a", "c"});
  CHECK(snap->tasks[0].started_by.empty());
}

TEST_CASE("The ephemeral store keeps nothing but still fails on demand", "[storage]") {
  auto store = Store::OpenEphemeral();
  REQUIRE(store.ok());
  ChangeSet cs;
  cs.PutCluster(MakeCluster("a", 1));
  REQUIRE((*store)->Commit(cs).ok());
  CHECK((*store)->Load()->clusters.empty());
  (*store)->FailCommitAfter(1);
  CHECK_FALSE((*store)->Commit(cs).ok());
  CHECK((*store)->Commit(cs).ok());
}

TEST_CASE("A count-only ChangeSet encodes nothing but still says whether anything changed",
          "[storage]") {
  ChangeSet counted(ChangeSet::Mode::kCountOnly);
  CHECK(counted.empty());
  counted.PutTask(MakeTask("a", 1));
  counted.DeleteTask("b");
  CHECK_FALSE(counted.empty());
  CHECK(counted.rows().empty());

  // Appending a recorded ChangeSet counts its rows; a recorded one takes a count-only one's
  // count, so it is not empty either.
  ChangeSet nothing(ChangeSet::Mode::kCountOnly);
  ChangeSet recorded;
  recorded.PutCluster(MakeCluster("c", 2));
  nothing.Append(recorded);
  CHECK_FALSE(nothing.empty());
  CHECK(nothing.rows().empty());
  ChangeSet into;
  into.Append(counted);
  CHECK_FALSE(into.empty());
  CHECK(into.rows().empty());

  // The ephemeral store asks for them; a real one does not.
  auto ephemeral = Store::OpenEphemeral();
  REQUIRE(ephemeral.ok());
  CHECK((*ephemeral)->discards_writes());
  REQUIRE((*ephemeral)->Commit(counted).ok());
  auto store = Store::Open(":memory:");
  REQUIRE(store.ok());
  CHECK_FALSE((*store)->discards_writes());
}

// Every table's columns, keys, indexes and WITHOUT ROWID flag, one line each.
std::vector<std::string> SchemaShape(Database& db) {
  std::vector<std::string> lines;
  for (const char* sql :
       {"SELECT name || ' ' || ncol || ' wr=' || wr FROM pragma_table_list WHERE schema = 'main' "
        "AND name NOT LIKE 'sqlite_%' ORDER BY name",
        "SELECT m.name || '.' || p.name || ' ' || p.type || ' nn=' || p.\"notnull\" || ' pk=' || "
        "p.pk FROM sqlite_master m, pragma_table_info(m.name) p WHERE m.type = 'table' "
        "ORDER BY m.name, p.cid",
        "SELECT m.name || ' ' || il.origin || ' u=' || il.\"unique\" || ' ' || ii.seqno || ':' || "
        "ii.name FROM sqlite_master m, pragma_index_list(m.name) il, pragma_index_info(il.name) "
        "ii WHERE m.type = 'table' ORDER BY m.name, il.origin, il.name, ii.seqno"}) {
    auto stmt = db.Prepare(sql);
    REQUIRE(stmt.ok());
    Status st;
    while ((*stmt)->Step(&st)) lines.push_back((*stmt)->ColumnText(0));
    REQUIRE(st.ok());
  }
  return lines;
}

TEST_CASE("A new database gets the schema that every migration in turn builds", "[storage]") {
  auto stepwise = Database::Open(":memory:");
  REQUIRE(stepwise.ok());
  REQUIRE((*stepwise)->Migrate({Migrations()[0]}, Migrations()[0]).ok());
  REQUIRE((*stepwise)->Migrate(Migrations(), CurrentSchema()).ok());
  auto fresh = Database::Open(":memory:");
  REQUIRE(fresh.ok());
  REQUIRE((*fresh)->Migrate(Migrations(), CurrentSchema()).ok());
  CHECK(*(*fresh)->SchemaVersion() == static_cast<int>(Migrations().size()));
  CHECK(*(*stepwise)->SchemaVersion() == static_cast<int>(Migrations().size()));
  const auto shape = SchemaShape(**fresh);
  CHECK(shape.size() >= 7);  // meta and resources, their columns and primary keys
  CHECK(shape == SchemaShape(**stepwise));
}

TEST_CASE("A version-1 database is migrated with its rows", "[storage]") {
  const std::string path = TempDbPath();
  {
    auto db = Database::Open(path);
    REQUIRE(db.ok());
    REQUIRE((*db)->Migrate({Migrations()[0]}, Migrations()[0]).ok());
    REQUIRE(*(*db)->SchemaVersion() == 1);
    const model::Cluster c = MakeCluster("old", 7);
    REQUIRE((*db)
                ->Execute("INSERT INTO resources (kind, key, seq, body) VALUES (" +
                          std::to_string(static_cast<int>(Kind::kCluster)) + ", '" + c.arn +
                          "', 7, '" + EncodeCluster(c) + "')")
                .ok());
  }
  auto store = Store::Open(path);
  REQUIRE(store.ok());
  CHECK(*(*store)->SchemaVersion() == static_cast<int>(Migrations().size()));
  auto snap = (*store)->Load();
  REQUIRE(snap.ok());
  REQUIRE(snap->clusters.size() == 1);
  CHECK(snap->clusters[0].name == "old");
  CHECK(snap->clusters[0].seq == 7);
  // And the upsert still finds the migrated row by its key.
  ChangeSet cs;
  model::Cluster renamed = MakeCluster("old", 8);
  cs.PutCluster(renamed);
  REQUIRE((*store)->Commit(cs).ok());
  CHECK((*store)->Load()->clusters.size() == 1);
}

TEST_CASE("Load returns each kind in creation (seq) order, whatever the row order on disk",
          "[storage]") {
  auto store = Store::Open(TempDbPath());
  REQUIRE(store.ok());
  ChangeSet cs;
  cs.PutCluster(MakeCluster("third", 30));
  cs.PutCluster(MakeCluster("first", 10));
  cs.PutTaskDefinition(MakeDefinition("td-b", 20));
  cs.PutTaskDefinition(MakeDefinition("td-a", 5));
  cs.PutTaskDefinition(MakeDefinition("td-tie-1", 7));
  cs.PutTaskDefinition(MakeDefinition("td-tie-2", 7));
  REQUIRE((*store)->Commit(cs).ok());
  ChangeSet later;
  later.PutCluster(MakeCluster("second", 20));
  REQUIRE((*store)->Commit(later).ok());
  auto snap = (*store)->Load();
  REQUIRE(snap.ok());
  std::vector<std::string> clusters;
  for (const auto& c : snap->clusters) clusters.push_back(c.name);
  CHECK(clusters == std::vector<std::string>{"first", "second", "third"});
  std::vector<std::string> rows;
  for (const auto& r : snap->task_definitions) rows.push_back(r.reg.arn);
  CHECK(rows == std::vector<std::string>{"td-a", "td-tie-1", "td-tie-2", "td-b"});
  // The (kind, seq) index is gone since migration 3: inserts maintain one index, not two.
  auto db = Database::Open(":memory:");
  REQUIRE(db.ok());
  REQUIRE((*db)->Migrate(Migrations(), CurrentSchema()).ok());
  auto indexes = (*db)->Prepare(
      "SELECT count(*) FROM sqlite_master WHERE type = 'index' AND name = "
      "'resources_by_kind_seq'");
  REQUIRE(indexes.ok());
  Status st;
  REQUIRE((*indexes)->Step(&st));
  CHECK((*indexes)->ColumnInt(0) == 0);
}

TEST_CASE("Load hands the many-row kinds to a sink in batches, on the caller's thread",
          "[storage]") {
  const std::string path = TempDbPath();
  auto store = Store::Open(path);
  REQUIRE(store.ok());
  ChangeSet cs;
  cs.PutCluster(MakeCluster("c", 1));
  std::vector<std::string> written;
  for (int i = 0; i < 1100; ++i) {  // enough for the scanning thread
    char id[33];
    std::snprintf(id, sizeof(id), "%032x", 5000 - i);
    written.emplace_back(id);
    cs.PutTask(MakeTask(id, 10 + i));
    if (i % 100 == 0) cs.PutTaskDefinition(MakeDefinition("td-" + std::to_string(i), 2000 + i));
  }
  model::ContainerInstance instance;
  instance.tenant = {"000000000000", "us-east-1"};
  instance.cluster = "c";
  instance.id = "0123456789abcdef0123456789abcdef";
  instance.arn = ArnPrefix(instance.tenant) + "container-instance/c/" + instance.id;
  instance.seq = 3000;
  cs.PutContainerInstance(instance);
  cs.PutService(MakeService());
  REQUIRE((*store)->Commit(cs).ok());
  std::vector<std::string> taken, revisions, others;
  size_t batches = 0;
  bool on_caller = true;
  const auto caller = std::this_thread::get_id();
  Store::LoadSink sink = [&](LoadBatch& batch) {
    ++batches;
    on_caller = on_caller && std::this_thread::get_id() == caller;
    for (auto& t : batch.tasks) taken.push_back(std::move(t.id));
    for (auto& td : batch.task_definitions) revisions.push_back(td.reg.arn);
    for (auto& ci : batch.container_instances) others.push_back(ci.arn);
    for (auto& svc : batch.services) others.push_back(svc.arn);
    return Status::Ok();
  };
  auto snap = (*store)->Load(sink);
  REQUIRE(snap.ok());
  CHECK(snap->tasks.empty());
  CHECK(snap->task_definitions.empty());
  CHECK(snap->container_instances.empty());
  CHECK(snap->services.empty());
  CHECK(snap->clusters.size() == 1);
  CHECK(batches >= 1100 / 64);
  CHECK(on_caller);
  const std::vector<std::string> in_row_order = written;
  std::sort(taken.begin(), taken.end());
  std::sort(written.begin(), written.end());
  CHECK(taken == written);
  CHECK(revisions.size() == 11);
  CHECK(others == std::vector<std::string>{instance.arn, MakeService().arn});

  // A sink's error ends the load with it.
  auto refused = (*store)->Load([](LoadBatch&) { return Status::Corrupt("refused"); });
  REQUIRE_FALSE(refused.ok());
  CHECK(refused.status().message() == "refused");

  // A task row that cannot be read fails the load, naming the row, whichever thread decodes it
  // (a batch goes as read while the caller keeps up; the first one always does).
  const Store::LoadSink ignoring = [](LoadBatch&) { return Status::Ok(); };
  auto db = Database::Open(path);
  REQUIRE(db.ok());
  for (int row : {10, 100, 1000}) {
    const std::string& id = in_row_order[row];
    REQUIRE((*db)->Execute("UPDATE resources SET body = '{}' WHERE key LIKE '%" + id + "'").ok());
    auto damaged = (*store)->Load(ignoring);
    REQUIRE_FALSE(damaged.ok());
    CHECK(damaged.status().code() == ErrorCode::kCorrupt);
    CHECK(damaged.status().message().find(id) != std::string::npos);
    ChangeSet repair;
    repair.PutTask(MakeTask(id, 10 + row));
    REQUIRE((*store)->Commit(repair).ok());
  }
  CHECK((*store)->Load(ignoring).ok());
}

TEST_CASE("Group commit: ChangeSets wait for one WriteBatch; an injected failure fails it",
          "[storage]") {
  const std::string path = TempDbPath();
  {
    auto store = Store::Open(path);
    REQUIRE(store.ok());
    (*store)->set_group_commit(true);
    ChangeSet a;
    a.PutTask(MakeTask("a", 1));
    REQUIRE((*store)->Commit(a).ok());
    CHECK((*store)->has_pending());
    // A queued commit never fails on its own: an injected failure fails the batch it joins.
    ChangeSet b;
    b.PutTask(MakeTask("b", 2));
    (*store)->FailCommitAfter(1);
    REQUIRE((*store)->Commit(b).ok());
    CHECK_FALSE((*store)->Flush().ok());
    CHECK_FALSE((*store)->has_pending());
    ChangeSet c;
    c.PutTask(MakeTask("c", 3));
    c.PutTask(MakeTask("gone", 4));
    REQUIRE((*store)->Commit(c).ok());
    ChangeSet d;  // a later ChangeSet's delete wins over an earlier one's put
    d.DeleteTask(MakeTask("gone", 4).arn);
    REQUIRE((*store)->Commit(d).ok());
    // Not written yet: another connection sees nothing.
    auto other = Database::Open(path);
    REQUIRE(other.ok());
    auto count = (*other)->Prepare("SELECT count(*) FROM resources");
    REQUIRE(count.ok());
    Status st;
    REQUIRE((*count)->Step(&st));
    CHECK((*count)->ColumnInt(0) == 0);
    auto batch = (*store)->TakePending();
    CHECK_FALSE((*store)->has_pending());
    REQUIRE((*store)->WriteBatch(batch).ok());
    REQUIRE((*store)->Flush().ok());  // nothing pending: nothing to do
  }
  auto reopened = Store::Open(path);
  REQUIRE(reopened.ok());
  auto snap = (*reopened)->Load();
  REQUIRE(snap.ok());
  CHECK(TaskIds(*snap) == std::vector<std::string>{"c"});
}

TEST_CASE("Group commit: a failed WriteBatch writes nothing; a wipe drops what was pending",
          "[storage]") {
  auto store = Store::Open(TempDbPath());
  REQUIRE(store.ok());
  (*store)->set_group_commit(true);
  ChangeSet a;
  a.PutCluster(MakeCluster("a", 1));
  REQUIRE((*store)->Commit(a).ok());
  REQUIRE((*store)->Flush().ok());
  ChangeSet b;
  b.PutCluster(MakeCluster("b", 2));
  REQUIRE((*store)->Commit(b).ok());
  (*store)->FailNextFlush();
  CHECK_FALSE((*store)->Flush().ok());
  CHECK((*store)->Load()->clusters.size() == 1);
  REQUIRE((*store)->Commit(b).ok());
  REQUIRE((*store)->Wipe().ok());  // "b" never reaches the disk, "a" leaves it
  ChangeSet c;
  c.PutCluster(MakeCluster("c", 3));
  REQUIRE((*store)->Commit(c).ok());
  CHECK((*store)->Load()->clusters.size() == 1);  // still "a": nothing written yet
  REQUIRE((*store)->Flush().ok());
  auto snap = (*store)->Load();
  REQUIRE(snap.ok());
  REQUIRE(snap->clusters.size() == 1);
  CHECK(snap->clusters[0].name == "c");
}

TEST_CASE("A task's simulated containers round-trip (a restart resumes them exactly)",
          "[storage]") {
  model::Task t = MakeTask("sim", 1);
  model::ContainerState plain;
  plain.name = "plain";
  model::ContainerState c;
  c.name = "app";
  c.health_check = model::HealthCheckConfig{10'000, 2'000, 5, 30'000};
  c.depends_on = {{"db", model::DependencyCondition::kHealthy},
                  {"init", model::DependencyCondition::kSuccess}};
  c.stop_timeout = 45'000;
  c.start_timeout = 20'000;
  c.behavior.exit_code = 3;
  c.behavior.exit_after = 1'500;
  c.behavior.fail_to_start = "CannotPullContainerError: denied";
  c.behavior.unhealthy_after = 0;
  c.behavior.stop_takes = 7'000;
  c.started_at = 1'700'000'000'000;
  c.stopped_at = 1'700'000'001'500;
  t.containers = {plain, c};
  auto store = Store::Open(":memory:");
  REQUIRE(store.ok());
  ChangeSet cs;
  cs.PutTask(t);
  REQUIRE((*store)->Commit(cs).ok());
  auto snap = (*store)->Load();
  REQUIRE(snap.ok());
  REQUIRE(snap->tasks.size() == 1);
  CHECK(snap->tasks[0].containers == t.containers);
}

namespace {
int SynchronousLevel(Database& db) {
  auto stmt = db.Prepare("PRAGMA synchronous");
  REQUIRE(stmt.ok());
  Status st;
  REQUIRE((*stmt)->Step(&st));
  return static_cast<int>((*stmt)->ColumnInt(0));
}
}  // namespace

TEST_CASE("A new database file is built without fsyncs, then commits at synchronous=NORMAL",
          "[storage]") {
  constexpr int kOff = 0;
  constexpr int kNormal = 1;
  const std::string path = TempDbPath();
  {
    auto db = Database::Open(path);
    REQUIRE(db.ok());
    CHECK(SynchronousLevel(**db) == kOff);  // nothing acknowledged yet
    REQUIRE((*db)->Migrate(Migrations(), CurrentSchema()).ok());
    CHECK(SynchronousLevel(**db) == kNormal);
  }
  auto reopened = Database::Open(path);  // an existing file is never relaxed
  REQUIRE(reopened.ok());
  CHECK(SynchronousLevel(**reopened) == kNormal);
  REQUIRE((*reopened)->Migrate(Migrations(), CurrentSchema()).ok());
  CHECK(SynchronousLevel(**reopened) == kNormal);
}

namespace {

// The provider as a store holding only its row loads it back.
model::CapacityProvider Reloaded(const model::CapacityProvider& cp) {
  auto store = std::move(*Store::Open(":memory:"));
  ChangeSet changes;
  changes.PutCapacityProvider(cp);
  REQUIRE(store->Commit(changes).ok());
  auto snap = store->Load();
  REQUIRE(snap.ok());
  REQUIRE(snap->capacity_providers.size() == 1);
  return snap->capacity_providers[0];
}

}  // namespace

TEST_CASE("A capacity provider round-trips; a damaged row names its member", "[storage]") {
  model::CapacityProvider cp;
  cp.tenant = {"000000000000", "us-east-1"};
  cp.name = "asg-cp";
  cp.arn = ArnPrefix(cp.tenant) + "capacity-provider/asg-cp";
  cp.seq = 9;
  cp.status = model::CapacityProviderStatus::kActive;
  cp.update_status = model::CapacityProviderUpdateStatus::kDeleteFailed;
  cp.update_status_reason = "associated with cluster: c";
  cp.auto_scaling_group_arn = "asg-1";
  cp.managed_scaling = {true, 80, 2, 30, 45};
  cp.managed_termination_protection = true;
  cp.managed_draining = false;
  CHECK(Reloaded(cp) == cp);
  auto damaged = DecodeCapacityProvider(cp.arn, R"({"account":"a","region":"r","name":"n"})");
  REQUIRE_FALSE(damaged.ok());
  CHECK(damaged.status().code() == ErrorCode::kCorrupt);
  CHECK(damaged.status().message().find("capacity provider") != std::string::npos);
}

TEST_CASE("A Managed Instances provider round-trips with its fleet", "[storage]") {
  model::CapacityProvider cp;
  cp.tenant = {"000000000000", "us-east-1"};
  cp.name = "mi-cp";
  cp.arn = ArnPrefix(cp.tenant) + "capacity-provider/mi-cp";
  cp.seq = 4;
  cp.cluster = "c";
  model::ManagedInstancesSettings mi;
  mi.echo = model::RawJson::FromText(R"({"infrastructureRoleArn":"r","propagateTags":"NONE"})");
  mi.infrastructure_role_arn = "r";
  mi.subnets = {"subnet-a", "subnet-b"};
  model::InstanceRequirements req;
  req.vcpu_min = 2;
  req.vcpu_max = 4;
  req.memory_mib_min = 4096;
  req.allowed_instance_types = {"m5.*"};
  req.burstable_performance = "excluded";
  mi.requirements = req;
  mi.scale_in_after = 120;
  mi.launching = {{"i-0abc", "us-east-1b", 1'000, 61'000, "m5.large"}};
  mi.idle_since = {{"i-0def", 5'000}};
  cp.managed_instances = mi;
  CHECK(Reloaded(cp) == cp);
  // Without requirements or scaleInAfter (the model's null: the defaults).
  cp.managed_instances->requirements.reset();
  cp.managed_instances->scale_in_after.reset();
  CHECK(Reloaded(cp) == cp);
}

TEST_CASE("A simulated Auto Scaling group round-trips with its warming-up instances", "[storage]") {
  model::AutoScalingGroup g;
  g.tenant = {"000000000000", "us-east-1"};
  g.name = "web-asg";
  g.arn = "arn:aws:autoscaling:us-east-1:000000000000:autoScalingGroup:1:autoScalingGroupName/web";
  g.seq = 4;
  g.cluster = "c";
  g.min_size = 1;
  g.max_size = 6;
  g.desired_capacity = 3;
  g.instance_type = "m5.large";
  g.cpu = 2048;
  g.memory = 8192;
  g.availability_zones = {"us-east-1a", "us-east-1b"};
  g.attributes = {{"stack", "blue"}, {"bare", std::nullopt}};
  g.launching = {{"i-0123", "us-east-1b", 100, 60'100}};
  auto store = std::move(*Store::Open(":memory:"));
  ChangeSet changes;
  changes.PutAutoScalingGroup(g);
  REQUIRE(store->Commit(changes).ok());
  auto snap = store->Load();
  REQUIRE(snap.ok());
  REQUIRE(snap->auto_scaling_groups.size() == 1);
  CHECK(snap->auto_scaling_groups[0] == g);
  auto damaged = DecodeAutoScalingGroup(g.arn, R"({"account":"a","region":"r","name":"n"})");
  REQUIRE_FALSE(damaged.ok());
  CHECK(damaged.status().message().find("auto scaling group") != std::string::npos);
}

TEST_CASE("A deployment's Lambda hook runs and alarm watch round-trip (kill -9 resumes them)",
          "[storage]") {
  model::Service s = MakeService();
  s.alarms = model::DeploymentAlarms{{"high-5xx", "p99"}, true, true};
  model::Deployment d;
  d.id = "ecs-svc/1234567890123456789";
  d.task_definition_arn = s.task_definition_arn;
  d.alarms_status = model::CircuitBreakerStatus::kTriggered;
  d.triggered_alarms = {"p99"};
  model::HookRun run;
  run.hook_id = "hook-1";
  run.stage = model::LifecycleStage::kPostScaleUp;
  run.target_type = model::HookTargetType::kAwsLambda;
  run.target_arn = "arn:aws:lambda:us-east-1:000000000000:function:check";
  run.status = model::HookStatus::kInProgress;
  run.script_in_progress = 2;
  run.script_result = model::HookStatus::kFailed;
  run.next_invoke_at = 1'700'000'030'000;
  run.invocations = {{1'700'000'000'000, model::HookStatus::kInProgress}};
  run.hook_details = model::RawJson::FromText(R"({"suite":"smoke"})");
  run.production_traffic = 25;
  run.test_traffic = 100;
  d.hook_runs = {run};
  s.deployments = {d};
  auto store = Store::Open(":memory:");
  REQUIRE(store.ok());
  ChangeSet cs;
  cs.PutService(s);
  REQUIRE((*store)->Commit(cs).ok());
  auto snap = (*store)->Load();
  REQUIRE(snap.ok());
  REQUIRE(snap->services.size() == 1);
  CHECK(snap->services[0].alarms == s.alarms);
  REQUIRE(snap->services[0].deployments.size() == 1);
  const model::Deployment& back = snap->services[0].deployments[0];
  CHECK(back.alarms_status == d.alarms_status);
  CHECK(back.triggered_alarms == d.triggered_alarms);
  CHECK(back.hook_runs == d.hook_runs);
  // Without alarms the member stays unset.
  s.alarms.reset();
  cs.PutService(s);
  REQUIRE((*store)->Commit(cs).ok());
  snap = (*store)->Load();
  REQUIRE(snap.ok());
  CHECK_FALSE(snap->services[0].alarms.has_value());
}

TEST_CASE("A service row from before alarms were simulated keeps its echoed alarms", "[storage]") {
  model::Service s = MakeService();
  ChangeSet cs;
  cs.PutService(s);
  // The old layout: the request's object as text under "alarms", none of today's members.
  std::string body = *cs.rows().at(0).body;
  REQUIRE(body.find("\"alarmsSet\"") != std::string::npos);
  body.insert(1, R"("alarms":"{\"alarmNames\":[\"p99\"],\"enable\":false,\"rollback\":true}",)");
  auto snap = DecodeRows({{cs.rows().at(0).kind, cs.rows().at(0).key, 1, body}});
  REQUIRE(snap.ok());
  REQUIRE(snap->services.size() == 1);
  CHECK(snap->services[0].alarms == model::DeploymentAlarms{{"p99"}, false, true});
}

TEST_CASE("A task definition's body comes back byte for byte, whatever the members before it hold",
          "[storage]") {
  StoredTaskDefinition td = MakeDefinition("arn:td:1", 4);
  // Text a JSON writer would not produce (spaces, an escaped slash), so a body serialized again
  // from the parse would differ; members before it that look like the body's key.
  td.body = R"({"family": "f", "x":"a\/b","containerDefinitions":[{"name":"c,\"body\":{"}]})";
  td.reg.registered_by = R"(arn:aws:iam::1:role/x\",\"body\":{)";
  td.tags = {{R"(,"body":{)", R"(\\)"}, {"k", R"("body":{"a":1})"}};
  auto decoded = DecodeTaskDefinition(td.reg.arn, td.seq, EncodeTaskDefinition(td));
  REQUIRE(decoded.ok());
  CHECK(decoded->body == td.body);
  CHECK(decoded->reg.registered_by == td.reg.registered_by);
  CHECK(decoded->tags == td.tags);

  // A row laid out otherwise (body first) still reads, its body serialized from the parse.
  auto reordered = DecodeTaskDefinition(
      "k", 1,
      R"({"body":{"family":"f"},"account":"1","region":"r","arn":"a","revision":1,)"
      R"("status":"ACTIVE","registeredAt":1,"registeredBy":"p"})");
  REQUIRE(reordered.ok());
  CHECK(reordered->body == R"({"family":"f"})");
  CHECK(!DecodeTaskDefinition("k", 1,
                              R"({"account":"1","region":"r","arn":"a","revision":1,)"
                              R"("status":"ACTIVE","registeredAt":1,"registeredBy":"p"})")
             .ok());
}

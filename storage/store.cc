#include "storage/store.h"

#include <optional>
#include <set>
#include <string_view>

#include "storage/codec.h"

namespace ecs::storage {

const std::vector<std::string>& Migrations() {
  static const std::vector<std::string> kMigrations = {
      // 1: one row per resource. The primary key serves point upserts/deletes by ARN;
      // Load() reads a whole kind in creation order, served by resources_by_kind_seq (until 3).
      "CREATE TABLE resources ("
      "  kind INTEGER NOT NULL,"
      "  key TEXT NOT NULL,"
      "  seq INTEGER NOT NULL,"
      "  body TEXT NOT NULL,"
      "  PRIMARY KEY (kind, key)) WITHOUT ROWID;"
      "CREATE INDEX resources_by_kind_seq ON resources (kind, seq);",
      // 2: a rowid table. Bodies are kilobytes (task definitions, services with their events),
      // far over the ~1/20 of a page that WITHOUT ROWID tables are made for: every upsert moved
      // whole rows around the primary-key b-tree. Now the key index stays small and dense.
      "CREATE TABLE resources_v2 ("
      "  kind INTEGER NOT NULL,"
      "  key TEXT NOT NULL,"
      "  seq INTEGER NOT NULL,"
      "  body TEXT NOT NULL,"
      "  PRIMARY KEY (kind, key));"
      "INSERT INTO resources_v2 (kind, key, seq, body) SELECT kind, key, seq, body FROM resources;"
      "DROP TABLE resources;"
      "ALTER TABLE resources_v2 RENAME TO resources;"
      "CREATE INDEX resources_by_kind_seq ON resources (kind, seq);",
      // 3: no (kind, seq) index. It only ordered Load(), once per start, yet every insert paid
      // for it: ~16 % of the writer's CPU and ~13 % of the WAL bytes of a RegisterTaskDefinition
      // batch. Load() now reads in rowid order and sorts each kind by seq in memory.
      "DROP INDEX resources_by_kind_seq;",
  };
  return kMigrations;
}

const std::string& CurrentSchema() {
  // What Migrations() leaves behind, built at once in a new database. storage_test compares
  // the two, so a new migration that forgets to change this fails there.
  static const std::string kSchema =
      "CREATE TABLE resources ("
      "  kind INTEGER NOT NULL,"
      "  key TEXT NOT NULL,"
      "  seq INTEGER NOT NULL,"
      "  body TEXT NOT NULL,"
      "  PRIMARY KEY (kind, key));";
  return kSchema;
}

std::string_view KindName(Kind kind) {
  switch (kind) {
    case Kind::kCluster:
      return "cluster";
    case Kind::kTags:
      return "tags";
    case Kind::kCounter:
      return "counter";
    case Kind::kTaskDefinition:
      return "task definition";
    case Kind::kAccountSetting:
      return "account setting";
    case Kind::kAttribute:
      return "attribute";
    case Kind::kContainerInstance:
      return "container instance";
    case Kind::kTask:
      return "task";
    case Kind::kService:
      return "service";
    case Kind::kCapacityProvider:
      return "capacity provider";
    case Kind::kAutoScalingGroup:
      return "auto scaling group";
    case Kind::kDaemonTaskDefinition:
      return "daemon task definition";
    case Kind::kDaemon:
      return "daemon";
    case Kind::kExpressGatewayService:
      return "express gateway service";
  }
  return "unknown";
}

void ChangeSet::PutCluster(const model::Cluster& c) {
  Add(Kind::kCluster, c.arn, c.seq, [&] { return EncodeCluster(c); });
}

void ChangeSet::PutTags(const std::string& resource_arn, const model::TagList& tags) {
  Add(Kind::kTags, resource_arn, 0, [&]() -> std::optional<std::string> {
    if (tags.empty()) return std::nullopt;
    return EncodeTags(tags);
  });
}

void ChangeSet::PutContainerInstance(const model::ContainerInstance& ci) {
  Add(Kind::kContainerInstance, ci.arn, ci.seq, [&] { return EncodeContainerInstance(ci); });
}

void ChangeSet::PutTask(const model::Task& task) {
  Add(Kind::kTask, task.arn, task.seq, [&] { return EncodeTask(task); });
}

void ChangeSet::DeleteTask(const std::string& task_arn) {
  Add(Kind::kTask, task_arn, 0, [] { return std::nullopt; });
}

void ChangeSet::PutService(const model::Service& service) {
  Add(Kind::kService, service.arn, service.seq, [&] { return EncodeService(service); });
}

void ChangeSet::PutTaskDefinition(const StoredTaskDefinition& td) {
  Add(Kind::kTaskDefinition, td.reg.arn, td.seq, [&] { return EncodeTaskDefinition(td); });
}

void ChangeSet::DeleteTaskDefinition(const std::string& arn) {
  Add(Kind::kTaskDefinition, arn, 0, [] { return std::nullopt; });
}

void ChangeSet::PutRevisionCounter(const Tenant& t, const std::string& family, int64_t revision) {
  Add(Kind::kCounter, RevisionCounterKey(t, family), revision, [] { return std::string("{}"); });
}

void ChangeSet::PutAccountSetting(const StoredAccountSetting& s) {
  // The seq orders nothing here (settings are listed by name).
  Add(Kind::kAccountSetting, AccountSettingKey(s.tenant, s.principal_arn, s.name), 0,
      [&] { return EncodeAccountSetting(s); });
}

void ChangeSet::DeleteAccountSetting(const Tenant& t, const std::string& principal_arn,
                                     const std::string& name) {
  Add(Kind::kAccountSetting, AccountSettingKey(t, principal_arn, name), 0,
      [] { return std::nullopt; });
}

void ChangeSet::PutCapacityProvider(const model::CapacityProvider& cp) {
  Add(Kind::kCapacityProvider, cp.arn, cp.seq, [&] { return EncodeCapacityProvider(cp); });
}

void ChangeSet::PutDaemon(const model::Daemon& d) {
  Add(Kind::kDaemon, d.arn, d.seq, [&] { return EncodeDaemon(d); });
}

void ChangeSet::PutExpressGatewayService(const model::ExpressGatewayService& e) {
  Add(Kind::kExpressGatewayService, e.service_arn, e.seq,
      [&] { return EncodeExpressGatewayService(e); });
}

void ChangeSet::PutAutoScalingGroup(const model::AutoScalingGroup& g) {
  Add(Kind::kAutoScalingGroup, g.arn, g.seq, [&] { return EncodeAutoScalingGroup(g); });
}

void ChangeSet::PutDaemonTaskDefinition(const StoredDaemonTaskDefinition& td) {
  Add(Kind::kDaemonTaskDefinition, td.reg.arn, td.seq,
      [&] { return EncodeDaemonTaskDefinition(td); });
}

void ChangeSet::Append(const ChangeSet& other) {
  if (mode_ == Mode::kCountOnly) {
    counted_ += other.counted_ + other.rows_.size();
    return;
  }
  rows_.insert(rows_.end(), other.rows_.begin(), other.rows_.end());
  counted_ += other.counted_;
}

Result<std::unique_ptr<Store>> Store::Open(const std::string& path) {
  auto db = Database::Open(path);
  if (!db.ok()) return db.status();
  ECS_RETURN_IF_ERROR((*db)->Migrate(Migrations(), CurrentSchema()));
  return std::unique_ptr<Store>(new Store(std::move(*db), path));
}

Result<std::unique_ptr<Store>> Store::OpenEphemeral() {
  // No database at all: nothing is ever read back, and opening SQLite and building the schema
  // was the largest part of --ephemeral's start-up (bench/startup.py).
  std::unique_ptr<Store> store(new Store(nullptr, ":memory:"));
  store->discard_writes_ = true;
  return store;
}

bool Store::ConsumeInjectedFailure() {
  if (fail_after_ > 0) --fail_after_;
  if (fail_after_ == 0 && injected_failure_armed_) {
    injected_failure_armed_ = false;
    return true;
  }
  return false;
}

void Store::StartBackgroundCheckpoints() {
  if (discard_writes_ || path_ == ":memory:" || checkpointer_) return;
  checkpointer_ = Checkpointer::Start(path_, db_.get());
}

Status Store::Commit(const ChangeSet& changes) {
  if (changes.empty()) return Status::Ok();
  if (discard_writes_) {
    return ConsumeInjectedFailure() ? Status::Server("injected commit failure") : Status::Ok();
  }
  if (group_commit_) {
    pending_.rows.insert(pending_.rows.end(), changes.rows().begin(), changes.rows().end());
    // Queued commits do not fail on their own: an injected failure fails the batch this
    // ChangeSet joins, so the group-commit path rolls back as for a real failed write.
    if (ConsumeInjectedFailure()) fail_next_flush_ = true;
    return Status::Ok();
  }
  Transaction tx(db_.get());
  ECS_RETURN_IF_ERROR(tx.Begin());
  ECS_RETURN_IF_ERROR(WriteRows(changes.rows()));
  if (ConsumeInjectedFailure()) return Status::Server("injected commit failure");  // rolls back
  return tx.Commit();
}

Status Store::WriteBatch(const Batch& batch) {
  if (batch.empty() || discard_writes_) return Status::Ok();
  Transaction tx(db_.get());
  ECS_RETURN_IF_ERROR(tx.Begin());
  if (batch.wipe) ECS_RETURN_IF_ERROR(db_->Run("DELETE FROM resources"));
  ECS_RETURN_IF_ERROR(WriteRows(batch.rows));
  if (fail_next_flush_.exchange(false)) return Status::Server("injected flush failure");
  return tx.Commit();
}

Status Store::WriteRows(const std::vector<ChangeSet::Row>& rows) {
  // Only the last write of each row counts: a reconciler slice rewrites the same task and
  // instance rows several times (placement, each lifecycle step, usage), and a batch of
  // requests the same counters, so skip the rest.
  std::vector<bool> superseded(rows.size(), false);
  if (rows.size() > 1) {
    std::set<std::pair<Kind, std::string_view>> seen;  // views into `rows`, which outlive it
    for (size_t i = rows.size(); i-- > 0;) {
      superseded[i] = !seen.emplace(rows[i].kind, rows[i].key).second;
    }
  }
  for (size_t i = 0; i < rows.size(); ++i) {
    if (superseded[i]) continue;
    const auto& row = rows[i];
    Status st;
    if (row.body) {
      auto stmt = db_->Prepare(
          "INSERT INTO resources (kind, key, seq, body) VALUES (?, ?, ?, ?) "
          "ON CONFLICT (kind, key) DO UPDATE SET seq = excluded.seq, body = excluded.body");
      if (!stmt.ok()) return stmt.status();
      (*stmt)->Bind(1, static_cast<int64_t>(row.kind));
      (*stmt)->Bind(2, row.key);
      (*stmt)->Bind(3, row.seq);
      (*stmt)->Bind(4, *row.body);
      (*stmt)->Step(&st);
    } else {
      auto stmt = db_->Prepare("DELETE FROM resources WHERE kind = ? AND key = ?");
      if (!stmt.ok()) return stmt.status();
      (*stmt)->Bind(1, static_cast<int64_t>(row.kind));
      (*stmt)->Bind(2, row.key);
      (*stmt)->Step(&st);
    }
    ECS_RETURN_IF_ERROR(st);
  }
  return Status::Ok();
}

Status Store::Wipe() {
  if (discard_writes_) return Status::Ok();
  if (group_commit_) {
    // Whatever is pending goes too; the batch starts by deleting what is on disk.
    pending_ = Batch{.wipe = true, .rows = {}};
    return Status::Ok();
  }
  return db_->Execute("DELETE FROM resources");
}

Status Store::ReplaceAll(const ChangeSet& rows) {
  if (discard_writes_) {
    return ConsumeInjectedFailure() ? Status::Server("injected commit failure") : Status::Ok();
  }
  Batch batch{.wipe = true, .rows = rows.rows()};
  if (group_commit_) {
    pending_ = std::move(batch);
    if (ConsumeInjectedFailure()) fail_next_flush_ = true;
    return Status::Ok();
  }
  if (ConsumeInjectedFailure()) return Status::Server("injected commit failure");
  return WriteBatch(batch);
}

}  // namespace ecs::storage

#include "storage/store.h"

#include <algorithm>
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

void ChangeSet::PutCluster(const model::Cluster& c) {
  rows_.push_back({Kind::kCluster, c.arn, c.seq, EncodeCluster(c)});
}

void ChangeSet::PutTags(const std::string& resource_arn, const model::TagList& tags) {
  if (tags.empty()) {
    rows_.push_back({Kind::kTags, resource_arn, 0, std::nullopt});
  } else {
    rows_.push_back({Kind::kTags, resource_arn, 0, EncodeTags(tags)});
  }
}

void ChangeSet::PutCounter(const std::string& name, int64_t value) {
  rows_.push_back({Kind::kCounter, name, value, "{}"});
}

void ChangeSet::PutContainerInstance(const model::ContainerInstance& ci) {
  rows_.push_back({Kind::kContainerInstance, ci.arn, ci.seq, EncodeContainerInstance(ci)});
}

void ChangeSet::PutTask(const model::Task& task) {
  rows_.push_back({Kind::kTask, task.arn, task.seq, EncodeTask(task)});
}

void ChangeSet::PutService(const model::Service& service) {
  rows_.push_back({Kind::kService, service.arn, service.seq, EncodeService(service)});
}

void ChangeSet::Put(Kind kind, std::string key, int64_t seq, std::string body) {
  rows_.push_back({kind, std::move(key), seq, std::move(body)});
}

void ChangeSet::Delete(Kind kind, std::string key) {
  rows_.push_back({kind, std::move(key), 0, std::nullopt});
}

Result<std::unique_ptr<Store>> Store::Open(const std::string& path) {
  auto db = Database::Open(path);
  if (!db.ok()) return db.status();
  ECS_RETURN_IF_ERROR((*db)->Migrate(Migrations()));
  return std::unique_ptr<Store>(new Store(std::move(*db), path));
}

Result<std::unique_ptr<Store>> Store::OpenEphemeral() {
  auto store = Open(":memory:");
  if (store.ok()) (*store)->discard_writes_ = true;
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

Status Store::StartBackgroundCheckpoints() {
  if (discard_writes_ || path_ == ":memory:" || checkpointer_) return Status::Ok();
  auto checkpointer = Checkpointer::Start(path_, db_.get());
  if (!checkpointer.ok()) return checkpointer.status();
  checkpointer_ = std::move(*checkpointer);
  return Status::Ok();
}

Status Store::Commit(const ChangeSet& changes) {
  if (changes.empty()) return Status::Ok();
  if (discard_writes_) {
    return ConsumeInjectedFailure() ? Status::Server("injected commit failure") : Status::Ok();
  }
  if (group_commit_) {
    if (ConsumeInjectedFailure()) return Status::Server("injected commit failure");
    pending_.rows.insert(pending_.rows.end(), changes.rows().begin(), changes.rows().end());
    return Status::Ok();
  }
  Transaction tx(db_.get());
  ECS_RETURN_IF_ERROR(tx.Begin());
  ECS_RETURN_IF_ERROR(WriteRows(changes.rows()));
  if (ConsumeInjectedFailure()) return Status::Server("injected commit failure");  // rolls back
  return tx.Commit();
}

Status Store::WriteBatch(const Batch& batch) {
  if (batch.empty()) return Status::Ok();
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

Result<Snapshot> Store::Load() {
  Snapshot snap;
  // Rowid order (a plain table scan), then each kind in creation order below.
  auto stmt = db_->Prepare("SELECT kind, key, seq, body FROM resources");
  if (!stmt.ok()) return stmt.status();
  Status st;
  while ((*stmt)->Step(&st)) {
    auto kind = static_cast<Kind>((*stmt)->ColumnInt(0));
    std::string key = (*stmt)->ColumnText(1);
    int64_t seq = (*stmt)->ColumnInt(2);
    std::string body = (*stmt)->ColumnText(3);
    switch (kind) {
      case Kind::kCluster: {
        auto c = DecodeCluster(body);
        if (!c.ok()) return c.status();
        snap.clusters.push_back(std::move(*c));
        break;
      }
      case Kind::kTags: {
        auto t = DecodeTags(body);
        if (!t.ok()) return t.status();
        snap.tags.emplace(key, std::move(*t));
        break;
      }
      case Kind::kContainerInstance: {
        auto ci = DecodeContainerInstance(body);
        if (!ci.ok()) return ci.status();
        snap.container_instances.push_back(std::move(*ci));
        break;
      }
      case Kind::kTask: {
        auto t = DecodeTask(body);
        if (!t.ok()) return t.status();
        snap.tasks.push_back(std::move(*t));
        break;
      }
      case Kind::kService: {
        auto svc = DecodeService(body);
        if (!svc.ok()) return svc.status();
        snap.services.push_back(std::move(*svc));
        break;
      }
      case Kind::kCounter:
        snap.counters[key] = seq;
        break;
      default:
        snap.rows[kind].push_back({kind, std::move(key), seq, std::move(body)});
    }
  }
  ECS_RETURN_IF_ERROR(st);
  // Creation order; stable, so equal seqs keep rowid (insertion) order as the index did.
  auto by_seq = [](const auto& a, const auto& b) { return a.seq < b.seq; };
  std::stable_sort(snap.clusters.begin(), snap.clusters.end(), by_seq);
  std::stable_sort(snap.container_instances.begin(), snap.container_instances.end(), by_seq);
  std::stable_sort(snap.tasks.begin(), snap.tasks.end(), by_seq);
  std::stable_sort(snap.services.begin(), snap.services.end(), by_seq);
  for (auto& [kind, rows] : snap.rows) std::stable_sort(rows.begin(), rows.end(), by_seq);
  return snap;
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

}  // namespace ecs::storage

#include "storage/store.h"

#include <algorithm>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <optional>
#include <set>
#include <string_view>
#include <thread>

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

namespace {

// Decodes one row into the snapshot; Corrupt (naming the row) when it cannot be read.
Status AddRow(Snapshot& snap, Kind kind, std::string_view key, int64_t seq, std::string_view body) {
  auto take = [](auto decoded, auto& into) {
    if (!decoded.ok()) return decoded.status();
    into.push_back(std::move(*decoded));
    return Status::Ok();
  };
  switch (kind) {
    case Kind::kCluster:
      return take(DecodeCluster(key, body), snap.clusters);
    case Kind::kContainerInstance:
      return take(DecodeContainerInstance(key, body), snap.container_instances);
    case Kind::kTask:
      return take(DecodeTask(key, body), snap.tasks);
    case Kind::kService:
      return take(DecodeService(key, body), snap.services);
    case Kind::kTaskDefinition:
      return take(DecodeTaskDefinition(key, seq, body), snap.task_definitions);
    case Kind::kAccountSetting:
      return take(DecodeAccountSetting(key, body), snap.account_settings);
    case Kind::kCapacityProvider:
      return take(DecodeCapacityProvider(key, body), snap.capacity_providers);
    case Kind::kAutoScalingGroup:
      return take(DecodeAutoScalingGroup(key, body), snap.auto_scaling_groups);
    case Kind::kDaemonTaskDefinition:
      return take(DecodeDaemonTaskDefinition(key, seq, body), snap.daemon_task_definitions);
    case Kind::kDaemon:
      return take(DecodeDaemon(key, body), snap.daemons);
    case Kind::kExpressGatewayService:
      return take(DecodeExpressGatewayService(key, body), snap.express_gateway_services);
    case Kind::kTags: {
      auto tags = DecodeTags(key, body);
      if (!tags.ok()) return tags.status();
      snap.tags.emplace(std::string(key), std::move(*tags));
      return Status::Ok();
    }
    case Kind::kCounter: {
      auto owner = DecodeRevisionCounterKey(key);
      if (!owner.ok()) return owner.status();
      snap.revision_counters[std::move(*owner)] = seq;
      return Status::Ok();
    }
    case Kind::kAttribute:
      break;
  }
  return Status::Corrupt("corrupt row " + std::string(key) + ": unknown kind " +
                         std::to_string(static_cast<int>(kind)));
}

// Creation order; stable, so equal seqs keep rowid (insertion) order as the index did.
// Upserts keep a row's rowid, so a kind often comes out of the table scan in creation order
// already; moving 100,000 tasks through a merge sort was a twentieth of a restart.
// When one is out of order, the sort orders indexes and then moves each item once.
template <typename T>
void SortBySeq(std::vector<T>& items) {
  auto by_seq = [](const T& a, const T& b) { return a.seq < b.seq; };
  if (std::is_sorted(items.begin(), items.end(), by_seq)) return;
  std::vector<size_t> order(items.size());
  for (size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::stable_sort(order.begin(), order.end(),
                   [&items](size_t a, size_t b) { return items[a].seq < items[b].seq; });
  std::vector<T> sorted;
  sorted.reserve(items.size());
  for (size_t i : order) sorted.push_back(std::move(items[i]));
  items = std::move(sorted);
}

void SortByCreation(Snapshot& snap) {
  SortBySeq(snap.clusters);
  SortBySeq(snap.container_instances);
  SortBySeq(snap.tasks);
  SortBySeq(snap.services);
  SortBySeq(snap.task_definitions);
  SortBySeq(snap.capacity_providers);
  SortBySeq(snap.auto_scaling_groups);
  SortBySeq(snap.daemon_task_definitions);
  SortBySeq(snap.express_gateway_services);
  SortBySeq(snap.daemons);
}

// Room for each kind's rows before the scan, so no vector of decoded resources (a task is over
// a kilobyte of members) is moved while it grows; tasks only when they go into the snapshot.
// The primary key's index answers the counts. Returns the number of task rows.
Result<size_t> ReserveByKind(Database& db, Snapshot& snap, bool tasks) {
  auto stmt = db.Prepare("SELECT kind, count(*) FROM resources GROUP BY kind");
  if (!stmt.ok()) return stmt.status();
  Status st;
  size_t task_rows = 0;
  while ((*stmt)->Step(&st)) {
    const auto n = static_cast<size_t>((*stmt)->ColumnInt(1));
    switch (static_cast<Kind>((*stmt)->ColumnInt(0))) {
      case Kind::kCluster:
        snap.clusters.reserve(n);
        break;
      case Kind::kContainerInstance:
        snap.container_instances.reserve(n);
        break;
      case Kind::kTask:
        task_rows = n;
        if (tasks) snap.tasks.reserve(n);
        break;
      case Kind::kService:
        snap.services.reserve(n);
        break;
      case Kind::kTaskDefinition:
        snap.task_definitions.reserve(n);
        break;
      default:
        break;
    }
  }
  ECS_RETURN_IF_ERROR(st);
  return task_rows;
}

}  // namespace

Result<Snapshot> DecodeRows(const std::vector<ChangeSet::Row>& rows) {
  Snapshot snap;
  for (const auto& row : rows) {
    if (!row.body) return Status::Corrupt("row " + row.key + " has no body");
    ECS_RETURN_IF_ERROR(AddRow(snap, row.kind, row.key, row.seq, *row.body));
  }
  SortByCreation(snap);
  return snap;
}

namespace {

// A batch of task rows: decoded, or as read (the receiver decodes them).
struct TaskBatch {
  std::vector<model::Task> decoded;
  std::vector<std::pair<std::string, std::string>> rows;  // (key, body)
};

// Task rows into batches of 64 (small enough to stay in the cache, large enough that handing
// one over is noise). With `share_decoding`, every other batch goes as read, for the thread
// that receives it to decode: decoding is most of a scan, so both threads do it.
class TaskBatcher {
 public:
  TaskBatcher(bool share_decoding, std::function<void(TaskBatch&&)> emit)
      : share_decoding_(share_decoding), emit_(std::move(emit)) {}
  Status Add(std::string_view key, std::string_view body) {
    if (share_decoding_ && as_read_) {
      batch_.rows.emplace_back(key, body);
    } else {
      auto task = DecodeTask(key, body);
      if (!task.ok()) return task.status();
      batch_.decoded.push_back(std::move(*task));
    }
    if (++rows_ == kBatch) Flush();
    return Status::Ok();
  }
  void Flush() {
    if (rows_ == 0) return;
    emit_(std::exchange(batch_, TaskBatch{}));
    rows_ = 0;
    as_read_ = !as_read_;
  }

 private:
  static constexpr size_t kBatch = 64;
  const bool share_decoding_;
  std::function<void(TaskBatch&&)> emit_;
  TaskBatch batch_;
  size_t rows_ = 0;
  bool as_read_ = false;
};

// Task batches from the thread that scans to the one that loads them. At most kDepth wait, so
// the scan runs only that far ahead.
class TaskHandoff {
 public:
  void Push(TaskBatch&& batch) {
    std::unique_lock lock(mu_);
    room_.wait(lock, [this] { return ready_.size() < kDepth || abandoned_; });
    if (abandoned_) return;  // nobody will take it
    ready_.push_back(std::move(batch));
    filled_.notify_one();
  }
  void Close() {
    std::lock_guard lock(mu_);
    closed_ = true;
    filled_.notify_one();
  }
  // The next batch; nullopt once the scan closed and every batch was taken.
  std::optional<TaskBatch> Pop() {
    std::unique_lock lock(mu_);
    filled_.wait(lock, [this] { return !ready_.empty() || closed_; });
    if (ready_.empty()) return std::nullopt;
    TaskBatch batch = std::move(ready_.front());
    ready_.pop_front();
    room_.notify_one();
    return batch;
  }
  // The loader stops taking (it failed): the scan's pushes are dropped from now on.
  void Abandon() {
    std::lock_guard lock(mu_);
    abandoned_ = true;
    room_.notify_one();
  }

 private:
  static constexpr size_t kDepth = 8;
  std::mutex mu_;
  std::condition_variable filled_, room_;
  std::deque<TaskBatch> ready_;
  bool closed_ = false, abandoned_ = false;
};

// Every row into `snap`, task rows into `tasks` when there is a batcher.
Status Scan(Database& db, Snapshot& snap, TaskBatcher* tasks) {
  // Rowid order (a plain table scan), then each kind in creation order below.
  auto stmt = db.Prepare("SELECT kind, key, seq, body FROM resources");
  if (!stmt.ok()) return stmt.status();
  Status st;
  while ((*stmt)->Step(&st)) {
    const auto kind = static_cast<Kind>((*stmt)->ColumnInt(0));
    const std::string_view key = (*stmt)->ColumnView(1), body = (*stmt)->ColumnView(3);
    if (kind == Kind::kTask && tasks) {
      ECS_RETURN_IF_ERROR(tasks->Add(key, body));
    } else {
      ECS_RETURN_IF_ERROR(AddRow(snap, kind, key, (*stmt)->ColumnInt(2), body));
    }
  }
  ECS_RETURN_IF_ERROR(st);
  if (tasks) tasks->Flush();
  SortByCreation(snap);
  return Status::Ok();
}

// The batch's rows as read, decoded after those it came with.
Status DecodeRest(TaskBatch& batch) {
  for (const auto& [key, body] : batch.rows) {
    auto task = DecodeTask(key, body);
    if (!task.ok()) return task.status();
    batch.decoded.push_back(std::move(*task));
  }
  return Status::Ok();
}

}  // namespace

Result<Snapshot> Store::Load(const TaskSink& tasks) {
  Snapshot snap;
  if (!db_) return snap;  // ephemeral: nothing was kept
  auto task_rows = ReserveByKind(*db_, snap, /*tasks=*/!tasks);
  if (!task_rows.ok()) return task_rows.status();
  if (!tasks) {
    ECS_RETURN_IF_ERROR(Scan(*db_, snap, nullptr));
    return snap;
  }
  // Starting a thread is worth it only with many tasks (it is ~0.1 ms of a ~10 ms start).
  constexpr size_t kTasksForAScanThread = 1024;
  if (*task_rows < kTasksForAScanThread) {
    TaskBatcher batcher(false, [&](TaskBatch&& batch) { tasks(batch.decoded); });
    ECS_RETURN_IF_ERROR(Scan(*db_, snap, &batcher));
    return snap;
  }
  // Two cores' worth: a second thread reads the rows and decodes half the tasks, this one
  // decodes the other half and hands them all to the sink (at 100,000 tasks indexing them is
  // about a third of a restart, decoding about half).
  TaskHandoff handoff;
  Status scanned;
  std::thread scanner([&] {
    try {
      TaskBatcher batcher(true, [&](TaskBatch&& batch) { handoff.Push(std::move(batch)); });
      scanned = Scan(*db_, snap, &batcher);
    } catch (const std::exception& e) {  // out of memory: the start fails, not the process
      scanned = Status::Server(std::string("loading state: ") + e.what());
    }
    handoff.Close();
  });
  Status decoded;
  try {
    while (auto batch = handoff.Pop()) {
      decoded = DecodeRest(*batch);
      if (!decoded.ok()) break;
      tasks(batch->decoded);
    }
  } catch (...) {
    handoff.Abandon();
    scanner.join();
    throw;
  }
  handoff.Abandon();  // after a decoding error, the scan runs to its end without us
  scanner.join();
  ECS_RETURN_IF_ERROR(scanned);
  ECS_RETURN_IF_ERROR(decoded);
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

// Store::Load and DecodeRows: rows back into a Snapshot, or, with a LoadSink, the kinds a
// LoadBatch holds streamed to the caller while a second thread scans.
#include <condition_variable>
#include <deque>
#include <mutex>
#include <thread>

#include "storage/codec.h"
#include "storage/store.h"

namespace ecs::storage {

namespace {

// A decoded row onto its kind's vector, or the decoder's error.
template <typename T>
Status Take(Result<T> decoded, std::vector<T>& into) {
  if (!decoded.ok()) return decoded.status();
  into.push_back(std::move(*decoded));
  return Status::Ok();
}

// Decodes one row into the snapshot; Corrupt (naming the row) when it cannot be read.
Status AddRow(Snapshot& snap, Kind kind, std::string_view key, int64_t seq, std::string_view body) {
  switch (kind) {
    case Kind::kCluster:
      return Take(DecodeCluster(key, body), snap.clusters);
    case Kind::kContainerInstance:
      return Take(DecodeContainerInstance(key, body), snap.container_instances);
    case Kind::kTask:
      return Take(DecodeTask(key, body), snap.tasks);
    case Kind::kService:
      return Take(DecodeService(key, body), snap.services);
    case Kind::kTaskDefinition:
      return Take(DecodeTaskDefinition(key, seq, body), snap.task_definitions);
    case Kind::kAccountSetting:
      return Take(DecodeAccountSetting(key, body), snap.account_settings);
    case Kind::kCapacityProvider:
      return Take(DecodeCapacityProvider(key, body), snap.capacity_providers);
    case Kind::kAutoScalingGroup:
      return Take(DecodeAutoScalingGroup(key, body), snap.auto_scaling_groups);
    case Kind::kDaemonTaskDefinition:
      return Take(DecodeDaemonTaskDefinition(key, seq, body), snap.daemon_task_definitions);
    case Kind::kDaemon:
      return Take(DecodeDaemon(key, body), snap.daemons);
    case Kind::kExpressGatewayService:
      return Take(DecodeExpressGatewayService(key, body), snap.express_gateway_services);
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
// a kilobyte of members) is moved while it grows; the kinds a sink takes only without one.
// The primary key's index answers the counts. Returns the number of task rows.
Result<size_t> ReserveByKind(Database& db, Snapshot& snap, bool into_snapshot) {
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
        if (into_snapshot) snap.container_instances.reserve(n);
        break;
      case Kind::kTask:
        task_rows = n;
        if (into_snapshot) snap.tasks.reserve(n);
        break;
      case Kind::kService:
        if (into_snapshot) snap.services.reserve(n);
        break;
      case Kind::kTaskDefinition:
        if (into_snapshot) snap.task_definitions.reserve(n);
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

// A batch for the sink, and task rows as read (the receiving thread decodes those).
struct RowBatch : LoadBatch {
  std::vector<std::pair<std::string, std::string>> task_rows;  // (key, body)
};

// The rows a sink takes, into batches of 64 (small enough to stay in the cache, large enough
// that handing one over is noise). A batch's tasks go as read when `pass_as_read` says so at its
// start, for the thread that receives it to decode: decoding is most of a scan, so both threads
// do it.
class RowBatcher {
 public:
  static bool Takes(Kind kind) {
    return kind == Kind::kTask || kind == Kind::kTaskDefinition ||
           kind == Kind::kContainerInstance || kind == Kind::kService;
  }
  // Without `pass_as_read`, every row is decoded here.
  RowBatcher(std::function<bool()> pass_as_read, std::function<Status(RowBatch&&)> emit)
      : pass_as_read_(std::move(pass_as_read)), emit_(std::move(emit)) {
    NextBatch();
  }
  // A row of a kind it Takes.
  Status Add(Kind kind, std::string_view key, int64_t seq, std::string_view body) {
    Status added;
    if (kind == Kind::kTask && as_read_) {
      batch_.task_rows.emplace_back(key, body);
    } else if (kind == Kind::kTask) {
      added = Take(DecodeTask(key, body), batch_.tasks);
    } else if (kind == Kind::kTaskDefinition) {
      added = Take(DecodeTaskDefinition(key, seq, body), batch_.task_definitions);
    } else if (kind == Kind::kContainerInstance) {
      added = Take(DecodeContainerInstance(key, body), batch_.container_instances);
    } else {
      added = Take(DecodeService(key, body), batch_.services);
    }
    ECS_RETURN_IF_ERROR(added);
    return ++rows_ == kBatch ? Flush() : Status::Ok();
  }
  Status Flush() {
    if (rows_ == 0) return Status::Ok();
    rows_ = 0;
    Status emitted = emit_(std::exchange(batch_, RowBatch{}));
    NextBatch();
    return emitted;
  }

 private:
  static constexpr size_t kBatch = 64;
  void NextBatch() {
    as_read_ = pass_as_read_ && pass_as_read_();
    // A task is over a kilobyte: growing the vector would move each several times.
    if (!as_read_) batch_.tasks.reserve(kBatch);
  }
  std::function<bool()> pass_as_read_;
  std::function<Status(RowBatch&&)> emit_;
  RowBatch batch_;
  size_t rows_ = 0;
  bool as_read_ = false;
};

// Row batches from the thread that scans to the one that loads them. At most kDepth wait, so
// the scan runs only that far ahead.
class RowHandoff {
 public:
  void Push(RowBatch&& batch) {
    std::unique_lock lock(mu_);
    room_.wait(lock, [this] { return ready_.size() < kDepth || abandoned_; });
    if (abandoned_) return;  // nobody will take it
    ready_.push_back(std::move(batch));
    filled_.notify_one();
  }
  // Batches waiting for the loader.
  size_t Backlog() {
    std::lock_guard lock(mu_);
    return ready_.size();
  }
  void Close() {
    std::lock_guard lock(mu_);
    closed_ = true;
    filled_.notify_one();
  }
  // The next batch; nullopt once the scan closed and every batch was taken.
  std::optional<RowBatch> Pop() {
    std::unique_lock lock(mu_);
    filled_.wait(lock, [this] { return !ready_.empty() || closed_; });
    if (ready_.empty()) return std::nullopt;
    RowBatch batch = std::move(ready_.front());
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
  std::deque<RowBatch> ready_;
  bool closed_ = false, abandoned_ = false;
};

// Every row into `snap`, or into `batcher` when there is one and it takes the kind.
Status Scan(Database& db, Snapshot& snap, RowBatcher* batcher) {
  // Rowid order (a plain table scan), then each kind in creation order below.
  auto stmt = db.Prepare("SELECT kind, key, seq, body FROM resources");
  if (!stmt.ok()) return stmt.status();
  Status st;
  while ((*stmt)->Step(&st)) {
    const auto kind = static_cast<Kind>((*stmt)->ColumnInt(0));
    const std::string_view key = (*stmt)->ColumnView(1), body = (*stmt)->ColumnView(3);
    const int64_t seq = (*stmt)->ColumnInt(2);
    if (batcher && RowBatcher::Takes(kind)) {
      ECS_RETURN_IF_ERROR(batcher->Add(kind, key, seq, body));
    } else {
      ECS_RETURN_IF_ERROR(AddRow(snap, kind, key, seq, body));
    }
  }
  ECS_RETURN_IF_ERROR(st);
  if (batcher) ECS_RETURN_IF_ERROR(batcher->Flush());
  SortByCreation(snap);
  return Status::Ok();
}

// A batch into the sink, its tasks as read decoded first (after those it came with).
Status Deliver(RowBatch& batch, const Store::LoadSink& sink) {
  batch.tasks.reserve(batch.tasks.size() + batch.task_rows.size());
  for (const auto& [key, body] : batch.task_rows) {
    ECS_RETURN_IF_ERROR(Take(DecodeTask(key, body), batch.tasks));
  }
  return sink(batch);
}

}  // namespace

Result<Snapshot> Store::Load(const LoadSink& sink) {
  Snapshot snap;
  if (!db_) return snap;  // ephemeral: nothing was kept
  auto task_rows = ReserveByKind(*db_, snap, /*into_snapshot=*/!sink);
  if (!task_rows.ok()) return task_rows.status();
  if (!sink) {
    ECS_RETURN_IF_ERROR(Scan(*db_, snap, nullptr));
    return snap;
  }
  // Starting a thread is worth it only with many tasks (it is ~0.1 ms of a ~10 ms start).
  constexpr size_t kTasksForAScanThread = 1024;
  if (*task_rows < kTasksForAScanThread) {
    RowBatcher batcher(nullptr, [&](RowBatch&& batch) { return Deliver(batch, sink); });
    ECS_RETURN_IF_ERROR(Scan(*db_, snap, &batcher));
    return snap;
  }
  // Two cores' worth: a second thread reads and decodes the rows, this one decodes what it is
  // handed as read and feeds the sink (at 100,000 tasks indexing them is about a third of a
  // restart, decoding about half). Who decodes a batch's tasks follows who has time: the rows of
  // other kinds (thousands of instances, services, revisions) only the scan decodes.
  RowHandoff handoff;
  Status scanned;
  std::thread scanner([&] {
    try {
      // The loader decodes a batch while it keeps up (fewer than two wait for it); when it falls
      // behind, this thread decodes instead of waiting for room.
      RowBatcher batcher([&] { return handoff.Backlog() < 2; },
                         [&](RowBatch&& batch) {
                           handoff.Push(std::move(batch));
                           return Status::Ok();
                         });
      scanned = Scan(*db_, snap, &batcher);
    } catch (const std::exception& e) {  // out of memory: the start fails, not the process
      scanned = Status::Server(std::string("loading state: ") + e.what());
    }
    handoff.Close();
  });
  Status delivered;
  try {
    while (auto batch = handoff.Pop()) {
      delivered = Deliver(*batch, sink);
      if (!delivered.ok()) break;
    }
  } catch (...) {
    handoff.Abandon();
    scanner.join();
    throw;
  }
  handoff.Abandon();  // after a failed delivery, the scan runs to its end without us
  scanner.join();
  ECS_RETURN_IF_ERROR(scanned);
  ECS_RETURN_IF_ERROR(delivered);
  return snap;
}

}  // namespace ecs::storage

// The durable store, in domain words. control/ builds a ChangeSet for each mutating request and
// commits it here before replying; at start-up it loads a Snapshot to rebuild its indexes.
// Every resource is one row (kind, ARN key, creation sequence, JSON body); the codecs between
// model structs and bodies live in storage/codec.cc. Not thread-safe: the state strand owns it
// (group commit hands WriteBatch to one writer thread; see there).
#pragma once

#include <atomic>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "common/status.h"
#include "model/cluster.h"
#include "model/container_instance.h"
#include "model/service.h"
#include "model/tag.h"
#include "model/task.h"
#include "storage/checkpointer.h"
#include "storage/database.h"

namespace ecs::storage {

// The kinds of rows. Values are persisted: append, never renumber.
enum class Kind : int {
  kCluster = 1,
  kTags = 2,
  kCounter = 3,
  kTaskDefinition = 4,
  kAccountSetting = 5,
  kAttribute = 6,
  kContainerInstance = 7,
  kTask = 8,
  kService = 9,
};

// One request's mutation, applied atomically by Store::Commit.
class ChangeSet {
 public:
  struct Row {
    Kind kind;
    std::string key;
    int64_t seq = 0;
    std::optional<std::string> body;  // nullopt deletes the row
  };

  void PutCluster(const model::Cluster& c);
  // An empty list deletes the resource's tag row.
  void PutTags(const std::string& resource_arn, const model::TagList& tags);
  void PutCounter(const std::string& name, int64_t value);
  void PutContainerInstance(const model::ContainerInstance& ci);
  void PutTask(const model::Task& task);
  void PutService(const model::Service& service);
  // Generic rows for resource kinds whose codecs live with their owners.
  void Put(Kind kind, std::string key, int64_t seq, std::string body);
  void Delete(Kind kind, std::string key);

  bool empty() const { return rows_.empty(); }
  const std::vector<Row>& rows() const { return rows_; }

 private:
  std::vector<Row> rows_;
};

// Everything the store holds, as loaded at start-up.
struct Snapshot {
  std::vector<model::Cluster> clusters;
  std::map<std::string, model::TagList> tags;  // by resource ARN
  std::map<std::string, int64_t> counters;
  std::vector<model::ContainerInstance> container_instances;  // in creation order
  std::vector<model::Task> tasks;                             // in creation order
  std::vector<model::Service> services;                       // in creation order
  // Rows of the other kinds, in sequence order, for their owners to decode.
  std::map<Kind, std::vector<ChangeSet::Row>> rows;
};

class Store {
 public:
  // path ":memory:" keeps the database in memory (unit tests reload from it).
  static Result<std::unique_ptr<Store>> Open(const std::string& path);
  // The --ephemeral mode: nothing outlives the process, so commits write nothing at all (the
  // control plane's memory is the only copy; Load is empty). Commit failures can still be
  // injected.
  static Result<std::unique_ptr<Store>> OpenEphemeral();

  // Durably applies `changes` (all or nothing). With group commit on, it only queues them for
  // the next WriteBatch (see below) and fails only by injection.
  Status Commit(const ChangeSet& changes);
  Result<Snapshot> Load();
  Status Wipe();  // deletes every row (POST /_emulator/reset); queued like a commit in group mode

  // Group commit, for the server: the ChangeSets committed on the state strand pile up as one
  // pending batch, and one SQLite transaction writes the whole batch, off the strand, so a burst
  // of requests pays one WAL commit and no request waits for SQLite while it runs. The caller
  // holds back everything it would acknowledge until the batch's WriteBatch succeeds.
  struct Batch {
    bool wipe = false;                 // DELETE every row first
    std::vector<ChangeSet::Row> rows;  // in commit order; the last write of a row wins
    bool empty() const { return !wipe && rows.empty(); }
  };
  void set_group_commit(bool on) { group_commit_ = on; }
  bool has_pending() const { return !pending_.empty(); }
  Batch TakePending() { return std::exchange(pending_, Batch{}); }
  void DiscardPending() { pending_ = Batch{}; }
  // Writes `batch` in one transaction (all or nothing). May run on another thread than the
  // strand's, one call at a time, while nothing else uses the store (the strand only queues).
  Status WriteBatch(const Batch& batch);
  Status Flush() { return WriteBatch(TakePending()); }  // the pending batch, here and now
  // WAL checkpoints from now on run on a thread of their own (storage/checkpointer.h), not
  // inside a commit. A no-op for the ephemeral store.
  Status StartBackgroundCheckpoints();
  Result<int> SchemaVersion() { return db_->SchemaVersion(); }

  // Test hook: the next WriteBatch of a non-empty batch fails (and rolls back).
  void FailNextFlush() { fail_next_flush_ = true; }
  // Test hook: the nth Commit from now fails before COMMIT (0 = never).
  void FailCommitAfter(int n) {
    fail_after_ = n;
    injected_failure_armed_ = n > 0;
  }

 private:
  Store(std::unique_ptr<Database> db, std::string path)
      : db_(std::move(db)), path_(std::move(path)) {}
  std::unique_ptr<Database> db_;
  std::string path_;
  std::unique_ptr<Checkpointer> checkpointer_;  // after db_: stops before db_ closes
  int fail_after_ = 0;
  bool injected_failure_armed_ = false;
  bool discard_writes_ = false;  // OpenEphemeral
  bool group_commit_ = false;
  Batch pending_;
  std::atomic<bool> fail_next_flush_ = false;
  // Upserts and deletes `rows`, skipping every write that a later one of the same row replaces.
  Status WriteRows(const std::vector<ChangeSet::Row>& rows);
  bool ConsumeInjectedFailure();
};

// The schema, one entry per version. Append only.
const std::vector<std::string>& Migrations();

}  // namespace ecs::storage

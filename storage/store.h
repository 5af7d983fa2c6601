// The durable store, in domain words. control/ builds a ChangeSet for each mutation and commits
// it here; at start-up it loads a Snapshot to rebuild its indexes. Every resource is one row
// (kind, ARN key, creation sequence, JSON body); storage/ alone knows the row formats (the codecs
// in storage/codec*.cc, read through storage/row_reader.h). A row that cannot be read fails Load
// with a Corrupt status naming its kind and key. Not thread-safe: the state strand owns it
// (group commit hands WriteBatch to one writer thread; see there).
#pragma once

#include <atomic>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/status.h"
#include "model/auto_scaling_group.h"
#include "model/capacity_provider.h"
#include "model/cluster.h"
#include "model/container_instance.h"
#include "model/daemon.h"
#include "model/daemon_task_definition.h"
#include "model/express_gateway.h"
#include "model/service.h"
#include "model/tag.h"
#include "model/task.h"
#include "model/task_definition.h"
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
  kAttribute = 6,  // never written (attributes live in their instance's row)
  kContainerInstance = 7,
  kTask = 8,
  kService = 9,
  kCapacityProvider = 10,
  kAutoScalingGroup = 11,
  kDaemonTaskDefinition = 13,
  kDaemon = 14,  // a daemon with its revisions and deployments (15 stays free)
  kExpressGatewayService = 16,
};
std::string_view KindName(Kind kind);  // "cluster", "task", ... for messages

// A task-definition revision as stored: the registration, its tags and the normalized body
// (taskdef/ reads the facts back from the body).
struct StoredTaskDefinition {
  Tenant tenant;
  int64_t seq = 0;
  model::TaskDefinitionRegistration reg;
  model::TagList tags;
  std::string body;
};

// A daemon task-definition revision as stored: its family, registration and the normalized
// body (taskdef::NormalizeDaemonTaskDefinition). Its tags are in a tags row.
struct StoredDaemonTaskDefinition {
  Tenant tenant;
  int64_t seq = 0;
  std::string family;
  model::DaemonTaskDefinitionRegistration reg;
  std::string body;
};

// One explicit account setting (a principal's own value for a setting name).
struct StoredAccountSetting {
  Tenant tenant;
  std::string principal_arn;
  std::string name;
  std::string value;
};

// One request's (or one reconciler slice's) mutation, applied atomically by Store::Commit. Each
// call encodes its resource into a row now; the last write of a row in a batch wins.
class ChangeSet {
 public:
  // kCountOnly is for a store that keeps nothing (--ephemeral, Store::discards_writes): the
  // writes are only counted, so that empty() still tells whether anything changed, and nothing
  // is encoded. Encoding was 62 % of the instructions of an ephemeral service scaling 0 <-> 2
  // (bench/RESULTS.md, 2026-12-06).
  enum class Mode { kRecord, kCountOnly };
  ChangeSet() = default;
  explicit ChangeSet(Mode mode) : mode_(mode) {}

  struct Row {
    Kind kind;
    std::string key;
    int64_t seq = 0;
    std::optional<std::string> body;  // nullopt deletes the row
  };

  void PutCluster(const model::Cluster& c);
  // An empty list deletes the resource's tag row.
  void PutTags(const std::string& resource_arn, const model::TagList& tags);
  void PutContainerInstance(const model::ContainerInstance& ci);
  void PutTask(const model::Task& task);
  void DeleteTask(const std::string& task_arn);
  void PutService(const model::Service& service);
  // A task definition's tags live in its own row, so registering writes one row.
  void PutTaskDefinition(const StoredTaskDefinition& td);
  void DeleteTaskDefinition(const std::string& arn);
  // The highest revision a family ever had: kept when the rows that show it are deleted.
  void PutRevisionCounter(const Tenant& t, const std::string& family, int64_t revision);
  void PutAccountSetting(const StoredAccountSetting& s);
  void DeleteAccountSetting(const Tenant& t, const std::string& principal_arn,
                            const std::string& name);
  // Auto Scaling group providers (the built-in Fargate ones have no row).
  void PutCapacityProvider(const model::CapacityProvider& cp);
  // Simulated Auto Scaling groups (their in-service instances are container instance rows).
  void PutAutoScalingGroup(const model::AutoScalingGroup& g);
  // Daemon task-definition revisions are never removed (a DELETED one is still described).
  void PutDaemonTaskDefinition(const StoredDaemonTaskDefinition& td);
  // Daemons, with their revisions and deployments (a deleted daemon keeps its row).
  void PutDaemon(const model::Daemon& d);
  // Express gateway services' own state (their ECS service is a service row), by service ARN.
  void PutExpressGatewayService(const model::ExpressGatewayService& e);

  bool empty() const { return rows_.empty() && counted_ == 0; }
  const std::vector<Row>& rows() const { return rows_; }  // none in kCountOnly
  void Append(const ChangeSet& other);

 private:
  // Every write goes through here: kRecord encodes its row (`body()` is the row's text, nullopt
  // deletes the row), kCountOnly only counts it.
  template <typename Body>
  void Add(Kind kind, const std::string& key, int64_t seq, Body body) {
    if (mode_ == Mode::kCountOnly) {
      ++counted_;
      return;
    }
    rows_.push_back({kind, key, seq, body()});
  }
  Mode mode_ = Mode::kRecord;
  size_t counted_ = 0;
  std::vector<Row> rows_;
};

// Everything the store holds, as loaded at start-up.
struct Snapshot {
  std::vector<model::Cluster> clusters;                                 // in creation order
  std::map<std::string, model::TagList> tags;                           // by resource ARN
  std::vector<model::ContainerInstance> container_instances;            // in creation order
  std::vector<model::Task> tasks;                                       // in creation order
  std::vector<model::Service> services;                                 // in creation order
  std::vector<StoredTaskDefinition> task_definitions;                   // in creation order
  std::map<std::pair<Tenant, std::string>, int64_t> revision_counters;  // (tenant, family)
  std::vector<StoredAccountSetting> account_settings;
  std::vector<model::CapacityProvider> capacity_providers;             // in creation order
  std::vector<model::AutoScalingGroup> auto_scaling_groups;            // in creation order
  std::vector<StoredDaemonTaskDefinition> daemon_task_definitions;     // in creation order
  std::vector<model::Daemon> daemons;                                  // in creation order
  std::vector<model::ExpressGatewayService> express_gateway_services;  // in creation order
};

// The kinds Store::Load streams to a sink: those with thousands of rows at ECS's quotas.
struct LoadBatch {
  std::vector<model::Task> tasks;
  std::vector<model::ContainerInstance> container_instances;
  std::vector<model::Service> services;
  std::vector<StoredTaskDefinition> task_definitions;
};

// Rows -> a Snapshot, as Load reads them: every row decoded by its kind's codec (Corrupt naming
// the first row that cannot be read), each kind in creation order. Rows without a body (deletes)
// are refused. What POST /_emulator/snapshot restores goes through here, so a kind added to
// AddRow (store_load.cc) is restored the way it is loaded.
Result<Snapshot> DecodeRows(const std::vector<ChangeSet::Row>& rows);

class Store {
 public:
  // path ":memory:" keeps the database in memory (unit tests reload from it).
  static Result<std::unique_ptr<Store>> Open(const std::string& path);
  // The --ephemeral mode: nothing outlives the process, so commits write nothing at all (the
  // control plane's memory is the only copy; Load is empty). Commit failures can still be
  // injected.
  static Result<std::unique_ptr<Store>> OpenEphemeral();
  bool discards_writes() const { return discard_writes_; }

  // Durably applies `changes` (all or nothing). With group commit on, it only queues them for
  // the next WriteBatch (see below) and never fails: a failure shows when the batch is written.
  Status Commit(const ChangeSet& changes);
  // Takes rows while Load scans, on the caller's thread, a LoadBatch at a time and in table order
  // (not creation order); what it leaves in the batch is dropped, and an error ends the load
  // with it.
  using LoadSink = std::function<Status(LoadBatch&)>;
  // Every row. With a sink, the rows a LoadBatch holds go there as they are read instead of into
  // the Snapshot, so a restart at 100,000 tasks never holds them all twice (the snapshot's copy,
  // then the index's), and the caller indexes them while the scan goes on.
  Result<Snapshot> Load(const LoadSink& sink = nullptr);
  Status Wipe();  // deletes every row (POST /_emulator/reset); queued like a commit in group mode
  // Deletes every row and writes `rows` instead, in one transaction (a snapshot restored, a
  // scoped reset); queued like a commit in group mode, and what was pending goes too.
  Status ReplaceAll(const ChangeSet& rows);

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
  void StartBackgroundCheckpoints();
  Result<int> SchemaVersion() { return db_->SchemaVersion(); }  // REQUIRES: not ephemeral

  // Test hook: the next WriteBatch of a non-empty batch fails (and rolls back).
  void FailNextFlush() { fail_next_flush_ = true; }
  // Test hook: the nth Commit from now fails before COMMIT (0 = never); with group commit, the
  // batch it joins fails to write.
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
  bool discard_writes_ = false;  // OpenEphemeral (db_ is null then)
  bool group_commit_ = false;
  Batch pending_;
  std::atomic<bool> fail_next_flush_ = false;
  // Upserts and deletes `rows`, skipping every write that a later one of the same row replaces.
  Status WriteRows(const std::vector<ChangeSet::Row>& rows);
  bool ConsumeInjectedFailure();
};

// The schema, one entry per version. Append only.
const std::vector<std::string>& Migrations();
// The schema all of Migrations() produce, created at once in a new database.
const std::string& CurrentSchema();

}  // namespace ecs::storage

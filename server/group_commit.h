// Group commit: the writes made on the state strand pile up in the store's pending batch, and a
// writer thread commits each batch in one SQLite transaction while the strand goes on serving
// requests. Nothing that ran while its writes (or writes it could have read) were uncommitted is
// answered before they commit: a client never sees state that a crash could take back.
//
// One batch is written at a time. The first request that leaves writes pending while the writer
// is idle posts the hand-over behind the requests already queued on the strand, so they join it;
// whatever runs while a batch is being written forms the next batch, handed over as soon as the
// writer is done. A burst of N requests pays one WAL commit, and SQLite's CPU time (a third of a
// RegisterTaskDefinition) overlaps with the next requests instead of holding the strand.
//
// If a commit fails, its requests and those of the batch built on top of it answer 500
// ServerException, and the control plane rolls back (ControlPlane::RecoverFromFailedCommit drops
// the pending writes and reloads from disk: memory was ahead of it).
#pragma once

#include <boost/asio.hpp>
#include <functional>
#include <memory>

#include "common/status.h"
#include "control/control_plane.h"
#include "server/metrics.h"
#include "storage/store.h"

namespace ecs::server {

class GroupCommit {
 public:
  using Strand = boost::asio::strand<boost::asio::io_context::executor_type>;

  // One batch's outcome, for the requests waiting on it.
  struct Batch {
    explicit Batch(const Strand& s) : done(s) {}
    boost::asio::steady_timer done;  // expires (for good) once `result` is known
    bool finished = false;
    Status result;
  };

  // `writer` runs the SQLite transactions (the server: a WriterThread; tests: an io_context
  // they step by hand). The store is used there only while a batch is being written.
  // `start_writer`, if set, runs once, before the first batch is posted to `writer`.
  GroupCommit(Strand state, boost::asio::any_io_executor writer, storage::Store* store,
              control::ControlPlane* control, std::function<void()> start_writer = {});

  // State strand only. After a request ran: the batch it must wait for, or nullptr when nothing
  // it wrote or could have read is uncommitted (answer at once).
  std::shared_ptr<Batch> Join();
  // State strand only. Hands the pending writes to the writer now if it is idle (the reconciler
  // after each slice); otherwise they go as soon as it is.
  void Flush();
  // Each batch's size and write time go there (before serving starts).
  void set_metrics(ServerMetrics* metrics) { metrics_ = metrics; }

 private:
  void StartWrite();
  void Finish(const std::shared_ptr<Batch>& batch, const Status& result);
  static void Complete(const std::shared_ptr<Batch>& batch, const Status& result);

  Strand state_;
  boost::asio::any_io_executor writer_;
  std::function<void()> start_writer_;  // reset once it has run
  storage::Store* store_;
  control::ControlPlane* control_;
  std::shared_ptr<Batch> open_;     // waiters on the pending writes, if any joined
  std::shared_ptr<Batch> writing_;  // the batch the writer has, if any
  bool start_posted_ = false;       // a StartWrite is queued on the strand
  ServerMetrics* metrics_ = nullptr;
};

}  // namespace ecs::server

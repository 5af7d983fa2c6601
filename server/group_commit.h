// Group commit: every write made on the state strand goes into one open SQLite transaction
// (storage::Store's batch), and nothing that ran while a batch was open is answered until the
// batch commits. The first request that leaves a batch open posts its flush behind the requests
// already queued on the strand, so a burst of N requests pays one WAL commit instead of N.
//
// A request that ran while a batch was open may have read what that batch wrote, so reads wait
// too: a client never sees state that a crash could take back. If the commit fails, every
// request of the batch answers 500 ServerException and the control plane reloads from disk
// (memory was ahead of it).
#pragma once

#include <boost/asio.hpp>

#include <memory>

#include "common/status.h"
#include "control/control_plane.h"
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

  GroupCommit(Strand state, storage::Store* store, control::ControlPlane* control);

  // State strand only. After a request ran: the batch it must wait for, or nullptr when no
  // write is pending (answer at once).
  std::shared_ptr<Batch> Join();
  // State strand only. Commits the open batch now (the reconciler after each slice, shutdown).
  void FlushNow();

 private:
  Strand state_;
  storage::Store* store_;
  control::ControlPlane* control_;
  std::shared_ptr<Batch> current_;  // the open batch's waiters, if any joined
};

}  // namespace ecs::server

// WAL checkpoints on a thread and a connection of their own. SQLite's default checkpoints run
// inside the COMMIT that pushes the WAL past 1,000 pages: that commit (and every request waiting
// for it) stalls while the WAL is copied back into the database file and both are fsynced.
// With a Checkpointer, the committing connection only signals; a PASSIVE checkpoint on the second
// connection copies what is committed while the next batches go on being written.
//
// The WAL starts over only when a transaction begins with every frame copied back. Commits that
// never pause leave the thread no such moment: once the WAL passes force_pages, the committing
// connection waits for the thread's pass to end and copies the rest itself (as SQLite would), so
// the WAL never grows much past force_pages.
//
// The thread (and its connection) start with the first commit that wants a checkpoint: most
// servers never write 1,000 pages, and creating them was ~1 ms of a fresh --data-dir's start-up.
#pragma once

#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "common/status.h"
#include "storage/database.h"

namespace ecs::storage {

// WAL sizes, in pages, at which a commit acts.
struct CheckpointLimits {
  int start_pages = 1000;  // wake the thread (SQLite's own wal_autocheckpoint default)
  int force_pages = 8000;  // ~32 MiB of WAL at 4 KiB pages: the committer catches up
};

class Checkpointer {
 public:
  using Limits = CheckpointLimits;
  static constexpr int kMaxPasses = 8;  // checkpoints per wake-up, to catch up

  // Takes over `writer`'s checkpoints, with a second connection to `path` that the thread opens.
  // Neither exists until a commit first passes start_pages.
  static std::unique_ptr<Checkpointer> Start(const std::string& path, Database* writer,
                                             Limits limits = {});
  // Finishes a checkpoint in progress and hands checkpoints back to `writer`.
  ~Checkpointer();
  Checkpointer(const Checkpointer&) = delete;
  Checkpointer& operator=(const Checkpointer&) = delete;

  int checkpoints() const;  // completed by the thread, for tests
  bool started() const;     // whether the thread exists yet, for tests

 private:
  Checkpointer(std::string path, Database* writer, Limits limits);
  static int OnCommit(void* self, sqlite3* db, const char* schema, int wal_pages);
  void Loop();

  const std::string path_;
  std::unique_ptr<Database> own_;  // the thread's connection: opened and used there only
  Database* writer_;
  const Limits limits_;
  mutable std::mutex mu_;
  std::condition_variable wake_;  // the thread: a checkpoint is wanted, or stop
  std::condition_variable idle_;  // a forcing committer: the thread's pass has ended
  bool wanted_ = false;
  bool checkpointing_ = false;  // the thread is in a pass
  bool forcing_ = false;        // a committer waits to catch up itself
  bool stopping_ = false;
  int checkpoints_ = 0;
  std::thread thread_;  // started by the first commit past start_pages, under mu_
};

}  // namespace ecs::storage

#include "storage/checkpointer.h"

#include "common/log.h"

namespace ecs::storage {

std::unique_ptr<Checkpointer> Checkpointer::Start(const std::string& path, Database* writer,
                                                  Limits limits) {
  return std::unique_ptr<Checkpointer>(new Checkpointer(path, writer, limits));
}

Checkpointer::Checkpointer(std::string path, Database* writer, Limits limits)
    : path_(std::move(path)), writer_(writer), limits_(limits) {
  sqlite3_wal_hook(writer_->handle(), &Checkpointer::OnCommit, this);  // replaces autocheckpoint
}

Checkpointer::~Checkpointer() {
  sqlite3_wal_autocheckpoint(writer_->handle(), Limits{}.start_pages);  // back to SQLite's own hook
  std::thread thread;
  {
    std::lock_guard<std::mutex> lock(mu_);
    stopping_ = true;
    thread = std::move(thread_);
  }
  wake_.notify_one();
  if (thread.joinable()) thread.join();
}

int Checkpointer::checkpoints() const {
  std::lock_guard<std::mutex> lock(mu_);
  return checkpoints_;
}

bool Checkpointer::started() const {
  std::lock_guard<std::mutex> lock(mu_);
  return thread_.joinable();
}

// Runs on the committing thread, inside its COMMIT, after the transaction is durable.
int Checkpointer::OnCommit(void* self, sqlite3* db, const char* schema, int wal_pages) {
  auto* c = static_cast<Checkpointer*>(self);
  if (wal_pages >= c->limits_.force_pages) {
    // Far behind: wait for the thread's pass to end (the two would collide: SQLITE_BUSY) and
    // copy the rest here, with no commit in between, so the next transaction restarts the WAL.
    std::unique_lock<std::mutex> lock(c->mu_);
    c->forcing_ = true;
    c->idle_.wait(lock, [c] { return !c->checkpointing_; });
    sqlite3_wal_checkpoint_v2(db, schema, SQLITE_CHECKPOINT_PASSIVE, nullptr, nullptr);
    c->forcing_ = false;
  } else if (wal_pages >= c->limits_.start_pages) {
    {
      std::lock_guard<std::mutex> lock(c->mu_);
      c->wanted_ = true;
      if (!c->thread_.joinable() && !c->stopping_) c->thread_ = std::thread([c] { c->Loop(); });
    }
    c->wake_.notify_one();
  }
  return SQLITE_OK;
}

void Checkpointer::Loop() {
  // The thread opens its connection itself, so the commit that started it does not wait.
  auto own = Database::Open(path_);
  if (!own.ok()) {
    // Commits past force_pages still copy the WAL back themselves, so it stays bounded.
    Log(LogLevel::kWarn, "WAL checkpoints only when the WAL is large: " + own.status().message());
    return;
  }
  own_ = std::move(*own);
  std::unique_lock<std::mutex> lock(mu_);
  for (;;) {
    wake_.wait(lock, [this] { return wanted_ || stopping_; });
    if (stopping_) return;
    wanted_ = false;
    // The WAL starts over from its beginning (and stops growing) only when a transaction
    // begins with every frame copied back. The first pass copies the bulk while commits go on;
    // the next ones copy only what was committed meanwhile, short enough to end between two
    // commits. A committer waiting to catch up itself goes first.
    for (int pass = 0; pass < kMaxPasses && !forcing_; ++pass) {
      checkpointing_ = true;
      lock.unlock();
      int wal_frames = 0, copied = 0;
      int rc = sqlite3_wal_checkpoint_v2(own_->handle(), nullptr, SQLITE_CHECKPOINT_PASSIVE,
                                         &wal_frames, &copied);
      if (rc != SQLITE_OK && rc != SQLITE_BUSY) {
        Log(LogLevel::kWarn, std::string("WAL checkpoint: ") + sqlite3_errmsg(own_->handle()));
      }
      lock.lock();
      checkpointing_ = false;
      idle_.notify_all();
      if (rc != SQLITE_BUSY) ++checkpoints_;
      if (rc != SQLITE_OK || copied == wal_frames) break;
    }
  }
}

}  // namespace ecs::storage

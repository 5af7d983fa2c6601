#include "storage/checkpointer.h"

#include <catch2/catch.hpp>
#include <chrono>
#include <filesystem>
#include <string>
#include <thread>

#include "storage/database.h"
#include "tests/temp_db_path.h"

using namespace ecs;
using namespace ecs::storage;

namespace {

int64_t WalBytes(const std::string& path) {
  std::error_code ec;
  auto size = std::filesystem::file_size(path + "-wal", ec);
  return ec ? 0 : static_cast<int64_t>(size);
}

// Commits `n` transactions of one 4 KiB row each: about one WAL page per row plus the b-tree's.
void Write(Database& db, int first, int n) {
  const std::string body(4000, 'x');
  for (int i = first; i < first + n; ++i) {
    Transaction tx(&db);
    REQUIRE(tx.Begin().ok());
    auto stmt = db.Prepare("INSERT INTO t (id, body) VALUES (?, ?)");
    REQUIRE(stmt.ok());
    (*stmt)->Bind(1, static_cast<int64_t>(i));
    (*stmt)->Bind(2, body);
    Status st;
    (*stmt)->Step(&st);
    REQUIRE(st.ok());
    REQUIRE(tx.Commit().ok());
  }
}

}  // namespace

TEST_CASE("Checkpointer copies the WAL back on its own thread and keeps it bounded", "[storage]") {
  const std::string path = ecs::testing::FreshDbPath("checkpointer-test");
  auto db = Database::Open(path);
  REQUIRE(db.ok());
  REQUIRE((*db)->Execute("CREATE TABLE t (id INTEGER PRIMARY KEY, body TEXT)").ok());
  const Checkpointer::Limits limits{.start_pages = 50, .force_pages = 400};
  auto checkpointer = Checkpointer::Start(path, db->get(), limits);
  // A few commits leave the WAL short of start_pages: no thread, no second connection yet.
  Write(**db, 0, 10);
  CHECK_FALSE(checkpointer->started());

  // Commits without a pause: the thread can never catch up, so the committer must.
  Write(**db, 10, 1990);
  CHECK(checkpointer->started());
  // The WAL file keeps its high-water mark: it never held much more than force_pages.
  CHECK(WalBytes(path) < (limits.force_pages + 100) * int64_t{4096});
  // The thread was woken past start_pages; wait for it (bounded).
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  while (checkpointer->checkpoints() == 0 && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  CHECK(checkpointer->checkpoints() > 0);
  checkpointer.reset();  // hands checkpoints back to SQLite's own hook

  auto other = Database::Open(path);  // another connection reads every row
  REQUIRE(other.ok());
  auto count = (*other)->Prepare("SELECT count(*) FROM t");
  REQUIRE(count.ok());
  Status st;
  REQUIRE((*count)->Step(&st));
  CHECK((*count)->ColumnInt(0) == 2000);
}

TEST_CASE("a Checkpointer whose connection cannot open leaves the committer to bound the WAL",
          "[storage]") {
  const std::string path = ecs::testing::FreshDbPath("checkpointer-unopened");
  auto db = Database::Open(path);
  REQUIRE(db.ok());
  REQUIRE((*db)->Execute("CREATE TABLE t (id INTEGER PRIMARY KEY, body TEXT)").ok());
  const Checkpointer::Limits limits{.start_pages = 50, .force_pages = 400};
  // The thread's own connection fails to open (no such directory); it logs and ends.
  auto checkpointer = Checkpointer::Start(path + ".missing/db", db->get(), limits);
  Write(**db, 0, 1000);
  CHECK(WalBytes(path) < (limits.force_pages + 100) * int64_t{4096});
  CHECK(checkpointer->checkpoints() == 0);
}

TEST_CASE("a writer waits for a lock another connection holds for a moment instead of failing") {
  const std::string path = ecs::testing::FreshDbPath("busy");
  auto writer = Database::Open(path);
  REQUIRE(writer.ok());
  REQUIRE((*writer)->Execute("CREATE TABLE t (id INTEGER PRIMARY KEY, body TEXT)").ok());
  auto other = Database::Open(path);
  REQUIRE(other.ok());
  Transaction held(other->get());
  REQUIRE(held.Begin().ok());  // the other connection holds the write lock
  bool released = false;       // Catch2's REQUIRE is not for other threads
  std::thread release([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    released = held.Commit().ok();
  });
  Write(**writer, 0, 1);  // BEGIN IMMEDIATE waits ~50 ms rather than failing SQLITE_BUSY
  release.join();
  CHECK(released);
}

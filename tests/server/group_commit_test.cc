#include "server/group_commit.h"

#include <catch2/catch.hpp>
#include <filesystem>

#include "common/clock.h"
#include "control/control_plane.h"
#include "storage/store.h"
#include "tests/temp_db_path.h"

using namespace ecs;
namespace asio = boost::asio;

namespace {

struct Fixture {
  Fixture() {
    const std::string path = ecs::testing::FreshDbPath("group-commit");
    dir = std::filesystem::path(path).parent_path();
    store = std::move(*storage::Store::Open(path));
    store->set_group_commit(true);
    cp = std::make_unique<control::ControlPlane>(store.get(), &clock, IdGenerator(3));
    REQUIRE(cp->Load().ok());
    group = std::make_unique<server::GroupCommit>(strand, writer.get_executor(), store.get(),
                                                  cp.get(), [this] { ++writer_starts; });
  }
  ~Fixture() { std::filesystem::remove_all(dir); }

  bool Create(const std::string& name) {
    control::CreateClusterInput in;
    in.cluster_name = name;
    return cp->CreateCluster(ctx, std::move(in)).ok();
  }
  size_t Clusters() {
    auto page = cp->ListClusters(ctx, {100, std::nullopt});
    REQUIRE(page.ok());
    return page->arns.size();
  }

  // Runs the state strand's handlers, then the writer's, until neither has any left: one thread
  // steps both, so every interleaving a test sets up is the one that happens.
  void RunAll() {
    while (ioc.poll() + writer.poll() > 0) {
      ioc.restart();
      writer.restart();
    }
    ioc.restart();
    writer.restart();
  }

  std::filesystem::path dir;
  asio::io_context ioc;
  asio::io_context writer;
  server::GroupCommit::Strand strand = asio::make_strand(ioc);
  ManualClock clock;
  std::unique_ptr<storage::Store> store;
  std::unique_ptr<control::ControlPlane> cp;
  std::unique_ptr<server::GroupCommit> group;
  control::RequestContext ctx{{"000000000000", "us-east-1"}};
  int writer_starts = 0;  // the start_writer hook's calls
};

}  // namespace

TEST_CASE("Group commit: requests of one batch wait for one commit", "[server]") {
  Fixture f;
  CHECK(f.group->Join() == nullptr);  // nothing written: answer at once
  REQUIRE(f.Create("a"));
  auto first = f.group->Join();
  REQUIRE(first);
  REQUIRE(f.Create("b"));
  auto second = f.group->Join();
  CHECK(second == first);  // same batch, one hand-over queued
  CHECK_FALSE(first->finished);
  CHECK(f.writer_starts == 0);  // nothing handed over yet: no writer thread
  f.RunAll();
  CHECK(f.writer_starts == 1);
  CHECK(first->finished);
  CHECK(first->result.ok());
  CHECK_FALSE(f.store->has_pending());
  CHECK(f.group->Join() == nullptr);
  // Durable: a fresh control plane over the same file has both.
  control::ControlPlane again(f.store.get(), &f.clock, IdGenerator(4));
  REQUIRE(again.Load().ok());
  CHECK(again.ListClusters(f.ctx, {100, std::nullopt})->arns.size() == 2);
}

TEST_CASE("Group commit: what runs during a write forms the next batch; reads wait for the write",
          "[server]") {
  Fixture f;
  REQUIRE(f.Create("a"));
  auto first = f.group->Join();
  f.ioc.poll();  // the hand-over: "a" goes to the writer, which has not run yet
  f.ioc.restart();
  CHECK(f.group->Join() == first);  // a read may have seen "a": it waits for that write
  REQUIRE(f.Create("b"));
  auto second = f.group->Join();
  REQUIRE(second);
  CHECK(second != first);
  f.writer.poll();  // commits "a" alone
  f.writer.restart();
  CHECK_FALSE(first->finished);  // known on the strand only
  f.ioc.poll();                  // first finishes; "b" goes to the writer at once
  f.ioc.restart();
  CHECK(first->finished);
  CHECK(first->result.ok());
  CHECK_FALSE(second->finished);
  CHECK_FALSE(f.store->has_pending());
  f.RunAll();
  CHECK(second->finished);
  CHECK(second->result.ok());
  CHECK(f.writer_starts == 1);  // started once, for the first batch
}

TEST_CASE(
    "Group commit: a failed commit fails its batch and the next, and memory goes back to "
    "disk",
    "[server]") {
  Fixture f;
  REQUIRE(f.Create("kept"));
  f.group->Flush();  // written on its own
  f.RunAll();
  REQUIRE(f.Create("lost"));
  auto batch = f.group->Join();
  REQUIRE(batch);
  f.ioc.poll();  // handed over
  f.ioc.restart();
  REQUIRE(f.Create("built-on-lost"));
  auto next = f.group->Join();
  REQUIRE(next);
  CHECK(f.Clusters() == 3);
  f.store->FailNextFlush();
  f.RunAll();
  CHECK(batch->finished);
  CHECK_FALSE(batch->result.ok());
  CHECK(next->finished);
  CHECK_FALSE(next->result.ok());
  CHECK(f.Clusters() == 1);  // reloaded: neither was ever durable
  CHECK_FALSE(f.store->has_pending());
  // And the store works on.
  REQUIRE(f.Create("after"));
  f.group->Flush();
  f.RunAll();
  control::ControlPlane again(f.store.get(), &f.clock, IdGenerator(4));
  REQUIRE(again.Load().ok());
  CHECK(again.ListClusters(f.ctx, {100, std::nullopt})->arns.size() == 2);
}

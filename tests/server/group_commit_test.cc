#include <catch2/catch.hpp>

#include <filesystem>

#include "common/clock.h"
#include "control/control_plane.h"
#include "server/group_commit.h"
#include "storage/store.h"

using namespace ecs;
namespace asio = boost::asio;

namespace {

struct Fixture {
  Fixture() {
    dir = std::filesystem::temp_directory_path() /
          ("ecs-group-commit-" + std::to_string(::getpid()));
    std::filesystem::remove_all(dir);
    std::filesystem::create_directories(dir);
    store = std::move(*storage::Store::Open((dir / "db.sqlite3").string()));
    store->set_group_commit(true);
    cp = std::make_unique<control::ControlPlane>(store.get(), &clock, IdGenerator(3));
    REQUIRE(cp->Load().ok());
    group = std::make_unique<server::GroupCommit>(strand, store.get(), cp.get());
  }
  ~Fixture() { std::filesystem::remove_all(dir); }

  bool Create(const std::string& name) {
    control::CreateClusterInput in;
    in.cluster_name = name;
    return cp->CreateCluster(ctx, std::move(in)).ok();
  }
  size_t Clusters() {
    auto page = cp->ListClusters(ctx, 100, std::nullopt);
    REQUIRE(page.ok());
    return page->arns.size();
  }

  std::filesystem::path dir;
  asio::io_context ioc;
  server::GroupCommit::Strand strand = asio::make_strand(ioc);
  ManualClock clock;
  std::unique_ptr<storage::Store> store;
  std::unique_ptr<control::ControlPlane> cp;
  std::unique_ptr<server::GroupCommit> group;
  control::RequestContext ctx{{"000000000000", "us-east-1"}};
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
  CHECK(second == first);  // same batch, one flush queued
  CHECK_FALSE(first->finished);
  f.ioc.run();
  CHECK(first->finished);
  CHECK(first->result.ok());
  CHECK_FALSE(f.store->batch_open());
  // Durable: a fresh control plane over the same file has both.
  control::ControlPlane again(f.store.get(), &f.clock, IdGenerator(4));
  REQUIRE(again.Load().ok());
  CHECK(again.ListClusters(f.ctx, 100, std::nullopt)->arns.size() == 2);
}

TEST_CASE("Group commit: a failed commit fails the batch and memory goes back to disk",
          "[server]") {
  Fixture f;
  REQUIRE(f.Create("kept"));
  f.group->FlushNow();  // committed on its own
  REQUIRE(f.Create("lost"));
  auto batch = f.group->Join();
  REQUIRE(batch);
  CHECK(f.Clusters() == 2);
  f.store->FailNextFlush();
  f.ioc.run();
  CHECK(batch->finished);
  CHECK_FALSE(batch->result.ok());
  CHECK(f.Clusters() == 1);  // reloaded: "lost" was never durable
  // And the store works on.
  REQUIRE(f.Create("after"));
  f.group->FlushNow();
  CHECK(f.Clusters() == 2);
}

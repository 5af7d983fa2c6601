#include <catch2/catch.hpp>

#include "control/control_plane.h"
#include "tests/control/harness.h"

using namespace ecs;
using namespace ecs::control;

namespace {
struct Fixture {
  Fixture()
      : store(testing::QueuedMemoryStore()),
        cp(store.get(), &clock, IdGenerator(7), testing::Checked({})) {}
  std::unique_ptr<storage::Store> store;
  ManualClock clock;
  ControlPlane cp;
  RequestContext ctx{{"000000000000", "us-east-1"}};
};

CreateClusterInput Named(const std::string& name) {
  CreateClusterInput in;
  in.cluster_name = name;
  return in;
}
}  // namespace

TEST_CASE("CreateCluster is idempotent for an ACTIVE name", "[clusters]") {
  Fixture f;
  auto a = f.cp.CreateCluster(f.ctx, Named("web"));
  REQUIRE(a.ok());
  auto b = f.cp.CreateCluster(f.ctx, Named("web"));
  REQUIRE(b.ok());
  CHECK(*a == *b);
  CHECK((*a)->arn == "arn:aws:ecs:us-east-1:000000000000:cluster/web");
  CHECK((*f.cp.CreateCluster(f.ctx, Named("")))->name == "default");
}

TEST_CASE("Cluster names follow the ECS pattern", "[clusters]") {
  Fixture f;
  for (const std::string& bad :
       std::vector<std::string>{"has space", "x/y", std::string(256, 'a'), "émoji"}) {
    auto r = f.cp.CreateCluster(f.ctx, Named(bad));
    REQUIRE_FALSE(r.ok());
    CHECK(r.status().code() == ErrorCode::kInvalidParameterException);
    CHECK_THAT(r.status().message(), Catch::StartsWith("Cluster must match"));
  }
  CHECK(f.cp.CreateCluster(f.ctx, Named(std::string(255, 'a'))).ok());
}

TEST_CASE("DeleteCluster leaves an INACTIVE cluster; the name can be reused", "[clusters]") {
  Fixture f;
  REQUIRE(f.cp.CreateCluster(f.ctx, Named("tmp")).ok());
  auto d = f.cp.DeleteCluster(f.ctx, "tmp");
  REQUIRE(d.ok());
  CHECK((*d)->status == model::ClusterStatus::kInactive);
  auto again = f.cp.DeleteCluster(f.ctx, "tmp");
  CHECK(again.status().code() == ErrorCode::kClusterNotFoundException);
  auto upd = f.cp.UpdateCluster(f.ctx, "tmp", {});
  CHECK(upd.status().message() == "The referenced cluster was inactive.");
  auto re = f.cp.CreateCluster(f.ctx, Named("tmp"));
  REQUIRE(re.ok());
  CHECK((*re)->status == model::ClusterStatus::kActive);
}

TEST_CASE("Tenants do not see each other's clusters", "[clusters]") {
  Fixture f;
  REQUIRE(f.cp.CreateCluster(f.ctx, Named("shared")).ok());
  RequestContext eu{{"000000000000", "eu-west-1"}};
  RequestContext other{{"111122223333", "us-east-1"}};
  CHECK_FALSE(f.cp.FindCluster(eu, "shared", false).ok());
  CHECK_FALSE(f.cp.FindCluster(other, "shared", false).ok());
  CHECK(f.cp.ListClusters(eu, {})->arns.empty());
}

TEST_CASE("ListClusters pages in creation order", "[clusters]") {
  Fixture f;
  for (const char* n : {"c", "a", "b", "e", "d"}) REQUIRE(f.cp.CreateCluster(f.ctx, Named(n)).ok());
  std::vector<std::string> seen;
  std::optional<std::string> token;
  int pages = 0;
  do {
    auto page = f.cp.ListClusters(f.ctx, {2, token});
    REQUIRE(page.ok());
    for (auto& a : page->arns) seen.push_back(std::string(LastSegment(a)));
    token = page->next_token;
    ++pages;
  } while (token);
  CHECK(pages == 3);
  CHECK(seen == std::vector<std::string>{"c", "a", "b", "e", "d"});
  CHECK_FALSE(f.cp.ListClusters(f.ctx, {0, std::nullopt}).ok());
  CHECK_FALSE(f.cp.ListClusters(f.ctx, {10, std::string("bogus")}).ok());
}

TEST_CASE("Tags: merge, limits, reserved prefix, inactive cluster", "[tags]") {
  Fixture f;
  auto c = f.cp.CreateCluster(f.ctx, Named("t"));
  REQUIRE(c.ok());
  std::string arn = (*c)->arn;
  REQUIRE(f.cp.TagResource(f.ctx, arn, {{"a", "1"}, {"b", "2"}}).ok());
  REQUIRE(f.cp.TagResource(f.ctx, arn, {{"a", "3"}}).ok());
  CHECK(f.cp.TagsOf(arn) == model::TagList{{"a", "3"}, {"b", "2"}});
  REQUIRE(f.cp.UntagResource(f.ctx, arn, {"b", "missing"}).ok());
  CHECK(f.cp.TagsOf(arn) == model::TagList{{"a", "3"}});

  CHECK(f.cp.TagResource(f.ctx, arn, {{"aws:x", "1"}}).code() ==
        ErrorCode::kInvalidParameterException);
  CHECK(f.cp.TagResource(f.ctx, arn, {{std::string(129, 'k'), "1"}}).code() ==
        ErrorCode::kInvalidParameterException);
  CHECK(f.cp.TagResource(f.ctx, arn, {{"k", std::string(257, 'v')}}).code() ==
        ErrorCode::kInvalidParameterException);
  model::TagList many;
  for (int i = 0; i < 50; ++i) many.push_back({"k" + std::to_string(i), "v"});
  CHECK(f.cp.TagResource(f.ctx, arn, many).code() == ErrorCode::kInvalidParameterException);
  many.pop_back();
  CHECK(f.cp.TagResource(f.ctx, arn, many).ok());  // 49 new + "a" = 50

  CHECK(f.cp.TagResource(f.ctx, ClusterArn(f.ctx.tenant, "nope"), {{"a", "b"}}).code() ==
        ErrorCode::kClusterNotFoundException);
  REQUIRE(f.cp.UntagResource(f.ctx, arn, {}).ok());
  REQUIRE(f.cp.CreateCluster(f.ctx, Named("gone")).ok());
  REQUIRE(f.cp.DeleteCluster(f.ctx, "gone").ok());
  Status s = f.cp.TagResource(f.ctx, ClusterArn(f.ctx.tenant, "gone"), {{"a", "b"}});
  CHECK(s.code() == ErrorCode::kInvalidParameterException);
  CHECK(s.message() ==
        "The specified cluster is inactive. Specify an active cluster and try again.");
}

TEST_CASE("State survives a reload from the store", "[clusters]") {
  Fixture f;
  REQUIRE(f.cp.CreateCluster(f.ctx, Named("p")).ok());
  REQUIRE(f.cp.TagResource(f.ctx, ClusterArn(f.ctx.tenant, "p"), {{"k", "v"}}).ok());
  REQUIRE(testing::Flush(*f.store, f.cp).ok());
  ControlPlane reloaded(f.store.get(), &f.clock, IdGenerator(8));
  REQUIRE(reloaded.Load().ok());
  CHECK(reloaded.FindCluster(f.ctx, "p", true).ok());
  CHECK(reloaded.TagsOf(ClusterArn(f.ctx.tenant, "p")).size() == 1);
}

TEST_CASE("A failed commit takes memory back to what the store holds", "[clusters]") {
  Fixture f;
  REQUIRE(f.cp.CreateCluster(f.ctx, Named("kept")).ok());
  REQUIRE(testing::Flush(*f.store, f.cp).ok());
  f.store->FailCommitAfter(1);
  // Queued, as in the server: the request's batch fails when it is written.
  REQUIRE(f.cp.CreateCluster(f.ctx, Named("nope")).ok());
  CHECK_FALSE(testing::Flush(*f.store, f.cp).ok());
  CHECK_FALSE(f.cp.FindCluster(f.ctx, "nope", false).ok());
  CHECK(f.cp.FindCluster(f.ctx, "kept", true).ok());
  ControlPlane restarted(f.store.get(), &f.clock, IdGenerator(8));
  REQUIRE(restarted.Load().ok());
  CHECK(testing::Rows(f.cp) == testing::Rows(restarted));
}

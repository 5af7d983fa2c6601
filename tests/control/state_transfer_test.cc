// Scoped resets and snapshots (control/state_transfer.cc): rows out, rows back in, with the
// tenants outside the scope untouched and a bad snapshot changing nothing.
#include "tests/control/task_fixture.h"

namespace ecs::testing {
namespace {

std::vector<storage::ChangeSet::Row> Rows(const control::ControlPlane& cp,
                                          const control::StateScope& scope = {}) {
  return cp.DumpRows(scope).rows();
}

size_t ClusterCount(const control::ControlPlane& cp, const Tenant& t) {
  control::PageRequest page;
  auto listed = cp.ListClusters(control::RequestContext{t}, page);
  REQUIRE(listed.ok());
  return listed->arns.size();
}

TEST_CASE("a snapshot's rows restore the same state in another control plane", "[transfer]") {
  TaskFixture a;
  a.Fleet("web", 2);
  const std::string td = a.Simple("web", 128, 128);
  a.Run("web", td, 2);
  const auto rows = Rows(*a.cp);
  const auto runtime = a.cp->ExportRuntime();

  TaskFixture b;
  b.Cluster("other");
  REQUIRE(b.cp->ReplaceState({}, rows, runtime).ok());
  b.Flush();
  // Same rows out as went in (memory equals the snapshot), and the same after a restart.
  CHECK(Rows(*b.cp).size() == rows.size());
  b.Reload();
  CHECK(Rows(*b.cp).size() == rows.size());
  CHECK(ClusterCount(*b.cp, b.ctx.tenant) == 1);
  REQUIRE(b.cp->CheckInvariants().ok());
}

TEST_CASE("a row that cannot be read changes nothing", "[transfer]") {
  TaskFixture a;
  a.Cluster("keep");
  auto rows = Rows(*a.cp);
  REQUIRE(!rows.empty());
  rows.front().body = "{not json";
  const Status s = a.cp->ReplaceState({}, rows, {});
  CHECK(s.code() == ErrorCode::kCorrupt);
  CHECK(ClusterCount(*a.cp, a.ctx.tenant) == 1);
}

TEST_CASE("a scoped reset keeps the other tenants; a scoped restore refuses theirs", "[transfer]") {
  TaskFixture a;
  a.Cluster("here");
  const Tenant eu{"000000000000", "eu-west-1"};
  control::CreateClusterInput in;
  in.cluster_name = "there";
  const bool created = a.cp->CreateCluster(control::RequestContext{eu}, std::move(in)).ok();
  REQUIRE(created);
  const auto everything = Rows(*a.cp);

  control::StateScope scope;
  scope.region = "eu-west-1";
  const Status refused = a.cp->ReplaceState(scope, everything, {});
  CHECK(refused.code() == ErrorCode::kInvalidParameterException);
  CHECK(ClusterCount(*a.cp, eu) == 1);

  REQUIRE(a.cp->Reset(scope).ok());
  a.Flush();
  CHECK(ClusterCount(*a.cp, eu) == 0);
  CHECK(ClusterCount(*a.cp, a.ctx.tenant) == 1);
  CHECK(!a.cp->Empty());
  a.Reload();
  CHECK(ClusterCount(*a.cp, eu) == 0);
  CHECK(ClusterCount(*a.cp, a.ctx.tenant) == 1);
}

}  // namespace
}  // namespace ecs::testing

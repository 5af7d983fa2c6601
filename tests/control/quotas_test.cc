// The counted service quotas (control/quotas.h) at their boundaries, on plain state: reaching
// each published number through the API would take thousands of requests per test.
#include "control/quotas.h"

#include <catch2/catch.hpp>
#include <cstdint>
#include <limits>
#include <string>

#include "model/quotas.h"

using namespace ecs;
using namespace ecs::control;

TEST_CASE("desiredCount is within [0, the tasks-per-service quota]", "[quotas]") {
  CHECK(CheckDesiredCount(0).ok());
  CHECK(CheckDesiredCount(quotas::kTasksPerService).ok());
  for (int64_t bad : {quotas::kTasksPerService + 1, int64_t{10'000'000'000},
                      std::numeric_limits<int64_t>::max()}) {
    INFO(bad);
    Status s = CheckDesiredCount(bad);
    CHECK(s.code() == ErrorCode::kInvalidParameterException);
    CHECK(s.message() == "Desired count exceeds limit.");
  }
  CHECK(CheckDesiredCount(-1).code() == ErrorCode::kInvalidParameterException);
  CHECK(CheckDesiredCount(std::numeric_limits<int64_t>::min()).code() ==
        ErrorCode::kInvalidParameterException);
}

TEST_CASE("services per cluster count ACTIVE and DRAINING services", "[quotas]") {
  ClusterState cs;
  cs.counts.active_services = quotas::kServicesPerCluster - 1;
  CHECK(CheckServiceQuota(cs).ok());
  cs.counts.draining_services = 1;
  Status s = CheckServiceQuota(cs);
  CHECK(s.code() == ErrorCode::kClientException);
  CHECK_THAT(s.message(), Catch::Contains("at most 5000 services"));
}

TEST_CASE("container instances per cluster count registered ones plus those being added",
          "[quotas]") {
  ClusterState cs;
  for (int i = 0; i < 10; ++i) {
    model::ContainerInstance ci;
    ci.status = i < 8 ? model::InstanceStatus::kActive : model::InstanceStatus::kInactive;
    cs.instances.emplace(std::to_string(i), ci);
  }
  CHECK(CheckInstanceQuota(cs, quotas::kContainerInstancesPerCluster - 8).ok());
  Status s = CheckInstanceQuota(cs, quotas::kContainerInstancesPerCluster - 7);
  CHECK(s.code() == ErrorCode::kClientException);
  CHECK_THAT(s.message(), Catch::Contains("at most 5000 registered container instances (8 now)"));
}

TEST_CASE("clusters per account count ACTIVE clusters only", "[quotas]") {
  CHECK(CheckClusterQuota(nullptr).ok());
  TenantState tenant;
  for (int64_t i = 0; i < quotas::kClustersPerAccount; ++i) {
    model::Cluster c;
    c.status = i == 0 ? model::ClusterStatus::kInactive : model::ClusterStatus::kActive;
    tenant.clusters.emplace(std::to_string(i), c);
  }
  CHECK(CheckClusterQuota(&tenant).ok());
  tenant.clusters["0"].status = model::ClusterStatus::kActive;
  Status s = CheckClusterQuota(&tenant);
  CHECK(s.code() == ErrorCode::kClientException);
  CHECK_THAT(s.message(), Catch::Contains("at most 10000 clusters"));
}

// A Managed Instances provider's choices: which instance types instanceRequirements allow (and
// which is cheapest), the instances to launch for the tasks waiting (after those launching), and
// when an idle instance is retired (scaleInAfter, its default and -1).
#include "scheduler/managed_instances.h"

#include <catch2/catch.hpp>
#include <string>
#include <vector>

namespace ecs::scheduler {
namespace {

// name, vCPUs, EC2 memory, registered cpu and memory, architecture.
const std::vector<InstanceTypeOption> kCatalog = {
    {"t3.medium", 2, 4096, 2048, 3921, "x86_64"},     {"m5.large", 2, 8192, 2048, 7681, "x86_64"},
    {"m5.xlarge", 4, 16384, 4096, 15576, "x86_64"},   {"c5.large", 2, 4096, 2048, 3722, "x86_64"},
    {"c6g.large", 2, 4096, 2048, 3722, "arm64"},      {"t2.micro", 1, 1024, 1024, 985, "x86_64"},
    {"g4dn.xlarge", 4, 16384, 4096, 15564, "x86_64"},
};

std::vector<std::string> Names(const std::vector<InstanceTypeOption>& types) {
  std::vector<std::string> out;
  out.reserve(types.size());
  for (const auto& t : types) out.push_back(t.name);
  return out;
}

model::InstanceRequirements Req(int64_t vcpu_min, std::optional<int64_t> vcpu_max,
                                int64_t memory_min, std::optional<int64_t> memory_max = {}) {
  model::InstanceRequirements r;
  r.vcpu_min = vcpu_min;
  r.vcpu_max = vcpu_max;
  r.memory_mib_min = memory_min;
  r.memory_mib_max = memory_max;
  return r;
}

TEST_CASE("instanceRequirements select instance types, cheapest first", "[managed-instances]") {
  SECTION("no requirements: every type without an accelerator") {
    CHECK(Names(AllowedInstanceTypes(kCatalog, std::nullopt)) ==
          std::vector<std::string>{"t2.micro", "c5.large", "c6g.large", "t3.medium", "m5.large",
                                   "m5.xlarge"});
  }
  SECTION("vCPU and memory ranges (EC2's totals), bounds included") {
    CHECK(Names(AllowedInstanceTypes(kCatalog, Req(2, 2, 8192))) ==
          std::vector<std::string>{"m5.large"});
    CHECK(Names(AllowedInstanceTypes(kCatalog, Req(3, std::nullopt, 0))) ==
          std::vector<std::string>{"m5.xlarge"});
    CHECK(Names(AllowedInstanceTypes(kCatalog, Req(1, 1, 0, 1024))) ==
          std::vector<std::string>{"t2.micro"});
  }
  SECTION("allowed (with wildcards) and excluded types") {
    auto r = Req(0, std::nullopt, 0);
    r.allowed_instance_types = {"m5.*", "c6g.large"};
    CHECK(Names(AllowedInstanceTypes(kCatalog, r)) ==
          std::vector<std::string>{"c6g.large", "m5.large", "m5.xlarge"});
    r.allowed_instance_types.clear();
    r.excluded_instance_types = {"*.large", "t*"};
    CHECK(Names(AllowedInstanceTypes(kCatalog, r)) == std::vector<std::string>{"m5.xlarge"});
  }
  SECTION("manufacturer, burstable, generation and accelerators") {
    auto r = Req(0, std::nullopt, 0);
    r.cpu_manufacturers = {"amazon-web-services"};
    CHECK(Names(AllowedInstanceTypes(kCatalog, r)) == std::vector<std::string>{"c6g.large"});
    r.cpu_manufacturers.clear();
    r.burstable_performance = "required";
    CHECK(Names(AllowedInstanceTypes(kCatalog, r)) ==
          std::vector<std::string>{"t2.micro", "t3.medium"});
    r.instance_generations = {"current"};
    CHECK(Names(AllowedInstanceTypes(kCatalog, r)) == std::vector<std::string>{"t3.medium"});
    r = Req(0, std::nullopt, 0);
    r.accelerator_types = {"gpu"};
    CHECK(Names(AllowedInstanceTypes(kCatalog, r)) == std::vector<std::string>{"g4dn.xlarge"});
  }
}

TEST_CASE("Waiting tasks fill launching instances, then new ones of the cheapest fitting type",
          "[managed-instances]") {
  const auto allowed = AllowedInstanceTypes(kCatalog, Req(2, std::nullopt, 4096));
  // c5.large, c6g.large, t3.medium, m5.large, m5.xlarge
  SECTION("nothing waits: nothing launches") {
    CHECK(PlanInstanceLaunches({}, {}, allowed).empty());
  }
  SECTION("small tasks binpack onto the cheapest type") {
    const std::vector<WaitingDemand> waiting = {{1024, 1024}, {1024, 1024}, {1024, 1024}};
    CHECK(PlanInstanceLaunches(waiting, {}, allowed) ==
          std::vector<std::string>{"c5.large", "c5.large"});
  }
  SECTION("a large task picks the cheapest type it fits; smaller ones share it") {
    const std::vector<WaitingDemand> waiting = {{512, 512}, {1024, 6000}};
    CHECK(PlanInstanceLaunches(waiting, {}, allowed) == std::vector<std::string>{"m5.large"});
  }
  SECTION("instances already launching are filled first") {
    const std::vector<WaitingDemand> waiting = {{1024, 1024}, {1024, 1024}, {1024, 1024}};
    const std::vector<WaitingDemand> launching = {{2048, 3722}};
    CHECK(PlanInstanceLaunches(waiting, launching, allowed) ==
          std::vector<std::string>{"c5.large"});
  }
  SECTION("a task no allowed type fits launches nothing") {
    const std::vector<WaitingDemand> waiting = {{8192, 1024}};
    CHECK(PlanInstanceLaunches(waiting, {}, allowed).empty());
  }
}

TEST_CASE("Idle instances retire after scaleInAfter", "[managed-instances]") {
  CHECK(RetireAt(1'000, std::nullopt) == 1'000 + kDefaultScaleInAfterSeconds * 1000);
  CHECK(RetireAt(1'000, 0) == 1'000);
  CHECK(RetireAt(1'000, 3600) == 1'000 + 3'600'000);
  CHECK(RetireAt(1'000, -1) == std::nullopt);
}

}  // namespace
}  // namespace ecs::scheduler

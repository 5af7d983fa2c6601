// Placement engine tables: candidates, resource accounting (CPU, memory, static/dynamic TCP and
// UDP ports, GPU, ENI), constraints, each failure reason and the closest-instance rule,
// strategies alone and combined, defaults, reservations within one request, determinism.
#include "scheduler/placement.h"

#include <algorithm>
#include <catch2/catch.hpp>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "scheduler/known_attributes.h"

namespace ecs::scheduler {
namespace {

const std::vector<int32_t> kDefaultPorts = {22, 2375, 2376, 51678, 51679};

std::string Arn(const std::string& id) {
  return "arn:aws:ecs:us-east-1:123456789012:container-instance/default/" + id;
}

InstanceView Instance(const std::string& id, int64_t cpu = 1024, int64_t memory = 2048,
                      const std::string& az = "us-east-1a") {
  InstanceView v;
  v.arn = Arn(id);
  v.ec2_instance_id = "i-" + id;
  v.agent_version = "1.29.0";
  v.remaining_cpu = cpu;
  v.remaining_memory = memory;
  v.reserved_tcp_ports = kDefaultPorts;
  v.attributes = {{"ecs.availability-zone", az}, {"ecs.instance-type", "t2.micro"}};
  SyncHotAttributes(&v);
  return v;
}

PlacementRequest Request(int64_t cpu = 128, int64_t memory = 256, int32_t count = 1) {
  PlacementRequest r;
  r.demand.cpu = cpu;
  r.demand.memory = memory;
  r.demand.group = "family:web";
  r.count = count;
  return r;
}

std::vector<TaskPlacement> Place(const std::vector<InstanceView>& instances,
                                 const PlacementRequest& request) {
  Result<std::vector<TaskPlacement>> result = PlaceTasks(std::span(instances), request);
  INFO(result.status().message());
  REQUIRE(result.ok());
  REQUIRE(result->size() == static_cast<size_t>(request.count));
  return std::move(result).value();
}

// The short ids (the ARN suffix) of the chosen instances; "!" + reason for failures.
std::vector<std::string> Chosen(const std::vector<TaskPlacement>& placements) {
  std::vector<std::string> out;
  for (const TaskPlacement& p : placements) {
    if (p.placed) {
      out.push_back(p.instance_arn.substr(p.instance_arn.rfind('/') + 1));
    } else {
      out.push_back("!" + std::string(FailureReasonText(p.failure.reason)));
    }
  }
  return out;
}

std::map<std::string, int> CountPerInstance(const std::vector<TaskPlacement>& placements) {
  std::map<std::string, int> counts;
  for (const std::string& id : Chosen(placements)) counts[id] += 1;
  return counts;
}

PlacementConstraint MemberOf(const char* text) {
  Result<PlacementConstraint> c = MakePlacementConstraint("memberOf", text);
  REQUIRE(c.ok());
  return std::move(c).value();
}

using Strings = std::vector<std::string>;

// ---------------------------------------------------------------------------------------------
// Candidates and resources

TEST_CASE("CPU and memory are reserved as the tasks of one request are placed", "[placement]") {
  // a fits one task, b fits two; binpack keeps filling the fullest one that still fits.
  std::vector<InstanceView> instances = {Instance("a", 256, 600), Instance("b", 512, 2048)};
  PlacementRequest r = Request(200, 500, 4);
  r.strategies = {PlacementStrategy::Binpack(PlacementStrategy::Field::kMemory)};
  CHECK(Chosen(Place(instances, r)) == Strings{"a", "b", "b", "!RESOURCE:CPU"});
}

TEST_CASE("a task whose needs exactly match the remaining resources fits", "[placement]") {
  std::vector<InstanceView> instances = {Instance("a", 128, 256)};
  CHECK(Chosen(Place(instances, Request(128, 256, 2))) == Strings{"a", "!RESOURCE:CPU"});
}

TEST_CASE("failures repeat for the rest of the request once a task cannot be placed",
          "[placement]") {
  std::vector<InstanceView> instances = {Instance("a", 1024, 300)};
  auto placements = Place(instances, Request(10, 200, 3));
  CHECK(Chosen(placements) == Strings{"a", "!RESOURCE:MEMORY", "!RESOURCE:MEMORY"});
  CHECK(placements[1].failure.arn == Arn("a"));
  CHECK(placements[2].failure.arn == Arn("a"));
}

TEST_CASE("only ACTIVE instances of the right launch type and capacity provider are candidates",
          "[placement]") {
  std::vector<InstanceView> instances = {Instance("draining"), Instance("external"),
                                         Instance("ec2")};
  instances[0].status = model::InstanceStatus::kDraining;
  instances[1].attributes.emplace("ecs.capability.external", std::nullopt);
  SyncHotAttributes(&instances[1]);
  instances[2].capacity_provider_name = "cp-1";

  PlacementRequest ec2 = Request(1, 1, 3);
  CHECK(Chosen(Place(instances, ec2)) == Strings{"ec2", "ec2", "ec2"});

  PlacementRequest external = Request();
  external.demand.launch_type = LaunchType::kExternal;
  CHECK(Chosen(Place(instances, external)) == Strings{"external"});

  PlacementRequest any = Request(1, 1, 2);
  any.demand.launch_type = LaunchType::kAny;
  any.constraints = {PlacementConstraint::DistinctInstance()};
  CHECK(CountPerInstance(Place(instances, any)) ==
        std::map<std::string, int>{{"ec2", 1}, {"external", 1}});

  PlacementRequest provider = Request();
  provider.demand.capacity_provider = "cp-2";
  auto none = Place(instances, provider);
  CHECK(none[0].failure.reason == FailureReason::kNoContainerInstances);
  CHECK(none[0].failure.arn.empty());
  provider.demand.capacity_provider = "cp-1";
  CHECK(Chosen(Place(instances, provider)) == Strings{"ec2"});
}

TEST_CASE("an empty or all-draining cluster reports no container instances", "[placement]") {
  CHECK(Chosen(Place({}, Request())) ==
        Strings{"!No Container Instances were found in your cluster."});
  std::vector<InstanceView> instances = {Instance("a")};
  instances[0].status = model::InstanceStatus::kDraining;
  CHECK(Place(instances, Request())[0].failure.reason == FailureReason::kNoContainerInstances);
}

TEST_CASE("static TCP ports: busy, default-reserved, 51680 and the 100-port limit",
          "[placement][ports]") {
  std::vector<InstanceView> instances = {Instance("a")};
  instances[0].reserved_tcp_ports.push_back(8080);
  instances[0].dynamic_tcp_ports.push_back(49153);

  struct Case {
    int32_t port;
    bool fits;
  };
  for (const Case& c :
       {Case{80, true}, Case{8080, false}, Case{22, false}, Case{2375, false}, Case{51678, false},
        Case{51679, false}, Case{51680, false}, Case{49153, false}, Case{49154, true}}) {
    INFO(c.port);
    PlacementRequest r = Request();
    r.demand.static_tcp_ports = {c.port};
    CHECK(Place(instances, r)[0].placed == c.fits);
    if (!c.fits) CHECK(Place(instances, r)[0].failure.reason == FailureReason::kResourcePorts);
  }

  // The second task of the request sees the first one's port.
  PlacementRequest twice = Request(1, 1, 2);
  twice.demand.static_tcp_ports = {80};
  CHECK(Chosen(Place(instances, twice)) == Strings{"a", "!RESOURCE:PORTS"});

  // 100 reserved ports, the 5 defaults included.
  for (int32_t p = 1000; instances[0].reserved_tcp_ports.size() < 99; ++p) {
    instances[0].reserved_tcp_ports.push_back(p);
  }
  PlacementRequest one = Request();
  one.demand.static_tcp_ports = {80};
  CHECK(Place(instances, one)[0].placed);
  one.demand.static_tcp_ports = {80, 81};
  CHECK(Chosen(Place(instances, one)) == Strings{"!RESOURCE:PORTS"});
}

TEST_CASE("static UDP ports are accounted separately from TCP", "[placement][ports]") {
  std::vector<InstanceView> instances = {Instance("a")};
  instances[0].reserved_udp_ports = {53};
  PlacementRequest r = Request();
  r.demand.static_tcp_ports = {53};
  CHECK(Place(instances, r)[0].placed);
  r.demand.static_tcp_ports.clear();
  r.demand.static_udp_ports = {53};
  auto failed = Place(instances, r);
  CHECK(failed[0].failure.reason == FailureReason::kResourcePortsUdp);
  CHECK(FailureReasonText(failed[0].failure.reason) == "RESOURCE:PORTS_UDP");
  r.demand.static_udp_ports = {51680};  // only refused for TCP (the agent listens on TCP)
  CHECK(Place(instances, r)[0].placed);
}

TEST_CASE("dynamic host ports: lowest free ports of 49153-65535, per request",
          "[placement][ports]") {
  std::vector<InstanceView> instances = {Instance("a")};
  instances[0].dynamic_tcp_ports = {49153, 49155};
  instances[0].reserved_tcp_ports.push_back(49156);
  PlacementRequest r = Request(1, 1, 2);
  r.demand.dynamic_tcp_ports = 2;
  r.demand.static_tcp_ports = {49157};
  r.demand.dynamic_udp_ports = 1;
  r.constraints.clear();

  // Task 1 takes static 49157; the second task's static 49157 then collides.
  auto placements = Place(instances, r);
  INFO(FailureReasonText(placements[0].failure.reason));
  REQUIRE(placements[0].placed);
  CHECK(placements[0].dynamic_tcp_ports == std::vector<int32_t>{49154, 49158});
  CHECK(placements[0].dynamic_udp_ports == std::vector<int32_t>{49153});
  CHECK(placements[1].failure.reason == FailureReason::kResourcePorts);

  r.demand.static_tcp_ports.clear();
  placements = Place(instances, r);
  CHECK(placements[0].dynamic_tcp_ports == std::vector<int32_t>{49154, 49157});
  CHECK(placements[1].dynamic_tcp_ports == std::vector<int32_t>{49158, 49159});
  CHECK(placements[1].dynamic_udp_ports == std::vector<int32_t>{49154});
}

TEST_CASE("dynamic ports do not count toward the reserved-port limit but can run out",
          "[placement][ports]") {
  std::vector<InstanceView> instances = {Instance("a")};
  for (int32_t p = kFirstDynamicPort; p <= kLastDynamicPort - 1; ++p) {
    instances[0].dynamic_tcp_ports.push_back(p);
  }
  PlacementRequest r = Request(1, 1, 2);
  r.demand.dynamic_tcp_ports = 1;
  auto placements = Place(instances, r);
  INFO(FailureReasonText(placements[0].failure.reason));
  REQUIRE(placements[0].placed);
  CHECK(placements[0].dynamic_tcp_ports == std::vector<int32_t>{kLastDynamicPort});
  CHECK(placements[1].failure.reason == FailureReason::kResourcePorts);
}

TEST_CASE("GPUs are handed out by id", "[placement]") {
  std::vector<InstanceView> instances = {Instance("a")};
  instances[0].available_gpu_ids = {"gpu-0", "gpu-1", "gpu-2"};
  PlacementRequest r = Request(1, 1, 2);
  r.demand.gpus = 2;
  auto placements = Place(instances, r);
  CHECK(placements[0].gpu_ids == Strings{"gpu-0", "gpu-1"});
  CHECK(placements[1].failure.reason == FailureReason::kResourceGpu);
}

TEST_CASE("awsvpc: ENI slots and subnet availability zones", "[placement]") {
  std::vector<InstanceView> instances = {Instance("a", 1024, 2048, "us-east-1a"),
                                         Instance("b", 1024, 2048, "us-east-1b")};
  instances[0].remaining_eni_slots = 1;
  PlacementRequest r = Request(1, 1, 2);
  r.demand.awsvpc = true;
  r.demand.subnet_availability_zones = {"us-east-1a"};
  auto placements = Place(instances, r);
  CHECK(Chosen(placements) == Strings{"a", "!RESOURCE:ENI"});
  CHECK(placements[1].failure.arn == Arn("a"));  // b failed earlier (LOCATION)

  r.demand.subnet_availability_zones = {"us-east-1c"};
  CHECK(Chosen(Place(instances, r))[0] == "!LOCATION");
}

TEST_CASE("requiresAttributes: presence, and value when given", "[placement]") {
  std::vector<InstanceView> instances = {Instance("a"), Instance("b")};
  instances[1].attributes.emplace("com.amazonaws.ecs.capability.docker-remote-api.1.19",
                                  std::nullopt);
  instances[1].attributes.emplace("stack", "prod");
  SyncHotAttributes(&instances[1]);
  PlacementRequest r = Request(1, 1, 2);
  r.demand.required_attributes = {{"com.amazonaws.ecs.capability.docker-remote-api.1.19", {}}};
  CHECK(Chosen(Place(instances, r)) == Strings{"b", "b"});
  r.demand.required_attributes = {{"stack", "dev"}};
  CHECK(Chosen(Place(instances, r))[0] == "!ATTRIBUTE");
  r.demand.required_attributes = {{"stack", "prod"}};
  CHECK(Chosen(Place(instances, r))[0] == "b");
}

TEST_CASE("requiresAttributes on the agent's capabilities: the known-name mask and the map agree",
          "[placement]") {
  // Valueless requirements on known names are a mask test (scheduler/known_attributes.h), the
  // rest a map lookup; an instance must pass both, whichever names it lacks.
  const std::string known = "com.amazonaws.ecs.capability.docker-remote-api.1.19";
  const std::string also_known = "ecs.capability.task-eni";
  REQUIRE(KnownAttributeId(known) >= 0);
  REQUIRE(KnownAttributeId(also_known) >= 0);
  REQUIRE(KnownAttributeId("stack") < 0);
  std::vector<InstanceView> instances = {Instance("a"), Instance("b"), Instance("c")};
  instances[0].attributes.emplace(known, std::nullopt);  // lacks also_known and stack
  instances[1].attributes.emplace(known, std::nullopt);
  instances[1].attributes.emplace(also_known, std::nullopt);  // lacks stack
  instances[2].attributes.emplace(known, std::nullopt);
  instances[2].attributes.emplace(also_known, std::nullopt);
  instances[2].attributes.emplace("stack", "prod");
  for (InstanceView& v : instances) SyncHotAttributes(&v);
  PlacementRequest r = Request(1, 1, 1);
  r.demand.required_attributes = {{known, {}}};
  CHECK(Chosen(Place(instances, r)) != Strings{"!ATTRIBUTE"});
  r.demand.required_attributes = {{known, {}}, {also_known, {}}};
  CHECK(Chosen(Place(instances, r)) != Strings{"a"});
  r.demand.required_attributes = {{also_known, {}}, {"stack", {}}, {known, {}}};
  CHECK(Chosen(Place(instances, r)) == Strings{"c"});
  // A known name required with a value is compared by value, not just presence.
  r.demand.required_attributes = {{known, "1"}};
  CHECK(Chosen(Place(instances, r)) == Strings{"!ATTRIBUTE"});
  // Removing the capability and syncing again takes the instance out.
  instances[2].attributes.erase(also_known);
  SyncHotAttributes(&instances[2]);
  r.demand.required_attributes = {{also_known, {}}, {"stack", {}}};
  CHECK(Chosen(Place(instances, r)) == Strings{"!ATTRIBUTE"});
}

// ---------------------------------------------------------------------------------------------
// Failure reasons and the closest instance

TEST_CASE("the failure reported is the closest instance's, in pipeline order",
          "[placement][failure]") {
  InstanceView agent = Instance("1-agent");
  agent.agent_connected = false;
  InstanceView attribute = Instance("2-attribute");  // lacks the required attribute
  InstanceView cpu = Instance("3-cpu", 10);
  cpu.attributes.emplace("needed", "x");
  InstanceView memory = Instance("4-memory", 1024, 10);
  memory.attributes.emplace("needed", "x");
  InstanceView ports = Instance("5-ports");
  ports.attributes.emplace("needed", "x");
  ports.reserved_tcp_ports.push_back(80);
  InstanceView member = Instance("6-member");
  member.attributes.emplace("needed", "x");
  member.attributes["ecs.instance-type"] = "m5.large";
  SyncHotAttributes(&member);

  PlacementRequest r = Request();
  r.demand.required_attributes = {{"needed", {}}};
  r.demand.static_tcp_ports = {80};
  r.constraints = {MemberOf("attribute:ecs.instance-type =~ t2.*")};

  struct Step {
    InstanceView instance;
    FailureReason reason;
  };
  // Adding instances one by one: each new one gets further, so it becomes the closest.
  std::vector<Step> steps = {
      {agent, FailureReason::kAgent},         {attribute, FailureReason::kAttribute},
      {cpu, FailureReason::kResourceCpu},     {memory, FailureReason::kResourceMemory},
      {ports, FailureReason::kResourcePorts}, {member, FailureReason::kMemberOf},
  };
  std::vector<InstanceView> instances;
  for (const Step& step : steps) {
    instances.push_back(step.instance);
    INFO(step.instance.arn);
    auto placements = Place(instances, r);
    CHECK(placements[0].failure.reason == step.reason);
    CHECK(placements[0].failure.arn == step.instance.arn);
  }
}

TEST_CASE("between equally close instances the smallest ARN is reported", "[placement][failure]") {
  std::vector<InstanceView> instances = {Instance("c", 10), Instance("a", 10), Instance("b", 10)};
  auto placements = Place(instances, Request());
  CHECK(placements[0].failure.reason == FailureReason::kResourceCpu);
  CHECK(placements[0].failure.arn == Arn("a"));
}

TEST_CASE("failure reason texts", "[placement][failure]") {
  const std::pair<FailureReason, const char*> kTexts[] = {
      {FailureReason::kAgent, "AGENT"},
      {FailureReason::kAttribute, "ATTRIBUTE"},
      {FailureReason::kLocation, "LOCATION"},
      {FailureReason::kResourceCpu, "RESOURCE:CPU"},
      {FailureReason::kResourceMemory, "RESOURCE:MEMORY"},
      {FailureReason::kResourcePorts, "RESOURCE:PORTS"},
      {FailureReason::kResourcePortsUdp, "RESOURCE:PORTS_UDP"},
      {FailureReason::kResourceGpu, "RESOURCE:GPU"},
      {FailureReason::kResourceEni, "RESOURCE:ENI"},
      {FailureReason::kMemberOf, "MemberOf placement constraint unsatisfied."},
      {FailureReason::kDistinctInstance, "DistinctInstance placement constraint unsatisfied."},
      {FailureReason::kNoContainerInstances, "No Container Instances were found in your cluster."},
  };
  for (const auto& [reason, text] : kTexts) CHECK(FailureReasonText(reason) == text);
}

// ---------------------------------------------------------------------------------------------
// Constraints

TEST_CASE("distinctInstance: one task of the group per instance, within the request too",
          "[placement][constraints]") {
  std::vector<InstanceView> instances = {Instance("a"), Instance("b"), Instance("c")};
  PlacementRequest r = Request(1, 1, 3);
  r.constraints = {PlacementConstraint::DistinctInstance()};
  CHECK(CountPerInstance(Place(instances, r)) ==
        std::map<std::string, int>{{"a", 1}, {"b", 1}, {"c", 1}});

  // An instance already running a task of the group is excluded; other groups do not matter.
  instances[0].task_group_counts = {{"family:web", 1}};
  instances[1].task_group_counts = {{"family:other", 3}, {"family:web", 0}};
  auto placements = Place(instances, r);
  CHECK(CountPerInstance(placements) ==
        std::map<std::string, int>{
            {"b", 1}, {"c", 1}, {"!DistinctInstance placement constraint unsatisfied.", 1}});
  CHECK(placements[2].failure.arn == Arn("a"));
}

TEST_CASE("memberOf restricts the candidates and sees earlier tasks of the request",
          "[placement][constraints]") {
  std::vector<InstanceView> instances = {Instance("a"), Instance("b"), Instance("c")};
  instances[2].attributes["ecs.instance-type"] = "m5.large";
  SyncHotAttributes(&instances[2]);

  PlacementRequest r = Request(1, 1, 4);
  r.constraints = {MemberOf("attribute:ecs.instance-type =~ t2.*")};
  for (const auto& [id, n] : CountPerInstance(Place(instances, r))) CHECK(id != "c");

  // runningTasksCount includes the tasks this request has already put on the instance.
  r.constraints = {MemberOf("runningTasksCount == 0")};
  CHECK(Chosen(Place(instances, r)).back() == "!MemberOf placement constraint unsatisfied.");
  CHECK(CountPerInstance(Place(instances, r)).size() == 4);  // a, b, c and the failure

  // Anti-affinity with the request's own group spreads like distinctInstance.
  r.constraints = {MemberOf("not(task:group == family:web)")};
  r.count = 3;
  CHECK(CountPerInstance(Place(instances, r)) ==
        std::map<std::string, int>{{"a", 1}, {"b", 1}, {"c", 1}});

  // Affinity: only where the group already runs.
  instances[1].task_group_counts = {{"service:db", 1}};
  r.constraints = {MemberOf("task:group == service:db")};
  CHECK(Chosen(Place(instances, r)) == Strings{"b", "b", "b"});
}

TEST_CASE("constraints are ANDed and a later constraint failing is closer",
          "[placement][constraints]") {
  std::vector<InstanceView> instances = {Instance("a"), Instance("b")};
  instances[0].task_group_counts = {{"family:web", 1}};       // fails distinctInstance (2nd)
  instances[1].attributes["ecs.instance-type"] = "m5.large";  // fails memberOf (1st)
  SyncHotAttributes(&instances[1]);
  PlacementRequest r = Request();
  r.constraints = {MemberOf("attribute:ecs.instance-type == t2.micro"),
                   PlacementConstraint::DistinctInstance()};
  auto placements = Place(instances, r);
  CHECK(placements[0].failure.reason == FailureReason::kDistinctInstance);
  CHECK(placements[0].failure.arn == Arn("a"));
}

TEST_CASE("MakePlacementConstraint and MakePlacementStrategy validate API items",
          "[placement][constraints]") {
  CHECK(MakePlacementConstraint("distinctInstance", "").ok());
  CHECK_FALSE(MakePlacementConstraint("distinctInstance", "attribute:a exists").ok());
  CHECK(MakePlacementConstraint("memberOf", "attribute:a exists").ok());
  CHECK_FALSE(MakePlacementConstraint("memberOf", "").ok());
  Result<PlacementConstraint> bad = MakePlacementConstraint("memberOf", "attribute:a ==");
  REQUIRE_FALSE(bad.ok());
  CHECK(bad.status().code() == ErrorCode::kInvalidParameterException);
  CHECK(bad.status().message() == "Invalid expression at position 15: expected a value after '=='");
  CHECK_FALSE(MakePlacementConstraint("sameInstance", "").ok());

  using Field = PlacementStrategy::Field;
  struct Case {
    const char* type;
    const char* field;
    bool ok;
    Field expected;
  };
  const Case kCases[] = {
      {"binpack", "cpu", true, Field::kCpu},
      {"binpack", "MEMORY", true, Field::kMemory},
      {"binpack", "disk", false, Field::kNone},
      {"spread", "instanceId", true, Field::kInstanceId},
      {"spread", "host", true, Field::kInstanceId},
      {"spread", "attribute:x", true, Field::kAttribute},
      {"spread", "attribute:", false, Field::kNone},
      {"spread", "az", false, Field::kNone},
      {"random", "", true, Field::kNone},
      {"roundrobin", "", false, Field::kNone},
  };
  for (const Case& c : kCases) {
    INFO(c.type << " " << c.field);
    Result<PlacementStrategy> s = MakePlacementStrategy(c.type, c.field);
    REQUIRE(s.ok() == c.ok);
    if (c.ok) CHECK(s->field == c.expected);
  }
  CHECK(MakePlacementStrategy("spread", "attribute:ecs.availability-zone")->attribute ==
        "ecs.availability-zone");
}

TEST_CASE("malformed requests are InvalidParameterException", "[placement]") {
  std::vector<InstanceView> instances = {Instance("a")};
  PlacementRequest r = Request();
  r.count = -1;
  CHECK(PlaceTasks(std::span(instances), r).status().code() ==
        ErrorCode::kInvalidParameterException);
  r = Request();
  r.strategies.assign(6, PlacementStrategy::Random());
  CHECK_FALSE(PlaceTasks(std::span(instances), r).ok());
  r = Request();
  r.constraints.assign(11, PlacementConstraint::DistinctInstance());
  CHECK_FALSE(PlaceTasks(std::span(instances), r).ok());
  r = Request();
  r.constraints = {PlacementConstraint{PlacementConstraint::Type::kMemberOf, {}}};
  CHECK_FALSE(PlaceTasks(std::span(instances), r).ok());
  r = Request();
  r.demand.memory = -1;
  CHECK_FALSE(PlaceTasks(std::span(instances), r).ok());
  r = Request();
  r.count = 0;
  CHECK(PlaceTasks(std::span(instances), r)->empty());
}

}  // namespace
}  // namespace ecs::scheduler

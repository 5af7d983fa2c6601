// Tasks on a manual clock: the simulated lifecycle, resource accounting, placement failures,
// idempotency, the agent calls, retention and persistence. No test sleeps: time moves only
// through TaskFixture::Advance.
#include <algorithm>
#include <map>
#include <set>

#include "storage/codec.h"
#include "tests/control/task_fixture.h"

using namespace ecs;
using namespace ecs::control;
using ecs::testing::TaskFixture;
using S = model::TaskState;

namespace {

std::vector<std::string> Ports(const model::Resource& r) {
  std::vector<std::string> v = r.string_set;
  std::sort(v.begin(), v.end());
  return v;
}

std::vector<std::string> Sorted(std::vector<std::string> v) {
  std::sort(v.begin(), v.end());
  return v;
}

const std::vector<std::string> kDefaultPorts = Sorted({"22", "2376", "2375", "51678", "51679"});

}  // namespace

TEST_CASE("An EC2 bridge task walks PENDING, RUNNING, STOPPING, STOPPED on the clock",
          "[tasks][lifecycle]") {
  TaskFixture f;
  f.Cluster("c");
  auto fleet = f.Fleet("c", 1);
  auto td = f.Simple("web", 256, 512, R"([{"containerPort":80,"hostPort":8080}])");
  const Millis t0 = f.clock.Now();
  auto out = f.MustRun(f.Run("c", td));
  REQUIRE(out.tasks.size() == 1);
  REQUIRE(out.failures.empty());
  const std::string id = out.tasks[0]->id;

  const model::Task* t = f.Task("c", id);
  CHECK(t->last_status == S::kPending);
  CHECK(t->desired_status == "RUNNING");
  CHECK(t->version == 1);
  CHECK(t->created_at == t0);
  CHECK(t->launch_type == "EC2");
  CHECK(t->group == "family:web");
  CHECK(t->container_instance_id == fleet[0]->id);
  CHECK(t->availability_zone == "us-east-1a");
  CHECK_FALSE(t->started_at);
  CHECK(t->cpu == "256");
  CHECK(t->memory == "512");
  REQUIRE(t->containers.size() == 1);
  CHECK(t->containers[0].last_status == "PENDING");
  CHECK(t->containers[0].network_bindings.empty());
  CHECK(t->containers[0].runtime_id.empty());

  f.Advance(199);
  CHECK(f.Task("c", id)->last_status == S::kPending);
  f.Advance(1);
  t = f.Task("c", id);
  CHECK(t->last_status == S::kRunning);
  CHECK(t->version == 2);
  CHECK(t->started_at == t0 + 200);
  CHECK(t->pull_started_at == t0);
  CHECK(t->pull_stopped_at == t0 + 200);
  CHECK(t->connectivity_at == t0 + 200);
  CHECK(t->containers[0].last_status == "RUNNING");
  CHECK_FALSE(t->containers[0].runtime_id.empty());
  REQUIRE(t->containers[0].network_bindings.size() == 1);
  CHECK(t->containers[0].network_bindings[0].container_port == 80);
  CHECK(t->containers[0].network_bindings[0].host_port == 8080);
  CHECK(t->containers[0].network_bindings[0].protocol == "tcp");

  // Nothing further is scheduled for a healthy RUNNING task.
  f.Advance(3'600'000);
  CHECK(f.Task("c", id)->last_status == S::kRunning);
  const Millis t_stop = f.clock.Now();

  auto stopped = f.cp->StopTask(f.ctx, "c", id, "");
  REQUIRE(stopped.ok());
  CHECK((*stopped)->desired_status == "STOPPED");
  CHECK((*stopped)->last_status == S::kRunning);
  CHECK((*stopped)->stop_code == "UserInitiated");
  CHECK((*stopped)->stopped_reason == "Task stopped by user");
  CHECK((*stopped)->stopping_at == t_stop);
  CHECK((*stopped)->version == 3);

  f.Advance(0);
  t = f.Task("c", id);
  CHECK(t->last_status == S::kStopping);
  CHECK(t->version == 4);
  f.Advance(99);
  CHECK(f.Task("c", id)->last_status == S::kStopping);
  f.Advance(1);
  t = f.Task("c", id);
  CHECK(t->last_status == S::kStopped);
  CHECK(t->version == 5);
  CHECK(t->stopped_at == t_stop + 100);
  CHECK(t->execution_stopped_at == t_stop + 100);
  CHECK(t->containers[0].last_status == "STOPPED");
  CHECK(t->containers[0].exit_code == 0);
  CHECK(t->containers[0].network_bindings.empty());

  // StopTask on a stopped task returns it unchanged.
  auto again = f.cp->StopTask(f.ctx, "c", id, "again");
  REQUIRE(again.ok());
  CHECK((*again)->version == 5);
  CHECK((*again)->stopped_reason == "Task stopped by user");
}

TEST_CASE("An awsvpc task provisions and deprovisions its ENI", "[tasks][lifecycle]") {
  TaskFixture f;
  f.Cluster("c");
  f.Fleet("c", 1);
  auto td = f.Definition(R"({"family":"vpc","networkMode":"awsvpc","containerDefinitions":[
      {"name":"app","image":"nginx","cpu":128,"memory":256,"portMappings":[{"containerPort":80}]}]})");
  auto in = f.Run("c", td);
  in.network = model::AwsVpcConfiguration{{"subnet-0abc"}, {"sg-1"}};
  const Millis t0 = f.clock.Now();
  auto out = f.MustRun(in);
  REQUIRE(out.tasks.size() == 1);
  const std::string id = out.tasks[0]->id;
  const model::Task* t = f.Task("c", id);
  CHECK(t->last_status == S::kProvisioning);
  REQUIRE(t->eni);
  CHECK(t->eni->status == "PRECREATED");
  CHECK(t->eni->subnet_id == "subnet-0abc");
  CHECK_FALSE(t->pull_started_at);
  // awsvpc ports live on the ENI: nothing reserved on the host.
  CHECK(t->reserved_tcp_ports.empty());
  CHECK(t->dynamic_tcp_ports.empty());

  f.Advance(100);
  t = f.Task("c", id);
  CHECK(t->last_status == S::kPending);
  CHECK(t->eni->status == "ATTACHED");
  CHECK(t->pull_started_at == t0 + 100);
  CHECK(t->version == 2);
  f.Advance(200);
  t = f.Task("c", id);
  CHECK(t->last_status == S::kRunning);
  CHECK(t->started_at == t0 + 300);
  CHECK(t->version == 3);
  CHECK_FALSE(t->eni->private_ip.empty());
  CHECK(t->eni->private_dns_name.ends_with(".ec2.internal"));
  CHECK(t->eni->eni_id.starts_with("eni-"));

  REQUIRE(f.cp->StopTask(f.ctx, "c", id, "bye").ok());
  f.Advance(0);
  CHECK(f.Task("c", id)->last_status == S::kStopping);
  f.Advance(100);
  t = f.Task("c", id);
  CHECK(t->last_status == S::kDeprovisioning);
  CHECK(t->execution_stopped_at == t0 + 400);
  CHECK_FALSE(t->stopped_at);
  f.Advance(100);
  t = f.Task("c", id);
  CHECK(t->last_status == S::kStopped);
  CHECK(t->stopped_at == t0 + 500);
  CHECK(t->eni->status == "DETACHED");
  CHECK(t->stopped_reason == "bye");
  CHECK(t->version == 7);  // created, PENDING, RUNNING, stop asked, STOPPING, DEPROV, STOPPED
}

TEST_CASE("A Fargate task needs no instance", "[tasks][lifecycle][fargate]") {
  TaskFixture f;
  f.Cluster("c");  // no instances at all
  auto td =
      f.Definition(R"({"family":"fg","networkMode":"awsvpc","requiresCompatibilities":["FARGATE"],
      "cpu":"256","memory":"512","containerDefinitions":[{"name":"app","image":"nginx"}]})");
  auto in = f.Run("c", td, 2);
  in.launch_type = model::LaunchType::kFargate;
  in.network =
      model::AwsVpcConfiguration{{"subnet-a", "subnet-b"}, {}, model::AssignPublicIp::kEnabled};
  auto out = f.MustRun(in);
  REQUIRE(out.tasks.size() == 2);
  for (const auto* t : out.tasks) {
    CHECK(t->launch_type == "FARGATE");
    CHECK(t->container_instance_id.empty());
    CHECK(t->platform_version == "1.4.0");
    CHECK(t->cpu == "256");
    CHECK(t->memory == "512");
    CHECK(t->last_status == S::kProvisioning);
    CHECK(t->availability_zone.starts_with("us-east-1"));
  }
  CHECK(out.tasks[0]->eni->subnet_id == "subnet-a");
  CHECK(out.tasks[1]->eni->subnet_id == "subnet-b");
  auto counts = f.Counts("c");
  CHECK(counts.pending_tasks == 2);
  CHECK(counts.pending_fargate_tasks == 2);
  CHECK(counts.pending_ec2_tasks == 0);
  f.Advance(300);
  counts = f.Counts("c");
  CHECK(counts.running_tasks == 2);
  CHECK(counts.running_fargate_tasks == 2);
  CHECK(counts.pending_tasks == 0);

  SECTION("without networkConfiguration it is refused") {
    auto bad = f.cp->RunTask(f.ctx, [&] {
      auto r = f.Run("c", td);
      r.launch_type = model::LaunchType::kFargate;
      return r;
    }());
    CHECK(bad.status().code() == ErrorCode::kInvalidParameterException);
  }
  SECTION("with placement strategies it is refused") {
    auto r = f.Run("c", td);
    r.launch_type = model::LaunchType::kFargate;
    r.network = model::AwsVpcConfiguration{{"subnet-a"}, {}};
    r.strategies = {{"spread", "instanceId"}};
    CHECK(f.cp->RunTask(f.ctx, r).status().code() == ErrorCode::kInvalidParameterException);
  }
}

TEST_CASE("Resources are reserved at placement and released at STOPPED", "[tasks][resources]") {
  TaskFixture f;
  f.Cluster("c");
  auto fleet = f.Fleet("c", 1, 2048, 4096);
  const std::string ci = fleet[0]->arn;
  auto td = f.Simple("svc", 256, 512,
                     R"([{"containerPort":80,"hostPort":8080},
                         {"containerPort":53,"hostPort":5353,"protocol":"udp"},
                         {"containerPort":9000}])");
  CHECK(f.Remaining("c", ci, "CPU").integer_value == 2048);
  CHECK(Ports(f.Remaining("c", ci, "PORTS")) == kDefaultPorts);

  auto out = f.MustRun(f.Run("c", td));
  const std::string id = out.tasks[0]->id;
  CHECK(f.Remaining("c", ci, "CPU").integer_value == 2048 - 256);
  CHECK(f.Remaining("c", ci, "MEMORY").integer_value == 4096 - 512);
  // Static ports are listed; the dynamic one (9000 -> 49153) is not.
  CHECK(Ports(f.Remaining("c", ci, "PORTS")) ==
        Sorted({"22", "2376", "2375", "51678", "51679", "8080"}));
  CHECK(Ports(f.Remaining("c", ci, "PORTS_UDP")) == std::vector<std::string>{"5353"});
  // registeredResources never change.
  const auto* inst = f.Instance("c", ci);
  CHECK(inst->RegisteredInteger("CPU") == 2048);
  CHECK(inst->usage.pending_tasks == 1);
  CHECK(inst->usage.running_tasks == 1);  // desiredStatus RUNNING

  f.Advance(200);
  inst = f.Instance("c", ci);
  CHECK(inst->usage.pending_tasks == 0);
  CHECK(inst->usage.running_tasks == 1);
  const model::Task* t = f.Task("c", id);
  REQUIRE(t->containers[0].network_bindings.size() == 3);
  CHECK(t->containers[0].network_bindings[2].host_port == 49153);
  CHECK(t->containers[0].network_bindings[1].protocol == "udp");

  // A second copy cannot get port 8080 on the only instance.
  auto second = f.MustRun(f.Run("c", td));
  CHECK(second.tasks.empty());
  REQUIRE(second.failures.size() == 1);
  CHECK(second.failures[0].reason == "RESOURCE:PORTS");
  CHECK(second.failures[0].arn == ci);

  REQUIRE(f.cp->StopTask(f.ctx, "c", id, "").ok());
  inst = f.Instance("c", ci);
  CHECK(inst->usage.running_tasks == 0);  // desiredStatus is STOPPED now
  f.Advance(0);
  // Still STOPPING: the containers hold their resources until STOPPED.
  CHECK(f.Remaining("c", ci, "CPU").integer_value == 2048 - 256);
  CHECK(Ports(f.Remaining("c", ci, "PORTS")).size() == 6);
  f.Advance(100);
  CHECK(f.Task("c", id)->last_status == S::kStopped);
  CHECK(f.Remaining("c", ci, "CPU").integer_value == 2048);
  CHECK(f.Remaining("c", ci, "MEMORY").integer_value == 4096);
  CHECK(Ports(f.Remaining("c", ci, "PORTS")) == kDefaultPorts);
  CHECK(f.Remaining("c", ci, "PORTS_UDP").string_set.empty());
  // And the port is free again.
  CHECK(f.MustRun(f.Run("c", td)).tasks.size() == 1);
}

TEST_CASE("Dynamic host ports stay unique on an instance across requests", "[tasks][resources]") {
  TaskFixture f;
  f.Cluster("c");
  f.Fleet("c", 1, 4096, 8192);
  auto td = f.Simple("dyn", 10, 10, R"([{"containerPort":80},{"containerPort":81}])");
  std::set<int> ports;
  std::vector<std::string> ids;
  for (int i = 0; i < 3; ++i) {
    auto out = f.MustRun(f.Run("c", td, 2));
    for (const auto* t : out.tasks) ids.push_back(t->id);
  }
  f.Advance(200);
  for (const auto& id : ids) {
    for (const auto& b : f.Task("c", id)->containers[0].network_bindings) {
      CHECK(b.host_port >= 49153);
      CHECK(ports.insert(b.host_port).second);
    }
  }
  CHECK(ports.size() == 12);
  // A stopped task gives its dynamic ports back: the next task reuses the lowest.
  REQUIRE(f.cp->StopTask(f.ctx, "c", ids[0], "").ok());
  f.Advance(100);
  auto out = f.MustRun(f.Run("c", td));
  CHECK(out.tasks[0]->dynamic_tcp_ports == std::vector<int>{49153, 49154});
}

TEST_CASE("memoryReservation and overrides decide what is reserved and shown",
          "[tasks][resources][overrides]") {
  TaskFixture f;
  f.Cluster("c");
  auto fleet = f.Fleet("c", 1, 4096, 8192);
  const std::string ci = fleet[0]->arn;
  auto td = f.Definition(R"({"family":"two","containerDefinitions":[
      {"name":"a","image":"x","cpu":100,"memory":1024,"memoryReservation":256},
      {"name":"b","image":"y","cpu":50,"memory":128}]})");

  SECTION("definition values: memoryReservation counts, not memory") {
    auto out = f.MustRun(f.Run("c", td));
    CHECK(out.tasks[0]->cpu == "150");
    CHECK(out.tasks[0]->memory == "384");
    CHECK(f.Remaining("c", ci, "MEMORY").integer_value == 8192 - 384);
    CHECK(f.Remaining("c", ci, "CPU").integer_value == 4096 - 150);
    // Nothing sent, nothing kept (api/ shows one containerOverrides entry per container:
    // tests/api/encode_test.cc).
    CHECK(out.tasks[0]->overrides.empty());
  }
  SECTION("container overrides") {
    auto in = f.Run("c", td);
    in.container_overrides = {{"a", 300, std::nullopt, 512}};
    in.overrides = model::RawJson::FromText(
        R"({"containerOverrides":[{"name":"a","cpu":300,"memoryReservation":512}]})");
    auto out = f.MustRun(in);
    const model::Task* t = out.tasks[0];
    CHECK(t->cpu == "350");
    CHECK(t->memory == "640");
    CHECK(t->reserved_cpu == 350);
    CHECK(t->reserved_memory == 640);
    CHECK(f.Remaining("c", ci, "MEMORY").integer_value == 8192 - 640);
    CHECK(t->containers[0].cpu == "300");
    CHECK(t->containers[0].memory_reservation == "512");
    CHECK(t->containers[0].memory == "1024");
    CHECK(t->overrides.text() ==
          R"({"containerOverrides":[{"name":"a","cpu":300,"memoryReservation":512}]})");
  }
  SECTION("task-level overrides win") {
    auto in = f.Run("c", td);
    in.task_cpu_override = "1024";
    in.task_memory_override = "2048";
    in.overrides = model::RawJson::FromText(R"({"cpu":"1024","memory":"2048"})");
    auto out = f.MustRun(in);
    CHECK(out.tasks[0]->cpu == "1024");
    CHECK(out.tasks[0]->memory == "2048");
    CHECK(f.Remaining("c", ci, "CPU").integer_value == 4096 - 1024);
    CHECK(f.Remaining("c", ci, "MEMORY").integer_value == 8192 - 2048);
  }
  SECTION("an override makes the task too big") {
    auto in = f.Run("c", td);
    in.container_overrides = {{"b", std::nullopt, 9000, std::nullopt}};
    auto out = f.MustRun(in);
    CHECK(out.tasks.empty());
    REQUIRE(out.failures.size() == 1);
    CHECK(out.failures[0].reason == "RESOURCE:MEMORY");
  }
  SECTION("an override for an unknown container is refused") {
    auto in = f.Run("c", td);
    in.container_overrides = {{"nope", 1, std::nullopt, std::nullopt}};
    CHECK(f.cp->RunTask(f.ctx, in).status().code() == ErrorCode::kInvalidParameterException);
  }
}

TEST_CASE("Placement failures carry the ECS reasons; placed tasks still start",
          "[tasks][failures]") {
  TaskFixture f;
  f.Cluster("c");

  SECTION("no instances at all is an error, not a failure") {
    auto td = f.Simple("a", 10, 10);
    auto r = f.cp->RunTask(f.ctx, f.Run("c", td));
    CHECK(r.status().code() == ErrorCode::kInvalidParameterException);
    CHECK(r.status().message() == "No Container Instances were found in your cluster.");
  }
  SECTION("RESOURCE:MEMORY, partial success") {
    auto fleet = f.Fleet("c", 1, 4096, 1024);
    auto td = f.Simple("m", 10, 400);
    auto out = f.MustRun(f.Run("c", td, 3));
    CHECK(out.tasks.size() == 2);
    REQUIRE(out.failures.size() == 1);
    CHECK(out.failures[0].reason == "RESOURCE:MEMORY");
    CHECK(out.failures[0].arn == fleet[0]->arn);
    CHECK(f.Counts("c").pending_tasks == 2);
  }
  SECTION("RESOURCE:CPU") {
    f.Fleet("c", 1, 1024, 8192);
    auto td = f.Simple("cpu", 600, 10);
    auto out = f.MustRun(f.Run("c", td, 2));
    CHECK(out.tasks.size() == 1);
    REQUIRE(out.failures.size() == 1);
    CHECK(out.failures[0].reason == "RESOURCE:CPU");
  }
  SECTION("ATTRIBUTE: a capability no instance advertises") {
    f.Fleet("c", 2);
    auto td = f.Definition(R"({"family":"splunk","containerDefinitions":[{"name":"a","image":"x",
        "memory":10,"logConfiguration":{"logDriver":"splunk"}}]})");
    auto out = f.MustRun(f.Run("c", td));
    CHECK(out.tasks.empty());
    REQUIRE(out.failures.size() == 1);
    CHECK(out.failures[0].reason == "ATTRIBUTE");
  }
  SECTION("AGENT: a disconnected agent") {
    auto fleet = f.Fleet("c", 1);
    REQUIRE(f.cp->SetAgentConnected(f.ctx, "c", fleet[0]->id, false).ok());
    auto out = f.MustRun(f.Run("c", f.Simple("a", 10, 10)));
    CHECK(out.tasks.empty());
    REQUIRE(out.failures.size() == 1);
    CHECK(out.failures[0].reason == "AGENT");
    CHECK(out.failures[0].arn == fleet[0]->arn);
  }
  SECTION("the closest instance is reported: MEMORY beats CPU") {
    f.Fleet("c", 1, 100, 8192);             // fails on CPU
    auto big = f.Fleet("c", 1, 4096, 100);  // passes CPU, fails on MEMORY
    auto out = f.MustRun(f.Run("c", f.Simple("a", 500, 500)));
    REQUIRE(out.failures.size() == 1);
    CHECK(out.failures[0].reason == "RESOURCE:MEMORY");
    CHECK(out.failures[0].arn == big[0]->arn);
  }
  SECTION("memberOf unsatisfied and distinctInstance") {
    f.Fleet("c", 2);
    auto td = f.Simple("d", 10, 10);
    auto in = f.Run("c", td, 3);
    in.constraints = {{"distinctInstance", ""}};
    auto out = f.MustRun(in);
    CHECK(out.tasks.size() == 2);
    REQUIRE(out.failures.size() == 1);
    CHECK(out.failures[0].reason == "DistinctInstance placement constraint unsatisfied.");
    CHECK(out.tasks[0]->container_instance_id != out.tasks[1]->container_instance_id);

    auto in2 = f.Run("c", td);
    in2.constraints = {{"memberOf", "attribute:ecs.instance-type == t2.micro"}};
    auto out2 = f.MustRun(in2);
    REQUIRE(out2.failures.size() == 1);
    CHECK(out2.failures[0].reason == "MemberOf placement constraint unsatisfied.");
  }
  SECTION("a memberOf parse error names the position") {
    f.Fleet("c", 1);
    auto in = f.Run("c", f.Simple("a", 10, 10));
    in.constraints = {{"memberOf", "attribute:ecs.instance-type =="}};
    auto r = f.cp->RunTask(f.ctx, in);
    CHECK(r.status().code() == ErrorCode::kInvalidParameterException);
    CHECK_THAT(r.status().message(), Catch::Contains("position"));
  }
}

TEST_CASE("Placement strategies land tasks where they say", "[tasks][placement]") {
  TaskFixture f;
  f.Cluster("c");
  auto fleet = f.Fleet("c", 6, 2048, 4096);  // two per AZ, round-robin a, b, c
  std::map<std::string, std::string> az_of;
  for (const auto* ci : fleet) az_of[ci->id] = ci->availability_zone();
  auto td = f.Simple("p", 10, 100);

  SECTION("spread over AZs then instances is exact") {
    auto in = f.Run("c", td, 6);
    in.strategies = {{"spread", "attribute:ecs.availability-zone"}, {"spread", "instanceId"}};
    auto out = f.MustRun(in);
    REQUIRE(out.tasks.size() == 6);
    std::map<std::string, int> per_az, per_instance;
    for (const auto* t : out.tasks) {
      ++per_az[t->availability_zone];
      ++per_instance[t->container_instance_id];
    }
    CHECK(per_az ==
          std::map<std::string, int>{{"us-east-1a", 2}, {"us-east-1b", 2}, {"us-east-1c", 2}});
    CHECK(per_instance.size() == 6);
  }
  SECTION("binpack memory fills one instance first") {
    auto in = f.Run("c", td, 10);
    in.strategies = {{"binpack", "memory"}};
    auto out = f.MustRun(in);
    std::set<std::string> used;
    for (const auto* t : out.tasks) used.insert(t->container_instance_id);
    CHECK(used.size() == 1);
    // The next request keeps packing the same instance.
    auto more = f.MustRun(in);
    CHECK(more.tasks[0]->container_instance_id == *used.begin());
  }
  SECTION("memberOf restricts to one AZ") {
    auto in = f.Run("c", td, 5);
    in.constraints = {{"memberOf", "attribute:ecs.availability-zone in [us-east-1b]"}};
    auto out = f.MustRun(in);
    REQUIRE(out.tasks.size() == 5);
    for (const auto* t : out.tasks) CHECK(t->availability_zone == "us-east-1b");
  }
  SECTION("no strategy places randomly, reproducibly per seed") {
    std::set<std::string> used;
    for (int i = 0; i < 5; ++i) {
      for (const auto* t : f.MustRun(f.Run("c", td, 10)).tasks)
        used.insert(t->container_instance_id);
    }
    CHECK(used.size() > 1);
    TaskFixture g;
    g.Cluster("c");
    g.Fleet("c", 6, 2048, 4096);
    auto td2 = g.Simple("p", 10, 100);
    TaskFixture h;
    h.Cluster("c");
    h.Fleet("c", 6, 2048, 4096);
    auto td3 = h.Simple("p", 10, 100);
    auto a = g.MustRun(g.Run("c", td2, 10));
    auto b = h.MustRun(h.Run("c", td3, 10));
    for (size_t i = 0; i < 10; ++i) {
      CHECK(a.tasks[i]->container_instance_id == b.tasks[i]->container_instance_id);
    }
  }
}

TEST_CASE("Stopped tasks are purged after the retention window", "[tasks][retention]") {
  auto options = ecs::testing::FastOptions();
  options.lifecycle.stopped_retention = 60'000;
  TaskFixture f(options);
  f.Cluster("c");
  f.Fleet("c", 1);
  auto out = f.MustRun(f.Run("c", f.Simple("a", 10, 10)));
  const std::string id = out.tasks[0]->id;
  f.Advance(200);
  REQUIRE(f.cp->StopTask(f.ctx, "c", id, "").ok());
  f.Advance(100);
  REQUIRE(f.Task("c", id)->last_status == S::kStopped);
  const Millis stopped_at = *f.Task("c", id)->stopped_at;
  CHECK(f.cp->NextDue() == stopped_at + 60'000);
  f.Advance(59'999);
  CHECK(f.Task("c", id) != nullptr);
  ListTasksInput stopped_filter;
  stopped_filter.cluster = "c";
  stopped_filter.desired_status = model::DesiredStatus::kStopped;
  CHECK(f.List(stopped_filter).size() == 1);
  f.Advance(1);
  CHECK(f.Task("c", id) == nullptr);
  std::vector<const model::Task*> found;
  std::vector<DescribeFailure> failures;
  REQUIRE(f.cp->DescribeTasks(f.ctx, "c", {id}, &found, &failures).ok());
  REQUIRE(failures.size() == 1);
  CHECK(failures[0].reason == "MISSING");
  CHECK(failures[0].arn == "arn:aws:ecs:us-east-1:000000000000:task/c/" + id);
  CHECK(f.List(stopped_filter).empty());
  CHECK_FALSE(f.cp->NextDue());
}

TEST_CASE("Cluster counters and DeleteCluster follow tasks and instances", "[tasks][counters]") {
  TaskFixture f;
  f.Cluster("c");
  auto fleet = f.Fleet("c", 2);
  CHECK(f.Counts("c").registered_container_instances == 2);
  auto td = f.Simple("a", 10, 10);
  auto out = f.MustRun(f.Run("c", td, 3));
  auto counts = f.Counts("c");
  CHECK(counts.pending_tasks == 3);
  CHECK(counts.pending_ec2_tasks == 3);
  CHECK(counts.running_tasks == 0);

  auto del = f.cp->DeleteCluster(f.ctx, "c");
  CHECK(del.status().code() == ErrorCode::kClusterContainsContainerInstancesException);

  f.Advance(200);
  counts = f.Counts("c");
  CHECK(counts.pending_tasks == 0);
  CHECK(counts.running_tasks == 3);
  CHECK(counts.running_ec2_tasks == 3);

  for (const auto* t : out.tasks) REQUIRE(f.cp->StopTask(f.ctx, "c", t->id, "").ok());
  f.Advance(0);
  counts = f.Counts("c");
  CHECK(counts.running_tasks == 0);  // STOPPING is neither running nor pending
  CHECK(counts.pending_tasks == 0);
  f.Advance(100);
  for (const auto* ci : fleet)
    REQUIRE(f.cp->DeregisterContainerInstance(f.ctx, "c", ci->id, false).ok());
  CHECK(f.Counts("c").registered_container_instances == 0);
  REQUIRE(f.cp->DeleteCluster(f.ctx, "c").ok());
}

TEST_CASE("DeleteCluster refuses while tasks are active", "[tasks][counters]") {
  TaskFixture f;
  f.Cluster("c");
  auto td =
      f.Definition(R"({"family":"fg","networkMode":"awsvpc","requiresCompatibilities":["FARGATE"],
      "cpu":"256","memory":"512","containerDefinitions":[{"name":"app","image":"nginx"}]})");
  auto in = f.Run("c", td);
  in.launch_type = model::LaunchType::kFargate;
  in.network = model::AwsVpcConfiguration{{"subnet-a"}, {}};
  auto out = f.MustRun(in);
  auto del = f.cp->DeleteCluster(f.ctx, "c");
  CHECK(del.status().code() == ErrorCode::kClusterContainsTasksException);
  CHECK(del.status().message() == "The Cluster cannot be deleted while Tasks are active.");
  f.Advance(300);
  CHECK(f.cp->DeleteCluster(f.ctx, "c").status().code() ==
        ErrorCode::kClusterContainsTasksException);
  REQUIRE(f.cp->StopTask(f.ctx, "c", out.tasks[0]->id, "").ok());
  f.Advance(1000);
  REQUIRE(f.Task("c", out.tasks[0]->id)->is_stopped());
  CHECK(f.cp->DeleteCluster(f.ctx, "c").ok());
}

TEST_CASE("clientToken makes RunTask idempotent", "[tasks][idempotency]") {
  TaskFixture f;
  f.Cluster("c");
  f.Fleet("c", 3);
  auto td = f.Simple("a", 10, 10);
  auto in = f.Run("c", td, 2);
  in.client_token = "tok-1";
  auto first_out = f.MustRun(in);
  REQUIRE(first_out.tasks.size() == 2);
  const std::vector<std::string> first = {first_out.tasks[0]->arn, first_out.tasks[1]->arn};
  auto retry = f.MustRun(in);
  REQUIRE(retry.tasks.size() == 2);
  CHECK(retry.tasks[0]->arn == first[0]);
  CHECK(retry.tasks[1]->arn == first[1]);
  CHECK(f.Counts("c").pending_tasks == 2);

  auto changed = in;
  changed.count = 3;
  auto conflict = f.cp->RunTask(f.ctx, changed);
  REQUIRE_FALSE(conflict.ok());
  CHECK(conflict.status().code() == ErrorCode::kConflictException);
  CHECK(Sorted(conflict.status().resource_ids) == Sorted(first));

  // Tokens survive a restart.
  f.Reload();
  auto after = f.cp->RunTask(f.ctx, in);
  REQUIRE(after.ok());
  REQUIRE(after->tasks.size() == 2);
  CHECK(after->tasks[0]->arn == first[0]);
  CHECK(after->tasks[1]->arn == first[1]);
  CHECK(f.cp->RunTask(f.ctx, changed).status().code() == ErrorCode::kConflictException);
  // Another token is another request.
  in.client_token = "tok-2";
  CHECK(f.MustRun(in).tasks[0]->arn != first[0]);
}

TEST_CASE("A restart rebuilds usage and counts whatever order the rows come in",
          "[tasks][restart]") {
  TaskFixture f;
  f.Cluster("c");
  auto fleet = f.Fleet("c", 2);
  auto td = f.Simple("a", 100, 100, R"([{"containerPort":80,"hostPort":8080}])");
  f.MustRun(f.Run("c", td, 2));
  f.Advance(1'000);
  REQUIRE(f.Counts("c").running_tasks == 2);
  // Every task row first in the table (a restart scans it in that order), then the rest: each
  // task is loaded before its instance and its cluster.
  const storage::ChangeSet dump = f.cp->DumpRows();
  storage::ChangeSet tasks_first;
  for (const auto& row : dump.rows()) {
    if (row.kind != storage::Kind::kTask) continue;
    auto task = storage::DecodeTask(row.key, *row.body);
    REQUIRE(task.ok());
    tasks_first.PutTask(*task);
  }
  auto store = std::move(*storage::Store::Open(":memory:"));
  REQUIRE(store->Commit(tasks_first).ok());
  REQUIRE(store->Commit(dump).ok());  // an upsert keeps its row's place
  control::ControlPlane reloaded(store.get(), &f.clock, IdGenerator(5), f.options);
  REQUIRE(reloaded.Load().ok());
  CHECK(reloaded.CheckInvariants().ok());
  CHECK(testing::Rows(reloaded) == testing::Rows(*f.cp));
  for (const auto* ci : fleet) {
    std::vector<const model::ContainerInstance*> found;
    std::vector<control::DescribeFailure> failures;
    REQUIRE(reloaded.DescribeContainerInstances(f.ctx, "c", {ci->arn}, &found, &failures).ok());
    REQUIRE(found.size() == 1);
    CHECK(reloaded.RemainingResources(*found[0]) == f.cp->RemainingResources(*ci));
  }
  auto c = reloaded.FindCluster(f.ctx, "c", false);
  REQUIRE(c.ok());
  CHECK(reloaded.CountsFor(**c).running_tasks == 2);
}

TEST_CASE("StartTask places on the named instances only", "[tasks][starttask]") {
  TaskFixture f;
  f.Cluster("c");
  auto fleet = f.Fleet("c", 3, 1024, 1024);
  auto td = f.Simple("s", 600, 100);
  REQUIRE(f.cp->DeregisterContainerInstance(f.ctx, "c", fleet[2]->id, false).ok());
  std::vector<const model::ContainerInstance*> none;
  std::vector<const model::ContainerInstance*> updated;
  std::vector<DescribeFailure> failures;
  REQUIRE(f.cp->UpdateContainerInstancesState(f.ctx, "c", {fleet[1]->id},
                                              model::InstanceStatus::kDraining, &updated, &failures)
              .ok());
  auto in = f.Run("c", td);
  in.container_instances = {fleet[0]->arn, fleet[1]->id, fleet[2]->id,
                            "0123456789abcdef0123456789abcdef"};
  in.count = 4;
  auto out = f.MustRun(in);
  REQUIRE(out.tasks.size() == 1);
  CHECK(out.tasks[0]->container_instance_id == fleet[0]->id);
  REQUIRE(out.failures.size() == 3);
  CHECK(out.failures[0].arn == fleet[1]->arn);
  CHECK(out.failures[0].reason == "DRAINING");
  CHECK(out.failures[1].arn == fleet[2]->arn);
  CHECK(out.failures[1].reason == "INACTIVE");
  CHECK(out.failures[2].reason == "MISSING");
  CHECK(out.failures[2].arn ==
        "arn:aws:ecs:us-east-1:000000000000:container-instance/c/0123456789abcdef0123456789abcdef");

  // Only resources are checked: the same instance twice fits once (CPU 1024, task 600).
  in.container_instances = {fleet[0]->id};
  in.count = 1;
  auto full = f.MustRun(in);
  REQUIRE(full.failures.size() == 1);
  CHECK(full.failures[0].reason == "RESOURCE:CPU");
}

TEST_CASE("A DRAINING instance takes no RunTask placements", "[tasks][draining]") {
  TaskFixture f;
  f.Cluster("c");
  auto fleet = f.Fleet("c", 2);
  auto td = f.Simple("a", 10, 10);
  auto before = f.MustRun(f.Run("c", td, 4));
  std::vector<const model::ContainerInstance*> updated;
  std::vector<DescribeFailure> failures;
  REQUIRE(f.cp->UpdateContainerInstancesState(f.ctx, "c", {fleet[0]->arn},
                                              model::InstanceStatus::kDraining, &updated, &failures)
              .ok());
  for (int i = 0; i < 5; ++i) {
    for (const auto* t : f.MustRun(f.Run("c", td, 10)).tasks) {
      CHECK(t->container_instance_id == fleet[1]->id);
    }
  }
  // Standalone tasks already on the draining instance keep running.
  f.Advance(200);
  for (const auto* t : before.tasks) CHECK(f.Task("c", t->id)->last_status == S::kRunning);
  // Draining both leaves nothing to place on: the ECS error.
  REQUIRE(f.cp->UpdateContainerInstancesState(f.ctx, "c", {fleet[1]->arn},
                                              model::InstanceStatus::kDraining, &updated, &failures)
              .ok());
  CHECK(f.cp->RunTask(f.ctx, f.Run("c", td)).status().message() ==
        "No Container Instances were found in your cluster.");
}

TEST_CASE("DeregisterContainerInstance with and without force", "[tasks][deregister]") {
  TaskFixture f;
  f.Cluster("c");
  auto fleet = f.Fleet("c", 1);
  const std::string ci = fleet[0]->arn;
  auto out = f.MustRun(f.Run("c", f.Simple("a", 10, 10), 2));
  f.Advance(200);
  auto refused = f.cp->DeregisterContainerInstance(f.ctx, "c", ci, false);
  CHECK(refused.status().code() == ErrorCode::kInvalidParameterException);
  CHECK(f.Instance("c", ci)->status == "ACTIVE");

  auto forced = f.cp->DeregisterContainerInstance(f.ctx, "c", ci, true);
  REQUIRE(forced.ok());
  CHECK((*forced)->status == "INACTIVE");
  CHECK_FALSE((*forced)->agent_connected);
  for (const auto* t : out.tasks) {
    const model::Task* now = f.Task("c", t->id);
    CHECK(now->desired_status == "STOPPED");
    CHECK(now->stopped_reason == "Container instance deregistration forced by user");
  }
  f.Advance(200);
  for (const auto* t : out.tasks) CHECK(f.Task("c", t->id)->is_stopped());
  CHECK(f.Counts("c").registered_container_instances == 0);
  // Deregistered instances stay describable but are not listed, and a second call fails.
  CHECK(f.Instance("c", ci)->status == "INACTIVE");
  CHECK(f.cp->ListContainerInstances(f.ctx, {.cluster = "c"})->arns.empty());
  CHECK_FALSE(f.cp->DeregisterContainerInstance(f.ctx, "c", ci, true).ok());
}

TEST_CASE("Deregistering an idle instance needs no force", "[tasks][deregister]") {
  TaskFixture f;
  f.Cluster("c");
  auto fleet = f.Fleet("c", 1);
  auto out = f.MustRun(f.Run("c", f.Simple("a", 10, 10)));
  REQUIRE(f.cp->StopTask(f.ctx, "c", out.tasks[0]->id, "").ok());
  // desiredStatus STOPPED is enough even though the task is still stopping.
  CHECK(f.cp->DeregisterContainerInstance(f.ctx, "c", fleet[0]->id, false).ok());
}

TEST_CASE("The agent's state changes drive the task", "[tasks][agent]") {
  TaskFixture f;
  f.Cluster("c");
  f.Fleet("c", 1);
  auto td = f.Definition(R"({"family":"pair","containerDefinitions":[
      {"name":"main","image":"x","memory":64},
      {"name":"side","image":"y","memory":64,"essential":false}]})");

  SECTION("an essential container exiting stops the task: EssentialContainerExited") {
    auto id = f.MustRun(f.Run("c", td)).tasks[0]->id;
    f.Advance(200);
    TaskStateChangeInput side;
    side.cluster = "c";
    side.task = id;
    side.containers.push_back({"side", "STOPPED", 3, "side car done", "", {}});
    REQUIRE(f.cp->SubmitTaskStateChange(f.ctx, side).ok());
    const model::Task* t = f.Task("c", id);
    CHECK(t->desired_status == "RUNNING");  // not essential
    CHECK(t->containers[1].last_status == "STOPPED");
    CHECK(t->containers[1].exit_code == 3);

    TaskStateChangeInput main;
    main.cluster = "c";
    main.task = "arn:aws:ecs:us-east-1:000000000000:task/c/" + id;
    main.containers.push_back({"main", "STOPPED", 1, "boom", "", {}});
    REQUIRE(f.cp->SubmitTaskStateChange(f.ctx, main).ok());
    t = f.Task("c", id);
    CHECK(t->desired_status == "STOPPED");
    CHECK(t->stop_code == "EssentialContainerExited");
    CHECK(t->stopped_reason == "Essential container in task exited");
    CHECK(t->containers[0].exit_code == 1);
    CHECK(t->containers[0].reason == "boom");
    f.Advance(100);
    t = f.Task("c", id);
    CHECK(t->is_stopped());
    CHECK(t->containers[0].exit_code == 1);  // the agent's code is kept
  }
  SECTION("a task that stops before RUNNING failed to start") {
    auto id = f.MustRun(f.Run("c", td)).tasks[0]->id;
    TaskStateChangeInput in;
    in.cluster = "c";
    in.task = id;
    in.status = "STOPPED";
    in.reason = "CannotPullContainerError: not found";
    REQUIRE(f.cp->SubmitTaskStateChange(f.ctx, in).ok());
    const model::Task* t = f.Task("c", id);
    CHECK(t->is_stopped());
    CHECK(t->stop_code == "TaskFailedToStart");
    CHECK(t->stopped_reason == "CannotPullContainerError: not found");
    CHECK(t->failed_to_start);
    CHECK_FALSE(t->containers[0].exit_code);  // never ran
    CHECK(f.Counts("c").pending_tasks == 0);
    CHECK(f.Instance("c", t->container_instance_id)->usage.cpu == 0);
  }
  SECTION("RUNNING from the agent, then a backwards report is refused without effect") {
    auto id = f.MustRun(f.Run("c", td)).tasks[0]->id;
    TaskStateChangeInput in;
    in.cluster = "c";
    in.task = id;
    in.status = "RUNNING";
    in.containers.push_back(
        {"main", "RUNNING", std::nullopt, "", "docker-1", {{"0.0.0.0", 80, 32768, "tcp"}}});
    REQUIRE(f.cp->SubmitTaskStateChange(f.ctx, in).ok());
    const model::Task* t = f.Task("c", id);
    CHECK(t->last_status == S::kRunning);
    CHECK(t->containers[0].runtime_id == "docker-1");
    CHECK(t->containers[0].network_bindings.size() == 1);
    CHECK(f.Counts("c").running_tasks == 1);
    const int64_t version = t->version;

    TaskStateChangeInput back;
    back.cluster = "c";
    back.task = id;
    back.status = "PENDING";
    back.containers.push_back({"main", "STOPPED", 9, "", "", {}});
    CHECK(f.cp->SubmitTaskStateChange(f.ctx, back).status().code() ==
          ErrorCode::kInvalidParameterException);
    t = f.Task("c", id);
    CHECK(t->version == version);
    CHECK(t->containers[0].last_status == "RUNNING");
    CHECK_FALSE(t->containers[0].exit_code);

    TaskStateChangeInput unknown;
    unknown.cluster = "c";
    unknown.task = id;
    unknown.containers.push_back({"ghost", "STOPPED", 1, "", "", {}});
    CHECK_FALSE(f.cp->SubmitTaskStateChange(f.ctx, unknown).ok());
    unknown.task = "ffffffffffffffffffffffffffffffff";
    CHECK(f.cp->SubmitTaskStateChange(f.ctx, unknown).status().message() ==
          "The referenced task was not found.");
  }
}

TEST_CASE("StopTask errors", "[tasks][stop]") {
  TaskFixture f;
  f.Cluster("c");
  auto r = f.cp->StopTask(f.ctx, "c", "0123", "");
  CHECK(r.status().code() == ErrorCode::kInvalidParameterException);
  CHECK(r.status().message() == "The referenced task was not found.");
  CHECK(f.cp->StopTask(f.ctx, "nope", "0123", "").status().code() ==
        ErrorCode::kClusterNotFoundException);
}

TEST_CASE("ListTasks filters and pages", "[tasks][list]") {
  TaskFixture f;
  f.Cluster("c");
  auto fleet = f.Fleet("c", 2);
  auto web = f.Simple("web", 10, 10);
  auto db = f.Simple("db", 10, 10);
  auto fg =
      f.Definition(R"({"family":"fg","networkMode":"awsvpc","requiresCompatibilities":["FARGATE"],
      "cpu":"256","memory":"512","containerDefinitions":[{"name":"app","image":"nginx"}]})");
  auto w = f.Run("c", web, 4);
  w.started_by = "ci-job";
  w.strategies = {{"spread", "instanceId"}};
  auto web_tasks = f.MustRun(w).tasks;
  auto db_tasks = f.MustRun(f.Run("c", db, 2)).tasks;
  auto fin = f.Run("c", fg);
  fin.launch_type = model::LaunchType::kFargate;
  fin.network = model::AwsVpcConfiguration{{"subnet-a"}, {}};
  auto fg_tasks = f.MustRun(fin).tasks;
  REQUIRE(f.cp->StopTask(f.ctx, "c", db_tasks[1]->id, "").ok());

  ListTasksInput all;
  all.cluster = "c";
  CHECK(f.List(all).size() == 6);  // desiredStatus RUNNING by default
  auto stopped = all;
  stopped.desired_status = model::DesiredStatus::kStopped;
  CHECK(f.List(stopped) == std::vector<std::string>{db_tasks[1]->arn});
  auto pending = all;
  pending.desired_status = std::nullopt;  // PENDING: never a desired status
  CHECK(f.List(pending).empty());
  auto family = all;
  family.family = "web";
  CHECK(f.List(family).size() == 4);
  auto by = all;
  by.started_by = "ci-job";
  CHECK(f.List(by).size() == 4);
  auto lt = all;
  lt.launch_type = model::LaunchType::kFargate;
  CHECK(f.List(lt) == std::vector<std::string>{fg_tasks[0]->arn});
  auto on = all;
  on.container_instance = fleet[0]->arn;
  auto on_first = f.List(on);
  on.container_instance = fleet[0]->id;
  CHECK(f.List(on) == on_first);
  int expected = 0;
  for (const auto* t : web_tasks) expected += t->container_instance_id == fleet[0]->id;
  for (const auto* t : db_tasks) {
    expected += t->container_instance_id == fleet[0]->id && t->desired_status == "RUNNING";
  }
  CHECK(static_cast<int>(on_first.size()) == expected);

  auto mixed = by;
  mixed.family = "web";
  CHECK(f.cp->ListTasks(f.ctx, mixed).status().code() == ErrorCode::kInvalidParameterException);
  auto svc = all;
  svc.service_name = "nope";
  CHECK(f.cp->ListTasks(f.ctx, svc).status().code() == ErrorCode::kServiceNotFoundException);

  // Pages of 2 in creation order, no token on the last page.
  auto paged = all;
  paged.max_results = 2;
  std::vector<std::string> seen;
  int pages = 0;
  for (;;) {
    auto page = f.cp->ListTasks(f.ctx, paged);
    REQUIRE(page.ok());
    ++pages;
    CHECK(page->arns.size() <= 2);
    seen.insert(seen.end(), page->arns.begin(), page->arns.end());
    if (!page->next_token) break;
    paged.next_token = page->next_token;
  }
  CHECK(pages == 3);
  CHECK(seen == f.List(all));
  CHECK(seen[0] == web_tasks[0]->arn);
  // A token is bound to its filters.
  auto first = f.cp->ListTasks(f.ctx, [&] {
    auto p = all;
    p.max_results = 1;
    return p;
  }());
  auto other = family;
  other.next_token = first->next_token;
  CHECK(f.cp->ListTasks(f.ctx, other).status().code() == ErrorCode::kInvalidParameterException);
  auto garbage = all;
  garbage.next_token = "not-a-token";
  CHECK_FALSE(f.cp->ListTasks(f.ctx, garbage).ok());
  auto too_big = all;
  too_big.max_results = 101;
  CHECK_FALSE(f.cp->ListTasks(f.ctx, too_big).ok());
}

TEST_CASE("DescribeTasks reports MISSING and keeps request order", "[tasks][describe]") {
  TaskFixture f;
  f.Cluster("c");
  f.Fleet("c", 1);
  auto out = f.MustRun(f.Run("c", f.Simple("a", 10, 10), 2));
  std::vector<const model::Task*> found;
  std::vector<DescribeFailure> failures;
  REQUIRE(f.cp->DescribeTasks(f.ctx, "c",
                              {out.tasks[1]->arn, "abc", out.tasks[0]->id, out.tasks[1]->id},
                              &found, &failures)
              .ok());
  REQUIRE(found.size() == 2);
  CHECK(found[0] == out.tasks[1]);
  CHECK(found[1] == out.tasks[0]);
  REQUIRE(failures.size() == 1);
  CHECK(failures[0].arn == "arn:aws:ecs:us-east-1:000000000000:task/c/abc");
  CHECK(failures[0].reason == "MISSING");
  found.clear();
  CHECK(f.cp->DescribeTasks(f.ctx, "c", {}, &found, &failures).message() ==
        "Tasks cannot be empty.");
  CHECK(f.cp->DescribeTasks(f.ctx, "nope", {"x"}, &found, &failures).code() ==
        ErrorCode::kClusterNotFoundException);
}

TEST_CASE("Configured delays and a zero delay", "[tasks][lifecycle][config]") {
  auto options = ecs::testing::FastOptions();
  options.lifecycle.pending = 5'000;
  options.lifecycle.stopping = 0;
  TaskFixture f(options);
  f.Cluster("c");
  f.Fleet("c", 1);
  auto id = f.MustRun(f.Run("c", f.Simple("a", 10, 10))).tasks[0]->id;
  f.Advance(4'999);
  CHECK(f.Task("c", id)->last_status == S::kPending);
  f.Advance(1);
  CHECK(f.Task("c", id)->last_status == S::kRunning);
  REQUIRE(f.cp->StopTask(f.ctx, "c", id, "").ok());
  // STOPPING is due at once, and STOPPED 0 ms later: both happen on this instant.
  f.Advance(0);
  CHECK(f.Task("c", id)->is_stopped());
}

TEST_CASE("Transitions run in time order across tasks", "[tasks][lifecycle]") {
  TaskFixture f;
  f.Cluster("c");
  f.Fleet("c", 1);
  auto td = f.Simple("a", 10, 10);
  auto a = f.MustRun(f.Run("c", td)).tasks[0]->id;
  f.clock.Advance(50);  // time passes without running anything due
  auto b = f.MustRun(f.Run("c", td)).tasks[0]->id;
  f.Advance(175);  // a is due at +200 and b at +250: only a has run
  CHECK(f.Task("c", a)->last_status == S::kRunning);
  CHECK(f.Task("c", b)->last_status == S::kPending);
  CHECK(f.Task("c", a)->started_at == *f.Task("c", a)->pull_started_at + 200);
  f.Advance(25);
  CHECK(f.Task("c", b)->started_at == *f.Task("c", b)->pull_started_at + 200);
}

TEST_CASE("A reloaded control plane sees the same tasks, reservations and due steps",
          "[tasks][persistence]") {
  TaskFixture f;
  f.Cluster("c");
  std::vector<std::pair<std::string, std::string>> fleet;  // (id, arn): survive the reload
  for (const auto* ci : f.Fleet("c", 3, 2048, 4096)) fleet.emplace_back(ci->id, ci->arn);
  auto td =
      f.Simple("p", 300, 700, R"([{"containerPort":80,"hostPort":8080},{"containerPort":81}])");
  auto in = f.Run("c", td, 2);
  in.strategies = {{"spread", "instanceId"}};
  auto out = f.MustRun(in);
  REQUIRE(out.tasks.size() == 2);
  const std::string running = out.tasks[0]->id, stopping = out.tasks[1]->id;
  f.Advance(200);
  REQUIRE(f.cp->StopTask(f.ctx, "c", stopping, "").ok());
  f.Advance(0);                                           // STOPPING, STOPPED due in 100 ms
  auto pending = f.MustRun(f.Run("c", td)).tasks[0]->id;  // PENDING, RUNNING due in 200 ms

  auto snapshot = [&] {
    std::map<std::string, std::string> s;
    for (const auto& id : {running, stopping, pending}) {
      const model::Task* t = f.Task("c", id);
      REQUIRE(t != nullptr);
      s[id] = std::string(model::ToString(t->last_status)) + "/" +
              std::string(model::ToString(t->desired_status)) + "/v" + std::to_string(t->version) +
              "/" + t->container_instance_id;
    }
    for (const auto& [id, arn] : fleet) {
      for (const char* r : {"CPU", "MEMORY"}) {
        s[id + r] = std::to_string(f.Remaining("c", arn, r).integer_value);
      }
      s[id + "PORTS"] = std::to_string(f.Remaining("c", arn, "PORTS").string_set.size());
    }
    auto counts = f.Counts("c");
    s["counts"] = std::to_string(counts.pending_tasks) + "/" + std::to_string(counts.running_tasks);
    return s;
  };
  const auto before = snapshot();
  const auto due = f.cp->NextDue();
  const auto dyn = f.Task("c", running)->dynamic_tcp_ports;

  f.Reload();
  CHECK(snapshot() == before);
  CHECK(f.cp->NextDue() == due);
  CHECK(f.Task("c", running)->dynamic_tcp_ports == dyn);
  CHECK(f.Task("c", running)->containers[0].network_bindings.size() == 2);

  f.Advance(200);
  CHECK(f.Task("c", stopping)->is_stopped());
  CHECK(f.Task("c", pending)->last_status == S::kRunning);
  auto counts = f.Counts("c");
  CHECK(counts.running_tasks == 2);
  CHECK(counts.pending_tasks == 0);
  // Dynamic ports were rebuilt too: a new task on the same instance does not reuse them.
  auto again = f.Run("c", f.Simple("dyn", 10, 10, R"([{"containerPort":81}])"));
  again.constraints = {{"memberOf", "ec2InstanceId == " + f.Task("c", running)->ec2_instance_id}};
  auto fresh = f.MustRun(again);
  REQUIRE(fresh.tasks.size() == 1);
  REQUIRE(fresh.tasks[0]->dynamic_tcp_ports.size() == 1);
  CHECK(std::find(dyn.begin(), dyn.end(), fresh.tasks[0]->dynamic_tcp_ports[0]) == dyn.end());
}

TEST_CASE("A frozen clock holds every step until time is advanced", "[tasks][lifecycle][clock]") {
  auto options = ecs::testing::FastOptions();
  options.lifecycle.pending = 0;  // due the instant the task is created
  TaskFixture f(options);
  f.Cluster("c");
  f.Fleet("c", 1);
  f.clock.set_frozen(true);
  auto id = f.MustRun(f.Run("c", f.Simple("a", 10, 10))).tasks[0]->id;
  // A zero delay takes 1 ms under a frozen clock, so every state is its own instant.
  REQUIRE(f.cp->NextDue() == f.clock.Now() + 1);
  REQUIRE(f.cp->RunDue(f.clock.Now() + 1).ok());  // a reconciler tick: held
  CHECK(f.Task("c", id)->last_status == S::kPending);
  REQUIRE(f.cp->RunDue(f.clock.Now() + 1, /*advancing=*/true).ok());
  CHECK(f.Task("c", id)->last_status == S::kRunning);
  REQUIRE(f.cp->StopTask(f.ctx, "c", id, "").ok());
  REQUIRE(f.cp->RunDue(f.clock.Now() + 10'000).ok());
  CHECK(f.Task("c", id)->last_status == S::kRunning);
  f.clock.set_frozen(false);
  REQUIRE(f.cp->RunDue(f.clock.Now() + 10'000).ok());
  CHECK(f.Task("c", id)->is_stopped());
}

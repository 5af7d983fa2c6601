// Tests for taskdef/ (normalize, sizes, compat, render): round trips (botocore / AWS CLI examples
// and a definition using every member family), every validation error, Fargate sizes, cpu/memory
// normalization, compatibilities, requiresAttributes and the render splice.
#include "taskdef/normalize.h"

#include <algorithm>
#include <catch2/catch.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/json.h"
#include "taskdef/render.h"
#include "taskdef/sizes.h"
#include "taskdef/stored.h"

namespace ecs::taskdef {
namespace {

Result<TaskDefinitionSpec> Normalize(std::string_view json) {
  auto doc = ParseJsonObject(json);
  REQUIRE(doc.ok());
  return NormalizeTaskDefinition(**doc);
}

TaskDefinitionSpec NormalizeOk(std::string_view json) {
  auto spec = Normalize(json);
  INFO(json);
  INFO(spec.status().message());
  REQUIRE(spec.ok());
  return std::move(spec).value();
}

rapidjson::Document Parse(std::string_view json) {
  rapidjson::Document d;
  d.Parse(json.data(), json.size());
  REQUIRE(!d.HasParseError());
  return d;
}

// v[key] without rapidjson's operator[], whose "missing member" path returns a shared static
// Null (and trips clang-analyzer); a missing member fails the test instead.
const rapidjson::Value& At(const rapidjson::Value& v, std::string_view key) {
  REQUIRE(v.IsObject());
  auto it = v.FindMember(rapidjson::StringRef(key.data(), key.size()));
  REQUIRE(it != v.MemberEnd());
  return it->value;
}
rapidjson::Value& At(rapidjson::Value& v, std::string_view key) {
  return const_cast<rapidjson::Value&>(At(std::as_const(v), key));
}

std::vector<std::string> Keys(const rapidjson::Value& obj) {
  std::vector<std::string> keys;
  for (const auto& m : obj.GetObject()) keys.emplace_back(m.name.GetString());
  return keys;
}

// item(0), …, item(n-1) joined with commas.
template <typename F>
std::string JoinN(int n, F item) {
  std::string out;
  for (int i = 0; i < n; ++i) {
    if (i > 0) out += ',';
    out += item(i);
  }
  return out;
}

// A one-container bridge definition with `container` and `task` spliced in as extra members.
std::string Def(std::string_view container = "", std::string_view task = "") {
  return std::string(R"({"family":"web","containerDefinitions":[{"name":"app","image":"nginx",)") +
         R"("memory":128)" + std::string(container) + "}]" + std::string(task) + "}";
}

// --- Round trips ---------------------------------------------------------------------------

TEST_CASE("botocore RegisterTaskDefinition example round-trips with defaults", "[taskdef]") {
  // botocore data/ecs/2014-11-13/examples-1.json, "To register a task definition". Its output
  // omits the empty taskRoleArn; defaults and computed members as AWS adds them.
  auto spec = NormalizeOk(R"({"containerDefinitions":[{"name":"sleep","command":["sleep","360"],
      "cpu":10,"essential":true,"image":"busybox","memory":10}],"family":"sleep360",
      "taskRoleArn":"","volumes":[]})");
  CHECK(spec.body.text() ==
        R"({"containerDefinitions":[{"name":"sleep","command":["sleep","360"],"cpu":10,)"
        R"("essential":true,"image":"busybox","memory":10,"portMappings":[],"environment":[],)"
        R"("mountPoints":[],"volumesFrom":[]}],"family":"sleep360","volumes":[],)"
        R"("placementConstraints":[],"compatibilities":["EXTERNAL","EC2"]})");
  CHECK(spec.family == "sleep360");
  CHECK_FALSE(spec.network_mode.has_value());
  CHECK(spec.requires_attributes->empty());
  REQUIRE(spec.containers.size() == 1);
  CHECK(spec.containers[0]->cpu == 10);
  CHECK(spec.containers[0]->memory == 10);
  CHECK(spec.containers[0]->essential);
}

TEST_CASE("AWS CLI register-task-definition example matches the documented output", "[taskdef]") {
  // awscli/examples/ecs/register-task-definition.rst (sleep360.json); output members compared
  // irrespective of order, as the CLI pretty-printer reorders them.
  auto spec = NormalizeOk(R"({"containerDefinitions":[{"name":"sleep","image":"busybox",
      "cpu":10,"command":["sleep","360"],"memory":10,"essential":true}],"family":"sleep360"})");
  auto got = Parse(spec.body.text());
  auto want = Parse(R"({"family":"sleep360","placementConstraints":[],
      "compatibilities":["EXTERNAL","EC2"],"volumes":[],"containerDefinitions":[{
      "environment":[],"name":"sleep","mountPoints":[],"image":"busybox","cpu":10,
      "portMappings":[],"command":["sleep","360"],"memory":10,"essential":true,
      "volumesFrom":[]}]})");
  CHECK(got == want);
}

TEST_CASE("AWS CLI describe-task-definition hello_world example round-trips", "[taskdef]") {
  // awscli/examples/ecs/describe-task-definition.rst, registered from the equivalent input. The
  // documented output predates `protocol` defaulting; today's ECS adds "protocol":"tcp".
  auto spec = NormalizeOk(R"({"family":"hello_world","containerDefinitions":[
      {"name":"wordpress","links":["mysql"],"image":"wordpress","essential":true,
       "portMappings":[{"containerPort":80,"hostPort":80}],"memory":500,"cpu":10},
      {"environment":[{"name":"MYSQL_ROOT_PASSWORD","value":"password"}],"name":"mysql",
       "image":"mysql","cpu":10,"memory":500,"essential":true}]})");
  auto got = Parse(spec.body.text());
  auto want = Parse(R"({"containerDefinitions":[
      {"cpu":10,"environment":[],"essential":true,"image":"wordpress","links":["mysql"],
       "memory":500,"mountPoints":[],"name":"wordpress",
       "portMappings":[{"containerPort":80,"hostPort":80,"protocol":"tcp"}],"volumesFrom":[]},
      {"cpu":10,"environment":[{"name":"MYSQL_ROOT_PASSWORD","value":"password"}],
       "essential":true,"image":"mysql","memory":500,"mountPoints":[],"name":"mysql",
       "portMappings":[],"volumesFrom":[]}],
      "family":"hello_world","volumes":[],"placementConstraints":[],
      "compatibilities":["EXTERNAL","EC2"]})");
  CHECK(got == want);
  REQUIRE(spec.containers[0]->port_mappings.size() == 1);
  CHECK(spec.containers[0]->port_mappings[0].host_port == 80);
}

// Every member of ContainerDefinition and every task-level member family, on EC2 bridge.
constexpr std::string_view kEverything = R"({
  "family": "everything",
  "taskRoleArn": "arn:aws:iam::123456789012:role/task",
  "executionRoleArn": "arn:aws:iam::123456789012:role/exec",
  "networkMode": "bridge",
  "containerDefinitions": [
    {
      "name": "web",
      "image": "123456789012.dkr.ecr.us-east-1.amazonaws.com/web:1",
      "repositoryCredentials": {"credentialsParameter": "arn:aws:secretsmanager:us-east-1:123456789012:secret:creds"},
      "cpu": 256,
      "memory": 512,
      "memoryReservation": 256,
      "links": ["sidecar:side"],
      "portMappings": [
        {"containerPort": 80, "hostPort": 8080, "protocol": "tcp", "name": "http", "appProtocol": "http"},
        {"containerPort": 53, "protocol": "udp"},
        {"containerPortRange": "9000-9010"}
      ],
      "essential": true,
      "restartPolicy": {"enabled": true, "ignoredExitCodes": [0, 137], "restartAttemptPeriod": 300},
      "entryPoint": ["/bin/sh", "-c"],
      "command": ["nginx", "-g", "daemon off;"],
      "environment": [{"name": "MODE", "value": "prod"}],
      "environmentFiles": [{"value": "arn:aws:s3:::bucket/web.env", "type": "s3"}],
      "mountPoints": [{"sourceVolume": "scratch", "containerPath": "/scratch", "readOnly": false}],
      "volumesFrom": [{"sourceContainer": "sidecar", "readOnly": true}],
      "linuxParameters": {
        "capabilities": {"add": ["NET_ADMIN"], "drop": ["MKNOD"]},
        "devices": [{"hostPath": "/dev/fuse", "containerPath": "/dev/fuse", "permissions": ["read", "write"]}],
        "initProcessEnabled": true,
        "sharedMemorySize": 64,
        "tmpfs": [{"containerPath": "/tmp", "size": 64, "mountOptions": ["rw"]}],
        "maxSwap": 0,
        "swappiness": 60
      },
      "secrets": [{"name": "DB_PASSWORD", "valueFrom": "arn:aws:ssm:us-east-1:123456789012:parameter/db"}],
      "dependsOn": [{"containerName": "sidecar", "condition": "START"}],
      "startTimeout": 60,
      "stopTimeout": 30,
      "versionConsistency": "enabled",
      "hostname": "web",
      "user": "nginx",
      "workingDirectory": "/srv",
      "disableNetworking": false,
      "privileged": false,
      "readonlyRootFilesystem": true,
      "dnsServers": ["10.0.0.2"],
      "dnsSearchDomains": ["example.internal"],
      "extraHosts": [{"hostname": "db", "ipAddress": "10.0.0.10"}],
      "dockerSecurityOptions": ["no-new-privileges"],
      "interactive": false,
      "pseudoTerminal": false,
      "dockerLabels": {"team": "web"},
      "ulimits": [{"name": "nofile", "softLimit": 1024, "hardLimit": 4096}],
      "logConfiguration": {
        "logDriver": "awslogs",
        "options": {"awslogs-group": "/ecs/web", "awslogs-region": "us-east-1"},
        "secretOptions": [{"name": "token", "valueFrom": "arn:aws:secretsmanager:us-east-1:123456789012:secret:tok"}]
      },
      "healthCheck": {"command": ["CMD-SHELL", "curl -f http://localhost/ || exit 1"],
                      "interval": 30, "timeout": 5, "retries": 3, "startPeriod": 10},
      "systemControls": [{"namespace": "net.core.somaxconn", "value": "1024"}],
      "resourceRequirements": [{"value": "1", "type": "GPU"}],
      "firelensConfiguration": {"type": "fluentbit", "options": {"enable-ecs-log-metadata": "true"}},
      "credentialSpecs": ["credentialspec:arn:aws:s3:::bucket/spec.json"]
    },
    {
      "name": "sidecar",
      "image": "busybox",
      "memoryReservation": 64,
      "essential": false
    }
  ],
  "volumes": [
    {"name": "scratch", "host": {"sourcePath": "/var/scratch"}},
    {"name": "bind"},
    {"name": "docker", "dockerVolumeConfiguration": {"scope": "shared", "autoprovision": true,
      "driver": "rexray/ebs", "driverOpts": {"size": "5"}, "labels": {"app": "web"}}},
    {"name": "efs", "efsVolumeConfiguration": {"fileSystemId": "fs-1234", "rootDirectory": "/",
      "transitEncryption": "ENABLED", "transitEncryptionPort": 2049,
      "authorizationConfig": {"accessPointId": "fsap-1", "iam": "ENABLED"}}},
    {"name": "s3files", "s3filesVolumeConfiguration": {"fileSystemArn": "arn:aws:s3files:us-east-1:123456789012:file-system/fs-1",
      "rootDirectory": "/", "transitEncryptionPort": 2049, "accessPointArn": "arn:aws:s3files:us-east-1:123456789012:access-point/ap-1"}},
    {"name": "fsx", "fsxWindowsFileServerVolumeConfiguration": {"fileSystemId": "fs-0123",
      "rootDirectory": "share", "authorizationConfig": {"credentialsParameter": "arn:aws:ssm:us-east-1:123456789012:parameter/fsx", "domain": "corp"}}},
    {"name": "later", "configuredAtLaunch": true}
  ],
  "placementConstraints": [{"type": "memberOf", "expression": "attribute:ecs.instance-type =~ t3.*"}],
  "requiresCompatibilities": ["EC2"],
  "cpu": "1 vCPU",
  "memory": "2 GB",
  "tags": [{"key": "team", "value": "web"}],
  "pidMode": "task",
  "ipcMode": "none",
  "inferenceAccelerators": [{"deviceName": "acc1", "deviceType": "eia2.medium"}],
  "ephemeralStorage": {"sizeInGiB": 30},
  "runtimePlatform": {"cpuArchitecture": "X86_64", "operatingSystemFamily": "LINUX"},
  "enableFaultInjection": true
})";

TEST_CASE("a definition using every member family round-trips with defaults only added",
          "[taskdef]") {
  auto spec = NormalizeOk(kEverything);
  auto input = Parse(kEverything);
  auto got = Parse(spec.body.text());

  // Expected = input − tags + defaults + normalized sizes + computed members.
  auto& a = input.GetAllocator();
  input.RemoveMember("tags");
  At(input, "cpu").SetString("1024", a);
  At(input, "memory").SetString("2048", a);
  auto& sidecar = At(input, "containerDefinitions")[1];
  sidecar.AddMember("cpu", 0, a);
  for (const char* key : {"portMappings", "environment", "mountPoints", "volumesFrom"}) {
    sidecar.AddMember(rapidjson::StringRef(key), rapidjson::Value(rapidjson::kArrayType), a);
  }
  auto& mappings = At(At(input, "containerDefinitions")[0], "portMappings");
  mappings[2].AddMember("protocol", "tcp", a);  // the range; bridge never fills in hostPort
  rapidjson::Value compatibilities(rapidjson::kArrayType);
  compatibilities.PushBack("EXTERNAL", a).PushBack("EC2", a);
  input.AddMember("compatibilities", compatibilities, a);
  input.AddMember("requiresAttributes", rapidjson::Value(At(got, "requiresAttributes"), a), a);
  CHECK(got == input);

  // Task members in AWS's order; container members in the client's order, defaults last.
  CHECK(Keys(got) == std::vector<std::string>{
                         "containerDefinitions", "family", "taskRoleArn", "executionRoleArn",
                         "networkMode", "volumes", "requiresAttributes", "placementConstraints",
                         "compatibilities", "requiresCompatibilities", "cpu", "memory",
                         "runtimePlatform", "inferenceAccelerators", "pidMode", "ipcMode",
                         "ephemeralStorage", "enableFaultInjection"});
  CHECK(Keys(At(got, "containerDefinitions")[0]) ==
        Keys(At(Parse(kEverything), "containerDefinitions")[0]));
  CHECK(Keys(At(got, "containerDefinitions")[1]) ==
        std::vector<std::string>{"name", "image", "memoryReservation", "essential", "cpu",
                                 "portMappings", "environment", "mountPoints", "volumesFrom"});

  // Extracted facts.
  CHECK(spec.cpu == 1024);
  CHECK(spec.memory == 2048);
  CHECK(spec.network_mode == model::NetworkMode::kBridge);
  CHECK(spec.requires_compatibilities == std::vector<std::string>{"EC2"});
  CHECK(*spec.member_of_expressions ==
        std::vector<std::string>{"attribute:ecs.instance-type =~ t3.*"});
  REQUIRE(spec.tags.size() == 1);
  CHECK(spec.tags[0] == model::Tag{"team", "web"});
  REQUIRE(spec.containers.size() == 2);
  const ContainerSpec& web = spec.containers[0];
  CHECK(web.cpu == 256);
  CHECK(web.memory == 512);
  CHECK(web.memory_reservation == 256);
  CHECK(web.has_health_check);
  CHECK(web.gpu_count == 1);
  REQUIRE(web.port_mappings.size() == 3);
  CHECK(web.port_mappings[0].container_port == 80);
  CHECK(web.port_mappings[0].host_port == 8080);
  CHECK(web.port_mappings[1].protocol == "udp");
  CHECK(web.port_mappings[1].host_port == 0);  // dynamic
  CHECK(web.port_mappings[2].range_first == 9000);
  CHECK(web.port_mappings[2].range_last == 9010);
  CHECK_FALSE(spec.containers[1]->essential);
  CHECK(spec.containers[1]->cpu == 0);
  CHECK_FALSE(spec.containers[1]->memory.has_value());
}

TEST_CASE("requiresAttributes for the everything definition", "[taskdef]") {
  auto spec = NormalizeOk(kEverything);
  const std::vector<std::string> want = {
      "com.amazonaws.ecs.capability.ecr-auth",
      "ecs.capability.execution-role-ecr-pull",
      "com.amazonaws.ecs.capability.private-registry-authentication.secretsmanager",
      "com.amazonaws.ecs.capability.logging-driver.awslogs",
      "com.amazonaws.ecs.capability.docker-remote-api.1.18",
      "com.amazonaws.ecs.capability.docker-remote-api.1.19",
      "ecs.capability.execution-role-awslogs",
      "ecs.capability.secrets.asm.bootstrap.log-driver",
      "ecs.capability.container-health-check",
      "com.amazonaws.ecs.capability.docker-remote-api.1.24",
      "com.amazonaws.ecs.capability.docker-remote-api.1.29",
      "com.amazonaws.ecs.capability.docker-remote-api.1.25",
      "ecs.capability.secrets.ssm.environment-variables",
      "ecs.capability.container-ordering",
      "ecs.capability.env-files.s3",
      "ecs.capability.firelens.fluentbit",
      "ecs.capability.container-port-range",
      "com.amazonaws.ecs.capability.task-iam-role",
      "ecs.capability.pid-ipc-namespace-sharing",
      "ecs.capability.docker-plugin.rexray/ebs",
      "ecs.capability.efs",
      "ecs.capability.efsAuth",
      "ecs.capability.fsxWindowsFileServer"};
  CHECK(*spec.requires_attributes == want);
  auto body = Parse(spec.body.text());
  REQUIRE(At(body, "requiresAttributes").Size() == want.size());
  CHECK(At(body, "requiresAttributes")[0] ==
        Parse(R"({"name":"com.amazonaws.ecs.capability.ecr-auth"})"));
}

TEST_CASE("requiresAttributes of a typical Fargate web service (observed shape)", "[taskdef]") {
  auto spec = NormalizeOk(R"({"family":"api","networkMode":"awsvpc","cpu":"256","memory":"512",
      "requiresCompatibilities":["FARGATE"],
      "executionRoleArn":"arn:aws:iam::123456789012:role/exec",
      "containerDefinitions":[{"name":"api",
        "image":"123456789012.dkr.ecr.us-east-1.amazonaws.com/api:1",
        "portMappings":[{"containerPort":8501}]}]})");
  // Same set as a real describe-task-definition output for this definition.
  CHECK(*spec.requires_attributes ==
        std::vector<std::string>{
            "com.amazonaws.ecs.capability.ecr-auth", "ecs.capability.execution-role-ecr-pull",
            "com.amazonaws.ecs.capability.docker-remote-api.1.18", "ecs.capability.task-eni"});
  CHECK(spec.compatibilities ==
        std::vector<model::LaunchType>{model::LaunchType::kEc2, model::LaunchType::kFargate});
  auto body = Parse(spec.body.text());
  CHECK(At(At(body, "containerDefinitions")[0], "portMappings") ==
        Parse(R"([{"containerPort":8501,"hostPort":8501,"protocol":"tcp"}])"));
  CHECK(spec.containers[0]->port_mappings[0].host_port == 8501);
}

TEST_CASE("unknown members are dropped at every depth and nulls count as absent", "[taskdef]") {
  auto spec = NormalizeOk(R"({"family":"web","bogus":1,"networkMode":null,
      "containerDefinitions":[{"name":"app","image":"nginx","memory":128,"extra":{"a":1},
        "essential":null,
        "logConfiguration":{"logDriver":"json-file","unknownKnob":true},
        "portMappings":[{"containerPort":80,"color":"red"}]}]})");
  CHECK(spec.body.text().find("bogus") == std::string::npos);
  CHECK(spec.body.text().find("extra") == std::string::npos);
  CHECK(spec.body.text().find("unknownKnob") == std::string::npos);
  CHECK(spec.body.text().find("color") == std::string::npos);
  CHECK(spec.body.text().find("networkMode") == std::string::npos);
  auto body = Parse(spec.body.text());
  CHECK(At(At(body, "containerDefinitions")[0], "essential").IsTrue());
  CHECK(At(At(body, "containerDefinitions")[0], "logConfiguration") ==
        Parse(R"({"logDriver":"json-file"})"));
}

TEST_CASE("integers sent as 10.0 are written back as integers", "[taskdef]") {
  auto spec = NormalizeOk(R"({"family":"f","containerDefinitions":[
      {"name":"a","image":"i","memory":128.0,"cpu":10.0}]})");
  CHECK(spec.body.text().find(R"("memory":128,)") != std::string::npos);
  CHECK(spec.body.text().find(R"("cpu":10,)") != std::string::npos);
}

TEST_CASE("tags are validated but not part of the body", "[taskdef]") {
  auto spec = NormalizeOk(Def("", R"(,"tags":[{"key":"a","value":"1"},{"key":"b"}])"));
  CHECK(spec.body.text().find("tags") == std::string::npos);
  CHECK(spec.tags == model::TagList{{"a", "1"}, {"b", ""}});
}

// --- Port mappings ---------------------------------------------------------------------------

TEST_CASE("host ports per network mode", "[taskdef]") {
  SECTION("bridge keeps a missing or 0 hostPort dynamic and does not add it") {
    auto spec = NormalizeOk(
        Def(R"(,"portMappings":[{"containerPort":80},{"containerPort":81,"hostPort":0}])"));
    auto body = Parse(spec.body.text());
    CHECK(At(At(body, "containerDefinitions")[0], "portMappings") ==
          Parse(R"([{"containerPort":80,"protocol":"tcp"},
                    {"containerPort":81,"hostPort":0,"protocol":"tcp"}])"));
    CHECK(spec.containers[0]->port_mappings[0].host_port == 0);
    CHECK(spec.containers[0]->port_mappings[1].host_port == 0);
  }
  SECTION("host fills hostPort from containerPort") {
    auto spec = NormalizeOk(Def(R"(,"portMappings":[{"containerPort":80,"protocol":"udp"}])",
                                R"(,"networkMode":"host")"));
    auto body = Parse(spec.body.text());
    CHECK(At(At(body, "containerDefinitions")[0], "portMappings") ==
          Parse(R"([{"containerPort":80,"protocol":"udp","hostPort":80}])"));
    CHECK(spec.containers[0]->port_mappings[0].host_port == 80);
    CHECK(spec.containers[0]->port_mappings[0].protocol == "udp");
  }
  SECTION("awsvpc accepts an equal hostPort") {
    auto spec = NormalizeOk(Def(R"(,"portMappings":[{"containerPort":80,"hostPort":80}])",
                                R"(,"networkMode":"awsvpc")"));
    CHECK(spec.containers[0]->port_mappings[0].host_port == 80);
  }
}

// --- Validation errors -----------------------------------------------------------------------

struct ErrorCase {
  const char* what;
  std::string json;
  ErrorCode code;
  const char* message;  // substring
};

void CheckErrors(const std::vector<ErrorCase>& cases) {
  for (const ErrorCase& c : cases) {
    INFO(c.what);
    INFO(c.json);
    auto spec = Normalize(c.json);
    REQUIRE_FALSE(spec.ok());
    CHECK(spec.status().type_name() == ErrorTypeName(c.code));
    CHECK_THAT(spec.status().message(), Catch::Contains(c.message));
  }
}

TEST_CASE("wrong JSON types are SerializationExceptions naming the member path", "[taskdef]") {
  constexpr ErrorCode kSer = ErrorCode::kSerializationException;
  CheckErrors({
      {"container cpu as a string", Def(R"(,"cpu":"10")"), kSer, "'containerDefinitions[0].cpu'"},
      {"essential as a string", Def(R"(,"essential":"true")"), kSer,
       "'containerDefinitions[0].essential' can not be converted to a Boolean"},
      {"portMappings not a list", Def(R"(,"portMappings":{"containerPort":80})"), kSer,
       "'containerDefinitions[0].portMappings' can not be converted to a List"},
      {"port as a string", Def(R"(,"portMappings":[{"containerPort":"80"}])"), kSer,
       "'containerDefinitions[0].portMappings[0].containerPort'"},
      {"family as a number", R"({"family":7,"containerDefinitions":[]})", kSer, "'family'"},
      {"task cpu as a number", Def("", R"(,"cpu":256)"), kSer,
       "'cpu' can not be converted to a String"},
      {"containerDefinitions not a list", R"({"family":"f","containerDefinitions":{}})", kSer,
       "'containerDefinitions'"},
      {"a container that is not an object", R"({"family":"f","containerDefinitions":[1]})", kSer,
       "'containerDefinitions[0]'"},
      {"command items not strings", Def(R"(,"command":["a",1])"), kSer,
       "'containerDefinitions[0].command'"},
      {"dockerLabels value not a string", Def(R"(,"dockerLabels":{"a":1})"), kSer,
       "'containerDefinitions[0].dockerLabels'"},
      {"nested struct member", Def(R"(,"logConfiguration":{"logDriver":"awslogs","options":[]})"),
       kSer, "'containerDefinitions[0].logConfiguration.options'"},
      {"integer list item", Def(R"(,"restartPolicy":{"enabled":true,"ignoredExitCodes":["1"]})"),
       kSer, "'containerDefinitions[0].restartPolicy.ignoredExitCodes'"},
      {"integer wider than 32 bits", Def(R"(,"cpu":4294967296)"), kSer,
       "'containerDefinitions[0].cpu' can not be converted to an Integer"},
      {"fractional integer", Def(R"(,"cpu":1.5)"), kSer, "'containerDefinitions[0].cpu'"},
      {"volume host not an object", Def("", R"(,"volumes":[{"name":"v","host":"x"}])"), kSer,
       "'volumes[0].host'"},
      {"tags not a list", Def("", R"(,"tags":{"key":"a"})"), kSer, "'tags'"},
      {"enableFaultInjection as a string", Def("", R"(,"enableFaultInjection":"yes")"), kSer,
       "'enableFaultInjection'"},
      {"ephemeralStorage size as a string", Def("", R"(,"ephemeralStorage":{"sizeInGiB":"30"})"),
       kSer, "'ephemeralStorage.sizeInGiB'"},
  });
  rapidjson::Value array(rapidjson::kArrayType);
  CHECK(NormalizeTaskDefinition(array).status().code() == ErrorCode::kSerializationException);
}

TEST_CASE("definition content errors are ClientExceptions naming the field", "[taskdef]") {
  constexpr ErrorCode kCl = ErrorCode::kClientException;
  const std::string eleven =
      R"({"family":"f","containerDefinitions":[)" +
      JoinN(11,
            [](int i) {
              return R"({"name":"c)" + std::to_string(i) + R"(","image":"i","memory":8})";
            }) +
      "]}";
  const std::string eleven_constraints =
      R"(,"placementConstraints":[)" +
      JoinN(11,
            [](int) {
              return std::string(R"({"type":"memberOf","expression":"attribute:a == b"})");
            }) +
      "]";
  const std::string huge_env =
      R"(,"environment":[)" +
      JoinN(800,
            [](int i) {
              return R"({"name":"VARIABLE_)" + std::to_string(i) +
                     R"(","value":"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"})";
            }) +
      "]";
  CheckErrors({
      // Family.
      {"missing family", R"({"containerDefinitions":[{"name":"a","image":"i","memory":8}]})", kCl,
       "Family should not be null or empty."},
      {"bad family", R"({"family":"a b","containerDefinitions":[]})", kCl, "Invalid family 'a b'"},
      {"long family", R"({"family":")" + std::string(256, 'f') + R"(","containerDefinitions":[]})",
       kCl, "Invalid family"},
      // Container list.
      {"no containers", R"({"family":"f"})", kCl, "Container list cannot be empty."},
      {"empty containers", R"({"family":"f","containerDefinitions":[]})", kCl,
       "Container list cannot be empty."},
      {"eleven containers", eleven, kCl, "at most 10 container definitions"},
      {"too large", Def(huge_env), kCl, "Max allowed length is '65536' bytes."},
      // Container identity.
      {"missing name", R"({"family":"f","containerDefinitions":[{"image":"i","memory":8}]})", kCl,
       "Container.name should not be null or empty."},
      {"bad name",
       R"({"family":"f","containerDefinitions":[{"name":"a.b","image":"i","memory":8}]})", kCl,
       "Invalid container name 'a.b'"},
      {"duplicate name",
       R"({"family":"f","containerDefinitions":[{"name":"a","image":"i","memory":8},
           {"name":"a","image":"i","memory":8}]})",
       kCl, "Duplicate container name 'a'"},
      {"missing image", R"({"family":"f","containerDefinitions":[{"name":"a","memory":8}]})", kCl,
       "Container.image should not be null or empty."},
      {"empty image",
       R"({"family":"f","containerDefinitions":[{"name":"a","image":"","memory":8}]})", kCl,
       "Container.image should not be null or empty."},
      // Resources.
      {"no memory", R"({"family":"f","containerDefinitions":[{"name":"a","image":"i"}]})", kCl,
       "Invalid setting for container 'a'. At least one of 'memory' or 'memoryReservation' must "
       "be specified."},
      {"memory not above reservation", Def(R"(,"memoryReservation":128)"), kCl,
       "'memory' must be greater than 'memoryReservation'"},
      {"zero memory",
       R"({"family":"f","containerDefinitions":[{"name":"a","image":"i","memory":0}]})", kCl,
       "'memory' must be greater than 0"},
      {"negative cpu", Def(R"(,"cpu":-1)"), kCl, "'cpu' must not be negative"},
      {"container memory above task memory", Def("", R"(,"memory":"64")"), kCl,
       "'memory' (128 MiB) must not exceed the task 'memory' (64 MiB)"},
      {"container memory sum above task memory",
       R"({"family":"f","memory":"200","containerDefinitions":[
           {"name":"a","image":"i","memory":150},{"name":"b","image":"i","memoryReservation":100}]})",
       kCl, "the containers reserve 250 MiB, more than the task 'memory' (200 MiB)"},
      {"container cpu sum above task cpu", Def(R"(,"cpu":512)", R"(,"cpu":"256")"), kCl,
       "the containers reserve 512 CPU units, more than the task 'cpu' (256)"},
      {"invalid task cpu", Def("", R"(,"cpu":"lots")"), kCl, "Invalid 'cpu' setting for task."},
      {"task cpu below EC2 range", Def("", R"(,"cpu":"64")"), kCl,
       "Invalid 'cpu' setting for task."},
      {"task cpu above EC2 range", Def("", R"(,"cpu":"200000")"), kCl,
       "Invalid 'cpu' setting for task."},
      {"invalid task memory", Def("", R"(,"memory":"1.3 GB")"), kCl,
       "Invalid 'memory' setting for task."},
      {"no essential container", Def(R"(,"essential":false)"), kCl,
       "at least one container in the task definition must be essential"},
      // Network mode and ports.
      {"bad network mode", Def("", R"(,"networkMode":"overlay")"), kCl,
       "Invalid value 'overlay' for 'networkMode'"},
      {"ports with none",
       Def(R"(,"portMappings":[{"containerPort":80}])", R"(,"networkMode":"none")"), kCl,
       "Port mappings are not supported when networkMode=none"},
      {"awsvpc host port mismatch",
       Def(R"(,"portMappings":[{"containerPort":80,"hostPort":8080}])",
           R"(,"networkMode":"awsvpc")"),
       kCl,
       "When networkMode=awsvpc, the host ports and container ports in port mappings must match."},
      {"host host port mismatch",
       Def(R"(,"portMappings":[{"containerPort":80,"hostPort":81}])", R"(,"networkMode":"host")"),
       kCl,
       "When networkMode=host, the host ports and container ports in port mappings must match."},
      {"container port too big", Def(R"(,"portMappings":[{"containerPort":70000}])"), kCl,
       "'containerPort' 70000 is outside the range 0-65535"},
      {"host port negative", Def(R"(,"portMappings":[{"containerPort":80,"hostPort":-1}])"), kCl,
       "'hostPort' -1 is outside the range 0-65535"},
      {"missing container port", Def(R"(,"portMappings":[{"hostPort":80}])"), kCl,
       "'containerPort' is required"},
      {"bad protocol", Def(R"(,"portMappings":[{"containerPort":80,"protocol":"sctp"}])"), kCl,
       "Invalid value 'sctp' for 'containerDefinitions[0].portMappings[0].protocol'. Valid "
       "values are: tcp, udp."},
      {"range with host mode",
       Def(R"(,"portMappings":[{"containerPortRange":"1-2"}])", R"(,"networkMode":"host")"), kCl,
       "'containerPortRange' requires the bridge or awsvpc network mode"},
      {"range with containerPort",
       Def(R"(,"portMappings":[{"containerPortRange":"1-2","containerPort":1}])"), kCl,
       "Specify either 'containerPort' or 'containerPortRange'"},
      {"backwards range", Def(R"(,"portMappings":[{"containerPortRange":"20-10"}])"), kCl,
       "Invalid 'containerPortRange' '20-10'"},
      {"links with awsvpc",
       R"({"family":"f","networkMode":"awsvpc","containerDefinitions":[
           {"name":"a","image":"i","memory":8,"links":["b"]},{"name":"b","image":"i","memory":8}]})",
       kCl, "'links' are not supported when networkMode=awsvpc"},
      {"hostname with awsvpc", Def(R"(,"hostname":"h")", R"(,"networkMode":"awsvpc")"), kCl,
       "'hostname' is not supported when networkMode=awsvpc"},
      {"extraHosts with awsvpc",
       Def(R"(,"extraHosts":[{"hostname":"h","ipAddress":"1.2.3.4"}])",
           R"(,"networkMode":"awsvpc")"),
       kCl, "'extraHosts' is not supported when networkMode=awsvpc"},
      // References.
      {"link to unknown container", Def(R"(,"links":["db:database"])"), kCl,
       "Link 'db:database' does not name another container"},
      {"dependsOn unknown container",
       Def(R"(,"dependsOn":[{"containerName":"db","condition":"START"}])"), kCl,
       "'dependsOn' container 'db'"},
      {"volumesFrom unknown container", Def(R"(,"volumesFrom":[{"sourceContainer":"db"}])"), kCl,
       "'volumesFrom' source container 'db'"},
      {"mount of unknown volume",
       Def(R"(,"mountPoints":[{"sourceVolume":"data","containerPath":"/d"}])"), kCl,
       "'mountPoints' source volume 'data' is not defined"},
      {"proxy for unknown container",
       Def("", R"(,"networkMode":"awsvpc","proxyConfiguration":{"containerName":"envoy"})"), kCl,
       "Invalid 'proxyConfiguration': container 'envoy'"},
      // AWS's text (issue 11): App Mesh needs the task's own network interface.
      {"APPMESH proxy outside awsvpc",
       Def("", R"(,"proxyConfiguration":{"type":"APPMESH","containerName":"app"})"), kCl,
       "APPMESH proxy configuration is only supported in networkMode=awsvpc"},
      // Volumes.
      {"volume without name", Def("", R"(,"volumes":[{"host":{}}])"), kCl,
       "'volumes[0].name' is required"},
      {"duplicate volume", Def("", R"(,"volumes":[{"name":"v"},{"name":"v"}])"), kCl,
       "Duplicate volume name 'v'"},
      // Placement constraints.
      {"distinctInstance in a definition",
       Def("", R"(,"placementConstraints":[{"type":"distinctInstance"}])"), kCl,
       "Invalid value 'distinctInstance' for 'placementConstraints[0].type'"},
      {"constraint without type", Def("", R"(,"placementConstraints":[{"expression":"x"}])"), kCl,
       "'placementConstraints[0].type' must be memberOf"},
      {"memberOf without expression", Def("", R"(,"placementConstraints":[{"type":"memberOf"}])"),
       kCl, "'placementConstraints[0].expression' is required for memberOf"},
      {"expression too long",
       Def("", R"(,"placementConstraints":[{"type":"memberOf","expression":")" +
                   std::string(2001, 'x') + R"("}])"),
       kCl, "longer than 2000 characters"},
      {"eleven constraints", Def("", eleven_constraints), kCl,
       "Too many placement constraints: 11"},
      // Enums and required nested members.
      {"bad compatibility", Def("", R"(,"requiresCompatibilities":["EC2","LAMBDA"])"), kCl,
       "Invalid value 'LAMBDA' for 'requiresCompatibilities[1]'"},
      {"bad pidMode", Def("", R"(,"pidMode":"container")"), kCl, "'pidMode'"},
      {"bad ipcMode", Def("", R"(,"ipcMode":"shareable")"), kCl, "'ipcMode'"},
      {"bad ulimit", Def(R"(,"ulimits":[{"name":"files","softLimit":1,"hardLimit":2}])"), kCl,
       "Invalid value 'files' for 'containerDefinitions[0].ulimits[0].name'"},
      {"ulimit without hardLimit", Def(R"(,"ulimits":[{"name":"nofile","softLimit":1}])"), kCl,
       "'containerDefinitions[0].ulimits[0].hardLimit' is required"},
      {"bad log driver", Def(R"(,"logConfiguration":{"logDriver":"loki"})"), kCl,
       "Invalid value 'loki' for 'containerDefinitions[0].logConfiguration.logDriver'"},
      {"log configuration without driver", Def(R"(,"logConfiguration":{"options":{}})"), kCl,
       "'containerDefinitions[0].logConfiguration.logDriver' is required"},
      {"bad dependsOn condition",
       R"({"family":"f","containerDefinitions":[{"name":"a","image":"i","memory":8,
           "dependsOn":[{"containerName":"b","condition":"READY"}]},{"name":"b","image":"i","memory":8}]})",
       kCl, "Invalid value 'READY'"},
      {"bad device permission",
       Def(R"(,"linuxParameters":{"devices":[{"hostPath":"/dev/x","permissions":["exec"]}]})"), kCl,
       "'containerDefinitions[0].linuxParameters.devices[0].permissions[0]'"},
      {"bad cpu architecture", Def("", R"(,"runtimePlatform":{"cpuArchitecture":"RISCV"})"), kCl,
       "'runtimePlatform.cpuArchitecture'"},
      {"secret without valueFrom", Def(R"(,"secrets":[{"name":"s"}])"), kCl,
       "'containerDefinitions[0].secrets[0].valueFrom' is required"},
      {"efs without file system",
       Def("", R"(,"volumes":[{"name":"e","efsVolumeConfiguration":{}}])"), kCl,
       "'volumes[0].efsVolumeConfiguration.fileSystemId' is required"},
      {"bad proxy type", Def("", R"(,"proxyConfiguration":{"type":"ISTIO","containerName":"app"})"),
       kCl, "'proxyConfiguration.type'"},
      // Health checks and storage.
      {"health check interval", Def(R"(,"healthCheck":{"command":["CMD","true"],"interval":1})"),
       kCl,
       "Invalid 'healthCheck' setting for container 'app'. 'interval' must be between 5 and 300"},
      {"health check retries", Def(R"(,"healthCheck":{"command":["CMD","true"],"retries":11})"),
       kCl, "'retries' must be between 1 and 10"},
      {"health check empty command", Def(R"(,"healthCheck":{"command":[]})"), kCl,
       "'command' must not be empty"},
      {"ephemeral storage too small", Def("", R"(,"ephemeralStorage":{"sizeInGiB":20})"), kCl,
       "'ephemeralStorage.sizeInGiB'"},
      {"GPU value not a number", Def(R"(,"resourceRequirements":[{"type":"GPU","value":"two"}])"),
       kCl, "GPU resource requirement value must be a positive integer"},
      // Launch types.
      {"EXTERNAL with awsvpc",
       Def("", R"(,"networkMode":"awsvpc","requiresCompatibilities":["EXTERNAL"])"), kCl,
       "does not support launch_type EXTERNAL"},
  });
}

TEST_CASE("Fargate rules when FARGATE is required", "[taskdef]") {
  constexpr ErrorCode kCl = ErrorCode::kClientException;
  // A valid Fargate definition with `extra` task members and `container` members added.
  auto fargate = [](std::string_view task, std::string_view container = "",
                    std::string_view mode = R"("awsvpc")") {
    return std::string(R"({"family":"f","requiresCompatibilities":["FARGATE"],"networkMode":)") +
           std::string(mode) + R"(,"cpu":"256","memory":"512","containerDefinitions":[)" +
           R"({"name":"app","image":"nginx")" + std::string(container) + "}]" + std::string(task) +
           "}";
  };
  NormalizeOk(fargate(""));
  CheckErrors({
      {"bridge", fargate("", "", R"("bridge")"), kCl,
       "Fargate only supports network mode \u2018awsvpc\u2019."},
      {"no cpu",
       R"({"family":"f","requiresCompatibilities":["FARGATE"],"networkMode":"awsvpc",
           "memory":"512","containerDefinitions":[{"name":"a","image":"i"}]})",
       kCl, "Fargate requires that 'cpu' be defined at the task level."},
      {"no memory",
       R"({"family":"f","requiresCompatibilities":["FARGATE"],"networkMode":"awsvpc",
           "cpu":"256","containerDefinitions":[{"name":"a","image":"i","memory":8}]})",
       kCl, "Fargate requires that 'memory' be defined at the task level."},
      {"bad pair",
       R"({"family":"f","requiresCompatibilities":["FARGATE"],"networkMode":"awsvpc",
           "cpu":"256","memory":"4096","containerDefinitions":[{"name":"a","image":"i"}]})",
       kCl, "No Fargate configuration exists for given values: 256 CPU, 4096 memory"},
      {"host volume", fargate(R"(,"volumes":[{"name":"v","host":{"sourcePath":"/data"}}])"), kCl,
       "Fargate does not support host path volumes ('volumes[0].host.sourcePath')"},
      {"docker volume", fargate(R"(,"volumes":[{"name":"v","dockerVolumeConfiguration":{}}])"), kCl,
       "'volumes[0].dockerVolumeConfiguration'"},
      {"placement constraints",
       fargate(R"(,"placementConstraints":[{"type":"memberOf","expression":"attribute:a == b"}])"),
       kCl, "Fargate does not support task placement constraints"},
      {"pidMode host", fargate(R"(,"pidMode":"host")"), kCl,
       "Tasks using the Fargate launch type do not support pidMode 'host'. The supported value for "
       "pidMode is 'task'."},
      {"ipcMode", fargate(R"(,"ipcMode":"task")"), kCl, "Fargate does not support 'ipcMode'"},
      {"privileged", fargate("", R"(,"privileged":true)"), kCl,
       "Fargate does not support 'containerDefinitions[0].privileged'"},
      {"devices", fargate("", R"(,"linuxParameters":{"devices":[{"hostPath":"/dev/x"}]})"), kCl,
       "'containerDefinitions[0].linuxParameters.devices'"},
      {"json-file logs", fargate("", R"(,"logConfiguration":{"logDriver":"json-file"})"), kCl,
       "Fargate does not support log driver 'json-file'"},
      {"awslogs without execution role",
       fargate("", R"(,"logConfiguration":{"logDriver":"awslogs"})"), kCl,
       "Fargate requires task definition to have execution role ARN to support log driver "
       "awslogs."},
      {"long stop timeout", fargate("", R"(,"stopTimeout":121)"), kCl, "'stopTimeout'"},
      {"windows at 256 cpu",
       fargate(R"(,"runtimePlatform":{"operatingSystemFamily":"WINDOWS_SERVER_2022_CORE"})"), kCl,
       "No Fargate configuration exists"},
  });
  // Empty lists (what CloudFormation and the CDK send) are not "using" a feature.
  NormalizeOk(
      fargate("", R"(,"dnsServers":[],"dockerSecurityOptions":[],"links":[],"extraHosts":[])"));
  NormalizeOk(fargate(R"(,"pidMode":"task","executionRoleArn":"arn:aws:iam::1:role/x")",
                      R"(,"logConfiguration":{"logDriver":"awslogs"})"));
}

TEST_CASE("tag errors are InvalidParameterExceptions", "[taskdef]") {
  constexpr ErrorCode kIp = ErrorCode::kInvalidParameterException;
  const std::string fifty_one =
      R"(,"tags":[)" +
      JoinN(51, [](int i) { return R"({"key":"k)" + std::to_string(i) + R"(","value":"v"})"; }) +
      "]";
  CheckErrors({
      {"51 tags", Def("", fifty_one), kIp, "Too many tags: 51"},
      {"empty key", Def("", R"(,"tags":[{"key":"","value":"v"}])"), kIp, "1 to 128 characters"},
      {"missing key", Def("", R"(,"tags":[{"value":"v"}])"), kIp, "1 to 128 characters"},
      {"long key", Def("", R"(,"tags":[{"key":")" + std::string(129, 'k') + R"("}])"), kIp,
       "1 to 128 characters"},
      {"long value", Def("", R"(,"tags":[{"key":"k","value":")" + std::string(257, 'v') + R"("}])"),
       kIp, "at most 256 characters"},
      {"aws: prefix", Def("", R"(,"tags":[{"key":"AWS:owner","value":"v"}])"), kIp,
       "keys starting with 'aws:' are reserved"},
      {"bad characters", Def("", R"(,"tags":[{"key":"a*b","value":"v"}])"), kIp,
       "Invalid tag 'a*b'"},
      {"duplicate keys", Def("", R"(,"tags":[{"key":"a"},{"key":"a"}])"), kIp, "Duplicate tag key"},
  });
  // 50 tags, 128-character keys (counted in characters, not bytes) and 256-character values pass.
  NormalizeOk(Def("", R"(,"tags":[)" + JoinN(50, [](int i) {
                        return R"({"key":"k)" + std::to_string(i) + R"("})";
                      }) + "]"));
  std::string accented;
  for (int i = 0; i < 128; ++i) accented += "\xc3\xa9";  // é
  NormalizeOk(Def(
      "", R"(,"tags":[{"key":")" + accented + R"(","value":")" + std::string(256, 'v') + R"("}])"));
}

// --- Sizes and compatibilities ---------------------------------------------------------------

TEST_CASE("task cpu and memory strings are normalized", "[taskdef]") {
  struct Case {
    const char* text;
    std::optional<int64_t> value;
  };
  for (const Case& c : std::vector<Case>{{"1 vCPU", 1024},
                                         {"1vcpu", 1024},
                                         {"0.5 vCPU", 512},
                                         {".25 vcpu", 256},
                                         {"2 VCPU", 2048},
                                         {" 4 vCPU ", 4096},
                                         {"256", 256},
                                         {"1.5", std::nullopt},
                                         {"0.3 vCPU", std::nullopt},
                                         {"vCPU", std::nullopt},
                                         {"-1", std::nullopt},
                                         {"", std::nullopt},
                                         {"1 GB", std::nullopt}}) {
    INFO(c.text);
    CHECK(ParseTaskCpu(c.text) == c.value);
  }
  for (const Case& c : std::vector<Case>{{"1GB", 1024},
                                         {"1 GB", 1024},
                                         {"0.5GB", 512},
                                         {"2 gb", 2048},
                                         {"512", 512},
                                         {"1.3 GB", std::nullopt},
                                         {"1 MB", std::nullopt},
                                         {"GB", std::nullopt},
                                         {"1vcpu", std::nullopt}}) {
    INFO(c.text);
    CHECK(ParseTaskMemory(c.text) == c.value);
  }
  auto spec = NormalizeOk(Def("", R"(,"cpu":"0.5 vCPU","memory":"1 GB")"));
  CHECK(spec.cpu == 512);
  CHECK(spec.memory == 1024);
  CHECK(spec.body.text().find(R"("cpu":"512","memory":"1024")") != std::string::npos);
}

TEST_CASE("Fargate task sizes follow the table", "[taskdef]") {
  const std::vector<std::pair<int64_t, std::vector<int64_t>>> table = {
      {256, {512, 1024, 2048}},
      {512, {1024, 2048, 3072, 4096}},
      {1024, {2048, 3072, 4096, 5120, 6144, 7168, 8192}},
  };
  for (const auto& [cpu, memories] : table) {
    for (int64_t mem = 256; mem <= 16384; mem += 256) {
      const bool listed = std::find(memories.begin(), memories.end(), mem) != memories.end();
      INFO(cpu << "/" << mem);
      CHECK(IsValidFargateSize(cpu, mem) == listed);
    }
  }
  struct Range {
    int64_t cpu, min, max, step;
  };
  for (const Range& r : std::vector<Range>{{2048, 4096, 16384, 1024},
                                           {4096, 8192, 30720, 1024},
                                           {8192, 16384, 61440, 4096},
                                           {16384, 32768, 122880, 8192}}) {
    INFO(r.cpu);
    for (int64_t mem = r.min; mem <= r.max; mem += r.step) CHECK(IsValidFargateSize(r.cpu, mem));
    CHECK_FALSE(IsValidFargateSize(r.cpu, r.min - r.step));
    CHECK_FALSE(IsValidFargateSize(r.cpu, r.max + r.step));
    CHECK_FALSE(IsValidFargateSize(r.cpu, r.min + r.step / 2));
  }
  CHECK_FALSE(IsValidFargateSize(128, 512));
  CHECK_FALSE(IsValidFargateSize(32768, 65536));
  // "1 vCPU"/"2GB" in a definition is the 1024/2048 pair.
  NormalizeOk(R"({"family":"f","requiresCompatibilities":["FARGATE"],"networkMode":"awsvpc",
      "cpu":"1 vCPU","memory":"2GB","containerDefinitions":[{"name":"a","image":"i"}]})");
}

TEST_CASE("compatibilities follow the observed orders", "[taskdef]") {
  struct Case {
    const char* what;
    std::string json;
    std::vector<std::string> want;
  };
  for (const Case& c : std::vector<Case>{
           {"no network mode", Def(), {"EXTERNAL", "EC2"}},
           {"bridge", Def("", R"(,"networkMode":"bridge")"), {"EXTERNAL", "EC2"}},
           {"host", Def("", R"(,"networkMode":"host")"), {"EXTERNAL", "EC2"}},
           {"none", Def("", R"(,"networkMode":"none")"), {"EXTERNAL", "EC2"}},
           {"awsvpc without a task size", Def("", R"(,"networkMode":"awsvpc")"), {"EC2"}},
           {"awsvpc with a Fargate size",
            Def("", R"(,"networkMode":"awsvpc","cpu":"256","memory":"512")"),
            {"EC2", "FARGATE"}},
           {"awsvpc with a non-Fargate size",
            Def("", R"(,"networkMode":"awsvpc","cpu":"256","memory":"4096")"),
            {"EC2"}},
           {"awsvpc, Fargate size, host volume",
            Def("", R"(,"networkMode":"awsvpc","cpu":"256","memory":"512",
                     "volumes":[{"name":"v","host":{"sourcePath":"/x"}}])"),
            {"EC2"}},
           {"bridge with a Fargate size",
            Def("", R"(,"cpu":"256","memory":"512")"),
            {"EXTERNAL", "EC2"}},
           {"MANAGED_INSTANCES asked for",
            Def("", R"(,"networkMode":"awsvpc","requiresCompatibilities":["MANAGED_INSTANCES"])"),
            {"EC2", "MANAGED_INSTANCES"}},
           {"EC2 and EXTERNAL asked for",
            Def("", R"(,"requiresCompatibilities":["EC2","EXTERNAL"])"),
            {"EXTERNAL", "EC2"}},
       }) {
    INFO(c.what);
    auto spec = NormalizeOk(c.json);
    std::vector<std::string> computed;
    computed.reserve(spec.compatibilities.size());
    for (auto t : spec.compatibilities) computed.emplace_back(model::ToString(t));
    CHECK(computed == c.want);
    auto body = Parse(spec.body.text());
    std::vector<std::string> listed;
    for (const auto& v : At(body, "compatibilities").GetArray()) listed.emplace_back(v.GetString());
    CHECK(listed == c.want);
  }
}

TEST_CASE("requiresAttributes rules", "[taskdef]") {
  struct Case {
    const char* what;
    std::string json;
    std::vector<std::string> want;
  };
  constexpr std::string_view kApi = "com.amazonaws.ecs.capability.docker-remote-api.";
  auto api = [&](const char* v) { return std::string(kApi) + v; };
  for (const Case& c : std::vector<Case>{
           {"plain bridge", Def(), {}},
           {"task role",
            Def("", R"(,"taskRoleArn":"arn:aws:iam::1:role/t")"),
            {"com.amazonaws.ecs.capability.task-iam-role"}},
           {"task role with host networking",
            Def("", R"(,"networkMode":"host","taskRoleArn":"arn:aws:iam::1:role/t")"),
            {"com.amazonaws.ecs.capability.task-iam-role",
             "com.amazonaws.ecs.capability.task-iam-role-network-host"}},
           {"awsvpc",
            Def("", R"(,"networkMode":"awsvpc")"),
            {api("1.18"), "ecs.capability.task-eni"}},
           {"log driver without options",
            Def(R"(,"logConfiguration":{"logDriver":"syslog"})"),
            {"com.amazonaws.ecs.capability.logging-driver.syslog", api("1.18")}},
           {"awslogs without execution role",
            Def(R"(,"logConfiguration":{"logDriver":"awslogs","options":{"a":"b"}})"),
            {"com.amazonaws.ecs.capability.logging-driver.awslogs", api("1.18"), api("1.19")}},
           {"health check without startPeriod",
            Def(R"(,"healthCheck":{"command":["CMD","true"]})"),
            {"ecs.capability.container-health-check", api("1.24")}},
           {"ECR image without execution role",
            R"({"family":"f","containerDefinitions":[{"name":"a","memory":8,
                "image":"1.dkr.ecr.eu-west-1.amazonaws.com/a"}]})",
            {"com.amazonaws.ecs.capability.ecr-auth"}},
           {"Docker Hub image with execution role",
            Def("", R"(,"executionRoleArn":"arn:aws:iam::1:role/e")"),
            {}},
           {"Secrets Manager secret",
            Def(R"(,"secrets":[{"name":"s","valueFrom":"arn:aws:secretsmanager:r:1:secret:s"}])"),
            {"ecs.capability.secrets.asm.environment-variables"}},
           {"labels and ulimits", Def(R"(,"dockerLabels":{},"ulimits":[])"), {api("1.18")}},
           {"local docker volume",
            Def("", R"(,"volumes":[{"name":"v","dockerVolumeConfiguration":{"driver":"local"}}])"),
            {}},
           {"APPMESH proxy (awsvpc)",
            Def("", R"(,"networkMode":"awsvpc","proxyConfiguration":{"containerName":"app"})"),
            {api("1.18"), "ecs.capability.task-eni", "ecs.capability.aws-appmesh"}},
           {"efs without auth",
            Def("",
                R"(,"volumes":[{"name":"v","efsVolumeConfiguration":{"fileSystemId":"fs-1"}}])"),
            {"ecs.capability.efs"}},
       }) {
    INFO(c.what);
    auto spec = NormalizeOk(c.json);
    CHECK(*spec.requires_attributes == c.want);
    CHECK((spec.body.text().find("requiresAttributes") != std::string::npos) == !c.want.empty());
  }
}

TEST_CASE("an EFS volume without rootDirectory is stored with ECS's default \"/\"", "[taskdef]") {
  auto spec = NormalizeOk(Def("", R"(,"volumes":[{"name":"v","efsVolumeConfiguration":)"
                                  R"({"fileSystemId":"fs-1","transitEncryption":"ENABLED"}},)"
                                  R"({"name":"w","efsVolumeConfiguration":)"
                                  R"({"fileSystemId":"fs-2","rootDirectory":"/data"}}])"));
  auto body = Parse(spec.body.text());
  CHECK(At(body, "volumes")[0] == Parse(R"({"name":"v","efsVolumeConfiguration":{)"
                                        R"("fileSystemId":"fs-1","transitEncryption":"ENABLED",)"
                                        R"("rootDirectory":"/"}})"));
  CHECK(
      At(body, "volumes")[1] ==
      Parse(
          R"({"name":"w","efsVolumeConfiguration":{"fileSystemId":"fs-2","rootDirectory":"/data"}})"));
}

// --- Render ----------------------------------------------------------------------------------

TEST_CASE("RenderTaskDefinition splices the control-plane members in AWS order", "[taskdef]") {
  auto spec = NormalizeOk(kEverything);
  model::TaskDefinitionRegistration reg;
  reg.arn = "arn:aws:ecs:us-east-1:123456789012:task-definition/everything:3";
  reg.revision = 3;
  reg.status = model::TaskDefinitionStatus::kInactive;
  reg.registered_at = 1557119253821;
  reg.registered_by = "arn:aws:iam::123456789012:root";
  reg.deregistered_at = 1557119300000;
  const std::string json = RenderTaskDefinition(spec.body.text(), reg);
  auto doc = Parse(json);
  CHECK(Keys(doc) == std::vector<std::string>{"taskDefinitionArn",
                                              "containerDefinitions",
                                              "family",
                                              "taskRoleArn",
                                              "executionRoleArn",
                                              "networkMode",
                                              "revision",
                                              "volumes",
                                              "status",
                                              "requiresAttributes",
                                              "placementConstraints",
                                              "compatibilities",
                                              "requiresCompatibilities",
                                              "cpu",
                                              "memory",
                                              "runtimePlatform",
                                              "inferenceAccelerators",
                                              "pidMode",
                                              "ipcMode",
                                              "registeredAt",
                                              "deregisteredAt",
                                              "registeredBy",
                                              "ephemeralStorage",
                                              "enableFaultInjection"});
  CHECK(At(doc, "revision").GetInt64() == 3);
  CHECK(std::string(At(doc, "status").GetString()) == "INACTIVE");
  CHECK(json.find(R"("registeredAt":1557119253.821,)") != std::string::npos);
  CHECK(json.find(R"("deregisteredAt":1557119300.000,)") != std::string::npos);

  SECTION("a minimal body still gets every control member, in order") {
    auto minimal = NormalizeOk(Def());
    model::TaskDefinitionRegistration active = reg;
    active.status = model::TaskDefinitionStatus::kActive;
    active.deregistered_at.reset();
    auto out = Parse(RenderTaskDefinition(minimal.body.text(), active));
    CHECK(Keys(out) == std::vector<std::string>{"taskDefinitionArn", "containerDefinitions",
                                                "family", "revision", "volumes", "status",
                                                "placementConstraints", "compatibilities",
                                                "registeredAt", "registeredBy"});
  }
}

TEST_CASE("Rendering by the recorded splice offsets equals rendering by scanning the body",
          "[taskdef]") {
  model::TaskDefinitionRegistration reg;
  reg.arn = "arn:aws:ecs:us-east-1:123456789012:task-definition/f:7";
  reg.revision = 7;
  reg.registered_at = 1557119253821;
  reg.registered_by = "arn:aws:iam::123456789012:role/a \"quoted\" name";
  for (const std::string& json : {std::string(kEverything), Def(),
                                  Def("", R"(,"networkMode":"awsvpc","cpu":"256","memory":"512")"),
                                  Def("", R"(,"ephemeralStorage":{"sizeInGiB":30})"),
                                  Def("", R"(,"enableFaultInjection":true,"pidMode":"task")")}) {
    const auto spec = NormalizeOk(json);
    // The offsets sit where the fast path needs them (else it would fall back to the scan).
    const auto& body = spec.body.text();
    REQUIRE(spec.splices.registered < body.size());
    CHECK(body[spec.splices.revision] == ',');
    CHECK(body[spec.splices.status] == ',');
    CHECK((body[spec.splices.registered] == ',' || body[spec.splices.registered] == '}'));
    using S = model::TaskDefinitionStatus;
    for (S status : {S::kActive, S::kInactive, S::kDeleteInProgress}) {
      model::TaskDefinitionRegistration r = reg;
      r.status = status;
      if (r.status != S::kActive) r.deregistered_at = 1557119300000;
      if (r.status == S::kDeleteInProgress) r.delete_requested_at = 1557119400123;
      INFO(json << " " << model::ToString(status));
      CHECK(RenderTaskDefinition(spec, r) == RenderTaskDefinition(spec.body.text(), r));
    }
    // What a restart reads back: the same facts and the same splices, without validation.
    auto stored = SpecFromStoredBody(body);
    REQUIRE(stored.ok());
    TaskDefinitionSpec expected = spec;
    expected.tags.clear();  // tags live in the row, not in the body
    CHECK(*stored == expected);
  }
  // Offsets that do not fit the body fall back to the scan.
  auto spec = NormalizeOk(Def());
  spec.splices.status = spec.body.text().size() + 5;
  CHECK(RenderTaskDefinition(spec, reg) == RenderTaskDefinition(spec.body.text(), reg));
}

TEST_CASE("A stored body is trusted as written", "[taskdef]") {
  // A body a later rule would reject (container cpu above any instance, an unknown network mode
  // value) still loads: nothing is validated again.
  auto spec = SpecFromStoredBody(
      R"({"containerDefinitions":[{"name":"a","image":"i","cpu":999999,"memory":1}],)"
      R"("family":"f","networkMode":"sideways","compatibilities":["EC2"]})");
  REQUIRE(spec.ok());
  CHECK(spec->family == "f");
  CHECK_FALSE(spec->network_mode.has_value());
  CHECK(spec->containers.at(0)->cpu == 999999);
  CHECK(spec->compatibilities == std::vector<model::LaunchType>{model::LaunchType::kEc2});
  for (const char* corrupt : {"", "[]", "{}", R"({"family":"f"})", "{not json"}) {
    INFO(corrupt);
    auto bad = SpecFromStoredBody(corrupt);
    REQUIRE_FALSE(bad.ok());
    CHECK(bad.status().code() == ErrorCode::kCorrupt);
  }
}

TEST_CASE("The size limit measures the request as compact JSON", "[taskdef]") {
  // Escapes, control characters, non-ASCII text, doubles and large integers all count as the
  // compact writer prints them.
  std::string env;
  for (int i = 0; i < 1300; ++i) {
    env += std::string(i ? "," : "") + R"({"name":"V_)" + std::to_string(i) +
           R"(","value":"q\"b\\s\n\t\u0001 é \/ 1e2"})";
  }
  const std::string request =
      Def(R"(,"environment":[)" + env + R"(],"cpu":1.0,"memory":128,"startTimeout":2147483647)");
  const rapidjson::Document doc = Parse(request);
  const size_t compact = ToJson(doc).size();
  REQUIRE(compact > 65536);
  auto spec = Normalize(request);
  REQUIRE_FALSE(spec.ok());
  CHECK_THAT(spec.status().message(),
             Catch::Matchers::StartsWith("Actual length: '" + std::to_string(compact) + "'."));
}

}  // namespace
}  // namespace ecs::taskdef

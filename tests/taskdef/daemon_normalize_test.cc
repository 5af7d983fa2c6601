// Tests for taskdef::NormalizeDaemonTaskDefinition and RenderDaemonTaskDefinition: the daemon
// shape (members a DaemonContainerDefinition lacks are ignored, its own are checked), the rules
// shared with task definitions, the body and the rendered DaemonTaskDefinition.
#include <catch2/catch.hpp>
#include <string>
#include <string_view>

#include "common/json.h"
#include "taskdef/normalize.h"
#include "taskdef/render.h"
#include "taskdef/stored.h"

namespace ecs::taskdef {
namespace {

Result<TaskDefinitionSpec> Normalize(std::string_view json) {
  auto doc = ParseJsonObject(json);
  REQUIRE(doc.ok());
  return NormalizeDaemonTaskDefinition(**doc);
}

TEST_CASE("daemon: a minimal definition gets the container defaults and normalized sizes") {
  auto spec = Normalize(R"({"family":"agent","cpu":"0.25 vCPU","memory":"512",)"
                        R"("containerDefinitions":[{"name":"a","image":"busybox","memory":128}],)"
                        R"("tags":[{"key":"team","value":"obs"}]})");
  INFO(spec.status().message());
  REQUIRE(spec.ok());
  CHECK(spec->family == "agent");
  CHECK(spec->cpu == 256);
  CHECK(spec->memory == 512);
  REQUIRE(spec->containers.size() == 1);
  CHECK(spec->containers[0]->memory == 128);
  CHECK(spec->tags.size() == 1);
  CHECK(spec->body.text() ==
        R"({"containerDefinitions":[{"name":"a","image":"busybox","memory":128,"cpu":0,)"
        R"("essential":true,"environment":[],"mountPoints":[]}],"family":"agent",)"
        R"("volumes":[],"cpu":"256","memory":"512"})");
}

TEST_CASE("daemon: members a daemon container does not have are ignored, not echoed") {
  auto spec =
      Normalize(R"({"family":"agent","networkMode":"awsvpc","placementConstraints":"junk",)"
                R"("containerDefinitions":[{"name":"a","image":"busybox","memory":64,)"
                R"("portMappings":"not even a list","links":["b"],"dockerLabels":{"x":"y"}}]})");
  INFO(spec.status().message());
  REQUIRE(spec.ok());
  const std::string body = spec->body.text();
  for (const char* absent : {"portMappings", "links", "dockerLabels", "networkMode",
                             "placementConstraints", "volumesFrom", "compatibilities"}) {
    INFO(absent);
    CHECK(body.find(absent) == std::string::npos);
  }
}

TEST_CASE("daemon: the daemon shape's types, required members and rules are checked") {
  struct Case {
    std::string_view json;
    ErrorCode code;
    std::string_view message_part;
  };
  const Case cases[] = {
      {R"({"family":"a","containerDefinitions":[{"name":"c","image":"i","memory":"x"}]})",
       ErrorCode::kSerializationException, "containerDefinitions[0].memory"},
      {R"({"family":"a","containerDefinitions":[{"name":"c","memory":64}]})",
       ErrorCode::kClientException, "'containerDefinitions[0].image' is required"},
      {R"({"containerDefinitions":[{"name":"c","image":"i","memory":64}]})",
       ErrorCode::kClientException, "Family should not be null or empty"},
      {R"({"family":"a","containerDefinitions":[]})", ErrorCode::kClientException,
       "Container list cannot be empty"},
      {R"({"family":"a","containerDefinitions":[{"name":"c","image":"i"}]})",
       ErrorCode::kClientException, "At least one of 'memory' or 'memoryReservation'"},
      {R"({"family":"a","containerDefinitions":[{"name":"c","image":"i","memory":64,)"
       R"("mountPoints":[{"sourceVolume":"v","containerPath":"/x"}]}]})",
       ErrorCode::kClientException, "source volume 'v'"},
      {R"({"family":"a","containerDefinitions":[{"name":"c","image":"i","memory":64,)"
       R"("linuxParameters":{"maxSwap":"ignored","tmpfs":[{"containerPath":"/t"}]}}]})",
       ErrorCode::kClientException, "linuxParameters.tmpfs[0].size' is required"},
      {R"({"family":"a","volumes":[{"name":"v","efsVolumeConfiguration":{}}],)"
       R"("containerDefinitions":[{"name":"c","image":"i","memory":64}],)"
       R"("tags":[{"key":"aws:x","value":"y"}]})",
       ErrorCode::kInvalidParameterException, "reserved"},
  };
  for (const Case& c : cases) {
    INFO(c.json);
    auto spec = Normalize(c.json);
    REQUIRE(!spec.ok());
    CHECK(spec.status().code() == c.code);
    CHECK_THAT(spec.status().message(), Catch::Contains(std::string(c.message_part)));
  }
}

TEST_CASE("daemon: the rendered definition and the spec read back from the stored body") {
  auto spec = Normalize(
      R"({"family":"agent","taskRoleArn":"role","volumes":[{"name":"v","host":{"sourcePath":"/d"}}],)"
      R"("containerDefinitions":[{"name":"a","image":"i","memoryReservation":32,"cpu":10,)"
      R"("mountPoints":[{"sourceVolume":"v","containerPath":"/d"}]}]})");
  INFO(spec.status().message());
  REQUIRE(spec.ok());
  model::DaemonTaskDefinitionRegistration reg;
  reg.arn = "arn:aws:ecs:us-east-1:123456789012:daemon-task-definition/agent:3";
  reg.revision = 3;
  reg.status = model::DaemonTaskDefinitionStatus::kDeleted;
  reg.registered_at = 1000;
  reg.delete_requested_at = 2000;
  reg.registered_by = "arn:aws:iam::123456789012:root";
  const std::string out = RenderDaemonTaskDefinition(spec->body.text(), reg);
  auto doc = ParseJsonObject(out);
  REQUIRE(doc.ok());
  const rapidjson::Value& d = **doc;
  CHECK(std::string(d["daemonTaskDefinitionArn"].GetString()) == reg.arn);
  CHECK(d["revision"].GetInt() == 3);
  CHECK(std::string(d["status"].GetString()) == "DELETED");
  CHECK(d["registeredAt"].GetDouble() == 1.0);
  CHECK(d["deleteRequestedAt"].GetDouble() == 2.0);
  CHECK(std::string(d["taskRoleArn"].GetString()) == "role");
  CHECK(std::string(d["volumes"][0]["host"]["sourcePath"].GetString()) == "/d");

  auto stored = SpecFromStoredBody(spec->body.text());
  REQUIRE(stored.ok());
  CHECK(stored->family == "agent");
  REQUIRE(stored->containers.size() == 1);
  CHECK(stored->containers[0]->cpu == 10);
  CHECK(stored->containers[0]->memory_reservation == 32);
}

}  // namespace
}  // namespace ecs::taskdef

// The runtime facts a container definition gives the simulated agent (taskdef/runtime.h): health
// check defaults, dependsOn, timeouts, and the ecs-emulator.* dockerLabels with their errors.
#include "taskdef/runtime.h"

#include <catch2/catch.hpp>
#include <string>
#include <string_view>

#include "common/json.h"
#include "taskdef/normalize.h"

namespace ecs::taskdef {
namespace {

Result<TaskDefinitionSpec> WithContainer(std::string_view members) {
  auto doc = ParseJsonObject(
      std::string(
          R"({"family":"f","containerDefinitions":[{"name":"app","image":"i","memory":64)") +
      std::string(members) + R"(},{"name":"db","image":"postgres","memory":64}]})");
  REQUIRE(doc.ok());
  return NormalizeTaskDefinition(**doc);
}

TEST_CASE("Health check, dependsOn and timeouts are read with the model's defaults",
          "[taskdef][runtime]") {
  auto spec = WithContainer(
      R"(,"healthCheck":{"command":["CMD","true"],"startPeriod":10},"stopTimeout":5,)"
      R"("startTimeout":20,"dependsOn":[{"containerName":"db","condition":"HEALTHY"}])");
  REQUIRE(spec.ok());
  const ContainerSpec& app = spec->containers[0];
  REQUIRE(app.health_check);
  CHECK(app.health_check->interval == 30'000);
  CHECK(app.health_check->timeout == 5'000);
  CHECK(app.health_check->retries == 3);
  CHECK(app.health_check->start_period == 10'000);
  CHECK(app.has_health_check);
  REQUIRE(app.depends_on.size() == 1);
  CHECK(app.depends_on[0].container == "db");
  CHECK(app.depends_on[0].condition == model::DependencyCondition::kHealthy);
  CHECK(app.stop_timeout == 5);
  CHECK(app.start_timeout == 20);
  CHECK(app.label_behavior.empty());
  CHECK_FALSE(spec->containers[1]->health_check);
}

TEST_CASE("ecs-emulator.* dockerLabels script the container", "[taskdef][runtime]") {
  auto spec = WithContainer(
      R"(,"dockerLabels":{"ecs-emulator.exit-code":"3","ecs-emulator.exit-after":"1500ms",)"
      R"("com.example.team":"web"})");
  REQUIRE(spec.ok());
  const model::BehaviorEffects& b = spec->containers[0]->label_behavior;
  CHECK(b.exit_code == 3);
  CHECK(b.exit_after == 1500);
  CHECK_FALSE(b.fail_to_start);

  auto failing = WithContainer(
      R"(,"dockerLabels":{"ecs-emulator.fail-to-start":"CannotPullContainerError: denied"})");
  REQUIRE(failing.ok());
  CHECK(failing->containers[0]->label_behavior.fail_to_start == "CannotPullContainerError: denied");

  auto unhealthy = WithContainer(
      R"(,"healthCheck":{"command":["CMD","true"]},"dockerLabels":{"ecs-emulator.health":"UNHEALTHY"})");
  REQUIRE(unhealthy.ok());
  CHECK(unhealthy->containers[0]->label_behavior.unhealthy_after == 0);
}

TEST_CASE("A label the emulator cannot honour is a ClientException naming it",
          "[taskdef][runtime]") {
  struct Case {
    std::string_view labels, needle;
  };
  for (const Case& c : {
           Case{R"("ecs-emulator.exit-code":"256")", "'ecs-emulator.exit-code' must be an integer"},
           Case{R"("ecs-emulator.exit-code":"-1")", "'ecs-emulator.exit-code' must be an integer"},
           Case{R"("ecs-emulator.exit-code":"0","ecs-emulator.exit-after":"soon")",
                "'ecs-emulator.exit-after' must be a duration"},
           Case{R"("ecs-emulator.exit-after":"2s")", "needs ecs-emulator.exit-code"},
           Case{R"("ecs-emulator.health":"SICK")", "must be HEALTHY or UNHEALTHY"},
           Case{R"("ecs-emulator.health":"UNHEALTHY")", "needs a healthCheck"},
           Case{R"("ecs-emulator.fail-to-start":"")", "must give the reason"},
           Case{R"("ecs-emulator.fail-to-start":"x","ecs-emulator.exit-code":"0")",
                "cannot be combined"},
           Case{R"("ecs-emulator.exitcode":"0")", "is not a label the emulator knows"},
       }) {
    INFO(c.labels);
    auto spec = WithContainer(std::string(R"(,"dockerLabels":{)") + std::string(c.labels) + "}");
    REQUIRE_FALSE(spec.ok());
    CHECK(spec.status().code() == ErrorCode::kClientException);
    CHECK(spec.status().message().find(c.needle) != std::string::npos);
    CHECK(spec.status().message().find("container 'app'") != std::string::npos);
  }
}

}  // namespace
}  // namespace ecs::taskdef

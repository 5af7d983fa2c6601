// Seed files (config/seed.h): YAML and JSON read into ECS requests as JSON text.
#include "config/seed.h"

#include <catch2/catch.hpp>

namespace ecs::config {
namespace {

TEST_CASE("a YAML seed becomes the JSON the API would receive", "[seed]") {
  auto seed = ParseSeed(R"(
account: "111122223333"
fleets:
  - {cluster: demo, count: 3}
requests:
  - CreateCluster: {clusterName: demo}
  - RegisterTaskDefinition:
      family: web
      cpu: "256"
      containerDefinitions: [{name: c, image: nginx, memory: 128, essential: true, x: ~}]
)",
                        SeedFormat::kYaml);
  REQUIRE(seed.ok());
  REQUIRE(seed->documents.size() == 1);
  const SeedDocument& d = seed->documents[0];
  CHECK(d.account == "111122223333");
  CHECK(!d.region);
  REQUIRE(d.fleets.size() == 1);
  CHECK(d.fleets[0].count == 3);
  CHECK(d.fleets[0].create_cluster);
  REQUIRE(d.requests.size() == 2);
  CHECK(d.requests[0].operation == "CreateCluster");
  CHECK(d.requests[0].body == R"({"clusterName":"demo"})");
  // Quoted stays a string, plain numbers and booleans take their type, ~ is null.
  CHECK(d.requests[1].body ==
        R"({"family":"web","cpu":"256","containerDefinitions":[{"name":"c","image":"nginx",)"
        R"("memory":128,"essential":true,"x":null}]})");
}

TEST_CASE("a list of documents and JSON both read", "[seed]") {
  auto seed = ParseSeed(R"([{"region": "eu-west-1"}, {"requests": []}])", SeedFormat::kJson);
  REQUIRE(seed.ok());
  REQUIRE(seed->documents.size() == 2);
  CHECK(seed->documents[0].region == "eu-west-1");
}

TEST_CASE("seed mistakes say where", "[seed]") {
  auto unknown = ParseSeed("clusters: []\n", SeedFormat::kYaml);
  REQUIRE(!unknown.ok());
  CHECK(unknown.status().message().find("unknown member 'clusters'") != std::string::npos);
  auto two_ops =
      ParseSeed("requests:\n  - {CreateCluster: {}, DeleteCluster: {}}\n", SeedFormat::kYaml);
  REQUIRE(!two_ops.ok());
  CHECK(two_ops.status().message().find("seed.requests[0]") != std::string::npos);
  auto no_cluster = ParseSeed(R"({"fleets": [{"count": 1}]})", SeedFormat::kJson);
  REQUIRE(!no_cluster.ok());
  CHECK(no_cluster.status().message().find("seed.fleets[0].cluster") != std::string::npos);
  CHECK(!ParseSeed("requests: [\n", SeedFormat::kYaml).ok());
}

}  // namespace
}  // namespace ecs::config

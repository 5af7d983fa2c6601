// Api end to end without sockets: Prepare (connection strand) then Execute (state strand) over a
// real control plane on the ephemeral store. Exact status codes and error bodies.
#include "api/api.h"

#include <catch2/catch.hpp>
#include <variant>

#include "api/operations.h"
#include "storage/store.h"

using namespace ecs;
using namespace ecs::api;

namespace {

struct ApiFixture {
  ApiFixture()
      : store(std::move(*storage::Store::OpenEphemeral())),
        control(store.get(), &clock, IdGenerator(3)),
        api(&control, &clock, ApiOptions{{"000000000000", "us-east-1"}, "test", 0}) {}

  HttpReply Call(const std::string& op, const std::string& body) {
    HttpCall call;
    call.method = "POST";
    call.path = "/";
    call.x_amz_target = "AmazonEC2ContainerServiceV20141113." + op;
    call.body = body;
    auto prepared = api.Prepare(call);
    if (auto* reply = std::get_if<HttpReply>(&prepared)) return *reply;
    return api.Execute(std::get<PreparedCall>(prepared));
  }

  std::unique_ptr<storage::Store> store;
  SimulatedClock clock;
  control::ControlPlane control;
  Api api;
};

}  // namespace

TEST_CASE("An identity document that is not JSON is refused before anything changes", "[api]") {
  ApiFixture f;
  auto r = f.Call("RegisterContainerInstance", R"({"instanceIdentityDocument":"{not json"})");
  CHECK(r.status == 400);
  CHECK(r.body == R"({"__type":"InvalidParameterException",)"
                  R"("message":"instanceIdentityDocument is not a valid JSON document."})");
  auto clusters = f.Call("ListClusters", "{}");
  CHECK(clusters.body == R"({"clusterArns":[]})");  // not even `default` was created
}

TEST_CASE("Operations round-trip typed members through the control plane", "[api]") {
  ApiFixture f;
  auto created = f.Call("CreateCluster", R"({"clusterName":"c","capacityProviders":["FARGATE"],
      "defaultCapacityProviderStrategy":[{"capacityProvider":"FARGATE","weight":1}],
      "serviceConnectDefaults":{"namespace":"arn:aws:servicediscovery:us-east-1:0:namespace/x"},
      "configuration":{"executeCommandConfiguration":{"logging":"DEFAULT"}}})");
  REQUIRE(created.status == 200);
  CHECK(
      created.body.find(
          R"("defaultCapacityProviderStrategy":[{"capacityProvider":"FARGATE","weight":1,"base":0}])") !=
      std::string::npos);
  CHECK(
      created.body.find(
          R"("serviceConnectDefaults":{"namespace":"arn:aws:servicediscovery:us-east-1:0:namespace/x"})") !=
      std::string::npos);
  CHECK(created.body.find(
            R"("configuration":{"executeCommandConfiguration":{"logging":"DEFAULT"}})") !=
        std::string::npos);
  auto td =
      f.Call("RegisterTaskDefinition",
             R"({"family":"f","containerDefinitions":[{"name":"a","image":"i","memory":8}]})");
  REQUIRE(td.status == 200);
  CHECK(td.body.starts_with(
      R"({"taskDefinition":{"taskDefinitionArn":"arn:aws:ecs:us-east-1:000000000000:task-definition/f:1",)"));
}

TEST_CASE("Request problems get their ECS error types", "[api]") {
  ApiFixture f;
  auto unknown = f.Call("ListTasks", R"({"launchType":"MOON"})");
  CHECK(unknown.status == 400);
  CHECK(unknown.error_type == "InvalidParameterException");
  auto typed = f.Call("ListTasks", R"({"maxResults":"ten"})");
  CHECK(typed.error_type == "SerializationException");
  auto pending = f.Call("ListTasks", R"({"cluster":"nope","desiredStatus":"PENDING"})");
  CHECK(pending.error_type == "ClusterNotFoundException");
  auto missing = f.Call("CreateDaemon", "{}");  // every model operation is implemented
  CHECK(missing.error_type == "InvalidParameterException");
  CHECK(missing.body.find("daemonName") != std::string::npos);
}

TEST_CASE("The operation table is sorted, unique and finds every operation", "[api]") {
  const auto table = OperationTable();
  REQUIRE(table.size() == 77);
  for (size_t i = 1; i < table.size(); ++i) CHECK(table[i - 1].name < table[i].name);
  for (const OperationEntry& op : table) {
    CHECK(FindOperation(op.name) == &op);
    CHECK(op.handler != nullptr);  // every operation of the model is implemented
  }
  CHECK(FindOperation("NoSuchOperation") == nullptr);
  CHECK(FindOperation("") == nullptr);
}

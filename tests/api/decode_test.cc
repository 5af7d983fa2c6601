// api/decode.h: the shared request shapes, their type checks and the exact error messages.
#include "api/decode.h"

#include <catch2/catch.hpp>

#include "common/json.h"
#include "tests/wire_names.h"

using namespace ecs;
using namespace ecs::api;

namespace {

// A reader over `json` that keeps the document alive.
struct Request {
  explicit Request(std::string_view json) : doc(std::move(*ParseJsonObject(json))), in(*doc) {}
  std::shared_ptr<rapidjson::Document> doc;
  JsonObjectReader in;
};

}  // namespace

TEST_CASE("ReadTags: key and value, a missing value is empty, a missing key is refused",
          "[decode]") {
  Request ok(R"({"tags":[{"key":"a","value":"1"},{"key":"b"}]})");
  auto tags = ReadTags(ok.in, "tags");
  REQUIRE(ok.in.ok());
  CHECK(*tags == model::TagList{{"a", "1"}, {"b", ""}});
  Request absent("{}");
  CHECK_FALSE(ReadTags(absent.in, "tags").has_value());
  Request keyless(R"({"tags":[{"value":"1"}]})");
  ReadTags(keyless.in, "tags");
  CHECK(keyless.in.status().code() == ErrorCode::kInvalidParameterException);
  CHECK(keyless.in.status().message() == "Tag key can not be empty.");
  Request typed(R"({"tags":[{"key":7}]})");
  ReadTags(typed.in, "tags");
  CHECK(typed.in.status().code() == ErrorCode::kSerializationException);
}

TEST_CASE("Enums: a value outside the model's list names the member and the valid values",
          "[decode]") {
  Request good(R"({"launchType":"FARGATE","include":["TAGS"]})");
  CHECK(ReadWireEnum<model::LaunchType>(good.in, "launchType") == model::LaunchType::kFargate);
  CHECK(ReadEnumList(good.in, "include", {"TAGS", "SETTINGS"}) == std::set<std::string>{"TAGS"});
  CHECK(good.in.ok());
  Request bad(R"({"launchType":"MOON"})");
  CHECK_FALSE(ReadWireEnum<model::LaunchType>(bad.in, "launchType"));
  CHECK(bad.in.status().message() ==
        "Invalid value 'MOON' for launchType. Valid values: EC2, FARGATE, EXTERNAL, "
        "MANAGED_INSTANCES.");
  // RunTask's / CreateService's launchType: AWS's own wording (issue 11).
  Request launch(R"({"launchType":"MOON"})");
  CHECK_FALSE(ReadLaunchType(launch.in));
  CHECK(launch.in.status().message() ==
        "launch type should be one of [EC2,FARGATE,EXTERNAL,MANAGED_INSTANCES]");
  Request list(R"({"include":["TAGS","NOPE"]})");
  ReadEnumList(list.in, "include", {"TAGS", "SETTINGS"});
  CHECK(list.in.status().message() ==
        "Invalid value 'NOPE' in include. Valid values: TAGS, "
        "SETTINGS.");
  Request empty(R"({"cluster":""})");
  ReadRequiredString(empty.in, "cluster");
  CHECK(empty.in.status().message() == "cluster can not be empty.");
}

TEST_CASE("Capacity-provider strategies, network configuration and placement items", "[decode]") {
  Request r(R"({
      "capacityProviderStrategy":[{"capacityProvider":"FARGATE","weight":2,"base":1},
                                  {"capacityProvider":"FARGATE_SPOT"}],
      "networkConfiguration":{"awsvpcConfiguration":{"subnets":["s-1","s-2"],
                                                     "securityGroups":["sg"]}},
      "placementConstraints":[{"type":"distinctInstance"},
                              {"type":"memberOf","expression":"attribute:a == b"}],
      "placementStrategy":[{"type":"spread","field":"instanceId"},{"type":"random"}]})");
  auto strategy = ReadStrategy(r.in, "capacityProviderStrategy");
  REQUIRE(strategy);
  CHECK(*strategy == model::CapacityProviderStrategy{{"FARGATE", 2, 1}, {"FARGATE_SPOT", 0, 0}});
  auto vpc = ReadAwsVpc(r.in);
  REQUIRE(vpc);
  CHECK(vpc->subnets == std::vector<std::string>{"s-1", "s-2"});
  CHECK(vpc->assign_public_ip == model::AssignPublicIp::kDisabled);  // the default
  auto constraints = ReadPlacementConstraints(r.in);
  REQUIRE(constraints);
  CHECK(*constraints == std::vector<model::PlacementConstraintItem>{
                            {"distinctInstance", ""}, {"memberOf", "attribute:a == b"}});
  auto spread = ReadPlacementStrategy(r.in);
  REQUIRE(spread);
  CHECK(spread->at(1) == model::PlacementStrategyItem{"random", ""});
  CHECK(r.in.ok());

  Request no_vpc(R"({"networkConfiguration":{}})");
  CHECK_FALSE(ReadAwsVpc(no_vpc.in));  // networkConfiguration without awsvpcConfiguration
  Request unnamed(R"({"capacityProviderStrategy":[{"weight":1}]})");
  ReadStrategy(unnamed.in, "capacityProviderStrategy");
  CHECK(unnamed.in.status().message() ==
        "capacityProviderStrategy.capacityProvider can not be "
        "empty.");
  Request wrong(R"({"networkConfiguration":{"awsvpcConfiguration":{"subnets":"s"}}})");
  ReadAwsVpc(wrong.in);
  CHECK(wrong.in.status().code() == ErrorCode::kSerializationException);
}

TEST_CASE("Writers produce ECS's shapes byte for byte", "[decode]") {
  JsonWriter w;
  w.StartObject();
  WriteStrategy(w, "s", {{"FARGATE", 1, 2}});
  WriteNetwork(w, "n", {{{"a"}, {"g"}, model::AssignPublicIp::kEnabled}});
  WritePlacement(w, {{"distinctInstance", ""}}, {{"binpack", "cpu"}, {"random", ""}});
  WriteRaw(w, "lb", model::RawJson{}, "[]");
  WriteRaw(w, "raw", model::RawJson::FromText(R"({"x":[1]})"), "[]");
  w.EndObject();
  CHECK(w.str() ==
        R"({"s":[{"capacityProvider":"FARGATE","weight":1,"base":2}],)"
        R"("n":{"awsvpcConfiguration":{"subnets":["a"],"securityGroups":["g"],)"
        R"("assignPublicIp":"ENABLED"}},"placementConstraints":[{"type":"distinctInstance"}],)"
        R"("placementStrategy":[{"type":"binpack","field":"cpu"},{"type":"random"}],)"
        R"("lb":[],"raw":{"x":[1]}})");
}

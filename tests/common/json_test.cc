#include "common/json.h"

#include <catch2/catch.hpp>

#include "common/pagination.h"

using namespace ecs;

TEST_CASE("JsonObjectReader type errors are SerializationException", "[json]") {
  auto doc = ParseJsonObject(R"({"a":"x","n":5,"b":true,"l":["p"],"bad":"two","nul":null})");
  REQUIRE(doc.ok());
  JsonObjectReader r(**doc);
  CHECK(*r.String("a") == "x");
  CHECK(*r.Int("n") == 5);
  CHECK(*r.Bool("b"));
  CHECK(r.StringList("l")->size() == 1);
  CHECK_FALSE(r.String("nul"));  // null reads as absent
  CHECK(r.ok());
  CHECK_FALSE(r.Int("bad"));
  REQUIRE_FALSE(r.ok());
  CHECK(r.status().code() == ErrorCode::kSerializationException);
  CHECK_THAT(r.status().message(), Catch::Contains("bad"));
}

TEST_CASE("ParseJsonObject rejects non-objects and accepts an empty body", "[json]") {
  CHECK(ParseJsonObject("").ok());
  CHECK(ParseJsonObject("  ").ok());
  for (const char* bad : {"[]", "\"x\"", "{", "nope", "5"}) {
    auto r = ParseJsonObject(bad);
    REQUIRE_FALSE(r.ok());
    CHECK(r.status().code() == ErrorCode::kSerializationException);
  }
}

TEST_CASE("Timestamps are epoch seconds with milliseconds", "[json]") {
  JsonWriter w;
  w.StartArray().Timestamp(1557119253821).Timestamp(1000).EndArray();
  CHECK(w.str() == "[1557119253.821,1.000]");
  CHECK(*ParseIso8601("2018-02-13") == 1518480000000);
  CHECK(*ParseIso8601("2018-06-18T22:28:28Z") == 1529360908000);
  CHECK(*ParseIso8601("2018-06-18T22:28:28+00:00") == 1529360908000);
  CHECK(*ParseIso8601("2018-06-18T23:28:28+01:00") == 1529360908000);
  CHECK_FALSE(ParseIso8601("yesterday"));
}

TEST_CASE("Page tokens are bound to their scope", "[pagination]") {
  std::string t = EncodePageToken("ListClusters", "00000000000000000042");
  CHECK(*DecodePageToken(t, "ListClusters") == "00000000000000000042");
  CHECK_FALSE(DecodePageToken(t, "ListTasks|cluster=a").ok());
  CHECK_FALSE(DecodePageToken("garbage!", "ListClusters").ok());
  CHECK(*ResolvePageSize(std::nullopt, 10, 100) == 10);
  CHECK_FALSE(ResolvePageSize(0, 10, 100).ok());
  CHECK_FALSE(ResolvePageSize(101, 10, 100).ok());
}

TEST_CASE("Raw splices values with the separators around them", "[json]") {
  JsonWriter w;
  w.StartObject().Key("a").Raw(R"([1,{"x":"y"}])").Key("b").Raw("{}").Member("c", 1);
  w.Key("d").StartArray().Raw("{}").Raw("[]").Int(2).EndArray().EndObject();
  CHECK(w.str() == R"({"a":[1,{"x":"y"}],"b":{},"c":1,"d":[{},[],2]})");
}

TEST_CASE("ParseJsonObject limits nesting depth instead of overflowing the stack", "[json]") {
  auto nested = [](int depth, char open, char close) {
    std::string s = "{\"a\":";
    s += std::string(static_cast<size_t>(depth - 1), open);
    s += std::string(static_cast<size_t>(depth - 1), close);
    return s + "}";
  };
  // The object itself is one level: kMaxJsonDepth levels in all are fine, one more is not.
  CHECK(ParseJsonObject(nested(kMaxJsonDepth, '[', ']')).ok());
  auto deep = ParseJsonObject(nested(kMaxJsonDepth + 1, '[', ']'));
  REQUIRE_FALSE(deep.ok());
  CHECK(deep.status().code() == ErrorCode::kSerializationException);
  CHECK_THAT(deep.status().message(), Catch::Contains("deeper than 128 levels"));

  // What crashed the server: 110,000 unclosed '[' (and the same with objects).
  for (const std::string& hostile :
       {std::string(110'000, '['), "{\"a\":" + std::string(110'000, '[')}) {
    auto r = ParseJsonObject(hostile);
    REQUIRE_FALSE(r.ok());
    CHECK(r.status().code() == ErrorCode::kSerializationException);
  }
  std::string objects;
  for (int i = 0; i < 60'000; ++i) objects += "{\"k\":";
  CHECK_THAT(ParseJsonObject(objects).status().message(), Catch::Contains("deeper than"));
}

TEST_CASE("ParseJsonObject keeps its error messages for invalid JSON", "[json]") {
  auto r = ParseJsonObject("{\"a\": [1, 2,]}");
  REQUIRE_FALSE(r.ok());
  CHECK_THAT(r.status().message(), Catch::StartsWith("Request body is not valid JSON: "));
  CHECK_THAT(r.status().message(), Catch::Contains("(offset "));
}

#include "api/protocol.h"

#include <catch2/catch.hpp>

using namespace ecs;
using namespace ecs::api;

TEST_CASE("ParseTarget accepts only the ECS prefix", "[protocol]") {
  CHECK(*ParseTarget("AmazonEC2ContainerServiceV20141113.CreateCluster") == "CreateCluster");
  CHECK(*ParseTarget(" AmazonEC2ContainerServiceV20141113.ListTasks ") == "ListTasks");
  for (const char* bad :
       {"", "CreateCluster", "AmazonEC2ContainerServiceV20141113.",
        "DynamoDB_20120810.CreateCluster", "AmazonEC2ContainerServiceV20141113X.CreateCluster"}) {
    auto r = ParseTarget(bad);
    REQUIRE_FALSE(r.ok());
    CHECK(r.status().code() == ErrorCode::kUnknownOperationException);
  }
}

TEST_CASE("SigV4 credential scope", "[protocol]") {
  auto s = ParseCredentialScope(
      "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20240607/us-west-2/ecs/aws4_request, "
      "SignedHeaders=content-type;host;x-amz-date;x-amz-target, Signature=abc");
  REQUIRE(s);
  CHECK(s->access_key == "AKIDEXAMPLE");
  CHECK(s->region == "us-west-2");
  CHECK_FALSE(ParseCredentialScope(""));
  CHECK_FALSE(ParseCredentialScope("Basic dXNlcjpwYXNz"));
  CHECK_FALSE(ParseCredentialScope("AWS4-HMAC-SHA256 Credential=/x"));
}

TEST_CASE("Tenant resolution: scope, host, defaults, 12-digit keys", "[protocol]") {
  Tenant defaults{"000000000000", "us-east-1"};
  const std::string auth =
      "AWS4-HMAC-SHA256 Credential=111122223333/20240607/eu-west-1/ecs/aws4_request, "
      "SignedHeaders=host, Signature=abc";
  CHECK(ResolveTenant(auth, "localhost:4599", defaults) == Tenant{"111122223333", "eu-west-1"});
  CHECK(ResolveTenant("AWS4-HMAC-SHA256 Credential=test/20240607/ap-south-1/ecs/aws4_request", "",
                      defaults) == Tenant{"000000000000", "ap-south-1"});
  CHECK(ResolveTenant("", "ecs.sa-east-1.amazonaws.com", defaults) ==
        Tenant{"000000000000", "sa-east-1"});
  CHECK(ResolveTenant("", "localhost", defaults) == defaults);
}

TEST_CASE("Error bodies are byte-exact", "[protocol]") {
  CHECK(ErrorBody(Status::ClusterNotFound()) ==
        R"({"__type":"ClusterNotFoundException","message":"Cluster not found."})");
  CHECK(
      ErrorBody(Status(ErrorCode::kUnknownOperationException,
                       "CreateDaemon is not implemented by ecs-emulator yet")) ==
      R"({"__type":"UnknownOperationException","message":"CreateDaemon is not implemented by ecs-emulator yet"})");
  CHECK(ErrorBody(Status::Serialization("bad \"quote\"")) ==
        R"({"__type":"SerializationException","message":"bad \"quote\""})");
  Status conflict(ErrorCode::kConflictException, "token reused");
  conflict.resource_ids = {"arn:a"};
  CHECK(ErrorBody(conflict) ==
        R"({"__type":"ConflictException","message":"token reused","resourceIds":["arn:a"]})");
  CHECK(HttpStatusFor(ErrorCode::kServerException) == 500);
  CHECK(HttpStatusFor(ErrorCode::kAccessDeniedException) == 400);
}

TEST_CASE("Error bodies never carry bytes that are not UTF-8", "[protocol][utf8]") {
  // "Unknown operation <X-Amz-Target>" quotes a header, which may hold any byte.
  CHECK(ErrorBody(Status(ErrorCode::kUnknownOperationException, "Unknown operation X\xFF\xC3")) ==
        "{\"__type\":\"UnknownOperationException\",\"message\":\"Unknown operation "
        "X\xEF\xBF\xBD\xEF\xBF\xBD\"}");
  CHECK(ErrorBody(Status::InvalidParameter("caf\xC3\xA9")) ==
        "{\"__type\":\"InvalidParameterException\",\"message\":\"caf\xC3\xA9\"}");
}

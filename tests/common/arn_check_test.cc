// CheckArnArgument: the one check every operation (and capacity providers and task sets) makes
// of an ARN argument before looking anything up.
#include "common/arn_check.h"

#include <catch2/catch.hpp>
#include <string>
#include <utility>
#include <vector>

using namespace ecs;

namespace {

const Tenant kCaller{"000000000000", "us-east-1"};
const std::string kOurs = "arn:aws:ecs:us-east-1:000000000000:";

std::string MessageOf(std::string_view id, ArnResource type, std::string_view cluster = {}) {
  Status s = CheckArnArgument(kCaller, id, type, cluster);
  if (s.ok()) return "ok";
  CHECK(s.code() == ErrorCode::kInvalidParameterException);
  return s.message();
}

TEST_CASE("names, IDs and the caller's own ARNs pass", "[arn]") {
  CHECK(MessageOf("web", ArnResource::kService) == "ok");
  CHECK(MessageOf("0123abcd", ArnResource::kTask, "c") == "ok");
  CHECK(MessageOf(kOurs + "cluster/c", ArnResource::kCluster) == "ok");
  CHECK(MessageOf(kOurs + "service/c/web", ArnResource::kService, "c") == "ok");
  CHECK(MessageOf(kOurs + "service/web", ArnResource::kService, "c") == "ok");  // short format
  CHECK(MessageOf(kOurs + "task-definition/web:3", ArnResource::kTaskDefinition) == "ok");
  CHECK(MessageOf(kOurs + "capacity-provider/cp", ArnResource::kCapacityProvider) == "ok");
  CHECK(MessageOf(kOurs + "task-set/c/web/ecs-svc-123", ArnResource::kTaskSet, "c") == "ok");
  const Tenant china{"000000000000", "cn-north-1"};
  CHECK(CheckArnArgument(china, "arn:aws-cn:ecs:cn-north-1:000000000000:cluster/c",
                         ArnResource::kCluster)
            .ok());
}

TEST_CASE("foreign and malformed ARNs are InvalidParameterException", "[arn]") {
  CHECK(MessageOf("arn:aws:ecs:eu-west-1:000000000000:cluster/c", ArnResource::kCluster) ==
        "Invalid Region in ARN");
  CHECK(MessageOf("arn:aws-cn:ecs:us-east-1:000000000000:cluster/c", ArnResource::kCluster) ==
        "Invalid Partition in ARN");
  CHECK(MessageOf("arn:aws:ecs:us-east-1:111122223333:cluster/c", ArnResource::kCluster) ==
        "Invalid identifier: Identifier is for 111122223333. Your accountId is 000000000000");
  CHECK(MessageOf(kOurs + "cluster/c", ArnResource::kService) ==
        "Unsupported resource type: cluster:");
  CHECK(MessageOf(kOurs + "service/a/web", ArnResource::kService, "b") ==
        "Invalid identifier: Identifier is for cluster a. Your cluster is b");
  CHECK(MessageOf(kOurs + "task-set/c/web", ArnResource::kTaskSet) ==
        "Invalid identifier: " + kOurs + "task-set/c/web is not a valid task-set ARN.");
  const std::pair<std::string, ArnResource> kMalformed[] = {
      {kOurs + "cluster/", ArnResource::kCluster},
      {kOurs + "service/c//x", ArnResource::kService},
      {"arn:aws:ecs", ArnResource::kCluster},
      {"arn:aws:sqs:us-east-1:000000000000:cluster/c", ArnResource::kCluster},
      {kOurs + "task/c/a/b", ArnResource::kTask},
      {kOurs + "task-definition/a/b:1", ArnResource::kTaskDefinition},
  };
  for (const auto& [bad, type] : kMalformed) {
    INFO(bad);
    CHECK_THAT(MessageOf(bad, type), Catch::StartsWith("Invalid identifier: "));
  }
  const std::vector<std::string> list = {"web", kOurs + "service/c/x",
                                         "arn:aws:ecs:eu-west-1:000000000000:service/c/y"};
  CHECK(CheckArnArguments(kCaller, list, ArnResource::kService).message() ==
        "Invalid Region in ARN");
}

}  // namespace

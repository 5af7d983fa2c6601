// Tenancy and ARNs: PartitionFor (aws, aws-cn, aws-us-gov), ArnPrefix, ClusterArn, PrincipalArn,
// ParseEcsArn on every ECS resource type and on malformed input, ClusterNameFromIdentifier,
// LastSegment, and Tenant comparison.
#include "common/tenant.h"

#include <catch2/catch.hpp>
#include <string>

using namespace ecs;

TEST_CASE("PartitionFor maps regions to partitions", "[tenant]") {
  struct Row {
    const char* region;
    const char* partition;
  };
  const Row rows[] = {
      {"us-east-1", "aws"},
      {"eu-west-1", "aws"},
      {"ap-southeast-2", "aws"},
      {"us-west-2", "aws"},
      {"cn-north-1", "aws-cn"},
      {"cn-northwest-1", "aws-cn"},
      {"us-gov-west-1", "aws-us-gov"},
      {"us-gov-east-1", "aws-us-gov"},
      {"", "aws"},
      // Only the prefixes count: "cn" and "us-gov" elsewhere in the name do not.
      {"eu-cn-1", "aws"},
      {"cn", "aws"},
      {"us-govwest-1", "aws"},
  };
  for (const Row& row : rows) {
    INFO("region: " << row.region);
    CHECK(PartitionFor(row.region) == row.partition);
  }
}

TEST_CASE("ArnPrefix, ClusterArn and PrincipalArn use the region's partition", "[tenant]") {
  struct Row {
    Tenant tenant;
    const char* prefix;
    const char* cluster_arn;
    const char* principal;
  };
  const Row rows[] = {
      {{"123456789012", "us-east-1"},
       "arn:aws:ecs:us-east-1:123456789012:",
       "arn:aws:ecs:us-east-1:123456789012:cluster/demo",
       "arn:aws:iam::123456789012:root"},
      {{"000000000000", "cn-north-1"},
       "arn:aws-cn:ecs:cn-north-1:000000000000:",
       "arn:aws-cn:ecs:cn-north-1:000000000000:cluster/demo",
       "arn:aws-cn:iam::000000000000:root"},
      {{"210987654321", "us-gov-west-1"},
       "arn:aws-us-gov:ecs:us-gov-west-1:210987654321:",
       "arn:aws-us-gov:ecs:us-gov-west-1:210987654321:cluster/demo",
       "arn:aws-us-gov:iam::210987654321:root"},
  };
  for (const Row& row : rows) {
    INFO("region: " << row.tenant.region);
    CHECK(ArnPrefix(row.tenant) == row.prefix);
    CHECK(ClusterArn(row.tenant, "demo") == row.cluster_arn);
    CHECK(PrincipalArn(row.tenant) == row.principal);
  }
}

TEST_CASE("ParseEcsArn splits valid ARNs of each resource type", "[tenant]") {
  struct Row {
    const char* arn;
    const char* region;
    const char* account;
    const char* resource_type;
    const char* resource;
  };
  const Row rows[] = {
      {"arn:aws:ecs:us-east-1:123456789012:cluster/demo", "us-east-1", "123456789012", "cluster",
       "demo"},
      {"arn:aws:ecs:us-east-1:123456789012:task-definition/web:3", "us-east-1", "123456789012",
       "task-definition", "web:3"},
      {"arn:aws:ecs:eu-west-1:123456789012:service/demo/web", "eu-west-1", "123456789012",
       "service", "demo/web"},
      {"arn:aws:ecs:us-east-1:123456789012:task/demo/0123456789abcdef0123456789abcdef", "us-east-1",
       "123456789012", "task", "demo/0123456789abcdef0123456789abcdef"},
      // Old (pre-2018) task ARN format, without the cluster.
      {"arn:aws:ecs:us-east-1:123456789012:task/0123456789abcdef0123456789abcdef", "us-east-1",
       "123456789012", "task", "0123456789abcdef0123456789abcdef"},
      {"arn:aws:ecs:us-east-1:123456789012:container-instance/demo/abcdef", "us-east-1",
       "123456789012", "container-instance", "demo/abcdef"},
      {"arn:aws:ecs:us-east-1:123456789012:capacity-provider/cp1", "us-east-1", "123456789012",
       "capacity-provider", "cp1"},
      {"arn:aws:ecs:us-east-1:123456789012:task-set/demo/web/ecs-svc/1234567890123456789",
       "us-east-1", "123456789012", "task-set", "demo/web/ecs-svc/1234567890123456789"},
      {"arn:aws:ecs:us-east-1:123456789012:service-deployment/demo/web/abc", "us-east-1",
       "123456789012", "service-deployment", "demo/web/abc"},
      {"arn:aws:ecs:us-east-1:123456789012:service-revision/demo/web/42", "us-east-1",
       "123456789012", "service-revision", "demo/web/42"},
      {"arn:aws:ecs:us-east-1:123456789012:container/demo/abc/web", "us-east-1", "123456789012",
       "container", "demo/abc/web"},
      {"arn:aws-cn:ecs:cn-north-1:123456789012:cluster/c", "cn-north-1", "123456789012", "cluster",
       "c"},
      {"arn:aws-us-gov:ecs:us-gov-west-1:123456789012:cluster/c", "us-gov-west-1", "123456789012",
       "cluster", "c"},
  };
  for (const Row& row : rows) {
    INFO("arn: " << row.arn);
    ParsedArn p;
    REQUIRE(ParseEcsArn(row.arn, &p));
    CHECK(p.region == row.region);
    CHECK(p.account == row.account);
    CHECK(p.resource_type == row.resource_type);
    CHECK(p.resource == row.resource);
  }
}

TEST_CASE("ParseEcsArn parses what ClusterArn builds", "[tenant]") {
  Tenant t{"123456789012", "ap-northeast-1"};
  ParsedArn p;
  REQUIRE(ParseEcsArn(ClusterArn(t, "my-cluster_1"), &p));
  CHECK(p.region == t.region);
  CHECK(p.account == t.account);
  CHECK(p.resource_type == "cluster");
  CHECK(p.resource == "my-cluster_1");
}

TEST_CASE("ParseEcsArn rejects malformed ARNs", "[tenant]") {
  const char* bad[] = {
      "",
      "demo",
      "cluster/demo",
      // wrong service
      "arn:aws:ec2:us-east-1:123456789012:instance/i-0123",
      "arn:aws:iam::123456789012:role/ecsTaskExecutionRole",
      "arn:aws:ECS:us-east-1:123456789012:cluster/demo",
      // not an ARN
      "urn:aws:ecs:us-east-1:123456789012:cluster/demo",
      "ARN:aws:ecs:us-east-1:123456789012:cluster/demo",
      "xarn:aws:ecs:us-east-1:123456789012:cluster/demo",
      // missing parts
      "arn",
      "arn:",
      "arn:aws",
      "arn:aws:ecs",
      "arn:aws:ecs:us-east-1",
      "arn:aws:ecs:us-east-1:123456789012",
      "arn:aws:ecs:us-east-1:123456789012:",
      "arn:aws:ecs:us-east-1:123456789012:cluster",
      "arn:aws:ecs:us-east-1:123456789012:/demo",
      "arn:aws:ecs:us-east-1:cluster/demo",
  };
  for (const char* arn : bad) {
    INFO("arn: " << arn);
    ParsedArn p;
    CHECK_FALSE(ParseEcsArn(arn, &p));
  }
}

TEST_CASE("ParseEcsArn leaves the output untouched on failure", "[tenant]") {
  ParsedArn p{"r", "a", "t", "x"};
  REQUIRE_FALSE(ParseEcsArn("arn:aws:s3:::bucket/key", &p));
  CHECK(p.region == "r");
  CHECK(p.account == "a");
  CHECK(p.resource_type == "t");
  CHECK(p.resource == "x");
}

TEST_CASE("ClusterNameFromIdentifier accepts a name, an ARN or nothing", "[tenant]") {
  struct Row {
    const char* identifier;
    const char* name;
  };
  const Row rows[] = {
      {"", "default"},
      {"default", "default"},
      {"demo", "demo"},
      {"my-cluster_1", "my-cluster_1"},
      {"arn:aws:ecs:us-east-1:123456789012:cluster/demo", "demo"},
      {"arn:aws-cn:ecs:cn-north-1:123456789012:cluster/cn-demo", "cn-demo"},
      {"arn:aws-us-gov:ecs:us-gov-west-1:123456789012:cluster/gov", "gov"},
      // Not a cluster ARN: returned as given (the caller reports it as not found).
      {"arn:aws:ecs:us-east-1:123456789012:service/demo/web",
       "arn:aws:ecs:us-east-1:123456789012:service/demo/web"},
      // Only identifiers starting with "arn:" are ARNs.
      {"x:cluster/demo", "x:cluster/demo"},
  };
  for (const Row& row : rows) {
    INFO("identifier: " << row.identifier);
    CHECK(ClusterNameFromIdentifier(row.identifier) == row.name);
  }
}

TEST_CASE("LastSegment is what follows the last slash", "[tenant]") {
  struct Row {
    const char* identifier;
    const char* last;
  };
  const Row rows[] = {
      {"", ""},
      {"abc", "abc"},
      {"a/b", "b"},
      {"a/b/c", "c"},
      {"a/", ""},
      {"/a", "a"},
      {"arn:aws:ecs:us-east-1:123456789012:task/demo/0123456789abcdef", "0123456789abcdef"},
      {"arn:aws:ecs:us-east-1:123456789012:task-definition/web:3", "web:3"},
  };
  for (const Row& row : rows) {
    INFO("identifier: " << row.identifier);
    CHECK(LastSegment(row.identifier) == row.last);
  }
}

TEST_CASE("Tenants compare by account, then region", "[tenant]") {
  Tenant a{"111111111111", "us-west-2"};
  Tenant b{"111111111111", "us-east-1"};
  Tenant c{"222222222222", "af-south-1"};
  CHECK(a == Tenant{"111111111111", "us-west-2"});
  CHECK(a != b);
  CHECK(b < a);
  CHECK(a < c);
  CHECK(b < c);
}

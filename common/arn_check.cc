#include "common/arn_check.h"

#include <string>

namespace ecs {

namespace {

// ECS's answers, as far as they are on record:
//  - an ARN of another Region: "Invalid Region in ARN" (RunTask and DescribeServices,
//    github.com/aws/aws-cli/issues/3175, aws/amazon-ecs-cli/issues/821,
//    aws-samples/ecs-bg-external-controller/issues/9);
//  - a service or task ARN of another cluster than the request's: "Invalid identifier:
//    Identifier is for cluster jan7. Your cluster is default" (aws/aws-toolkit-vscode/issues/2915,
//    docker/compose-cli/issues/2086);
//  - an ARN of another account: quoted only in part, "Identifier is <account>"
//    (teralytics/prometheus-ecs-discovery/issues/95); the sentence below follows the cluster
//    form of the same message;
//  - an ARN of another resource type: "Unsupported resource type: cluster:" for a cluster ARN
//    given where a service was expected (crossplane-contrib/provider-upjet-aws/issues/624).
// No answer is on record for another partition or a malformed ARN: they follow the Region's form.
Status Invalid(std::string message) { return Status::InvalidParameter(std::move(message)); }

// The cluster a long-format ARN's resource names ("<cluster>/<id>"), or "" for the old short
// format ("<id>"). Task sets always name one.
std::string_view ClusterOf(ArnResource type, std::string_view resource) {
  if (type != ArnResource::kContainerInstance && type != ArnResource::kService &&
      type != ArnResource::kTask && type != ArnResource::kTaskSet && type != ArnResource::kDaemon &&
      type != ArnResource::kDaemonDeployment && type != ArnResource::kDaemonRevision) {
    return {};
  }
  const size_t slash = resource.find('/');
  return slash == std::string_view::npos ? std::string_view() : resource.substr(0, slash);
}

// Segments after the type: 1 for cluster, capacity provider and task definition; 1 or 2 for
// container instances, services and tasks; 2 for daemons; 3 for task sets and daemon deployments
// and revisions. None may be empty.
bool WellFormedResource(ArnResource type, std::string_view resource) {
  size_t segments = 1;
  size_t start = 0;
  for (size_t slash = resource.find('/'); slash != std::string_view::npos;
       slash = resource.find('/', start)) {
    if (slash == start) return false;
    ++segments;
    start = slash + 1;
  }
  if (start == resource.size()) return false;
  switch (type) {
    case ArnResource::kCluster:
    case ArnResource::kCapacityProvider:
    case ArnResource::kTaskDefinition:
    case ArnResource::kDaemonTaskDefinition:
      return segments == 1;
    case ArnResource::kContainerInstance:
    case ArnResource::kService:
    case ArnResource::kTask:
      return segments <= 2;
    case ArnResource::kDaemon:
      return segments == 2;
    case ArnResource::kTaskSet:
    case ArnResource::kDaemonDeployment:
    case ArnResource::kDaemonRevision:
      return segments == 3;
  }
  return false;
}

}  // namespace

std::string_view ArnResourceType(ArnResource type) {
  switch (type) {
    case ArnResource::kCluster:
      return "cluster";
    case ArnResource::kContainerInstance:
      return "container-instance";
    case ArnResource::kService:
      return "service";
    case ArnResource::kTask:
      return "task";
    case ArnResource::kTaskDefinition:
      return "task-definition";
    case ArnResource::kCapacityProvider:
      return "capacity-provider";
    case ArnResource::kTaskSet:
      return "task-set";
    case ArnResource::kDaemonTaskDefinition:
      return "daemon-task-definition";
    case ArnResource::kDaemon:
      return "daemon";
    case ArnResource::kDaemonDeployment:
      return "daemon-deployment";
    case ArnResource::kDaemonRevision:
      return "daemon-revision";
  }
  return "";
}

Status CheckArnArgument(const Tenant& caller, std::string_view identifier, ArnResource type,
                        std::string_view cluster) {
  if (!identifier.starts_with("arn:")) return Status::Ok();
  ParsedArn arn;
  if (!ParseEcsArn(identifier, &arn)) {
    return Invalid("Invalid identifier: " + std::string(identifier) + " is not an ECS ARN.");
  }
  if (arn.partition != PartitionFor(caller.region)) return Invalid("Invalid Partition in ARN");
  if (arn.region != caller.region) return Invalid("Invalid Region in ARN");
  if (arn.account != caller.account) {
    return Invalid("Invalid identifier: Identifier is for " + arn.account + ". Your accountId is " +
                   caller.account);
  }
  if (arn.resource_type != ArnResourceType(type)) {
    return Invalid("Unsupported resource type: " + arn.resource_type + ":");
  }
  if (!WellFormedResource(type, arn.resource)) {
    return Invalid("Invalid identifier: " + std::string(identifier) + " is not a valid " +
                   std::string(ArnResourceType(type)) + " ARN.");
  }
  const std::string_view arn_cluster = ClusterOf(type, arn.resource);
  if (!cluster.empty() && !arn_cluster.empty() && arn_cluster != cluster) {
    return Invalid("Invalid identifier: Identifier is for cluster " + std::string(arn_cluster) +
                   ". Your cluster is " + std::string(cluster));
  }
  return Status::Ok();
}

Status CheckArnArguments(const Tenant& caller, const std::vector<std::string>& identifiers,
                         ArnResource type, std::string_view cluster) {
  for (const std::string& identifier : identifiers) {
    ECS_RETURN_IF_ERROR(CheckArnArgument(caller, identifier, type, cluster));
  }
  return Status::Ok();
}

}  // namespace ecs

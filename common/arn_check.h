// The one check every identifier argument gets that may be an ARN: cluster, service, task,
// container instance, task definition, capacity provider, task set. A name or ID passes as it
// is; an ARN must be a well-formed ECS ARN of the expected resource type, in the caller's
// partition, Region and account — and a long-format service, task, container-instance or task-set
// ARN must be of the cluster the request names. Anything else is ECS's InvalidParameterException,
// so an ARN from another account, Region or cluster never resolves to a caller's own resource of
// the same name (account 222's DeleteCluster with account 111's cluster ARN deleted 222's own).
//
// Callers: every operation, before it looks an identifier up (control/ calls it where it
// resolves identifiers). Pure; thread-safe.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "common/tenant.h"

namespace ecs {

enum class ArnResource {
  kCluster,               // cluster/<name>
  kContainerInstance,     // container-instance/<id> or container-instance/<cluster>/<id>
  kService,               // service/<name> or service/<cluster>/<name>
  kTask,                  // task/<id> or task/<cluster>/<id>
  kTaskDefinition,        // task-definition/<family>:<revision>
  kCapacityProvider,      // capacity-provider/<name>
  kTaskSet,               // task-set/<cluster>/<service>/<id>
  kDaemonTaskDefinition,  // daemon-task-definition/<family>:<revision>
  kDaemon,                // daemon/<cluster>/<name>
  kDaemonDeployment,      // daemon-deployment/<cluster>/<daemon>/<id>
  kDaemonRevision,        // daemon-revision/<cluster>/<daemon>/<id>
};

// "cluster", "task-definition", ... as ARNs spell the type.
std::string_view ArnResourceType(ArnResource type);

// Ok for a name or ID (anything not starting with "arn:") and for an ARN of `type` that belongs
// to `caller` (and to `cluster`, when given and the ARN names a cluster). Otherwise
// InvalidParameterException; see arn_check.cc for the texts and their evidence.
Status CheckArnArgument(const Tenant& caller, std::string_view identifier, ArnResource type,
                        std::string_view cluster = {});
// The same for each of a list (DescribeTasks' tasks, ...): the first failure.
Status CheckArnArguments(const Tenant& caller, const std::vector<std::string>& identifiers,
                         ArnResource type, std::string_view cluster = {});

}  // namespace ecs

#include "common/status.h"

#include <iterator>

namespace ecs {

namespace {

// Indexed by ErrorCode, in the enum's order (kCorrupt, internal, is sent as a ServerException).
constexpr std::string_view kTypeNames[] = {
    "",
    "AccessDeniedException",
    "AttributeLimitExceededException",
    "BlockedException",
    "ClientException",
    "ClusterContainsCapacityProviderException",
    "ClusterContainsContainerInstancesException",
    "ClusterContainsServicesException",
    "ClusterContainsTasksException",
    "ClusterNotFoundException",
    "ConflictException",
    "DaemonNotActiveException",
    "DaemonNotFoundException",
    "InvalidParameterException",
    "LimitExceededException",
    "MissingVersionException",
    "NamespaceNotFoundException",
    "NoUpdateAvailableException",
    "PlatformTaskDefinitionIncompatibilityException",
    "PlatformUnknownException",
    "ResourceInUseException",
    "ResourceNotFoundException",
    "ServerException",
    "ServiceDeploymentNotFoundException",
    "ServiceNotActiveException",
    "ServiceNotFoundException",
    "TargetNotConnectedException",
    "TargetNotFoundException",
    "TaskSetNotFoundException",
    "UnsupportedFeatureException",
    "UpdateInProgressException",
    "SerializationException",
    "UnknownOperationException",
    "RequestEntityTooLargeException",
    "MissingAuthenticationTokenException",
    "IncompleteSignatureException",
    "UnrecognizedClientException",
    "InvalidSignatureException",
    "ServerException",
};
static_assert(std::size(kTypeNames) == static_cast<size_t>(ErrorCode::kCorrupt) + 1,
              "one name per ErrorCode");

}  // namespace

std::string_view ErrorTypeName(ErrorCode code) {
  const auto i = static_cast<size_t>(code);
  return i < std::size(kTypeNames) ? kTypeNames[i] : "ServerException";
}

int HttpStatusFor(ErrorCode code) {
  switch (code) {
    case ErrorCode::kOk:
      return 200;
    case ErrorCode::kServerException:
    case ErrorCode::kCorrupt:
      return 500;
    case ErrorCode::kRequestEntityTooLargeException:
      return 413;
    default:
      return 400;
  }
}

}  // namespace ecs

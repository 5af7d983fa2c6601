#include "common/status.h"

namespace ecs {

std::string_view ErrorTypeName(ErrorCode code) {
  switch (code) {
    case ErrorCode::kOk:
      return "";
    case ErrorCode::kAccessDeniedException:
      return "AccessDeniedException";
    case ErrorCode::kAttributeLimitExceededException:
      return "AttributeLimitExceededException";
    case ErrorCode::kBlockedException:
      return "BlockedException";
    case ErrorCode::kClientException:
      return "ClientException";
    case ErrorCode::kClusterContainsCapacityProviderException:
      return "ClusterContainsCapacityProviderException";
    case ErrorCode::kClusterContainsContainerInstancesException:
      return "ClusterContainsContainerInstancesException";
    case ErrorCode::kClusterContainsServicesException:
      return "ClusterContainsServicesException";
    case ErrorCode::kClusterContainsTasksException:
      return "ClusterContainsTasksException";
    case ErrorCode::kClusterNotFoundException:
      return "ClusterNotFoundException";
    case ErrorCode::kDaemonNotActiveException:
      return "DaemonNotActiveException";
    case ErrorCode::kDaemonNotFoundException:
      return "DaemonNotFoundException";
    case ErrorCode::kConflictException:
      return "ConflictException";
    case ErrorCode::kInvalidParameterException:
      return "InvalidParameterException";
    case ErrorCode::kLimitExceededException:
      return "LimitExceededException";
    case ErrorCode::kMissingVersionException:
      return "MissingVersionException";
    case ErrorCode::kNamespaceNotFoundException:
      return "NamespaceNotFoundException";
    case ErrorCode::kNoUpdateAvailableException:
      return "NoUpdateAvailableException";
    case ErrorCode::kPlatformTaskDefinitionIncompatibilityException:
      return "PlatformTaskDefinitionIncompatibilityException";
    case ErrorCode::kPlatformUnknownException:
      return "PlatformUnknownException";
    case ErrorCode::kResourceInUseException:
      return "ResourceInUseException";
    case ErrorCode::kResourceNotFoundException:
      return "ResourceNotFoundException";
    case ErrorCode::kServerException:
      return "ServerException";
    case ErrorCode::kServiceDeploymentNotFoundException:
      return "ServiceDeploymentNotFoundException";
    case ErrorCode::kServiceNotActiveException:
      return "ServiceNotActiveException";
    case ErrorCode::kServiceNotFoundException:
      return "ServiceNotFoundException";
    case ErrorCode::kTargetNotConnectedException:
      return "TargetNotConnectedException";
    case ErrorCode::kTargetNotFoundException:
      return "TargetNotFoundException";
    case ErrorCode::kTaskSetNotFoundException:
      return "TaskSetNotFoundException";
    case ErrorCode::kUnsupportedFeatureException:
      return "UnsupportedFeatureException";
    case ErrorCode::kUpdateInProgressException:
      return "UpdateInProgressException";
    case ErrorCode::kSerializationException:
      return "SerializationException";
    case ErrorCode::kUnknownOperationException:
      return "UnknownOperationException";
    case ErrorCode::kRequestEntityTooLargeException:
      return "RequestEntityTooLargeException";
    case ErrorCode::kMissingAuthenticationTokenException:
      return "MissingAuthenticationTokenException";
    case ErrorCode::kIncompleteSignatureException:
      return "IncompleteSignatureException";
    case ErrorCode::kUnrecognizedClientException:
      return "UnrecognizedClientException";
    case ErrorCode::kInvalidSignatureException:
      return "InvalidSignatureException";
    case ErrorCode::kCorrupt:
      return "ServerException";
  }
  return "ServerException";
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

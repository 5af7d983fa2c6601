// Status and Result<T>: errors are values. A Status carries an ECS error shape name (the
// `__type` clients see) and a human message; api/errors.cc is the one place that turns it into
// an HTTP reply. Thread-compatible value types.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

namespace ecs {

// The error shapes of the ECS model plus the Coral framework errors clients can receive.
enum class ErrorCode {
  kOk = 0,
  kAccessDeniedException,
  kAttributeLimitExceededException,
  kBlockedException,
  kClientException,
  kClusterContainsCapacityProviderException,
  kClusterContainsContainerInstancesException,
  kClusterContainsServicesException,
  kClusterContainsTasksException,
  kClusterNotFoundException,
  kConflictException,
  kDaemonNotActiveException,
  kDaemonNotFoundException,
  kInvalidParameterException,
  kLimitExceededException,
  kMissingVersionException,
  kNamespaceNotFoundException,
  kNoUpdateAvailableException,
  kPlatformTaskDefinitionIncompatibilityException,
  kPlatformUnknownException,
  kResourceInUseException,
  kResourceNotFoundException,
  kServerException,
  kServiceDeploymentNotFoundException,
  kServiceNotActiveException,
  kServiceNotFoundException,
  kTargetNotConnectedException,
  kTargetNotFoundException,
  kTaskSetNotFoundException,
  kUnsupportedFeatureException,
  kUpdateInProgressException,
  // Coral framework errors (not in the ECS model, sent by every AWS JSON service).
  kSerializationException,
  kUnknownOperationException,
  kRequestEntityTooLargeException,
  // Authentication (--verify-signatures only; common/sigv4.h).
  kMissingAuthenticationTokenException,
  kIncompleteSignatureException,
  kUnrecognizedClientException,
  kInvalidSignatureException,
  // Internal: a stored row that cannot be read (it names the row). A client that meets one sees
  // a ServerException.
  kCorrupt,
};

// The `__type` value for a code, e.g. "ClusterNotFoundException".
std::string_view ErrorTypeName(ErrorCode code);
// 400 for client errors, 500 for ServerException (and kCorrupt), 413 for oversize bodies.
int HttpStatusFor(ErrorCode code);

class [[nodiscard]] Status {
 public:
  Status() = default;
  Status(ErrorCode code, std::string message) : code_(code), message_(std::move(message)) {}

  static Status Ok() { return Status(); }
  static Status InvalidParameter(std::string m) {
    return {ErrorCode::kInvalidParameterException, std::move(m)};
  }
  static Status Client(std::string m) { return {ErrorCode::kClientException, std::move(m)}; }
  static Status Serialization(std::string m) {
    return {ErrorCode::kSerializationException, std::move(m)};
  }
  static Status ClusterNotFound(std::string m = "Cluster not found.") {
    return {ErrorCode::kClusterNotFoundException, std::move(m)};
  }
  static Status Server(std::string m) { return {ErrorCode::kServerException, std::move(m)}; }
  static Status Corrupt(std::string m) { return {ErrorCode::kCorrupt, std::move(m)}; }

  bool ok() const { return code_ == ErrorCode::kOk; }
  ErrorCode code() const { return code_; }
  const std::string& message() const { return message_; }
  std::string_view type_name() const { return ErrorTypeName(code_); }
  // For ConflictException: the resources already bound to the client token.
  std::vector<std::string> resource_ids;

 private:
  ErrorCode code_ = ErrorCode::kOk;
  std::string message_;
};

// A value or the Status explaining why there is none.
template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : value_(std::move(value)) {}          // NOLINT(google-explicit-constructor)
  Result(Status status) : status_(std::move(status)) {}  // NOLINT(google-explicit-constructor)

  bool ok() const { return value_.has_value(); }
  const Status& status() const { return status_; }
  T& value() & { return *value_; }
  const T& value() const& { return *value_; }
  T&& value() && { return std::move(*value_); }
  T* operator->() { return &*value_; }
  const T* operator->() const { return &*value_; }
  T& operator*() { return *value_; }
  const T& operator*() const { return *value_; }

 private:
  std::optional<T> value_;
  Status status_;
};

}  // namespace ecs

// Propagates a failed Status out of the calling function.
#define ECS_RETURN_IF_ERROR(expr)              \
  do {                                         \
    ::ecs::Status ecs_status_ = (expr);        \
    if (!ecs_status_.ok()) return ecs_status_; \
  } while (0)

// Status and Result<T>: ok/not ok, code, message and type_name of Status and its factories;
// ErrorTypeName for every ErrorCode; HttpStatusFor (200/400/413/500); ECS_RETURN_IF_ERROR
// propagation into Status- and Result-returning functions; Result value access and move.
#include "common/status.h"

#include <catch2/catch.hpp>
#include <memory>
#include <set>
#include <string>
#include <utility>

using namespace ecs;

namespace {

struct CodeRow {
  ErrorCode code;
  const char* type_name;
  int http_status;
};

// Every ErrorCode, in declaration order.
constexpr CodeRow kCodes[] = {
    {ErrorCode::kOk, "", 200},
    {ErrorCode::kAccessDeniedException, "AccessDeniedException", 400},
    {ErrorCode::kAttributeLimitExceededException, "AttributeLimitExceededException", 400},
    {ErrorCode::kBlockedException, "BlockedException", 400},
    {ErrorCode::kClientException, "ClientException", 400},
    {ErrorCode::kClusterContainsCapacityProviderException,
     "ClusterContainsCapacityProviderException", 400},
    {ErrorCode::kClusterContainsContainerInstancesException,
     "ClusterContainsContainerInstancesException", 400},
    {ErrorCode::kClusterContainsServicesException, "ClusterContainsServicesException", 400},
    {ErrorCode::kClusterContainsTasksException, "ClusterContainsTasksException", 400},
    {ErrorCode::kClusterNotFoundException, "ClusterNotFoundException", 400},
    {ErrorCode::kConflictException, "ConflictException", 400},
    {ErrorCode::kDaemonNotActiveException, "DaemonNotActiveException", 400},
    {ErrorCode::kDaemonNotFoundException, "DaemonNotFoundException", 400},
    {ErrorCode::kInvalidParameterException, "InvalidParameterException", 400},
    {ErrorCode::kLimitExceededException, "LimitExceededException", 400},
    {ErrorCode::kMissingVersionException, "MissingVersionException", 400},
    {ErrorCode::kNamespaceNotFoundException, "NamespaceNotFoundException", 400},
    {ErrorCode::kNoUpdateAvailableException, "NoUpdateAvailableException", 400},
    {ErrorCode::kPlatformTaskDefinitionIncompatibilityException,
     "PlatformTaskDefinitionIncompatibilityException", 400},
    {ErrorCode::kPlatformUnknownException, "PlatformUnknownException", 400},
    {ErrorCode::kResourceInUseException, "ResourceInUseException", 400},
    {ErrorCode::kResourceNotFoundException, "ResourceNotFoundException", 400},
    {ErrorCode::kServerException, "ServerException", 500},
    {ErrorCode::kServiceDeploymentNotFoundException, "ServiceDeploymentNotFoundException", 400},
    {ErrorCode::kServiceNotActiveException, "ServiceNotActiveException", 400},
    {ErrorCode::kServiceNotFoundException, "ServiceNotFoundException", 400},
    {ErrorCode::kTargetNotConnectedException, "TargetNotConnectedException", 400},
    {ErrorCode::kTargetNotFoundException, "TargetNotFoundException", 400},
    {ErrorCode::kTaskSetNotFoundException, "TaskSetNotFoundException", 400},
    {ErrorCode::kUnsupportedFeatureException, "UnsupportedFeatureException", 400},
    {ErrorCode::kUpdateInProgressException, "UpdateInProgressException", 400},
    {ErrorCode::kSerializationException, "SerializationException", 400},
    {ErrorCode::kUnknownOperationException, "UnknownOperationException", 400},
    {ErrorCode::kRequestEntityTooLargeException, "RequestEntityTooLargeException", 413},
    {ErrorCode::kMissingAuthenticationTokenException, "MissingAuthenticationTokenException", 400},
    {ErrorCode::kIncompleteSignatureException, "IncompleteSignatureException", 400},
    {ErrorCode::kUnrecognizedClientException, "UnrecognizedClientException", 400},
    {ErrorCode::kInvalidSignatureException, "InvalidSignatureException", 400},
    {ErrorCode::kCorrupt, "ServerException", 500},
};

Status FailIf(bool fail) { return fail ? Status::InvalidParameter("bad input") : Status::Ok(); }

// Counts how far it got, so the test can see that the macro returned early.
Status TwoSteps(bool fail_first, bool fail_second, int* steps) {
  ECS_RETURN_IF_ERROR(FailIf(fail_first));
  ++*steps;
  ECS_RETURN_IF_ERROR(FailIf(fail_second));
  ++*steps;
  return Status::Ok();
}

Result<int> Doubled(bool fail, int x) {
  ECS_RETURN_IF_ERROR(FailIf(fail));
  return 2 * x;
}

}  // namespace

TEST_CASE("ErrorTypeName and HttpStatusFor cover every ErrorCode", "[status]") {
  // The table lists the enumerators in order, so its size is the number of codes.
  REQUIRE(std::size(kCodes) == static_cast<size_t>(ErrorCode::kCorrupt) + 1);
  for (size_t i = 0; i < std::size(kCodes); ++i) {
    const CodeRow& row = kCodes[i];
    INFO("code " << i << " expected " << row.type_name);
    CHECK(static_cast<size_t>(row.code) == i);
    CHECK(ErrorTypeName(row.code) == row.type_name);
    CHECK(HttpStatusFor(row.code) == row.http_status);
  }
}

TEST_CASE("Every error type name is distinct", "[status]") {
  // kCorrupt is internal: clients see it as the ServerException it becomes.
  std::set<std::string_view> names;
  for (const CodeRow& row : kCodes) {
    if (row.code != ErrorCode::kCorrupt) names.insert(ErrorTypeName(row.code));
  }
  CHECK(names.size() == std::size(kCodes) - 1);
}

TEST_CASE("A default Status is ok", "[status]") {
  Status s;
  CHECK(s.ok());
  CHECK(s.code() == ErrorCode::kOk);
  CHECK(s.message().empty());
  CHECK(s.type_name().empty());
  CHECK(s.resource_ids.empty());
  CHECK(Status::Ok().ok());
  CHECK(Status::Ok().code() == ErrorCode::kOk);
}

TEST_CASE("Status factories set code, message and type name", "[status]") {
  struct Row {
    Status status;
    ErrorCode code;
    const char* message;
    const char* type_name;
  };
  const Row rows[] = {
      {Status::InvalidParameter("p"), ErrorCode::kInvalidParameterException, "p",
       "InvalidParameterException"},
      {Status::Client("c"), ErrorCode::kClientException, "c", "ClientException"},
      {Status::Serialization("s"), ErrorCode::kSerializationException, "s",
       "SerializationException"},
      {Status::ClusterNotFound(), ErrorCode::kClusterNotFoundException, "Cluster not found.",
       "ClusterNotFoundException"},
      {Status::ClusterNotFound("gone"), ErrorCode::kClusterNotFoundException, "gone",
       "ClusterNotFoundException"},
      {Status::Server("boom"), ErrorCode::kServerException, "boom", "ServerException"},
      {Status(ErrorCode::kConflictException, "dup"), ErrorCode::kConflictException, "dup",
       "ConflictException"},
  };
  for (const Row& row : rows) {
    INFO(row.type_name << ": " << row.message);
    CHECK_FALSE(row.status.ok());
    CHECK(row.status.code() == row.code);
    CHECK(row.status.message() == row.message);
    CHECK(row.status.type_name() == row.type_name);
  }
}

TEST_CASE("A Status built with kOk is ok whatever its message", "[status]") {
  Status s(ErrorCode::kOk, "ignored");
  CHECK(s.ok());
  CHECK(s.message() == "ignored");
}

TEST_CASE("Status carries resource ids through copies", "[status]") {
  Status s(ErrorCode::kConflictException, "token reused");
  s.resource_ids = {"arn:a", "arn:b"};
  Status copy = s;
  CHECK(copy.resource_ids == std::vector<std::string>{"arn:a", "arn:b"});
  CHECK(copy.code() == ErrorCode::kConflictException);
}

TEST_CASE("ECS_RETURN_IF_ERROR returns the first failure and nothing after it", "[status]") {
  struct Row {
    bool fail_first;
    bool fail_second;
    int steps;
    bool ok;
  };
  const Row rows[] = {
      {false, false, 2, true},
      {true, false, 0, false},
      {false, true, 1, false},
      {true, true, 0, false},
  };
  for (const Row& row : rows) {
    INFO("fail_first=" << row.fail_first << " fail_second=" << row.fail_second);
    int steps = 0;
    Status s = TwoSteps(row.fail_first, row.fail_second, &steps);
    CHECK(steps == row.steps);
    CHECK(s.ok() == row.ok);
    if (!row.ok) {
      CHECK(s.code() == ErrorCode::kInvalidParameterException);
      CHECK(s.message() == "bad input");
    }
  }
}

TEST_CASE("ECS_RETURN_IF_ERROR converts the Status into a failed Result", "[status]") {
  Result<int> good = Doubled(false, 21);
  REQUIRE(good.ok());
  CHECK(*good == 42);
  CHECK(good.status().ok());

  Result<int> bad = Doubled(true, 21);
  REQUIRE_FALSE(bad.ok());
  CHECK(bad.status().code() == ErrorCode::kInvalidParameterException);
  CHECK(bad.status().message() == "bad input");
}

TEST_CASE("ECS_RETURN_IF_ERROR evaluates its argument once", "[status]") {
  int calls = 0;
  auto fn = [&]() -> Status {
    ECS_RETURN_IF_ERROR((++calls, Status::Ok()));
    return Status::Client("after");
  };
  Status s = fn();
  CHECK(calls == 1);
  CHECK(s.code() == ErrorCode::kClientException);
}

TEST_CASE("Result holding a value gives access to it", "[status]") {
  Result<std::string> r(std::string("hello"));
  REQUIRE(r.ok());
  CHECK(r.status().ok());
  CHECK(r.value() == "hello");
  CHECK(*r == "hello");
  CHECK(r->size() == 5);
  r.value() += "!";
  CHECK(*r == "hello!");
  (*r)[0] = 'j';
  CHECK(r.value() == "jello!");

  const Result<std::string>& cr = r;
  CHECK(cr.value() == "jello!");
  CHECK(*cr == "jello!");
  CHECK(cr->front() == 'j');
}

TEST_CASE("Result holding a Status is not ok and keeps the Status", "[status]") {
  Result<std::string> r = Status(ErrorCode::kServiceNotFoundException, "Service not found.");
  CHECK_FALSE(r.ok());
  CHECK(r.status().code() == ErrorCode::kServiceNotFoundException);
  CHECK(r.status().message() == "Service not found.");
  CHECK(r.status().type_name() == "ServiceNotFoundException");
}

TEST_CASE("Result value can be moved out of an rvalue Result", "[status]") {
  Result<std::unique_ptr<int>> r(std::make_unique<int>(7));
  REQUIRE(r.ok());
  std::unique_ptr<int> p = std::move(r).value();
  REQUIRE(p != nullptr);
  CHECK(*p == 7);
  // The Result still holds a (moved-from) value.
  CHECK(r.ok());  // NOLINT(bugprone-use-after-move)
  CHECK(*r == nullptr);

  Result<std::string> s(std::string(100, 'x'));
  std::string taken = std::move(s).value();
  CHECK(taken == std::string(100, 'x'));
}

TEST_CASE("Result of a move-only type can itself be moved", "[status]") {
  Result<std::unique_ptr<int>> a(std::make_unique<int>(3));
  Result<std::unique_ptr<int>> b = std::move(a);
  REQUIRE(b.ok());
  CHECK(**b == 3);
}

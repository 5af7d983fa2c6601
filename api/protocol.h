// The AWS JSON 1.1 wire protocol, independent of any socket: target parsing, SigV4 credential
// scope, error bodies. Pure functions; safe on any thread.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "common/status.h"
#include "common/tenant.h"

namespace ecs::api {

inline constexpr std::string_view kTargetPrefix = "AmazonEC2ContainerServiceV20141113";
inline constexpr std::string_view kContentType = "application/x-amz-json-1.1";

// "AmazonEC2ContainerServiceV20141113.CreateCluster" -> "CreateCluster"; anything else
// (missing header, other prefix, no dot) -> UnknownOperationException.
Result<std::string> ParseTarget(std::string_view x_amz_target);

struct CredentialScope {
  std::string access_key;
  std::string region;
};
// "AWS4-HMAC-SHA256 Credential=AKID/20240607/us-west-2/ecs/aws4_request, SignedHeaders=...,
// Signature=..." -> {AKID, us-west-2}. nullopt when the header is absent or not SigV4.
std::optional<CredentialScope> ParseCredentialScope(std::string_view authorization);

// Region: credential scope, else the Host header (ecs.<region>.amazonaws.com), else the default.
// Account: a 12-digit access key is the account; any other key means the default account.
Tenant ResolveTenant(std::string_view authorization, std::string_view host, const Tenant& defaults);

// {"__type":"<Type>","message":"<message>"} (+ resourceIds for ConflictException). Byte-exact.
std::string ErrorBody(const Status& status);

}  // namespace ecs::api

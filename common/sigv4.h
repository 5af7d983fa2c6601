// AWS Signature Version 4 verification, for --verify-signatures: a request is served only when
// its Authorization header was computed with the secret of a configured access key. The
// algorithm is AWS's ("Create a signed AWS API request", AWS IAM User Guide): canonical request,
// string to sign, signing key derived from the secret by HMAC-SHA256 over date, Region and
// service. Errors carry AWS's error types and texts (sigv4.cc cites them).
//
// Pure: the caller passes the request and the wall-clock time. A verifier is immutable after
// construction and safe to share across threads.
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/clock.h"
#include "common/status.h"

namespace ecs {

struct Credential {
  std::string access_key;
  std::string secret;
  std::string account;  // 12 digits; empty: the server's --account-id
};

// "ACCESS_KEY:SECRET[:ACCOUNT]"; the reason on error (it never quotes the secret).
Result<Credential> ParseCredential(std::string_view spec);

// A request as it arrived; header names in any case, repeated headers as repeated entries.
struct SignedRequest {
  std::string_view method;
  std::string_view target;  // path and query string, as sent
  const std::vector<std::pair<std::string, std::string>>* headers = nullptr;
  std::string_view body;
};

// The window AWS allows between X-Amz-Date and its own clock.
inline constexpr Millis kMaxSignatureSkew = Millis{5} * 60'000;

class SignatureVerifier {
 public:
  // Later credentials with the same access key replace earlier ones.
  explicit SignatureVerifier(const std::vector<Credential>& credentials);

  // The credential that signed `request`, or MissingAuthenticationTokenException,
  // IncompleteSignatureException, UnrecognizedClientException or InvalidSignatureException.
  Result<const Credential*> Verify(const SignedRequest& request, Millis now) const;

 private:
  std::map<std::string, Credential, std::less<>> by_key_;
};

// The steps, exposed for tests against AWS's published examples.
std::string Sha256Hex(std::string_view data);
std::string CanonicalRequest(const SignedRequest& request,
                             const std::vector<std::string>& signed_headers);
std::string StringToSign(std::string_view amz_date, std::string_view scope,
                         std::string_view canonical_request);
// Hex HMAC-SHA256 of `string_to_sign` under the key derived from `secret` for `scope`'s date,
// Region and service ("20150830/us-east-1/iam/aws4_request").
std::string SignatureFor(std::string_view secret, std::string_view scope,
                         std::string_view string_to_sign);

}  // namespace ecs

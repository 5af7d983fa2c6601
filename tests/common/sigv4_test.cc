// SigV4 against AWS's published example (the IAM ListUsers request of "Create a signed AWS API
// request"), and the verifier's answers for each way a request can fail.
#include "common/sigv4.h"

#include <catch2/catch.hpp>
#include <string>
#include <utility>
#include <vector>

using namespace ecs;

namespace {

using Headers = std::vector<std::pair<std::string, std::string>>;

// 2015-08-30T12:36:00Z
constexpr Millis kSignedAt = 1440938160000;
constexpr char kSecret[] = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";

TEST_CASE("SigV4 steps reproduce AWS's published example", "[sigv4]") {
  const Headers headers = {{"Host", "iam.amazonaws.com"},
                           {"Content-Type", "application/x-www-form-urlencoded; charset=utf-8"},
                           {"X-Amz-Date", "20150830T123600Z"}};
  const SignedRequest request{"GET", "/?Version=2010-05-08&Action=ListUsers", &headers, ""};
  const std::string canonical = CanonicalRequest(request, {"content-type", "host", "x-amz-date"});
  CHECK(canonical ==
        "GET\n/\nAction=ListUsers&Version=2010-05-08\n"
        "content-type:application/x-www-form-urlencoded; charset=utf-8\nhost:iam.amazonaws.com\n"
        "x-amz-date:20150830T123600Z\n\ncontent-type;host;x-amz-date\n"
        "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  CHECK(Sha256Hex(canonical) == "f536975d06c0309214f805bb90ccff089219ecd68b2577efef23edd43b7e1a59");
  const std::string scope = "20150830/us-east-1/iam/aws4_request";
  CHECK(SignatureFor(kSecret, scope, StringToSign("20150830T123600Z", scope, canonical)) ==
        "5d672d79c15b13162d9279b0855cfba6789a8edb4c82c400e06b5924a6f2b5d7");
}

// An ECS request signed with `secret` at kSignedAt.
Headers Signed(std::string_view secret, std::string_view body, const std::string& key = "AKID") {
  Headers h = {{"Host", "localhost:4599"},
               {"X-Amz-Target", "AmazonEC2ContainerServiceV20141113.ListClusters"},
               {"X-Amz-Date", "20150830T123600Z"}};
  const SignedRequest request{"POST", "/", &h, body};
  const std::string scope = "20150830/us-east-1/ecs/aws4_request";
  const std::string signature =
      SignatureFor(secret, scope,
                   StringToSign("20150830T123600Z", scope,
                                CanonicalRequest(request, {"host", "x-amz-date", "x-amz-target"})));
  h.emplace_back("Authorization",
                 "AWS4-HMAC-SHA256 Credential=" + key + "/" + scope +
                     ", SignedHeaders=host;x-amz-date;x-amz-target, Signature=" + signature);
  return h;
}

ErrorCode CodeOf(const SignatureVerifier& v, const Headers& h, std::string_view body = "{}",
                 Millis now = kSignedAt) {
  auto r = v.Verify(SignedRequest{"POST", "/", &h, body}, now);
  return r.ok() ? ErrorCode::kOk : r.status().code();
}

TEST_CASE("the verifier accepts the right key and refuses every other request", "[sigv4]") {
  const SignatureVerifier v({{"AKID", kSecret, "123456789012"}});
  const Headers good = Signed(kSecret, "{}");
  auto ok = v.Verify(SignedRequest{"POST", "/", &good, "{}"}, kSignedAt);
  REQUIRE(ok.ok());
  CHECK((*ok)->account == "123456789012");
  // Within the five-minute window either way, and not beyond.
  CHECK(CodeOf(v, good, "{}", kSignedAt + kMaxSignatureSkew) == ErrorCode::kOk);
  CHECK(CodeOf(v, good, "{}", kSignedAt - kMaxSignatureSkew) == ErrorCode::kOk);
  auto late =
      v.Verify(SignedRequest{"POST", "/", &good, "{}"}, kSignedAt + kMaxSignatureSkew + 1000);
  CHECK(late.status().code() == ErrorCode::kInvalidSignatureException);
  CHECK_THAT(late.status().message(), Catch::StartsWith("Signature expired: 20150830T123600Z is "
                                                        "now earlier than 20150830T123601Z"));
  CHECK(CodeOf(v, good, "{}", kSignedAt - kMaxSignatureSkew - 1000) ==
        ErrorCode::kInvalidSignatureException);
  // Another body, another secret, an unknown key.
  CHECK(CodeOf(v, good, "{\"x\":1}") == ErrorCode::kInvalidSignatureException);
  CHECK(CodeOf(v, Signed("wrong", "{}")) == ErrorCode::kInvalidSignatureException);
  CHECK(CodeOf(v, Signed(kSecret, "{}", "OTHER")) == ErrorCode::kUnrecognizedClientException);
  // No signature at all, and a header missing its parts.
  const Headers none = {{"Host", "localhost"}};
  CHECK(CodeOf(v, none) == ErrorCode::kMissingAuthenticationTokenException);
  const Headers partial = {{"Host", "localhost"},
                           {"Authorization",
                            "AWS4-HMAC-SHA256 Credential=AKID/20150830/"
                            "us-east-1/ecs/aws4_request"}};
  auto incomplete = v.Verify(SignedRequest{"POST", "/", &partial, "{}"}, kSignedAt);
  CHECK(incomplete.status().code() == ErrorCode::kIncompleteSignatureException);
  CHECK_THAT(incomplete.status().message(),
             Catch::Contains("Authorization header requires 'Signature' parameter."));
}

TEST_CASE("credentials parse as KEY:SECRET[:ACCOUNT]", "[sigv4]") {
  auto c = ParseCredential("AKID:s3cr/et+:123456789012");
  REQUIRE(c.ok());
  CHECK((c->access_key == "AKID" && c->secret == "s3cr/et+" && c->account == "123456789012"));
  CHECK(ParseCredential("AKID:secret").ok());
  for (const char* bad : {"AKID", "AKID:", ":secret", "AKID:secret:12", "a:b:123456789012:x"}) {
    INFO(bad);
    auto r = ParseCredential(bad);
    REQUIRE_FALSE(r.ok());
    CHECK(r.status().message().find("secret") == std::string::npos);  // never quotes it
  }
}

}  // namespace

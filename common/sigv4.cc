#include "common/sigv4.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <ctime>
#include <optional>

#include "common/percent_decode.h"

namespace ecs {

namespace {

// Texts, as AWS's JSON services answer them (Coral): "Missing Authentication Token" is quoted
// with HTTP 400 and MissingAuthenticationTokenException for ECR (jenkinsci/aws-credentials-plugin
// issue 270); the others are the texts the AWS SDKs' users quote for ECS, DynamoDB and STS.
constexpr std::string_view kAlgorithm = "AWS4-HMAC-SHA256";
constexpr std::string_view kMismatch =
    "The request signature we calculated does not match the signature you provided. Check your "
    "AWS Secret Access Key and signing method. Consult the service documentation for details.";

Status Missing() {
  return Status(ErrorCode::kMissingAuthenticationTokenException, "Missing Authentication Token");
}
Status Incomplete(std::string message) {
  return Status(ErrorCode::kIncompleteSignatureException, std::move(message));
}
Status Invalid(std::string message) {
  return Status(ErrorCode::kInvalidSignatureException, std::move(message));
}

std::string Hex(const unsigned char* data, size_t size) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out(size * 2, '0');
  for (size_t i = 0; i < size; ++i) {
    out[2 * i] = kDigits[data[i] >> 4];
    out[2 * i + 1] = kDigits[data[i] & 0xF];
  }
  return out;
}

std::string Hmac(std::string_view key, std::string_view data) {
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int size = 0;
  HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
       reinterpret_cast<const unsigned char*>(data.data()), data.size(), out, &size);
  return std::string(reinterpret_cast<const char*>(out), size);
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

std::vector<std::string_view> Split(std::string_view s, char separator) {
  std::vector<std::string_view> out;
  size_t start = 0;
  for (size_t at = s.find(separator); at != std::string_view::npos; at = s.find(separator, start)) {
    out.push_back(s.substr(start, at - start));
    start = at + 1;
  }
  out.push_back(s.substr(start));
  return out;
}

bool Unreserved(unsigned char c) {
  return std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~';
}

// RFC 3986 percent-encoding of every byte but the unreserved ones (and '/' when `keep_slash`).
std::string UriEncode(std::string_view s, bool keep_slash) {
  std::string out;
  for (const char ch : s) {
    const auto c = static_cast<unsigned char>(ch);
    if (Unreserved(c) || (keep_slash && c == '/')) {
      out += ch;
    } else {
      char buf[4];
      std::snprintf(buf, sizeof buf, "%%%02X", static_cast<unsigned>(c));
      out += buf;
    }
  }
  return out;
}

// Query parameters decoded, re-encoded and sorted by name, then value.
std::string CanonicalQuery(std::string_view query) {
  if (query.empty()) return "";
  std::vector<std::pair<std::string, std::string>> params;
  for (std::string_view part : Split(query, '&')) {
    if (part.empty()) continue;
    const size_t eq = part.find('=');
    params.emplace_back(
        UriEncode(PercentDecode(part.substr(0, eq)), false),
        eq == std::string_view::npos ? "" : UriEncode(PercentDecode(part.substr(eq + 1)), false));
  }
  std::sort(params.begin(), params.end());
  std::string out;
  for (const auto& [name, value] : params) {
    if (!out.empty()) out += '&';
    out += name;
    out += '=';
    out += value;
  }
  return out;
}

// A header's value for the canonical request: every occurrence, trimmed, runs of spaces made
// one, joined by ','.
std::string CanonicalHeaderValue(const SignedRequest& request, std::string_view name) {
  std::string out;
  bool first = true;
  for (const auto& [key, value] : *request.headers) {
    if (Lower(key) != name) continue;
    if (!first) out += ',';
    first = false;
    bool space = false;
    for (const char c : Trim(value)) {
      if (c == ' ') {
        if (!space) out += c;
        space = true;
      } else {
        out += c;
        space = false;
      }
    }
  }
  return out;
}

std::optional<std::string> HeaderValue(const SignedRequest& request, std::string_view name) {
  for (const auto& [key, value] : *request.headers) {
    if (Lower(key) == name) return std::string(Trim(value));
  }
  return std::nullopt;
}

// "20150830T123600Z" as epoch millis.
std::optional<Millis> ParseAmzDate(std::string_view s) {
  if (s.size() != 16 || s[8] != 'T' || s[15] != 'Z') return std::nullopt;
  for (size_t i = 0; i < 15; ++i) {
    if (i != 8 && !std::isdigit(static_cast<unsigned char>(s[i]))) return std::nullopt;
  }
  auto num = [&](size_t at, size_t n) { return std::stoi(std::string(s.substr(at, n))); };
  std::tm tm{};
  tm.tm_year = num(0, 4) - 1900;
  tm.tm_mon = num(4, 2) - 1;
  tm.tm_mday = num(6, 2);
  tm.tm_hour = num(9, 2);
  tm.tm_min = num(11, 2);
  tm.tm_sec = num(13, 2);
  if (tm.tm_mon > 11 || tm.tm_mday < 1 || tm.tm_mday > 31 || tm.tm_hour > 23 || tm.tm_min > 59 ||
      tm.tm_sec > 60) {
    return std::nullopt;
  }
  return static_cast<Millis>(timegm(&tm)) * 1000;
}

std::string FormatAmzDate(Millis t) {
  const std::time_t seconds = static_cast<std::time_t>(t / 1000);
  std::tm tm{};
  gmtime_r(&seconds, &tm);
  char buf[20];
  std::strftime(buf, sizeof buf, "%Y%m%dT%H%M%SZ", &tm);
  return buf;
}

// The parts of "AWS4-HMAC-SHA256 Credential=..., SignedHeaders=..., Signature=...".
struct Authorization {
  std::string credential;
  std::string signed_headers;
  std::string signature;
};

Result<Authorization> ParseAuthorization(std::string_view header) {
  if (!header.starts_with(kAlgorithm) || header.size() == kAlgorithm.size() ||
      header[kAlgorithm.size()] != ' ') {
    return Incomplete("Authorization header must start with '" + std::string(kAlgorithm) +
                      "'. Authorization=" + std::string(header));
  }
  Authorization out;
  for (std::string_view part : Split(header.substr(kAlgorithm.size() + 1), ',')) {
    part = Trim(part);
    const size_t eq = part.find('=');
    if (eq == std::string_view::npos) continue;
    const std::string_view name = part.substr(0, eq);
    const std::string value(part.substr(eq + 1));
    if (name == "Credential") out.credential = value;
    if (name == "SignedHeaders") out.signed_headers = value;
    if (name == "Signature") out.signature = value;
  }
  std::string missing;
  if (out.credential.empty()) missing += "Authorization header requires 'Credential' parameter. ";
  if (out.signature.empty()) missing += "Authorization header requires 'Signature' parameter. ";
  if (out.signed_headers.empty()) {
    missing += "Authorization header requires 'SignedHeaders' parameter. ";
  }
  if (!missing.empty()) return Incomplete(missing + "Authorization=" + std::string(header));
  return out;
}

// Checks X-Amz-Date against the credential scope's date and the clock.
Result<std::string> CheckDate(const SignedRequest& request, std::string_view scope_date,
                              Millis now) {
  const auto amz_date = HeaderValue(request, "x-amz-date");
  if (!amz_date) {
    return Incomplete("Authorization header requires existence of a 'X-Amz-Date' header.");
  }
  const auto signed_at = ParseAmzDate(*amz_date);
  if (!signed_at) return Incomplete("Invalid X-Amz-Date '" + *amz_date + "'.");
  if (amz_date->substr(0, 8) != scope_date) {
    return Invalid(
        "Date in Credential scope does not match YYYYMMDD from ISO-8601 version of "
        "date from HTTP: '" +
        std::string(scope_date) + "' != '" + amz_date->substr(0, 8) + "', from '" + *amz_date +
        "'.");
  }
  if (*signed_at < now - kMaxSignatureSkew) {
    return Invalid("Signature expired: " + *amz_date + " is now earlier than " +
                   FormatAmzDate(now - kMaxSignatureSkew) + " (" + FormatAmzDate(now) +
                   " - 5 min.)");
  }
  if (*signed_at > now + kMaxSignatureSkew) {
    return Invalid("Signature not yet current: " + *amz_date + " is still later than " +
                   FormatAmzDate(now + kMaxSignatureSkew) + " (" + FormatAmzDate(now) +
                   " + 5 min.)");
  }
  return *amz_date;
}

}  // namespace

Result<Credential> ParseCredential(std::string_view spec) {
  const std::vector<std::string_view> parts = Split(spec, ':');
  if (parts.size() < 2 || parts.size() > 3 || parts[0].empty() || parts[1].empty()) {
    return Status::InvalidParameter("a credential is ACCESS_KEY:SECRET[:ACCOUNT]");
  }
  Credential c{std::string(parts[0]), std::string(parts[1]), ""};
  if (parts.size() == 3) {
    const bool twelve_digits =
        parts[2].size() == 12 && std::all_of(parts[2].begin(), parts[2].end(), [](char ch) {
          return std::isdigit(static_cast<unsigned char>(ch));
        });
    if (!twelve_digits) {
      return Status::InvalidParameter("the account of access key " + c.access_key +
                                      " must be 12 digits");
    }
    c.account = std::string(parts[2]);
  }
  return c;
}

SignatureVerifier::SignatureVerifier(const std::vector<Credential>& credentials) {
  for (const Credential& c : credentials) by_key_[c.access_key] = c;
}

std::string Sha256Hex(std::string_view data) {
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int size = 0;
  EVP_Digest(data.data(), data.size(), out, &size, EVP_sha256(), nullptr);
  return Hex(out, size);
}

std::string CanonicalRequest(const SignedRequest& request,
                             const std::vector<std::string>& signed_headers) {
  const size_t question = request.target.find('?');
  const std::string_view path = request.target.substr(0, question);
  const std::string_view query =
      question == std::string_view::npos ? std::string_view() : request.target.substr(question + 1);
  // Services other than S3 encode the path as sent once more (AWS: "each path segment must be
  // URI-encoded twice").
  std::string out = std::string(request.method) + "\n" +
                    UriEncode(path.empty() ? "/" : path, true) + "\n" + CanonicalQuery(query) +
                    "\n";
  std::string names;
  for (const std::string& name : signed_headers) {
    out += name + ":" + CanonicalHeaderValue(request, name) + "\n";
    names += (names.empty() ? "" : ";") + name;
  }
  out += "\n" + names + "\n" + Sha256Hex(request.body);
  return out;
}

std::string StringToSign(std::string_view amz_date, std::string_view scope,
                         std::string_view canonical_request) {
  return std::string(kAlgorithm) + "\n" + std::string(amz_date) + "\n" + std::string(scope) + "\n" +
         Sha256Hex(canonical_request);
}

std::string SignatureFor(std::string_view secret, std::string_view scope,
                         std::string_view string_to_sign) {
  std::string key = "AWS4" + std::string(secret);
  const std::vector<std::string_view> parts = Split(scope, '/');  // date/region/service/term
  for (std::string_view part : parts) key = Hmac(key, part);
  const std::string signature = Hmac(key, string_to_sign);
  return Hex(reinterpret_cast<const unsigned char*>(signature.data()), signature.size());
}

Result<const Credential*> SignatureVerifier::Verify(const SignedRequest& request,
                                                    Millis now) const {
  const auto header = HeaderValue(request, "authorization");
  if (!header || header->empty()) return Missing();
  auto auth = ParseAuthorization(*header);
  if (!auth.ok()) return auth.status();
  // Credential=<key>/<date>/<region>/<service>/aws4_request
  const std::vector<std::string_view> scope = Split(auth->credential, '/');
  if (scope.size() != 5 || scope[0].empty() || scope[1].size() != 8 || scope[2].empty()) {
    return Incomplete(
        "Credential must have exactly 5 slash-delimited elements, e.g. "
        "keyid/date/region/service/term, got '" +
        auth->credential + "'");
  }
  if (scope[4] != "aws4_request") {
    return Invalid("Credential should be scoped with a valid terminator: 'aws4_request', not '" +
                   std::string(scope[4]) + "'.");
  }
  if (scope[3] != "ecs") {
    return Invalid("Credential should be scoped to correct service: 'ecs'.");
  }
  auto found = by_key_.find(scope[0]);
  if (found == by_key_.end()) {
    return Status(ErrorCode::kUnrecognizedClientException,
                  "The security token included in the request is invalid.");
  }
  auto amz_date = CheckDate(request, scope[1], now);
  if (!amz_date.ok()) return amz_date.status();
  std::vector<std::string> names;
  for (std::string_view name : Split(auth->signed_headers, ';')) names.push_back(Lower(name));
  if (std::find(names.begin(), names.end(), "host") == names.end()) {
    return Invalid("'Host' or ':authority' must be a 'SignedHeader' in the AWS Authorization.");
  }
  const std::string credential_scope = auth->credential.substr(scope[0].size() + 1);
  const std::string expected =
      SignatureFor(found->second.secret, credential_scope,
                   StringToSign(*amz_date, credential_scope, CanonicalRequest(request, names)));
  if (expected.size() != auth->signature.size() ||
      CRYPTO_memcmp(expected.data(), auth->signature.data(), expected.size()) != 0) {
    return Invalid(std::string(kMismatch));
  }
  return &found->second;
}

}  // namespace ecs

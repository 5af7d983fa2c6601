#include "common/pagination.h"

#include <openssl/evp.h>

#include <cstdio>
#include <vector>

namespace ecs {

std::string Base64Encode(std::string_view data) {
  std::string out(4 * ((data.size() + 2) / 3), '\0');
  int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                          reinterpret_cast<const unsigned char*>(data.data()),
                          static_cast<int>(data.size()));
  out.resize(static_cast<size_t>(n));
  return out;
}

std::optional<std::string> Base64Decode(std::string_view data) {
  if (data.empty()) return std::string();
  if (data.size() % 4 != 0) return std::nullopt;
  // Padding only ends the input (EVP_DecodeBlock would read a '=' anywhere as zero bits).
  const size_t padding = data.ends_with("==") ? 2 : data.ends_with("=") ? 1 : 0;
  if (data.find('=') < data.size() - padding) return std::nullopt;
  std::string out(3 * data.size() / 4, '\0');
  int n = EVP_DecodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                          reinterpret_cast<const unsigned char*>(data.data()),
                          static_cast<int>(data.size()));
  if (n < 0) return std::nullopt;
  size_t len = static_cast<size_t>(n);
  out.resize(len - padding);  // EVP_DecodeBlock counts padding bytes as output
  return out;
}

namespace {
// "v2|<scope length>|<scope>|": the length makes the prefix name exactly one scope, so a token of
// scope "S|x" is never read as one of scope "S" (whose cursor would then begin "x|").
std::string TokenPrefix(std::string_view scope) {
  return "v2|" + std::to_string(scope.size()) + "|" + std::string(scope) + "|";
}
}  // namespace

std::string EncodePageToken(std::string_view scope, std::string_view cursor) {
  std::string raw = TokenPrefix(scope);
  raw += cursor;
  return Base64Encode(raw);
}

Result<std::string> DecodePageToken(std::string_view token, std::string_view scope) {
  auto raw = Base64Decode(token);
  const std::string prefix = TokenPrefix(scope);
  if (!raw || !raw->starts_with(prefix)) {
    return Status::InvalidParameter(
        "Invalid nextToken: it is malformed or was issued for a "
        "different request.");
  }
  return raw->substr(prefix.size());
}

Result<int> ResolvePageSize(std::optional<int64_t> max_results, int default_size, int max) {
  if (!max_results) return default_size;
  if (*max_results < 1 || *max_results > max) {
    return Status::InvalidParameter("maxResults must be between 1 and " + std::to_string(max) +
                                    ", but was " + std::to_string(*max_results) + ".");
  }
  return static_cast<int>(*max_results);
}

std::string TenantScope(const Tenant& t, std::string_view operation) {
  return t.account + "/" + t.region + "/" + std::string(operation);
}

std::string SeqCursor(int64_t seq) {
  char buf[24];
  std::snprintf(buf, sizeof buf, "%020lld", static_cast<long long>(seq));
  return buf;
}

}  // namespace ecs

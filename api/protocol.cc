#include "api/protocol.h"

#include <cctype>

#include "common/json.h"
#include "common/utf8.h"

namespace ecs::api {

namespace {
Status UnknownOperation(std::string_view target) {
  std::string msg = target.empty() ? std::string("Missing X-Amz-Target header.")
                                   : "Unknown operation " + std::string(target);
  return Status(ErrorCode::kUnknownOperationException, msg);
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return s;
}

bool IsTwelveDigits(std::string_view s) {
  if (s.size() != 12) return false;
  for (char c : s) {
    if (!std::isdigit(static_cast<unsigned char>(c))) return false;
  }
  return true;
}

bool LooksLikeRegion(std::string_view s) {
  if (s.empty() || s.size() > 32) return false;
  for (char c : s) {
    if (!(std::islower(static_cast<unsigned char>(c)) ||
          std::isdigit(static_cast<unsigned char>(c)) || c == '-')) {
      return false;
    }
  }
  return s.find('-') != std::string_view::npos;
}
}  // namespace

Result<std::string> ParseTarget(std::string_view x_amz_target) {
  std::string_view t = Trim(x_amz_target);
  size_t dot = t.rfind('.');
  if (dot == std::string_view::npos || t.substr(0, dot) != kTargetPrefix || dot + 1 == t.size()) {
    return UnknownOperation(t);
  }
  return std::string(t.substr(dot + 1));
}

std::optional<CredentialScope> ParseCredentialScope(std::string_view authorization) {
  size_t pos = authorization.find("Credential=");
  if (pos == std::string_view::npos) return std::nullopt;
  std::string_view rest = authorization.substr(pos + 11);
  size_t end = rest.find_first_of(", ");
  std::string_view cred = rest.substr(0, end);
  // <key>/<date>/<region>/<service>/aws4_request
  std::string_view parts[5];
  for (int i = 0; i < 5; ++i) {
    size_t slash = cred.find('/');
    if (i < 4 && slash == std::string_view::npos) return std::nullopt;
    parts[i] = cred.substr(0, slash);
    cred = slash == std::string_view::npos ? std::string_view() : cred.substr(slash + 1);
  }
  if (parts[0].empty()) return std::nullopt;
  return CredentialScope{std::string(parts[0]), std::string(parts[2])};
}

Tenant ResolveTenant(std::string_view authorization, std::string_view host,
                     const Tenant& defaults) {
  Tenant t = defaults;
  auto scope = ParseCredentialScope(authorization);
  if (scope && LooksLikeRegion(scope->region)) {
    t.region = scope->region;
  } else if (host.starts_with("ecs.")) {
    std::string_view rest = host.substr(4);
    size_t dot = rest.find('.');
    if (dot != std::string_view::npos && LooksLikeRegion(rest.substr(0, dot))) {
      t.region = std::string(rest.substr(0, dot));
    }
  }
  if (scope && IsTwelveDigits(scope->access_key)) t.account = scope->access_key;
  return t;
}

std::string ErrorBody(const Status& status) {
  JsonWriter w;
  w.StartObject().Member("__type", status.type_name());
  // A message may quote what the client sent (a header, a name): bytes that are not UTF-8 would
  // make the whole reply unreadable to the client, so they go out as U+FFFD.
  if (IsValidUtf8(status.message())) {
    w.Member("message", status.message());
  } else {
    w.Member("message", SanitizeUtf8(status.message()));
  }
  if (status.code() == ErrorCode::kConflictException && !status.resource_ids.empty()) {
    w.StringArray("resourceIds", status.resource_ids);
  }
  w.EndObject();
  return w.str();
}

}  // namespace ecs::api

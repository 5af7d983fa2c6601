// Opaque, self-describing page tokens: base64 of "<scope>|<cursor>". The scope binds a token to
// the operation and its filters, so a token replayed with other filters is rejected. The cursor
// is the sort key of the last item returned, which keeps pages stable across inserts/deletes.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "common/status.h"
#include "common/tenant.h"

namespace ecs {

std::string EncodePageToken(std::string_view scope, std::string_view cursor);
// InvalidParameterException for garbage or a token minted for another scope.
Result<std::string> DecodePageToken(std::string_view token, std::string_view scope);

// maxResults: absent -> default_size; outside [1, max] -> InvalidParameterException.
Result<int> ResolvePageSize(std::optional<int64_t> max_results, int default_size, int max);

std::string Base64Encode(std::string_view data);
std::optional<std::string> Base64Decode(std::string_view data);

// Cursors for integer sort keys, zero-padded so they also compare as strings.
std::string SeqCursor(int64_t seq);

// "<account>/<region>/<operation>": binds a token to the tenant that received it.
std::string TenantScope(const Tenant& t, std::string_view operation);

}  // namespace ecs

// Percent-decoding (RFC 3986 section 2.1) of URL parts: the admin routes' query strings and
// SigV4's canonical query. Pure; safe on any thread.
#pragma once

#include <string>
#include <string_view>

namespace ecs {

// Whether '+' stands for a space: it does in HTML form encoding (a browser's or curl's query
// string), never in SigV4's canonical request, where '+' is a literal byte.
enum class PlusIs { kLiteral, kSpace };

// Decodes every "%XY" (two hex digits) to its byte; a '%' not followed by two hex digits stays
// as it is, as AWS and browsers leave it.
std::string PercentDecode(std::string_view text, PlusIs plus = PlusIs::kLiteral);

}  // namespace ecs

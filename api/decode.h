// Decoding helpers shared by handlers: the shapes many operations use (tags, include lists,
// required members). They report through the JsonObjectReader's status.
#pragma once

#include <initializer_list>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "common/json.h"
#include "model/tag.h"

namespace ecs::api {

// A list of {key, value} tags; nullopt when absent.
std::optional<model::TagList> ReadTags(JsonObjectReader& in, std::string_view member);
// `include`-style enum lists; a value outside `allowed` -> InvalidParameterException.
std::set<std::string> ReadEnumList(JsonObjectReader& in, std::string_view member,
                                   std::initializer_list<std::string_view> allowed);
// A string member that must be one of `allowed` when present.
std::optional<std::string> ReadEnum(JsonObjectReader& in, std::string_view member,
                                    std::initializer_list<std::string_view> allowed);
// Required string: absent or empty -> InvalidParameterException "<member> can not be empty."
std::string ReadRequiredString(JsonObjectReader& in, std::string_view member);

void WriteTags(JsonWriter& w, std::string_view member, const model::TagList& tags);

}  // namespace ecs::api

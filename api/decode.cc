#include "api/decode.h"

namespace ecs::api {

std::optional<model::TagList> ReadTags(JsonObjectReader& in, std::string_view member) {
  const rapidjson::Value* arr = in.Array(member);
  if (!arr) return std::nullopt;
  model::TagList tags;
  for (const auto& e : arr->GetArray()) {
    JsonObjectReader t = in.Nested(e, member);
    auto key = t.String("key");
    auto value = t.String("value");
    if (!in.ok()) return std::nullopt;
    if (!key) {
      in.Fail(Status::InvalidParameter("Tag key can not be empty."));
      return std::nullopt;
    }
    tags.push_back({std::move(*key), value.value_or("")});
  }
  return tags;
}

std::set<std::string> ReadEnumList(JsonObjectReader& in, std::string_view member,
                                   std::initializer_list<std::string_view> allowed) {
  std::set<std::string> out;
  auto values = in.StringList(member);
  if (!values) return out;
  for (auto& v : *values) {
    bool known = false;
    for (auto a : allowed) known = known || a == v;
    if (!known) {
      std::string valid;
      for (auto a : allowed) valid += (valid.empty() ? "" : ", ") + std::string(a);
      in.Fail(Status::InvalidParameter("Invalid value '" + v + "' in " + std::string(member) +
                                       ". Valid values: " + valid + "."));
      return {};
    }
    out.insert(std::move(v));
  }
  return out;
}

std::optional<std::string> ReadEnum(JsonObjectReader& in, std::string_view member,
                                    std::initializer_list<std::string_view> allowed) {
  auto v = in.String(member);
  if (!v) return v;
  for (auto a : allowed) {
    if (a == *v) return v;
  }
  std::string valid;
  for (auto a : allowed) valid += (valid.empty() ? "" : ", ") + std::string(a);
  in.Fail(Status::InvalidParameter("Invalid value '" + *v + "' for " + in.path() +
                                   std::string(member) + ". Valid values: " + valid + "."));
  return std::nullopt;
}

std::string ReadRequiredString(JsonObjectReader& in, std::string_view member) {
  auto v = in.String(member);
  if (in.ok() && (!v || v->empty())) {
    in.Fail(Status::InvalidParameter(in.path() + std::string(member) + " can not be empty."));
  }
  return v.value_or("");
}

void WriteTags(JsonWriter& w, std::string_view member, const model::TagList& tags) {
  w.Key(member).StartArray();
  for (const auto& t : tags) {
    w.StartObject().Member("key", t.key).Member("value", t.value).EndObject();
  }
  w.EndArray();
}

}  // namespace ecs::api

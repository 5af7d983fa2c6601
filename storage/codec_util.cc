#include "storage/codec_util.h"

namespace ecs::storage {

std::string ReadBodyText(RowReader& r, std::string_view row) {
  const rapidjson::Value* body = r.Object("body");
  if (!body) {
    if (r.ok()) r.Fail("body", "is missing");
    return {};
  }
  // A quote inside a JSON string is escaped, so `,"body":` cannot occur in one; the members
  // before the body hold no object with a "body" key (tags are key/value pairs). Its first
  // occurrence therefore starts the last member when that member is the body.
  constexpr std::string_view kKey = ",\"body\":";
  const rapidjson::Value& root = r.root();
  const auto& last = (root.MemberEnd() - 1)->name;
  const size_t at = row.find(kKey);
  if (std::string_view(last.GetString(), last.GetStringLength()) == "body" &&
      at != std::string_view::npos && row.back() == '}') {
    const size_t start = at + kKey.size();
    return std::string(row.substr(start, row.size() - 1 - start));
  }
  return ToJson(*body);
}

namespace {

// A string member holding JSON text, parsed; nullopt when empty. Problems fail `r`.
std::optional<rapidjson::Document> ReadJsonText(RowReader& r, const char* member) {
  std::string text = r.OptString(member);
  if (text.empty()) return std::nullopt;
  rapidjson::Document d;
  d.Parse(text.data(), text.size());
  if (d.HasParseError()) {
    r.Fail(member, "does not hold JSON text");
    return std::nullopt;
  }
  return d;
}

}  // namespace

std::string StrategyText(const model::CapacityProviderStrategy& strategy) {
  if (strategy.empty()) return "";
  JsonWriter w;
  w.StartArray();
  for (const auto& i : strategy) {
    w.StartObject()
        .Member("capacityProvider", i.capacity_provider)
        .Member("weight", i.weight)
        .Member("base", i.base)
        .EndObject();
  }
  w.EndArray();
  return w.str();
}

model::CapacityProviderStrategy ReadStrategyText(RowReader& r, const char* member) {
  model::CapacityProviderStrategy out;
  auto doc = ReadJsonText(r, member);
  if (!doc) return out;
  if (!doc->IsArray()) {
    r.Fail(member, "is not a JSON array");
    return out;
  }
  for (const auto& e : doc->GetArray()) {
    RowReader item = r.Nested(e);
    out.push_back({item.String("capacityProvider"), item.Int("weight"), item.Int("base")});
  }
  return out;
}

std::string NetworkText(const std::optional<model::NetworkConfiguration>& network) {
  if (!network) return "";
  const auto& vpc = network->awsvpc;
  JsonWriter w;
  w.StartObject().Key("awsvpcConfiguration").StartObject().StringArray("subnets", vpc.subnets);
  w.StringArray("securityGroups", vpc.security_groups)
      .Member("assignPublicIp", model::ToString(vpc.assign_public_ip))
      .EndObject()
      .EndObject();
  return w.str();
}

std::optional<model::NetworkConfiguration> ReadNetworkText(RowReader& r, const char* member) {
  auto doc = ReadJsonText(r, member);
  if (!doc) return std::nullopt;
  RowReader top = r.Nested(*doc);
  const rapidjson::Value* vpc = top.Object("awsvpcConfiguration");
  if (!vpc) {
    r.Fail(member, "has no awsvpcConfiguration");
    return std::nullopt;
  }
  RowReader a = r.Nested(*vpc);
  model::NetworkConfiguration out;
  out.awsvpc.subnets = ReadStrings(a, a.Array("subnets"), "subnets");
  out.awsvpc.security_groups = ReadStrings(a, a.Array("securityGroups"), "securityGroups");
  out.awsvpc.assign_public_ip = a.Enum<model::AssignPublicIp>("assignPublicIp");
  return out;
}

void WriteTagArray(JsonWriter& w, const model::TagList& tags) {
  w.StartArray();
  for (const auto& t : tags) {
    w.StartObject().Member("key", t.key).Member("value", t.value).EndObject();
  }
  w.EndArray();
}

model::TagList ReadTagArray(RowReader& r, const rapidjson::Value& array) {
  model::TagList out;
  if (!array.IsArray()) {
    r.Fail("tags", "is not an array");
    return out;
  }
  for (const auto& e : array.GetArray()) {
    RowReader t = r.Nested(e);
    out.push_back({t.String("key"), t.String("value")});
  }
  return out;
}

std::vector<std::string> ReadStrings(RowReader& r, const rapidjson::Value& array,
                                     const char* what) {
  std::vector<std::string> out;
  for (const auto& e : array.GetArray()) out.push_back(r.Element(e, what));
  return out;
}

namespace {

void WritePairs(JsonWriter& w, const char* k,
                const std::vector<std::pair<std::string, std::string>>& pairs) {
  w.Key(k).StartArray();
  for (const auto& [a, b] : pairs) w.StartArray().String(a).String(b).EndArray();
  w.EndArray();
}

std::vector<std::pair<std::string, std::string>> ReadPairs(RowReader& r, const char* k) {
  std::vector<std::pair<std::string, std::string>> out;
  for (const auto& e : r.Array(k).GetArray()) {
    if (!e.IsArray() || e.Size() != 2) {
      r.Fail(k, "has an element that is not a pair");
      break;
    }
    out.emplace_back(r.Element(e[0], k), r.Element(e[1], k));
  }
  return out;
}

}  // namespace

void WritePlacementItems(JsonWriter& w, const std::vector<model::PlacementConstraintItem>& c,
                         const std::vector<model::PlacementStrategyItem>& s) {
  std::vector<std::pair<std::string, std::string>> constraints, strategy;
  for (const auto& i : c) constraints.emplace_back(i.type, i.expression);
  for (const auto& i : s) strategy.emplace_back(i.type, i.field);
  WritePairs(w, "placementConstraints", constraints);
  WritePairs(w, "placementStrategy", strategy);
}

void ReadPlacementItems(RowReader& r, std::vector<model::PlacementConstraintItem>& c,
                        std::vector<model::PlacementStrategyItem>& s, bool required) {
  if (!required && !r.root().HasMember("placementConstraints")) return;
  for (auto& [type, expression] : ReadPairs(r, "placementConstraints")) {
    c.push_back({std::move(type), std::move(expression)});
  }
  for (auto& [type, field] : ReadPairs(r, "placementStrategy")) {
    s.push_back({std::move(type), std::move(field)});
  }
}

}  // namespace ecs::storage

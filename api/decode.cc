#include "api/decode.h"

namespace ecs::api {

namespace {
std::string Join(std::initializer_list<std::string_view> values) {
  std::string out;
  for (auto v : values) {
    if (!out.empty()) out += ", ";
    out += v;
  }
  return out;
}
}  // namespace

std::optional<model::LaunchType> ReadLaunchType(JsonObjectReader& in) {
  auto v = in.String("launchType");
  if (!v) return std::nullopt;
  if (auto parsed = model::Parse<model::LaunchType>(*v)) return parsed;
  std::string valid;
  for (auto name : model::WireNamesOf<model::LaunchType>()) {
    valid += (valid.empty() ? "" : ",") + std::string(name);
  }
  in.Fail(Status::InvalidParameter("launch type should be one of [" + valid + "]"));
  return std::nullopt;
}

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
      in.Fail(Status::InvalidParameter("Invalid value '" + v + "' in " + std::string(member) +
                                       ". Valid values: " + Join(allowed) + "."));
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
  in.Fail(Status::InvalidParameter("Invalid value '" + *v + "' for " + in.path() +
                                   std::string(member) + ". Valid values: " + Join(allowed) + "."));
  return std::nullopt;
}

std::string ReadRequiredString(JsonObjectReader& in, std::string_view member) {
  auto v = in.String(member);
  if (in.ok() && (!v || v->empty())) {
    in.Fail(Status::InvalidParameter(in.path() + std::string(member) + " can not be empty."));
  }
  return v.value_or("");
}

std::optional<model::CapacityProviderStrategy> ReadStrategy(JsonObjectReader& in,
                                                            std::string_view member) {
  const rapidjson::Value* arr = in.Array(member);
  if (!arr) return std::nullopt;
  model::CapacityProviderStrategy out;
  for (const auto& e : arr->GetArray()) {
    JsonObjectReader r = in.Nested(e, member);
    model::CapacityProviderStrategyItem item;
    item.capacity_provider = ReadRequiredString(r, "capacityProvider");
    item.weight = r.Int("weight").value_or(0);
    item.base = r.Int("base").value_or(0);
    out.push_back(std::move(item));
  }
  return out;
}

std::optional<model::AwsVpcConfiguration> ReadAwsVpc(JsonObjectReader& in) {
  const rapidjson::Value* nc = in.Object("networkConfiguration");
  if (!nc) return std::nullopt;
  JsonObjectReader n = in.Nested(*nc, "networkConfiguration");
  const rapidjson::Value* av = n.Object("awsvpcConfiguration");
  if (!av) return std::nullopt;
  JsonObjectReader a = n.Nested(*av, "awsvpcConfiguration");
  model::AwsVpcConfiguration vpc;
  vpc.subnets = a.StringList("subnets").value_or(std::vector<std::string>{});
  vpc.security_groups = a.StringList("securityGroups").value_or(std::vector<std::string>{});
  vpc.assign_public_ip = ReadWireEnum<model::AssignPublicIp>(a, "assignPublicIp")
                             .value_or(model::AssignPublicIp::kDisabled);
  return vpc;
}

std::optional<std::vector<model::PlacementConstraintItem>> ReadPlacementConstraints(
    JsonObjectReader& in) {
  const rapidjson::Value* arr = in.Array("placementConstraints");
  if (!arr) return std::nullopt;
  std::vector<model::PlacementConstraintItem> out;
  for (const auto& e : arr->GetArray()) {
    JsonObjectReader r = in.Nested(e, "placementConstraints");
    out.push_back({r.String("type").value_or(""), r.String("expression").value_or("")});
  }
  return out;
}

std::optional<std::vector<model::PlacementStrategyItem>> ReadPlacementStrategy(
    JsonObjectReader& in) {
  const rapidjson::Value* arr = in.Array("placementStrategy");
  if (!arr) return std::nullopt;
  std::vector<model::PlacementStrategyItem> out;
  for (const auto& e : arr->GetArray()) {
    JsonObjectReader r = in.Nested(e, "placementStrategy");
    out.push_back({r.String("type").value_or(""), r.String("field").value_or("")});
  }
  return out;
}

model::RawJson Raw(const rapidjson::Value& v) { return model::RawJson::FromText(ToJson(v)); }

void WriteTags(JsonWriter& w, std::string_view member, const model::TagList& tags) {
  w.Key(member).StartArray();
  for (const auto& t : tags) {
    w.StartObject().Member("key", t.key).Member("value", t.value).EndObject();
  }
  w.EndArray();
}

void WriteStrategy(JsonWriter& w, std::string_view member,
                   const model::CapacityProviderStrategy& strategy) {
  w.Key(member).StartArray();
  for (const auto& i : strategy) {
    w.StartObject()
        .Member("capacityProvider", i.capacity_provider)
        .Member("weight", i.weight)
        .Member("base", i.base)
        .EndObject();
  }
  w.EndArray();
}

void WriteNetwork(JsonWriter& w, std::string_view member, const model::NetworkConfiguration& n) {
  w.Key(member).StartObject().Key("awsvpcConfiguration").StartObject();
  w.StringArray("subnets", n.awsvpc.subnets)
      .StringArray("securityGroups", n.awsvpc.security_groups)
      .Member("assignPublicIp", model::ToString(n.awsvpc.assign_public_ip))
      .EndObject()
      .EndObject();
}

void WritePlacement(JsonWriter& w, const std::vector<model::PlacementConstraintItem>& constraints,
                    const std::vector<model::PlacementStrategyItem>& strategy) {
  w.Key("placementConstraints").StartArray();
  for (const auto& c : constraints) {
    w.StartObject().Member("type", c.type);
    if (!c.expression.empty()) w.Member("expression", c.expression);
    w.EndObject();
  }
  w.EndArray().Key("placementStrategy").StartArray();
  for (const auto& p : strategy) {
    w.StartObject().Member("type", p.type);
    if (!p.field.empty()) w.Member("field", p.field);
    w.EndObject();
  }
  w.EndArray();
}

void WriteRaw(JsonWriter& w, std::string_view member, const model::RawJson& raw,
              std::string_view fallback) {
  w.Key(member).Raw(raw.empty() ? fallback : std::string_view(raw.text()));
}

}  // namespace ecs::api

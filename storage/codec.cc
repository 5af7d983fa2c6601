#include "storage/codec.h"

#include "common/json.h"

namespace ecs::storage {

namespace {
Status Corrupt(std::string_view what) {
  return Status::Server("corrupt " + std::string(what) + " row in the database");
}

void WriteTagArray(JsonWriter& w, const model::TagList& tags) {
  w.StartArray();
  for (const auto& t : tags)
    w.StartObject().Member("key", t.key).Member("value", t.value).EndObject();
  w.EndArray();
}

model::TagList ReadTagArray(const rapidjson::Value& arr) {
  model::TagList out;
  for (const auto& e : arr.GetArray()) {
    out.push_back({e["key"].GetString(), e["value"].GetString()});
  }
  return out;
}
}  // namespace

std::string EncodeCluster(const model::Cluster& c) {
  JsonWriter w;
  w.StartObject()
      .Member("account", c.tenant.account)
      .Member("region", c.tenant.region)
      .Member("name", c.name)
      .Member("arn", c.arn)
      .Member("status", std::string(model::ToString(c.status)))
      .Member("seq", c.seq)
      .Member("createdAt", c.created_at);
  w.Key("settings").StartArray();
  for (const auto& s : c.settings)
    w.StartObject().Member("name", s.name).Member("value", s.value).EndObject();
  w.EndArray();
  w.Member("configuration", c.configuration_json)
      .Member("serviceConnectDefaults", c.service_connect_defaults_json)
      .StringArray("capacityProviders", c.capacity_providers)
      .Member("defaultCapacityProviderStrategy", c.default_capacity_provider_strategy_json)
      .EndObject();
  return w.str();
}

Result<model::Cluster> DecodeCluster(const std::string& body) {
  rapidjson::Document d;
  d.Parse(body.c_str(), body.size());
  if (d.HasParseError() || !d.IsObject()) return Corrupt("cluster");
  model::Cluster c;
  c.tenant = {d["account"].GetString(), d["region"].GetString()};
  c.name = d["name"].GetString();
  c.arn = d["arn"].GetString();
  c.status = std::string_view(d["status"].GetString()) == "INACTIVE"
                 ? model::ClusterStatus::kInactive
                 : model::ClusterStatus::kActive;
  c.seq = d["seq"].GetInt64();
  c.created_at = d["createdAt"].GetInt64();
  for (const auto& s : d["settings"].GetArray()) {
    c.settings.push_back({s["name"].GetString(), s["value"].GetString()});
  }
  c.configuration_json = d["configuration"].GetString();
  c.service_connect_defaults_json = d["serviceConnectDefaults"].GetString();
  for (const auto& p : d["capacityProviders"].GetArray())
    c.capacity_providers.push_back(p.GetString());
  c.default_capacity_provider_strategy_json = d["defaultCapacityProviderStrategy"].GetString();
  return c;
}

std::string EncodeTags(const model::TagList& tags) {
  JsonWriter w;
  WriteTagArray(w, tags);
  return w.str();
}

Result<model::TagList> DecodeTags(const std::string& body) {
  rapidjson::Document d;
  d.Parse(body.c_str(), body.size());
  if (d.HasParseError()) return Corrupt("tags");
  return DecodeTags(d);
}

Result<model::TagList> DecodeTags(const rapidjson::Value& array) {
  if (!array.IsArray()) return Corrupt("tags");
  return ReadTagArray(array);
}

}  // namespace ecs::storage

// Seed files: YAML (yaml-cpp) or JSON (RapidJSON) -> Seed. Each request's body is carried as
// JSON text, exactly what the API would receive, so the API checks it as it checks any call.
#include "config/seed.h"

#include <yaml-cpp/yaml.h>

#include <charconv>
#include <cmath>
#include <fstream>
#include <sstream>

#include "common/json.h"

namespace ecs::config {

namespace {

// --- YAML -> JSON text ---------------------------------------------------------------------

// A plain (unquoted) scalar in YAML 1.2's core schema: null, a boolean, a number, or a string.
void WritePlainScalar(JsonWriter& w, const std::string& s) {
  if (s.empty() || s == "~" || s == "null" || s == "Null" || s == "NULL") {
    w.Null();
    return;
  }
  if (s == "true" || s == "True" || s == "TRUE") {
    w.Bool(true);
    return;
  }
  if (s == "false" || s == "False" || s == "FALSE") {
    w.Bool(false);
    return;
  }
  const char* end = s.data() + s.size();
  long long n = 0;
  if (auto r = std::from_chars(s.data(), end, n); r.ec == std::errc() && r.ptr == end) {
    w.Int(n);
    return;
  }
  double d = 0;
  if (auto r = std::from_chars(s.data(), end, d);
      r.ec == std::errc() && r.ptr == end && std::isfinite(d)) {
    w.Double(d);
    return;
  }
  w.String(s);
}

Status WriteYaml(JsonWriter& w, const YAML::Node& node, const std::string& where, int depth) {
  if (depth > kMaxJsonDepth) return Status::InvalidParameter(where + ": nested too deeply");
  switch (node.Type()) {
    case YAML::NodeType::Null:
    case YAML::NodeType::Undefined:
      w.Null();
      return Status::Ok();
    case YAML::NodeType::Scalar:
      // "!" is the tag of a quoted scalar: always a string.
      if (node.Tag() == "!") {
        w.String(node.Scalar());
      } else {
        WritePlainScalar(w, node.Scalar());
      }
      return Status::Ok();
    case YAML::NodeType::Sequence: {
      w.StartArray();
      for (size_t i = 0; i < node.size(); ++i) {
        std::string at = where;
        at += "[" + std::to_string(i) + "]";
        ECS_RETURN_IF_ERROR(WriteYaml(w, node[i], at, depth + 1));
      }
      w.EndArray();
      return Status::Ok();
    }
    case YAML::NodeType::Map: {
      w.StartObject();
      for (const auto& kv : node) {
        const std::string key = kv.first.as<std::string>();
        w.Key(key);
        std::string at = where;
        at += ".";
        at += key;
        ECS_RETURN_IF_ERROR(WriteYaml(w, kv.second, at, depth + 1));
      }
      w.EndObject();
      return Status::Ok();
    }
  }
  return Status::Ok();
}

Result<std::string> YamlToJson(std::string_view text) {
  try {
    std::vector<YAML::Node> docs = YAML::LoadAll(std::string(text));
    if (docs.size() != 1) {
      return Status::InvalidParameter(
          "expected one YAML document (a list of them for several "
          "accounts or regions), found " +
          std::to_string(docs.size()));
    }
    JsonWriter w;
    ECS_RETURN_IF_ERROR(WriteYaml(w, docs.front(), "seed", 0));
    return w.str();
  } catch (const YAML::Exception& e) {
    return Status::InvalidParameter(std::string("not valid YAML: ") + e.what());
  }
}

// --- JSON -> Seed --------------------------------------------------------------------------

Status ReadFleets(const rapidjson::Value& list, const std::string& where,
                  std::vector<control::FleetInput>* out) {
  for (rapidjson::SizeType i = 0; i < list.Size(); ++i) {
    const std::string at = where + ".fleets[" + std::to_string(i) + "]";
    if (!list[i].IsObject()) return Status::InvalidParameter(at + " must be an object");
    JsonObjectReader in(list[i], at);
    control::FleetInput f;
    auto cluster = in.String("cluster");
    f.count = static_cast<int>(in.Int("count").value_or(1));
    f.instance_type = in.String("instanceType").value_or("m5.large");
    f.cpu = in.Int("cpu");
    f.memory = in.Int("memory");
    f.availability_zones = in.StringList("availabilityZones").value_or(std::vector<std::string>{});
    f.create_cluster = in.Bool("createCluster").value_or(true);  // a seed declares its clusters
    f.auto_scaling_group = in.String("autoScalingGroup").value_or("");
    f.group_min = in.Int("min");
    f.group_max = in.Int("max");
    f.group_desired = in.Int("desired");
    const bool has_count = in.Int("count").has_value();
    if (!in.ok()) return in.status();
    if (!f.auto_scaling_group.empty() && has_count) {
      return Status::InvalidParameter(at + ": an autoScalingGroup takes desired, not count");
    }
    if (!cluster) return Status::InvalidParameter(at + ".cluster is required");
    f.cluster = *cluster;
    out->push_back(std::move(f));
  }
  return Status::Ok();
}

Status ReadRequests(const rapidjson::Value& list, const std::string& where,
                    std::vector<SeedRequest>* out) {
  for (rapidjson::SizeType i = 0; i < list.Size(); ++i) {
    const std::string at = where + ".requests[" + std::to_string(i) + "]";
    const rapidjson::Value& r = list[i];
    if (!r.IsObject() || r.MemberCount() != 1 || !r.MemberBegin()->value.IsObject()) {
      return Status::InvalidParameter(
          at + " must be one operation and its request, as {\"CreateCluster\": {...}}");
    }
    JsonWriter body;
    body.Value(r.MemberBegin()->value);
    out->push_back({r.MemberBegin()->name.GetString(), body.str()});
  }
  return Status::Ok();
}

Status ReadDocument(const rapidjson::Value& doc, const std::string& where, SeedDocument* out) {
  if (!doc.IsObject()) return Status::InvalidParameter(where + " must be an object");
  for (const auto& m : doc.GetObject()) {
    const std::string_view name = m.name.GetString();
    if (name != "account" && name != "region" && name != "fleets" && name != "requests") {
      return Status::InvalidParameter(where + ": unknown member '" + std::string(name) +
                                      "' (account, region, fleets, requests)");
    }
  }
  JsonObjectReader in(doc, where);
  out->account = in.String("account");
  out->region = in.String("region");
  const rapidjson::Value* fleets = in.Array("fleets");
  const rapidjson::Value* requests = in.Array("requests");
  if (!in.ok()) return in.status();
  if (fleets) ECS_RETURN_IF_ERROR(ReadFleets(*fleets, where, &out->fleets));
  if (requests) ECS_RETURN_IF_ERROR(ReadRequests(*requests, where, &out->requests));
  return Status::Ok();
}

}  // namespace

Result<Seed> ParseSeed(std::string_view text, SeedFormat format) {
  std::string json_text;
  if (format == SeedFormat::kYaml) {
    auto converted = YamlToJson(text);
    if (!converted.ok()) return converted.status();
    json_text = std::move(*converted);
  } else {
    json_text = std::string(text);
  }
  auto parsed = ParseJsonValue(json_text);
  if (!parsed.ok()) return parsed.status();
  const rapidjson::Value& root = **parsed;
  Seed seed;
  if (root.IsArray()) {
    for (rapidjson::SizeType i = 0; i < root.Size(); ++i) {
      SeedDocument doc;
      ECS_RETURN_IF_ERROR(ReadDocument(root[i], "seed[" + std::to_string(i) + "]", &doc));
      seed.documents.push_back(std::move(doc));
    }
  } else {
    SeedDocument doc;
    ECS_RETURN_IF_ERROR(ReadDocument(root, "seed", &doc));
    seed.documents.push_back(std::move(doc));
  }
  return seed;
}

Result<Seed> LoadSeed(const std::string& path) {
  std::ifstream file(path, std::ios::binary);
  if (!file) return Status::InvalidParameter("cannot read seed file " + path);
  std::ostringstream text;
  text << file.rdbuf();
  const bool json = path.size() >= 5 && path.ends_with(".json");
  auto seed = ParseSeed(text.str(), json ? SeedFormat::kJson : SeedFormat::kYaml);
  if (!seed.ok()) return Status::InvalidParameter(path + ": " + seed.status().message());
  seed->path = path;
  return seed;
}

}  // namespace ecs::config

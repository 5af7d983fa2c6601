// SpecFromStoredBody: the facts of a stored TaskDefinition body, read without validation. Mirrors
// the extraction in normalize.cc (the body holds what the request held, with defaults filled in).
#include "taskdef/stored.h"

#include <rapidjson/document.h>

#include <charconv>

#include "taskdef/render.h"
#include "taskdef/runtime.h"
#include "taskdef/sizes.h"

namespace ecs::taskdef {

namespace {

const rapidjson::Value* Get(const rapidjson::Value& obj, const char* key) {
  if (!obj.IsObject()) return nullptr;
  auto it = obj.FindMember(key);
  return it == obj.MemberEnd() || it->value.IsNull() ? nullptr : &it->value;
}

std::optional<std::string> GetString(const rapidjson::Value& obj, const char* key) {
  const auto* v = Get(obj, key);
  if (!v || !v->IsString()) return std::nullopt;
  return std::string(v->GetString(), v->GetStringLength());
}

std::optional<int64_t> GetInt(const rapidjson::Value& obj, const char* key) {
  const auto* v = Get(obj, key);
  if (!v) return std::nullopt;
  if (v->IsInt64()) return v->GetInt64();
  if (v->IsDouble()) return static_cast<int64_t>(v->GetDouble());
  return std::nullopt;
}

// The elements of an array member; empty when absent or not an array.
const rapidjson::Value& Items(const rapidjson::Value& obj, const char* key) {
  static const rapidjson::Value kEmpty(rapidjson::kArrayType);
  const auto* v = Get(obj, key);
  return v && v->IsArray() ? *v : kEmpty;
}

std::optional<int> ParsePort(std::string_view text) {
  int n = 0;
  auto [p, ec] = std::from_chars(text.data(), text.data() + text.size(), n);
  if (ec != std::errc() || p != text.data() + text.size()) return std::nullopt;
  return n;
}

PortMappingSpec ReadPortMapping(const rapidjson::Value& pm, bool host_ports_follow) {
  PortMappingSpec out;
  out.protocol = GetString(pm, "protocol").value_or("tcp");
  if (auto range = GetString(pm, "containerPortRange")) {
    const size_t dash = range->find('-');
    out.range_first = ParsePort(std::string_view(*range).substr(0, dash)).value_or(0);
    if (dash != std::string::npos) {
      out.range_last = ParsePort(std::string_view(*range).substr(dash + 1)).value_or(0);
    }
    return out;
  }
  out.container_port = static_cast<int>(GetInt(pm, "containerPort").value_or(0));
  out.host_port =
      host_ports_follow ? out.container_port : static_cast<int>(GetInt(pm, "hostPort").value_or(0));
  return out;
}

ContainerSpec ReadContainer(const rapidjson::Value& c, bool host_ports_follow) {
  ContainerSpec spec;
  spec.name = GetString(c, "name").value_or("");
  spec.image = GetString(c, "image").value_or("");
  spec.cpu = GetInt(c, "cpu").value_or(0);
  spec.memory = GetInt(c, "memory");
  spec.memory_reservation = GetInt(c, "memoryReservation");
  const auto* essential = Get(c, "essential");
  spec.essential = !essential || !essential->IsBool() || essential->GetBool();
  // Validated at registration; a label problem cannot appear in a stored body.
  (void)ReadContainerRuntime(c, spec);
  for (const auto& rr : Items(c, "resourceRequirements").GetArray()) {
    if (GetString(rr, "type") != "GPU") continue;
    spec.gpu_count += ParsePort(GetString(rr, "value").value_or("")).value_or(0);
  }
  for (const auto& pm : Items(c, "portMappings").GetArray()) {
    spec.port_mappings.push_back(ReadPortMapping(pm, host_ports_follow));
  }
  return spec;
}

void ReadTaskLevel(const rapidjson::Value& d, TaskDefinitionSpec& spec) {
  spec.family = GetString(d, "family").value_or("");
  if (auto mode = GetString(d, "networkMode")) {
    spec.network_mode = model::Parse<model::NetworkMode>(*mode);
  }
  for (const auto& c : Items(d, "requiresCompatibilities").GetArray()) {
    if (c.IsString()) spec.requires_compatibilities.emplace_back(c.GetString());
  }
  for (const auto& c : Items(d, "compatibilities").GetArray()) {
    if (!c.IsString()) continue;
    if (auto t = model::Parse<model::LaunchType>(c.GetString())) spec.compatibilities.push_back(*t);
  }
  if (auto cpu = GetString(d, "cpu")) spec.cpu = ParseTaskCpu(*cpu);
  if (auto memory = GetString(d, "memory")) spec.memory = ParseTaskMemory(*memory);
  std::vector<std::string> expressions;
  for (const auto& pc : Items(d, "placementConstraints").GetArray()) {
    if (auto e = GetString(pc, "expression")) expressions.push_back(*e);
  }
  spec.member_of_expressions = std::move(expressions);
  std::vector<std::string> names;
  for (const auto& a : Items(d, "requiresAttributes").GetArray()) {
    if (auto name = GetString(a, "name")) names.push_back(*name);
  }
  spec.requires_attributes = std::move(names);
}

}  // namespace

Result<TaskDefinitionSpec> SpecFromStoredBody(std::string body) {
  rapidjson::Document d;
  d.Parse(body.data(), body.size());
  if (d.HasParseError() || !d.IsObject() || !GetString(d, "family") ||
      !Items(d, "containerDefinitions").Size()) {
    return Status::Corrupt("not a task definition body");
  }
  TaskDefinitionSpec spec;
  ReadTaskLevel(d, spec);
  const bool host_ports_follow = spec.awsvpc() || spec.network_mode == model::NetworkMode::kHost;
  for (const auto& c : Items(d, "containerDefinitions").GetArray()) {
    spec.containers.push_back(ReadContainer(c, host_ports_follow));
  }
  spec.splices = FindSplices(body);
  spec.body = PackedText::FromText(std::move(body));
  return spec;
}

}  // namespace ecs::taskdef

// RenderTaskDefinition: a stored TaskDefinition body with the control plane's members
// (taskDefinitionArn, revision, status, timestamps, registeredBy) spliced in at the places AWS
// writes them.
#include "taskdef/render.h"

#include <algorithm>
#include <iterator>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/json.h"

namespace ecs::taskdef {

namespace {

// Output order of a TaskDefinition object. Observed AWS output puts runtimePlatform after memory
// and ephemeralStorage after registeredBy; the rest follows the model's member order.
constexpr std::string_view kOutputOrder[] = {"taskDefinitionArn",
                                             "containerDefinitions",
                                             "family",
                                             "taskRoleArn",
                                             "executionRoleArn",
                                             "networkMode",
                                             "revision",
                                             "volumes",
                                             "status",
                                             "requiresAttributes",
                                             "placementConstraints",
                                             "compatibilities",
                                             "requiresCompatibilities",
                                             "cpu",
                                             "memory",
                                             "runtimePlatform",
                                             "inferenceAccelerators",
                                             "pidMode",
                                             "ipcMode",
                                             "proxyConfiguration",
                                             "registeredAt",
                                             "deregisteredAt",
                                             "deleteRequestedAt",
                                             "registeredBy",
                                             "ephemeralStorage",
                                             "enableFaultInjection"};

size_t OutputRank(std::string_view key) {
  const auto* it = std::find(std::begin(kOutputOrder), std::end(kOutputOrder), key);
  return static_cast<size_t>(it - std::begin(kOutputOrder));  // unknown keys sort last
}

}  // namespace

namespace {

// The end of the JSON string starting at s[i] == '"' (the index after its closing quote), or npos.
size_t SkipString(std::string_view s, size_t i) {
  for (++i; i < s.size(); ++i) {
    if (s[i] == '\\') {
      ++i;
    } else if (s[i] == '"') {
      return i + 1;
    }
  }
  return std::string_view::npos;
}

// The end of the JSON value starting at s[i] (compact JSON: no whitespace), or npos.
size_t SkipValue(std::string_view s, size_t i) {
  if (i >= s.size()) return std::string_view::npos;
  if (s[i] == '"') return SkipString(s, i);
  if (s[i] != '{' && s[i] != '[') {
    while (i < s.size() && s[i] != ',' && s[i] != '}' && s[i] != ']') ++i;
    return i;
  }
  int depth = 0;
  while (i < s.size()) {
    const char c = s[i];
    if (c == '"') {
      i = SkipString(s, i);
      if (i == std::string_view::npos) return i;
      continue;
    }
    if (c == '{' || c == '[') ++depth;
    if (c == '}' || c == ']') {
      if (--depth == 0) return i + 1;
    }
    ++i;
  }
  return std::string_view::npos;
}

// The top-level members of a compact JSON object as (key, raw value) slices, or nullopt when it
// is not one (or a key needs unescaping). The bodies NormalizeTaskDefinition writes always are,
// so rendering copies their values instead of parsing and re-serializing them.
std::optional<std::vector<std::pair<std::string_view, std::string_view>>> TopLevelMembers(
    std::string_view s) {
  std::vector<std::pair<std::string_view, std::string_view>> out;
  if (s.size() < 2 || s.front() != '{' || s.back() != '}') return std::nullopt;
  size_t i = 1;
  if (s[i] == '}') return out;
  while (true) {
    if (s[i] != '"') return std::nullopt;
    const size_t key_end = SkipString(s, i);
    if (key_end == std::string_view::npos || key_end >= s.size() || s[key_end] != ':') {
      return std::nullopt;
    }
    std::string_view key = s.substr(i + 1, key_end - i - 2);
    if (key.find('\\') != std::string_view::npos) return std::nullopt;
    const size_t value_end = SkipValue(s, key_end + 1);
    if (value_end == std::string_view::npos || value_end >= s.size()) return std::nullopt;
    out.emplace_back(key, s.substr(key_end + 1, value_end - key_end - 1));
    if (s[value_end] == '}') return value_end + 1 == s.size() ? std::optional(out) : std::nullopt;
    if (s[value_end] != ',') return std::nullopt;
    i = value_end + 1;
  }
}

}  // namespace

TaskDefinitionSpec::Splices FindSplices(std::string_view body) {
  TaskDefinitionSpec::Splices at;
  auto members = TopLevelMembers(body);
  if (!members) return at;  // all 0: RenderTaskDefinition scans
  // Each offset is the end of the last member that AWS writes before the spliced one.
  auto after_last_before = [&](std::string_view spliced) {
    size_t end = 0;
    for (const auto& [key, value] : *members) {
      if (OutputRank(key) < OutputRank(spliced)) {
        end = static_cast<size_t>(value.data() + value.size() - body.data());
      }
    }
    return end;
  };
  at.revision = after_last_before("revision");
  at.status = after_last_before("status");
  at.registered = after_last_before("registeredAt");
  return at;
}

std::string RenderTaskDefinition(std::string_view body_json,
                                 const model::TaskDefinitionRegistration& reg) {
  JsonWriter w;
  // The control plane's members, each written just before the first body member that follows it
  // in kOutputOrder.
  auto write_spliced = [&](std::string_view key) {
    if (key == "taskDefinitionArn") w.Member(key, reg.arn);
    if (key == "revision") w.Member(key, reg.revision);
    if (key == "status") w.Member(key, model::ToString(reg.status));
    if (key == "registeredAt") w.Key(key).Timestamp(reg.registered_at);
    if (key == "deregisteredAt" && reg.deregistered_at) w.Key(key).Timestamp(*reg.deregistered_at);
    if (key == "deleteRequestedAt" && reg.delete_requested_at) {
      w.Key(key).Timestamp(*reg.delete_requested_at);
    }
    if (key == "registeredBy") w.Member(key, reg.registered_by);
  };
  static constexpr std::string_view kSpliced[] = {
      "taskDefinitionArn", "revision",          "status",      "registeredAt",
      "deregisteredAt",    "deleteRequestedAt", "registeredBy"};
  size_t next = 0;  // first kSpliced entry not yet written
  auto flush_before = [&](size_t rank) {
    while (next < std::size(kSpliced) && OutputRank(kSpliced[next]) < rank) {
      write_spliced(kSpliced[next++]);
    }
  };
  w.StartObject();
  if (auto members = TopLevelMembers(body_json)) {
    for (const auto& [key, value] : *members) {
      flush_before(OutputRank(key));
      w.Key(key).Raw(value);
    }
  } else {
    rapidjson::Document body;  // not compact: parse it (never the case for stored bodies)
    body.Parse(body_json.data(), body_json.size());
    if (body.IsObject()) {
      for (const auto& m : body.GetObject()) {
        std::string_view key(m.name.GetString(), m.name.GetStringLength());
        flush_before(OutputRank(key));
        w.Key(key).Value(m.value);
      }
    }
  }
  flush_before(std::size(kOutputOrder) + 1);
  w.EndObject();
  return w.str();
}

std::string RenderTaskDefinition(const TaskDefinitionSpec& spec,
                                 const model::TaskDefinitionRegistration& reg) {
  const std::string text = spec.body.text();
  const std::string_view body = text;
  const auto& at = spec.splices;
  // Each offset sits right after a member, where a ',' or the closing '}' follows.
  auto after_member = [&](size_t i) {
    return i > 1 && i < body.size() && (body[i] == ',' || body[i] == '}');
  };
  if (!(after_member(at.revision) && after_member(at.status) && after_member(at.registered) &&
        at.revision < at.status && at.status <= at.registered && body.front() == '{')) {
    return RenderTaskDefinition(body, reg);
  }
  // The inserted members as JsonWriter formats them, each with its leading comma.
  JsonWriter w;
  w.StartObject().Member("taskDefinitionArn", reg.arn);
  const size_t arn_end = w.size();
  w.Member("revision", reg.revision);
  const size_t revision_end = w.size();
  w.Member("status", model::ToString(reg.status));
  const size_t status_end = w.size();
  w.Key("registeredAt").Timestamp(reg.registered_at);
  if (reg.deregistered_at) w.Key("deregisteredAt").Timestamp(*reg.deregistered_at);
  if (reg.delete_requested_at) w.Key("deleteRequestedAt").Timestamp(*reg.delete_requested_at);
  w.Member("registeredBy", reg.registered_by);
  const size_t registered_end = w.size();
  const std::string_view parts = w.view();  // {"taskDefinitionArn":..,"revision":..,...

  std::string out;
  out.reserve(body.size() + parts.size() + 2);
  out.append(parts.substr(0, arn_end));  // {"taskDefinitionArn":"..."
  out += ',';
  out.append(body.substr(1, at.revision - 1));
  out.append(parts.substr(arn_end, revision_end - arn_end));  // ,"revision":N
  out.append(body.substr(at.revision, at.status - at.revision));
  out.append(parts.substr(revision_end, status_end - revision_end));  // ,"status":"..."
  out.append(body.substr(at.status, at.registered - at.status));
  out.append(parts.substr(status_end, registered_end - status_end));  // ,"registeredAt":...
  out.append(body.substr(at.registered));
  return out;
}

std::string RenderDaemonTaskDefinition(std::string_view body,
                                       const model::DaemonTaskDefinitionRegistration& reg) {
  JsonWriter w;
  w.StartObject()
      .Member("daemonTaskDefinitionArn", reg.arn)
      .Member("revision", reg.revision)
      .Member("status", model::ToString(reg.status));
  w.Key("registeredAt").Timestamp(reg.registered_at);
  if (reg.delete_requested_at) w.Key("deleteRequestedAt").Timestamp(*reg.delete_requested_at);
  w.Member("registeredBy", reg.registered_by).EndObject();
  std::string out = w.str();
  out.back() = ',';  // our members, then the body's without its opening brace
  out.append(body.substr(1));
  return out;
}

}  // namespace ecs::taskdef

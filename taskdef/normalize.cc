#include "taskdef/normalize.h"

#include <rapidjson/writer.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <cstddef>
#include <span>
#include <utility>

#include "common/json.h"
#include "model/quotas.h"
#include "taskdef/compat.h"
#include "taskdef/runtime.h"
#include "taskdef/schema.h"
#include "taskdef/sizes.h"
#include "taskdef/spec.h"

// The validation rules over one RegisterTaskDefinition request. The member tables, the type
// checks and the body echo live in schema.cc; compatibilities, the Fargate rules
// and requiresAttributes in task_definition_compat.cc.
namespace ecs::taskdef {
namespace {

using schema::CheckShape;
using schema::Get;
using schema::GetBool;
using schema::GetInt;
using schema::GetString;
using schema::Items;
using schema::NonEmpty;
using schema::Quote;

bool MatchesNamePattern(std::string_view s) {
  if (s.empty() || s.size() > 255) return false;
  return std::all_of(s.begin(), s.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-';
  });
}

}  // namespace

namespace {

constexpr size_t kMaxDefinitionBytes = quotas::kTaskDefinitionBytes;

// A RapidJSON output stream that only counts.
struct CountingStream {
  using Ch = char;
  size_t count = 0;
  void Put(char) { ++count; }
  void Flush() {}
};

// The length of a string as rapidjson::Writer writes it: quoted, with '"' and '\\' escaped by a
// backslash and control characters as \b \t \n \f \r or \u00XX. One table lookup per byte.
size_t QuotedLength(const rapidjson::Value& s) {
  static constexpr auto kExtra = [] {
    std::array<uint8_t, 256> extra{};
    for (int c = 0; c < 0x20; ++c) extra[c] = 5;
    for (unsigned char c : {'\b', '\t', '\n', '\f', '\r', '"', '\\'}) extra[c] = 1;
    return extra;
  }();
  size_t n = 2 + s.GetStringLength();
  const auto* p = reinterpret_cast<const unsigned char*>(s.GetString());
  for (const auto* end = p + s.GetStringLength(); p != end; ++p) n += kExtra[*p];
  return n;
}

// ToJson(v).size() without building the string. Walks the tree itself: pushing every character
// through a rapidjson::Writer cost a quarter of the normalizing.
size_t CompactJsonSize(const rapidjson::Value& v) {
  if (v.IsString()) return QuotedLength(v);
  if (v.IsObject()) {
    size_t n = 2 + (v.MemberCount() > 0 ? v.MemberCount() - 1 : 0);  // braces and commas
    for (const auto& m : v.GetObject()) n += QuotedLength(m.name) + 1 + CompactJsonSize(m.value);
    return n;
  }
  if (v.IsArray()) {
    size_t n = 2 + (v.Size() > 0 ? v.Size() - 1 : 0);
    for (const auto& e : v.GetArray()) n += CompactJsonSize(e);
    return n;
  }
  CountingStream out;  // numbers, booleans and null: as the writer formats them
  rapidjson::Writer<CountingStream> writer(out);
  v.Accept(writer);
  return out.count;
}
constexpr size_t kMaxContainers = quotas::kContainersPerTaskDefinition;
constexpr size_t kMaxPlacementConstraints = 10;
constexpr size_t kMaxExpressionLength = 2000;
constexpr size_t kMaxTags = quotas::kTagsPerResource;
constexpr int64_t kMinEc2TaskCpu = 128;
constexpr int64_t kMaxEc2TaskCpu = 196608;

// ---------------------------------------------------------------------------------------------
// The normalizer: validation and extraction over one request; the body is schema::WriteBody.

class Normalizer {
 public:
  // `shape`: schema::RequestShape() or schema::DaemonRequestShape().
  Normalizer(const rapidjson::Value& request, std::span<const schema::Member> shape)
      : req_(request), shape_(shape) {}

  Result<TaskDefinitionSpec> Run();        // RegisterTaskDefinition
  Result<TaskDefinitionSpec> RunDaemon();  // RegisterDaemonTaskDefinition (an EchoKnown copy)

 private:
  bool awsvpc() const { return spec_.network_mode == model::NetworkMode::kAwsvpc; }
  bool host() const { return spec_.network_mode == model::NetworkMode::kHost; }
  bool bridge() const {
    return !spec_.network_mode || spec_.network_mode == model::NetworkMode::kBridge;
  }
  std::string ModeName() const {
    return std::string(model::ToString(spec_.network_mode.value_or(model::NetworkMode::kBridge)));
  }
  const rapidjson::Value& Container(size_t i) const {
    return Items(req_, "containerDefinitions")[i];
  }

  Status ReadDefinition();
  Status CheckFamily();
  Status ReadTaskLevel();
  Status ReadVolumes();
  Status ReadContainer(size_t index);
  Status ReadPortMappings(const rapidjson::Value& c, ContainerSpec& spec);
  Status CheckHealthCheck(const rapidjson::Value& c, const std::string& name);
  Status CheckContainerMemory(const ContainerSpec& spec);
  Status CheckTaskTotals();
  Status CheckReferences();
  Status ReadPlacementConstraints();
  Status ReadTags();

  const rapidjson::Value& req_;
  std::span<const schema::Member> shape_;
  TaskDefinitionSpec spec_;
  std::vector<std::string> volume_names_;
};

Result<TaskDefinitionSpec> Normalizer::Run() {
  ECS_RETURN_IF_ERROR(ReadDefinition());
  ECS_RETURN_IF_ERROR(ReadPlacementConstraints());
  ECS_RETURN_IF_ERROR(ComputeCompatibilities(req_, spec_));
  ComputeRequiresAttributes(req_, spec_);
  ECS_RETURN_IF_ERROR(ReadTags());
  spec_.body = PackedText::FromText(schema::WriteBody(req_, spec_, &spec_.splices));
  return std::move(spec_);
}

// A daemon task definition has no network mode, placement constraints or compatibilities: the
// members left are the ones ReadDefinition checks.
Result<TaskDefinitionSpec> Normalizer::RunDaemon() {
  ECS_RETURN_IF_ERROR(ReadDefinition());
  ECS_RETURN_IF_ERROR(ReadTags());
  spec_.body = PackedText::FromText(schema::WriteDaemonBody(req_, spec_));
  return std::move(spec_);
}

// The rules both requests share: types, size, family, containers, sizes, volumes, references.
Status Normalizer::ReadDefinition() {
  if (!req_.IsObject()) {
    return Status::Serialization("Start of structure or map found where not expected.");
  }
  JsonObjectReader reader(req_);
  Status content;
  CheckShape(req_, shape_, reader, content);
  if (!reader.ok()) return reader.status();

  // ECS measures the definition it is asked to store; the request as sent is the closest
  // stand-in (the message format is the observed one).
  const size_t size = CompactJsonSize(req_);
  if (size > kMaxDefinitionBytes) {
    return Status::Client("Actual length: '" + std::to_string(size) + "'. Max allowed length is '" +
                          std::to_string(kMaxDefinitionBytes) + "' bytes.");
  }
  ECS_RETURN_IF_ERROR(CheckFamily());
  const size_t count = Items(req_, "containerDefinitions").Size();
  if (count == 0) return Status::Client("Container list cannot be empty.");
  if (count > kMaxContainers) {
    return Status::Client("Too many containers: " + std::to_string(count) +
                          ". A task definition can have at most " + std::to_string(kMaxContainers) +
                          " container definitions.");
  }
  if (!content.ok()) return content;

  ECS_RETURN_IF_ERROR(ReadTaskLevel());
  ECS_RETURN_IF_ERROR(ReadVolumes());
  for (size_t i = 0; i < count; ++i) ECS_RETURN_IF_ERROR(ReadContainer(i));
  ECS_RETURN_IF_ERROR(CheckTaskTotals());
  return CheckReferences();
}

Status Normalizer::CheckFamily() {
  spec_.family = GetString(req_, "family").value_or("");
  if (spec_.family.empty()) return Status::Client("Family should not be null or empty.");
  if (!MatchesNamePattern(spec_.family)) {
    return Status::Client("Invalid family " + Quote(spec_.family) +
                          ": up to 255 letters (uppercase and lowercase), numbers, underscores, "
                          "and hyphens are allowed.");
  }
  return Status::Ok();
}

Status Normalizer::ReadTaskLevel() {
  // CheckShape reported an unknown value already; it reads as unset here.
  if (auto mode = GetString(req_, "networkMode")) {
    spec_.network_mode = model::Parse<model::NetworkMode>(*mode);
  }
  for (const auto& c : Items(req_, "requiresCompatibilities")) {
    spec_.requires_compatibilities.emplace_back(c.GetString(), c.GetStringLength());
  }

  const bool fargate_requested =
      std::find(spec_.requires_compatibilities.begin(), spec_.requires_compatibilities.end(),
                "FARGATE") != spec_.requires_compatibilities.end();
  if (auto text = GetString(req_, "cpu")) {
    auto units = ParseTaskCpu(*text);
    // Fargate sizes are all inside the EC2 range, so the range check only matters when Fargate
    // is not asked for (the Fargate pair check reports its own message).
    if (!units || *units <= 0 ||
        (!fargate_requested && (*units < kMinEc2TaskCpu || *units > kMaxEc2TaskCpu))) {
      return Status::Client(
          "Invalid 'cpu' setting for task. For more information, see the Troubleshooting section "
          "of the Amazon ECS Developer Guide.");
    }
    spec_.cpu = units;
  }
  if (auto text = GetString(req_, "memory")) {
    auto mib = ParseTaskMemory(*text);
    if (!mib || *mib <= 0) {
      return Status::Client(
          "Invalid 'memory' setting for task. For more information, see the Troubleshooting "
          "section of the Amazon ECS Developer Guide.");
    }
    spec_.memory = mib;
  }
  if (const auto* es = Get(req_, "ephemeralStorage")) {
    int64_t gib = GetInt(*es, "sizeInGiB").value_or(0);
    if (gib < 21 || gib > 200) {
      return Status::Client("Invalid 'ephemeralStorage.sizeInGiB' setting " + std::to_string(gib) +
                            ": the supported range is 21 to 200 GiB.");
    }
  }
  return Status::Ok();
}

Status Normalizer::ReadVolumes() {
  const auto volumes = Items(req_, "volumes");
  for (rapidjson::SizeType i = 0; i < volumes.Size(); ++i) {
    const std::string name = GetString(volumes[i], "name").value_or("");
    const std::string path = "volumes[" + std::to_string(i) + "]";
    if (name.empty()) return Status::Client("Invalid setting: '" + path + ".name' is required.");
    if (!MatchesNamePattern(name)) {
      return Status::Client("Invalid volume name " + Quote(name) +
                            ": up to 255 letters (uppercase and lowercase), numbers, underscores, "
                            "and hyphens are allowed.");
    }
    if (std::find(volume_names_.begin(), volume_names_.end(), name) != volume_names_.end()) {
      return Status::Client("Duplicate volume name " + Quote(name) +
                            ": volume names must be unique within a task definition.");
    }
    volume_names_.push_back(name);
  }
  return Status::Ok();
}

Status Normalizer::ReadContainer(size_t index) {
  const rapidjson::Value& c = Container(index);
  ContainerSpec spec;
  spec.name = GetString(c, "name").value_or("");
  if (spec.name.empty()) return Status::Client("Container.name should not be null or empty.");
  if (!MatchesNamePattern(spec.name)) {
    return Status::Client("Invalid container name " + Quote(spec.name) +
                          ": up to 255 letters (uppercase and lowercase), numbers, underscores, "
                          "and hyphens are allowed.");
  }
  for (const ContainerSpec& other : spec_.containers) {
    if (other.name == spec.name) {
      return Status::Client("Duplicate container name " + Quote(spec.name) +
                            ": container names must be unique within a task definition.");
    }
  }
  spec.image = GetString(c, "image").value_or("");
  if (spec.image.empty()) return Status::Client("Container.image should not be null or empty.");
  const std::string prefix = "Invalid setting for container " + Quote(spec.name) + ". ";

  spec.cpu = GetInt(c, "cpu").value_or(0);
  if (spec.cpu < 0) return Status::Client(prefix + "'cpu' must not be negative.");
  spec.memory = GetInt(c, "memory");
  spec.memory_reservation = GetInt(c, "memoryReservation");
  ECS_RETURN_IF_ERROR(CheckContainerMemory(spec));
  spec.essential = GetBool(c, "essential", true);
  ECS_RETURN_IF_ERROR(CheckHealthCheck(c, spec.name));
  ECS_RETURN_IF_ERROR(ReadContainerRuntime(c, spec));
  for (const auto& rr : Items(c, "resourceRequirements")) {
    if (GetString(rr, "type") != "GPU") continue;
    auto count = ScaleDecimal(GetString(rr, "value").value_or(""), 1);
    if (!count || *count <= 0) {
      return Status::Client(prefix +
                            "The GPU resource requirement value must be a positive "
                            "integer.");
    }
    spec.gpu_count += static_cast<int>(*count);
  }
  ECS_RETURN_IF_ERROR(ReadPortMappings(c, spec));

  if (NonEmpty(c, "links") && !bridge()) {
    return Status::Client(prefix + "'links' are not supported when networkMode=" + ModeName() +
                          "; links are only supported with the bridge network mode.");
  }
  if (awsvpc()) {
    // Documented in the model for awsvpc; ENIs own the hostname and /etc/hosts.
    if (NonEmpty(c, "hostname")) {
      return Status::Client(prefix + "'hostname' is not supported when networkMode=awsvpc.");
    }
    if (NonEmpty(c, "extraHosts")) {
      return Status::Client(prefix + "'extraHosts' is not supported when networkMode=awsvpc.");
    }
  }
  spec_.containers.push_back(std::move(spec));
  return Status::Ok();
}

Status Normalizer::CheckContainerMemory(const ContainerSpec& spec) {
  const std::string prefix = "Invalid setting for container " + Quote(spec.name) + ". ";
  if (spec.memory && *spec.memory <= 0) {
    return Status::Client(prefix + "'memory' must be greater than 0.");
  }
  if (spec.memory_reservation && *spec.memory_reservation <= 0) {
    return Status::Client(prefix + "'memoryReservation' must be greater than 0.");
  }
  if (!spec.memory && !spec.memory_reservation && !spec_.memory) {
    return Status::Client(prefix +
                          "At least one of 'memory' or 'memoryReservation' must be specified.");
  }
  if (spec.memory && spec.memory_reservation && *spec.memory <= *spec.memory_reservation) {
    return Status::Client(prefix + "'memory' must be greater than 'memoryReservation'.");
  }
  if (spec_.memory && spec.memory && *spec.memory > *spec_.memory) {
    return Status::Client(prefix + "'memory' (" + std::to_string(*spec.memory) +
                          " MiB) must not exceed the task 'memory' (" +
                          std::to_string(*spec_.memory) + " MiB).");
  }
  return Status::Ok();
}

Status Normalizer::CheckHealthCheck(const rapidjson::Value& c, const std::string& name) {
  const auto* hc = Get(c, "healthCheck");
  if (!hc) return Status::Ok();
  const std::string prefix = "Invalid 'healthCheck' setting for container " + Quote(name) + ". ";
  if (Items(*hc, "command").Empty()) return Status::Client(prefix + "'command' must not be empty.");
  struct Range {
    std::string_view key;
    int64_t min, max;
  };
  // Ranges from the model's HealthCheck documentation.
  static constexpr Range kRanges[] = {
      {"interval", 5, 300}, {"timeout", 2, 60}, {"retries", 1, 10}, {"startPeriod", 0, 300}};
  for (const Range& r : kRanges) {
    auto v = GetInt(*hc, r.key);
    if (v && (*v < r.min || *v > r.max)) {
      return Status::Client(prefix + "'" + std::string(r.key) + "' must be between " +
                            std::to_string(r.min) + " and " + std::to_string(r.max) + ".");
    }
  }
  return Status::Ok();
}

Status Normalizer::ReadPortMappings(const rapidjson::Value& c, ContainerSpec& spec) {
  const auto mappings = Items(c, "portMappings");
  const std::string prefix =
      "Invalid 'portMappings' setting for container " + Quote(spec.name) + ". ";
  if (!mappings.Empty() && spec_.network_mode == model::NetworkMode::kNone) {
    return Status::Client(prefix + "Port mappings are not supported when networkMode=none.");
  }
  for (rapidjson::SizeType i = 0; i < mappings.Size(); ++i) {
    const auto& pm = mappings[i];
    PortMappingSpec out;
    out.protocol = GetString(pm, "protocol").value_or("tcp");
    auto container_port = GetInt(pm, "containerPort");
    auto host_port = GetInt(pm, "hostPort");
    if (host_port && (*host_port < 0 || *host_port > 65535)) {
      return Status::Client(prefix + "'hostPort' " + std::to_string(*host_port) +
                            " is outside the range 0-65535.");
    }
    if (auto range = GetString(pm, "containerPortRange")) {
      if (!bridge() && !awsvpc()) {
        return Status::Client(prefix +
                              "'containerPortRange' requires the bridge or awsvpc "
                              "network mode.");
      }
      if (container_port || host_port) {
        return Status::Client(prefix +
                              "Specify either 'containerPort' or 'containerPortRange', "
                              "and leave 'hostPort' empty with a port range.");
      }
      const size_t dash = range->find('-');
      auto first = ScaleDecimal(range->substr(0, dash), 1);
      auto last =
          dash == std::string::npos ? std::nullopt : ScaleDecimal(range->substr(dash + 1), 1);
      if (!first || !last || *first < 1 || *last > 65535 || *first >= *last) {
        return Status::Client(prefix + "Invalid 'containerPortRange' " + Quote(*range) +
                              ": expected 'first-last' with 1 <= first < last <= 65535.");
      }
      out.range_first = static_cast<int>(*first);
      out.range_last = static_cast<int>(*last);
      spec.port_mappings.push_back(out);
      continue;
    }
    if (!container_port) return Status::Client(prefix + "'containerPort' is required.");
    if (*container_port < 0 || *container_port > 65535) {
      return Status::Client(prefix + "'containerPort' " + std::to_string(*container_port) +
                            " is outside the range 0-65535.");
    }
    if ((awsvpc() || host()) && host_port && *host_port != *container_port) {
      // The observed ECS wording.
      return Status::Client("When networkMode=" + ModeName() +
                            ", the host ports and container ports in port mappings must match.");
    }
    out.container_port = static_cast<int>(*container_port);
    out.host_port =
        (awsvpc() || host()) ? out.container_port : static_cast<int>(host_port.value_or(0));
    spec.port_mappings.push_back(out);
  }
  return Status::Ok();
}

Status Normalizer::CheckTaskTotals() {
  bool any_essential = false;
  int64_t cpu_sum = 0, reserved_sum = 0;
  for (const ContainerSpec& c : spec_.containers) {
    any_essential = any_essential || c.essential;
    cpu_sum += c.cpu;
    reserved_sum += c.memory_reservation.value_or(c.memory.value_or(0));
  }
  if (!any_essential) {
    return Status::Client(
        "Invalid setting: at least one container in the task definition must be "
        "essential ('essential' defaults to true).");
  }
  // The model's ContainerDefinition.cpu/memory docs: the containers' reservations must fit in
  // the task-level size.
  if (spec_.cpu && cpu_sum > *spec_.cpu) {
    return Status::Client("Invalid 'cpu' setting: the containers reserve " +
                          std::to_string(cpu_sum) + " CPU units, more than the task 'cpu' (" +
                          std::to_string(*spec_.cpu) + ").");
  }
  if (spec_.memory && reserved_sum > *spec_.memory) {
    return Status::Client("Invalid 'memory' setting: the containers reserve " +
                          std::to_string(reserved_sum) + " MiB, more than the task 'memory' (" +
                          std::to_string(*spec_.memory) + " MiB).");
  }
  return Status::Ok();
}

// Names one container, volume or proxy member uses to point at another must resolve inside the
// definition: ECS would otherwise register a definition that can never start [I].
Status Normalizer::CheckReferences() {
  auto is_container = [&](std::string_view name) {
    return std::any_of(spec_.containers.begin(), spec_.containers.end(),
                       [&](const ContainerSpec& c) { return c.name == name; });
  };
  for (size_t i = 0; i < spec_.containers.size(); ++i) {
    const rapidjson::Value& c = Container(i);
    const std::string& self = spec_.containers[i]->name;
    const std::string prefix = "Invalid setting for container " + Quote(self) + ". ";
    for (const auto& link : Items(c, "links")) {
      std::string_view target(link.GetString(), link.GetStringLength());
      target = target.substr(0, target.find(':'));  // "name:alias"
      if (!is_container(target) || target == self) {
        return Status::Client(prefix + "Link " + Quote(link.GetString()) +
                              " does not name another container in this task definition.");
      }
    }
    for (const auto& dep : Items(c, "dependsOn")) {
      const std::string target = GetString(dep, "containerName").value_or("");
      if (!is_container(target) || target == self) {
        return Status::Client(prefix + "'dependsOn' container " + Quote(target) +
                              " does not name another container in this task definition.");
      }
    }
    for (const auto& from : Items(c, "volumesFrom")) {
      const std::string target = GetString(from, "sourceContainer").value_or("");
      if (!is_container(target) || target == self) {
        return Status::Client(prefix + "'volumesFrom' source container " + Quote(target) +
                              " does not name another container in this task definition.");
      }
    }
    for (const auto& mount : Items(c, "mountPoints")) {
      const std::string volume = GetString(mount, "sourceVolume").value_or("");
      if (std::find(volume_names_.begin(), volume_names_.end(), volume) == volume_names_.end()) {
        return Status::Client(prefix + "'mountPoints' source volume " + Quote(volume) +
                              " is not defined in the task definition's 'volumes'.");
      }
    }
  }
  if (const auto* proxy = Get(req_, "proxyConfiguration")) {
    // APPMESH is the only type (the model's ProxyConfigurationType); AWS's text (issue 11).
    if (!awsvpc()) {
      return Status::Client("APPMESH proxy configuration is only supported in networkMode=awsvpc");
    }
    const std::string target = GetString(*proxy, "containerName").value_or("");
    if (!is_container(target)) {
      return Status::Client("Invalid 'proxyConfiguration': container " + Quote(target) +
                            " is not defined in the task definition.");
    }
  }
  return Status::Ok();
}

Status Normalizer::ReadPlacementConstraints() {
  const auto constraints = Items(req_, "placementConstraints");
  if (constraints.Size() > kMaxPlacementConstraints) {
    return Status::Client("Too many placement constraints: " + std::to_string(constraints.Size()) +
                          ". The maximum is " + std::to_string(kMaxPlacementConstraints) + ".");
  }
  std::vector<std::string> expressions;
  for (rapidjson::SizeType i = 0; i < constraints.Size(); ++i) {
    const std::string path = "placementConstraints[" + std::to_string(i) + "]";
    // memberOf is the only type a task definition may carry (distinctInstance is run-time only).
    if (GetString(constraints[i], "type") != "memberOf") {
      return Status::Client("Invalid placement constraint: '" + path + ".type' must be memberOf.");
    }
    const std::string expression = GetString(constraints[i], "expression").value_or("");
    if (expression.empty()) {
      return Status::Client("Invalid placement constraint: '" + path +
                            ".expression' is required for memberOf.");
    }
    if (expression.size() > kMaxExpressionLength) {
      return Status::Client("Invalid placement constraint: '" + path +
                            ".expression' is longer "
                            "than " +
                            std::to_string(kMaxExpressionLength) + " characters.");
    }
    expressions.push_back(expression);
  }
  spec_.member_of_expressions = std::move(expressions);
  return Status::Ok();
}

// Code points in a UTF-8 string (tag limits count characters, not bytes).
size_t Utf8Length(std::string_view s) {
  return static_cast<size_t>(std::count_if(
      s.begin(), s.end(), [](char c) { return (static_cast<unsigned char>(c) & 0xC0) != 0x80; }));
}

// Tag rules (docs/resources.md §11) ⇒ InvalidParameterException, as for every taggable resource.
// Characters: the model's pattern [\p{L}\p{Z}\p{N}_.:/=+\-@]*; non-ASCII is accepted as letters.
Status Normalizer::ReadTags() {
  const auto tags = Items(req_, "tags");
  if (tags.Size() > kMaxTags) {
    return Status::InvalidParameter("Too many tags: " + std::to_string(tags.Size()) +
                                    ". A resource can have at most " + std::to_string(kMaxTags) +
                                    " tags.");
  }
  auto valid_chars = [](std::string_view s) {
    return std::all_of(s.begin(), s.end(), [](char ch) {
      const auto u = static_cast<unsigned char>(ch);
      return u >= 0x80 || std::isalnum(u) ||
             std::string_view(" _.:/=+-@").find(ch) != std::string_view::npos;
    });
  };
  for (const auto& t : tags) {
    model::Tag tag{GetString(t, "key").value_or(""), GetString(t, "value").value_or("")};
    const size_t key_length = Utf8Length(tag.key);
    if (key_length < 1 || key_length > 128) {
      return Status::InvalidParameter("Invalid tag key " + Quote(tag.key) +
                                      ": a tag key must be 1 to 128 characters long.");
    }
    if (Utf8Length(tag.value) > 256) {
      return Status::InvalidParameter("Invalid value for tag " + Quote(tag.key) +
                                      ": a tag value can be at most 256 characters long.");
    }
    std::string lowered = tag.key.substr(0, 4);
    for (char& ch : lowered) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    if (lowered == "aws:") {
      return Status::InvalidParameter("Invalid tag key " + Quote(tag.key) +
                                      ": keys starting with 'aws:' are reserved for AWS use.");
    }
    if (!valid_chars(tag.key) || !valid_chars(tag.value)) {
      return Status::InvalidParameter("Invalid tag " + Quote(tag.key) +
                                      ": tags may contain letters, numbers, spaces and "
                                      "_ . : / = + - @ only.");
    }
    for (const model::Tag& seen : spec_.tags) {
      if (seen.key == tag.key) {
        return Status::InvalidParameter("Duplicate tag key " + Quote(tag.key) + ".");
      }
    }
    spec_.tags.push_back(std::move(tag));
  }
  return Status::Ok();
}

}  // namespace

Result<TaskDefinitionSpec> NormalizeTaskDefinition(const rapidjson::Value& request) {
  return Normalizer(request, schema::RequestShape()).Run();
}

Result<TaskDefinitionSpec> NormalizeDaemonTaskDefinition(const rapidjson::Value& request) {
  const auto shape = schema::DaemonRequestShape();
  if (request.IsObject()) {
    // Type errors first, on the request as sent; the rules then read only what the model knows.
    JsonObjectReader reader(request);
    Status content;  // reported again by the normalizer below, on the same members
    CheckShape(request, shape, reader, content);
    if (!reader.ok()) return reader.status();
  }
  rapidjson::Document known;
  if (request.IsObject()) known.Parse(schema::EchoKnown(request, shape));
  return Normalizer(request.IsObject() ? known : request, shape).RunDaemon();
}

}  // namespace ecs::taskdef

#include "control/task_definition_rules.h"

#include <algorithm>
#include <cctype>
#include <climits>
#include <cmath>
#include <cstddef>
#include <span>
#include <utility>

#include "common/json.h"

namespace ecs::control {
namespace {

// ---------------------------------------------------------------------------------------------
// The RegisterTaskDefinitionRequest input shape, transcribed from botocore 1.43.11
// (data/ecs/2014-11-13/service-2.json) by walking every structure reachable from it. One table
// drives three jobs: JSON type checking (SerializationException), enum and required-member checks
// (ClientException), and echoing only the members the model knows. Keep it in model order; when
// the model grows, regenerate it rather than hand-editing.

enum class Kind { kString, kInt, kBool, kStringList, kIntList, kStringMap, kStruct, kStructList };

struct Member;
struct Fields {
  const Member* data = nullptr;
  size_t size = 0;
};
template <size_t N>
constexpr Fields F(const Member (&members)[N]) {
  return {members, N};
}

struct Member {
  std::string_view key;
  Kind kind;
  Fields fields;                             // kStruct / kStructList: the element's members
  std::span<const std::string_view> values;  // enum values (for lists: of each element)
  bool required;                             // model `required` (nested structures only)
};

std::span<const Member> Span(Fields f) { return {f.data, f.size}; }

constexpr std::string_view kTransportProtocolValues[] = {"tcp", "udp"};
constexpr std::string_view kApplicationProtocolValues[] = {"http", "http2", "grpc"};
constexpr std::string_view kEnvironmentFileTypeValues[] = {"s3"};
constexpr std::string_view kDeviceCgroupPermissionValues[] = {"read", "write", "mknod"};
constexpr std::string_view kContainerConditionValues[] = {"START", "COMPLETE", "SUCCESS",
                                                          "HEALTHY"};
constexpr std::string_view kUlimitNameValues[] = {
    "core",   "cpu",   "data", "fsize",  "locks",  "memlock",    "msgqueue", "nice",
    "nofile", "nproc", "rss",  "rtprio", "rttime", "sigpending", "stack"};
constexpr std::string_view kLogDriverValues[] = {"json-file", "syslog",  "journald", "gelf",
                                                 "fluentd",   "awslogs", "splunk",   "awsfirelens"};
constexpr std::string_view kResourceTypeValues[] = {"GPU", "InferenceAccelerator"};
constexpr std::string_view kFirelensConfigurationTypeValues[] = {"fluentd", "fluentbit"};
constexpr std::string_view kVersionConsistencyValues[] = {"enabled", "disabled"};
constexpr std::string_view kScopeValues[] = {"task", "shared"};
constexpr std::string_view kEFSAuthorizationConfigIAMValues[] = {"ENABLED", "DISABLED"};
constexpr std::string_view kEFSTransitEncryptionValues[] = {"ENABLED", "DISABLED"};
constexpr std::string_view kTaskDefinitionPlacementConstraintTypeValues[] = {"memberOf"};
constexpr std::string_view kProxyConfigurationTypeValues[] = {"APPMESH"};
constexpr std::string_view kCPUArchitectureValues[] = {"X86_64", "ARM64"};
constexpr std::string_view kOSFamilyValues[] = {
    "WINDOWS_SERVER_2019_FULL", "WINDOWS_SERVER_2019_CORE",
    "WINDOWS_SERVER_2016_FULL", "WINDOWS_SERVER_2004_CORE",
    "WINDOWS_SERVER_2022_CORE", "WINDOWS_SERVER_2022_FULL",
    "WINDOWS_SERVER_2025_CORE", "WINDOWS_SERVER_2025_FULL",
    "WINDOWS_SERVER_20H2_CORE", "LINUX"};
constexpr std::string_view kNetworkModeValues[] = {"bridge", "host", "awsvpc", "none"};
constexpr std::string_view kCompatibilityValues[] = {"EC2", "FARGATE", "EXTERNAL",
                                                     "MANAGED_INSTANCES"};
constexpr std::string_view kPidModeValues[] = {"host", "task"};
constexpr std::string_view kIpcModeValues[] = {"host", "task", "none"};
constexpr Member kRepositoryCredentials[] = {
    {"credentialsParameter", Kind::kString, {}, {}, true},
};
constexpr Member kPortMapping[] = {
    {"containerPort", Kind::kInt, {}, {}, false},
    {"hostPort", Kind::kInt, {}, {}, false},
    {"protocol", Kind::kString, {}, kTransportProtocolValues, false},
    {"name", Kind::kString, {}, {}, false},
    {"appProtocol", Kind::kString, {}, kApplicationProtocolValues, false},
    {"containerPortRange", Kind::kString, {}, {}, false},
};
constexpr Member kContainerRestartPolicy[] = {
    {"enabled", Kind::kBool, {}, {}, true},
    {"ignoredExitCodes", Kind::kIntList, {}, {}, false},
    {"restartAttemptPeriod", Kind::kInt, {}, {}, false},
};
constexpr Member kKeyValuePair[] = {
    {"name", Kind::kString, {}, {}, false},
    {"value", Kind::kString, {}, {}, false},
};
constexpr Member kEnvironmentFile[] = {
    {"value", Kind::kString, {}, {}, true},
    {"type", Kind::kString, {}, kEnvironmentFileTypeValues, true},
};
constexpr Member kMountPoint[] = {
    {"sourceVolume", Kind::kString, {}, {}, false},
    {"containerPath", Kind::kString, {}, {}, false},
    {"readOnly", Kind::kBool, {}, {}, false},
};
constexpr Member kVolumeFrom[] = {
    {"sourceContainer", Kind::kString, {}, {}, false},
    {"readOnly", Kind::kBool, {}, {}, false},
};
constexpr Member kKernelCapabilities[] = {
    {"add", Kind::kStringList, {}, {}, false},
    {"drop", Kind::kStringList, {}, {}, false},
};
constexpr Member kDevice[] = {
    {"hostPath", Kind::kString, {}, {}, true},
    {"containerPath", Kind::kString, {}, {}, false},
    {"permissions", Kind::kStringList, {}, kDeviceCgroupPermissionValues, false},
};
constexpr Member kTmpfs[] = {
    {"containerPath", Kind::kString, {}, {}, true},
    {"size", Kind::kInt, {}, {}, true},
    {"mountOptions", Kind::kStringList, {}, {}, false},
};
constexpr Member kLinuxParameters[] = {
    {"capabilities", Kind::kStruct, F(kKernelCapabilities), {}, false},
    {"devices", Kind::kStructList, F(kDevice), {}, false},
    {"initProcessEnabled", Kind::kBool, {}, {}, false},
    {"sharedMemorySize", Kind::kInt, {}, {}, false},
    {"tmpfs", Kind::kStructList, F(kTmpfs), {}, false},
    {"maxSwap", Kind::kInt, {}, {}, false},
    {"swappiness", Kind::kInt, {}, {}, false},
};
constexpr Member kSecret[] = {
    {"name", Kind::kString, {}, {}, true},
    {"valueFrom", Kind::kString, {}, {}, true},
};
constexpr Member kContainerDependency[] = {
    {"containerName", Kind::kString, {}, {}, true},
    {"condition", Kind::kString, {}, kContainerConditionValues, true},
};
constexpr Member kHostEntry[] = {
    {"hostname", Kind::kString, {}, {}, true},
    {"ipAddress", Kind::kString, {}, {}, true},
};
constexpr Member kUlimit[] = {
    {"name", Kind::kString, {}, kUlimitNameValues, true},
    {"softLimit", Kind::kInt, {}, {}, true},
    {"hardLimit", Kind::kInt, {}, {}, true},
};
constexpr Member kLogConfiguration[] = {
    {"logDriver", Kind::kString, {}, kLogDriverValues, true},
    {"options", Kind::kStringMap, {}, {}, false},
    {"secretOptions", Kind::kStructList, F(kSecret), {}, false},
};
constexpr Member kHealthCheck[] = {
    {"command", Kind::kStringList, {}, {}, true}, {"interval", Kind::kInt, {}, {}, false},
    {"timeout", Kind::kInt, {}, {}, false},       {"retries", Kind::kInt, {}, {}, false},
    {"startPeriod", Kind::kInt, {}, {}, false},
};
constexpr Member kSystemControl[] = {
    {"namespace", Kind::kString, {}, {}, false},
    {"value", Kind::kString, {}, {}, false},
};
constexpr Member kResourceRequirement[] = {
    {"value", Kind::kString, {}, {}, true},
    {"type", Kind::kString, {}, kResourceTypeValues, true},
};
constexpr Member kFirelensConfiguration[] = {
    {"type", Kind::kString, {}, kFirelensConfigurationTypeValues, true},
    {"options", Kind::kStringMap, {}, {}, false},
};
constexpr Member kContainerDefinition[] = {
    {"name", Kind::kString, {}, {}, false},
    {"image", Kind::kString, {}, {}, false},
    {"repositoryCredentials", Kind::kStruct, F(kRepositoryCredentials), {}, false},
    {"cpu", Kind::kInt, {}, {}, false},
    {"memory", Kind::kInt, {}, {}, false},
    {"memoryReservation", Kind::kInt, {}, {}, false},
    {"links", Kind::kStringList, {}, {}, false},
    {"portMappings", Kind::kStructList, F(kPortMapping), {}, false},
    {"essential", Kind::kBool, {}, {}, false},
    {"restartPolicy", Kind::kStruct, F(kContainerRestartPolicy), {}, false},
    {"entryPoint", Kind::kStringList, {}, {}, false},
    {"command", Kind::kStringList, {}, {}, false},
    {"environment", Kind::kStructList, F(kKeyValuePair), {}, false},
    {"environmentFiles", Kind::kStructList, F(kEnvironmentFile), {}, false},
    {"mountPoints", Kind::kStructList, F(kMountPoint), {}, false},
    {"volumesFrom", Kind::kStructList, F(kVolumeFrom), {}, false},
    {"linuxParameters", Kind::kStruct, F(kLinuxParameters), {}, false},
    {"secrets", Kind::kStructList, F(kSecret), {}, false},
    {"dependsOn", Kind::kStructList, F(kContainerDependency), {}, false},
    {"startTimeout", Kind::kInt, {}, {}, false},
    {"stopTimeout", Kind::kInt, {}, {}, false},
    {"versionConsistency", Kind::kString, {}, kVersionConsistencyValues, false},
    {"hostname", Kind::kString, {}, {}, false},
    {"user", Kind::kString, {}, {}, false},
    {"workingDirectory", Kind::kString, {}, {}, false},
    {"disableNetworking", Kind::kBool, {}, {}, false},
    {"privileged", Kind::kBool, {}, {}, false},
    {"readonlyRootFilesystem", Kind::kBool, {}, {}, false},
    {"dnsServers", Kind::kStringList, {}, {}, false},
    {"dnsSearchDomains", Kind::kStringList, {}, {}, false},
    {"extraHosts", Kind::kStructList, F(kHostEntry), {}, false},
    {"dockerSecurityOptions", Kind::kStringList, {}, {}, false},
    {"interactive", Kind::kBool, {}, {}, false},
    {"pseudoTerminal", Kind::kBool, {}, {}, false},
    {"dockerLabels", Kind::kStringMap, {}, {}, false},
    {"ulimits", Kind::kStructList, F(kUlimit), {}, false},
    {"logConfiguration", Kind::kStruct, F(kLogConfiguration), {}, false},
    {"healthCheck", Kind::kStruct, F(kHealthCheck), {}, false},
    {"systemControls", Kind::kStructList, F(kSystemControl), {}, false},
    {"resourceRequirements", Kind::kStructList, F(kResourceRequirement), {}, false},
    {"firelensConfiguration", Kind::kStruct, F(kFirelensConfiguration), {}, false},
    {"credentialSpecs", Kind::kStringList, {}, {}, false},
};
constexpr Member kHostVolumeProperties[] = {
    {"sourcePath", Kind::kString, {}, {}, false},
};
constexpr Member kDockerVolumeConfiguration[] = {
    {"scope", Kind::kString, {}, kScopeValues, false},
    {"autoprovision", Kind::kBool, {}, {}, false},
    {"driver", Kind::kString, {}, {}, false},
    {"driverOpts", Kind::kStringMap, {}, {}, false},
    {"labels", Kind::kStringMap, {}, {}, false},
};
constexpr Member kEFSAuthorizationConfig[] = {
    {"accessPointId", Kind::kString, {}, {}, false},
    {"iam", Kind::kString, {}, kEFSAuthorizationConfigIAMValues, false},
};
constexpr Member kEFSVolumeConfiguration[] = {
    {"fileSystemId", Kind::kString, {}, {}, true},
    {"rootDirectory", Kind::kString, {}, {}, false},
    {"transitEncryption", Kind::kString, {}, kEFSTransitEncryptionValues, false},
    {"transitEncryptionPort", Kind::kInt, {}, {}, false},
    {"authorizationConfig", Kind::kStruct, F(kEFSAuthorizationConfig), {}, false},
};
constexpr Member kS3FilesVolumeConfiguration[] = {
    {"fileSystemArn", Kind::kString, {}, {}, true},
    {"rootDirectory", Kind::kString, {}, {}, false},
    {"transitEncryptionPort", Kind::kInt, {}, {}, false},
    {"accessPointArn", Kind::kString, {}, {}, false},
};
constexpr Member kFSxWindowsFileServerAuthorizationConfig[] = {
    {"credentialsParameter", Kind::kString, {}, {}, true},
    {"domain", Kind::kString, {}, {}, true},
};
constexpr Member kFSxWindowsFileServerVolumeConfiguration[] = {
    {"fileSystemId", Kind::kString, {}, {}, true},
    {"rootDirectory", Kind::kString, {}, {}, true},
    {"authorizationConfig", Kind::kStruct, F(kFSxWindowsFileServerAuthorizationConfig), {}, true},
};
constexpr Member kVolume[] = {
    {"name", Kind::kString, {}, {}, false},
    {"host", Kind::kStruct, F(kHostVolumeProperties), {}, false},
    {"dockerVolumeConfiguration", Kind::kStruct, F(kDockerVolumeConfiguration), {}, false},
    {"efsVolumeConfiguration", Kind::kStruct, F(kEFSVolumeConfiguration), {}, false},
    {"s3filesVolumeConfiguration", Kind::kStruct, F(kS3FilesVolumeConfiguration), {}, false},
    {"fsxWindowsFileServerVolumeConfiguration",
     Kind::kStruct,
     F(kFSxWindowsFileServerVolumeConfiguration),
     {},
     false},
    {"configuredAtLaunch", Kind::kBool, {}, {}, false},
};
constexpr Member kTaskDefinitionPlacementConstraint[] = {
    {"type", Kind::kString, {}, kTaskDefinitionPlacementConstraintTypeValues, false},
    {"expression", Kind::kString, {}, {}, false},
};
constexpr Member kTag[] = {
    {"key", Kind::kString, {}, {}, false},
    {"value", Kind::kString, {}, {}, false},
};
constexpr Member kProxyConfiguration[] = {
    {"type", Kind::kString, {}, kProxyConfigurationTypeValues, false},
    {"containerName", Kind::kString, {}, {}, true},
    {"properties", Kind::kStructList, F(kKeyValuePair), {}, false},
};
constexpr Member kInferenceAccelerator[] = {
    {"deviceName", Kind::kString, {}, {}, true},
    {"deviceType", Kind::kString, {}, {}, true},
};
constexpr Member kEphemeralStorage[] = {
    {"sizeInGiB", Kind::kInt, {}, {}, true},
};
constexpr Member kRuntimePlatform[] = {
    {"cpuArchitecture", Kind::kString, {}, kCPUArchitectureValues, false},
    {"operatingSystemFamily", Kind::kString, {}, kOSFamilyValues, false},
};
constexpr Member kRegisterTaskDefinitionRequest[] = {
    {"family", Kind::kString, {}, {}, false},
    {"taskRoleArn", Kind::kString, {}, {}, false},
    {"executionRoleArn", Kind::kString, {}, {}, false},
    {"networkMode", Kind::kString, {}, kNetworkModeValues, false},
    {"containerDefinitions", Kind::kStructList, F(kContainerDefinition), {}, false},
    {"volumes", Kind::kStructList, F(kVolume), {}, false},
    {"placementConstraints", Kind::kStructList, F(kTaskDefinitionPlacementConstraint), {}, false},
    {"requiresCompatibilities", Kind::kStringList, {}, kCompatibilityValues, false},
    {"cpu", Kind::kString, {}, {}, false},
    {"memory", Kind::kString, {}, {}, false},
    {"tags", Kind::kStructList, F(kTag), {}, false},
    {"pidMode", Kind::kString, {}, kPidModeValues, false},
    {"ipcMode", Kind::kString, {}, kIpcModeValues, false},
    {"proxyConfiguration", Kind::kStruct, F(kProxyConfiguration), {}, false},
    {"inferenceAccelerators", Kind::kStructList, F(kInferenceAccelerator), {}, false},
    {"ephemeralStorage", Kind::kStruct, F(kEphemeralStorage), {}, false},
    {"runtimePlatform", Kind::kStruct, F(kRuntimePlatform), {}, false},
    {"enableFaultInjection", Kind::kBool, {}, {}, false},
};

// ---------------------------------------------------------------------------------------------
// Pass 1: types, enums and required nested members, over the whole request.

const Member* FindMember(std::span<const Member> shape, std::string_view key) {
  for (const Member& m : shape) {
    if (m.key == key) return &m;
  }
  return nullptr;
}

// Same acceptance as JsonObjectReader::Int: an int64, or a double with no fractional part.
bool IsIntegral(const rapidjson::Value& v) {
  if (v.IsInt64()) return true;
  if (!v.IsDouble()) return false;
  const double d = v.GetDouble();
  return std::fabs(d) < 9.0e15 && std::floor(d) == d;
}

int64_t AsInt(const rapidjson::Value& v) {
  return v.IsInt64() ? v.GetInt64() : static_cast<int64_t>(v.GetDouble());
}

bool FitsInt32(int64_t v) { return v >= INT32_MIN && v <= INT32_MAX; }

std::string JoinValues(std::span<const std::string_view> values) {
  std::string out;
  for (std::string_view v : values) {
    if (!out.empty()) out += ", ";
    out += v;
  }
  return out;
}

// Keeps the first content (ClientException) problem; type errors live in the reader's status and
// always win, because AWS rejects a request it cannot deserialize before looking at it.
void Note(Status& first, Status s) {
  if (first.ok()) first = std::move(s);
}

void CheckEnum(const Member& m, std::string_view value, const std::string& path, Status& content) {
  if (m.values.empty()) return;
  if (std::find(m.values.begin(), m.values.end(), value) != m.values.end()) return;
  Note(content, Status::Client("Invalid value '" + std::string(value) + "' for '" + path +
                               "'. Valid values are: " + JoinValues(m.values) + "."));
}

void CheckShape(JsonObjectReader& r, std::span<const Member> shape, Status& content) {
  for (const Member& m : shape) {
    const std::string path = r.path() + std::string(m.key);
    if (!r.Has(m.key)) {
      if (m.required) Note(content, Status::Client("Invalid request: '" + path + "' is required."));
      continue;
    }
    switch (m.kind) {
      case Kind::kString:
        if (auto v = r.String(m.key)) CheckEnum(m, *v, path, content);
        break;
      case Kind::kInt:
        // The model's integers are 32-bit; Coral refuses anything wider while deserializing.
        if (auto v = r.Int(m.key); v && !FitsInt32(*v)) {
          r.Fail(Status::Serialization("Value of member '" + path +
                                       "' can not be converted to an Integer."));
        }
        break;
      case Kind::kBool:
        (void)r.Bool(m.key);
        break;
      case Kind::kStringList:
        if (auto v = r.StringList(m.key)) {
          for (size_t i = 0; i < v->size(); ++i) {
            CheckEnum(m, (*v)[i], path + "[" + std::to_string(i) + "]", content);
          }
        }
        break;
      case Kind::kIntList:
        if (const auto* a = r.Array(m.key)) {
          for (const auto& e : a->GetArray()) {
            if (!IsIntegral(e) || !FitsInt32(AsInt(e))) {
              r.Fail(Status::Serialization("Value of member '" + path +
                                           "' can not be converted to a List of Integer."));
              break;
            }
          }
        }
        break;
      case Kind::kStringMap:
        (void)r.StringMap(m.key);
        break;
      case Kind::kStruct:
        if (const auto* o = r.Object(m.key)) {
          JsonObjectReader nested = r.Nested(*o, m.key);
          CheckShape(nested, Span(m.fields), content);
        }
        break;
      case Kind::kStructList:
        if (const auto* a = r.Array(m.key)) {
          for (rapidjson::SizeType i = 0; i < a->Size(); ++i) {
            const auto& e = (*a)[i];
            JsonObjectReader nested =
                r.Nested(e, std::string(m.key) + "[" + std::to_string(i) + "]");
            if (e.IsObject()) CheckShape(nested, Span(m.fields), content);
          }
        }
        break;
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Typed access after pass 1: every present member is known to have its model type.

const rapidjson::Value* Get(const rapidjson::Value& obj, std::string_view key) {
  if (!obj.IsObject()) return nullptr;
  auto it = obj.FindMember(rapidjson::StringRef(key.data(), key.size()));
  if (it == obj.MemberEnd() || it->value.IsNull()) return nullptr;
  return &it->value;
}

std::optional<std::string> GetString(const rapidjson::Value& obj, std::string_view key) {
  const auto* v = Get(obj, key);
  if (!v) return std::nullopt;
  return std::string(v->GetString(), v->GetStringLength());
}

std::optional<int64_t> GetInt(const rapidjson::Value& obj, std::string_view key) {
  const auto* v = Get(obj, key);
  if (!v) return std::nullopt;
  return AsInt(*v);
}

bool GetBool(const rapidjson::Value& obj, std::string_view key, bool fallback) {
  const auto* v = Get(obj, key);
  return v ? v->GetBool() : fallback;
}

// The elements of a list member; empty when absent.
rapidjson::Value::ConstArray Items(const rapidjson::Value& obj, std::string_view key) {
  static const rapidjson::Value kEmpty(rapidjson::kArrayType);
  const auto* v = Get(obj, key);
  return v ? v->GetArray() : kEmpty.GetArray();
}

// Absent, null and [] are all "not set" for ECS's "is this feature used" checks (CloudFormation
// and CDK send empty lists for everything; AWS accepts them on Fargate).
bool NonEmpty(const rapidjson::Value& obj, std::string_view key) {
  const auto* v = Get(obj, key);
  if (!v) return false;
  if (v->IsArray()) return !v->Empty();
  if (v->IsObject()) return v->MemberCount() > 0;
  if (v->IsString()) return v->GetStringLength() > 0;
  return true;
}

bool MatchesNamePattern(std::string_view s) {
  if (s.empty() || s.size() > 255) return false;
  return std::all_of(s.begin(), s.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-';
  });
}

std::string Quote(std::string_view s) { return "'" + std::string(s) + "'"; }

// ---------------------------------------------------------------------------------------------
// Task size strings.

std::string_view Trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return s;
}

bool EndsWithNoCase(std::string_view s, std::string_view suffix) {
  if (s.size() < suffix.size()) return false;
  for (size_t i = 0; i < suffix.size(); ++i) {
    char a = static_cast<char>(
        std::tolower(static_cast<unsigned char>(s[s.size() - suffix.size() + i])));
    if (a != suffix[i]) return false;
  }
  return true;
}

// `number` × `factor` for a plain decimal ("2", "0.5", ".25"), when the product is whole.
std::optional<int64_t> ScaleDecimal(std::string_view number, int64_t factor) {
  size_t dot = number.find('.');
  std::string_view whole = number.substr(0, dot);
  std::string_view frac = dot == std::string_view::npos ? "" : number.substr(dot + 1);
  if (whole.empty() && frac.empty()) return std::nullopt;
  if (whole.size() > 9 || frac.size() > 6) return std::nullopt;
  auto digits = [](std::string_view d) {
    return std::all_of(d.begin(), d.end(), [](char c) { return c >= '0' && c <= '9'; });
  };
  if (!digits(whole) || !digits(frac)) return std::nullopt;
  int64_t w = 0;
  for (char c : whole) w = w * 10 + (c - '0');
  int64_t f = 0, scale = 1;
  for (char c : frac) {
    f = f * 10 + (c - '0');
    scale *= 10;
  }
  if ((f * factor) % scale != 0) return std::nullopt;
  return w * factor + f * factor / scale;
}

std::optional<int64_t> ParseSize(std::string_view text, std::string_view unit, int64_t factor) {
  text = Trim(text);
  if (EndsWithNoCase(text, unit)) {
    return ScaleDecimal(Trim(text.substr(0, text.size() - unit.size())), factor);
  }
  if (text.find('.') != std::string_view::npos) return std::nullopt;  // units are whole numbers
  return ScaleDecimal(text, 1);
}

}  // namespace

std::optional<int64_t> ParseTaskCpu(std::string_view text) { return ParseSize(text, "vcpu", 1024); }

std::optional<int64_t> ParseTaskMemory(std::string_view text) {
  return ParseSize(text, "gb", 1024);
}

bool IsValidFargateSize(int64_t cpu, int64_t memory) {
  // operations.md A20 / the ECS "task size" table. 256 has three discrete sizes; the others are
  // ranges with a fixed step.
  if (cpu == 256) return memory == 512 || memory == 1024 || memory == 2048;
  struct Row {
    int64_t cpu, min, max, step;
  };
  static constexpr Row kRows[] = {{512, 1024, 4096, 1024},    {1024, 2048, 8192, 1024},
                                  {2048, 4096, 16384, 1024},  {4096, 8192, 30720, 1024},
                                  {8192, 16384, 61440, 4096}, {16384, 32768, 122880, 8192}};
  for (const Row& row : kRows) {
    if (row.cpu == cpu) {
      return memory >= row.min && memory <= row.max && (memory - row.min) % row.step == 0;
    }
  }
  return false;
}

namespace {

constexpr size_t kMaxDefinitionBytes = 65536;
constexpr size_t kMaxContainers = 10;
constexpr size_t kMaxPlacementConstraints = 10;
constexpr size_t kMaxExpressionLength = 2000;
constexpr size_t kMaxTags = 50;
constexpr int64_t kMinEc2TaskCpu = 128;
constexpr int64_t kMaxEc2TaskCpu = 196608;

const Member& TopMember(std::string_view key) {
  return *FindMember(kRegisterTaskDefinitionRequest, key);
}

// ---------------------------------------------------------------------------------------------
// Echo: known members only, in the order the client sent them.

void WriteValue(const rapidjson::Value& v, const Member& m, JsonWriter& w);

// Calls f(member, value) for each known, non-null member of obj in client order. A repeated key
// is echoed once (its first occurrence, the one every reader sees).
template <typename F>
void ForEachKnown(const rapidjson::Value& obj, std::span<const Member> shape, F&& f) {
  for (auto it = obj.MemberBegin(); it != obj.MemberEnd(); ++it) {
    if (it->value.IsNull() || obj.FindMember(it->name) != it) continue;
    const Member* m =
        FindMember(shape, std::string_view(it->name.GetString(), it->name.GetStringLength()));
    if (m) f(*m, it->value);
  }
}

void WriteStruct(const rapidjson::Value& obj, std::span<const Member> shape, JsonWriter& w) {
  w.StartObject();
  ForEachKnown(obj, shape, [&](const Member& m, const rapidjson::Value& v) {
    w.Key(m.key);
    WriteValue(v, m, w);
  });
  w.EndObject();
}

void WriteValue(const rapidjson::Value& v, const Member& m, JsonWriter& w) {
  switch (m.kind) {
    case Kind::kInt:
      w.Int(AsInt(v));  // 10.0 arrives as a double; the model type is an integer
      break;
    case Kind::kIntList:
      w.StartArray();
      for (const auto& e : v.GetArray()) w.Int(AsInt(e));
      w.EndArray();
      break;
    case Kind::kStruct:
      WriteStruct(v, Span(m.fields), w);
      break;
    case Kind::kStructList:
      w.StartArray();
      for (const auto& e : v.GetArray()) WriteStruct(e, Span(m.fields), w);
      w.EndArray();
      break;
    default:  // strings, booleans, string lists and string maps are echoed verbatim
      w.Value(v);
      break;
  }
}

// ---------------------------------------------------------------------------------------------
// The normalizer: validation, extraction and the body, over one request.

bool IsEcrImage(std::string_view image) {
  std::string_view registry = image.substr(0, image.find('/'));
  return registry.find(".dkr.ecr") != std::string_view::npos &&
         registry.find(".amazonaws.com") != std::string_view::npos;
}

bool IsSecretsManagerArn(std::string_view value_from) {
  return value_from.find(":secretsmanager:") != std::string_view::npos;
}

class Normalizer {
 public:
  explicit Normalizer(const rapidjson::Value& request) : req_(request) {}

  Result<TaskDefinitionSpec> Run();

 private:
  bool awsvpc() const { return spec_.network_mode == "awsvpc"; }
  bool host() const { return spec_.network_mode == "host"; }
  bool bridge() const { return spec_.network_mode.empty() || spec_.network_mode == "bridge"; }
  std::string ModeName() const {
    return spec_.network_mode.empty() ? "bridge" : spec_.network_mode;
  }
  const rapidjson::Value& Container(size_t i) const {
    return Items(req_, "containerDefinitions")[i];
  }

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
  std::optional<std::string> FargateProblem() const;
  Status ComputeCompatibilities();
  void ComputeRequiresAttributes();
  Status ReadTags();
  std::string WriteBody() const;
  void WriteContainer(const rapidjson::Value& c, JsonWriter& w) const;
  void WritePortMapping(const rapidjson::Value& pm, JsonWriter& w) const;

  const rapidjson::Value& req_;
  TaskDefinitionSpec spec_;
  std::optional<std::string> task_role_;  // "" is treated as absent (botocore example)
  std::optional<std::string> execution_role_;
  std::optional<std::string> cpu_text_, memory_text_;  // normalized strings for the body
  std::vector<std::string> volume_names_;
};

Result<TaskDefinitionSpec> Normalizer::Run() {
  if (!req_.IsObject()) {
    return Status::Serialization("Start of structure or map found where not expected.");
  }
  JsonObjectReader reader(req_);
  Status content;
  CheckShape(reader, kRegisterTaskDefinitionRequest, content);
  if (!reader.ok()) return reader.status();

  // ECS measures the definition it is asked to store; the request as sent is the closest
  // stand-in (the message format is the observed one).
  const size_t size = ToJson(req_).size();
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
  ECS_RETURN_IF_ERROR(CheckReferences());
  ECS_RETURN_IF_ERROR(ReadPlacementConstraints());
  ECS_RETURN_IF_ERROR(ComputeCompatibilities());
  ComputeRequiresAttributes();
  ECS_RETURN_IF_ERROR(ReadTags());
  spec_.body_json = WriteBody();
  return std::move(spec_);
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
  spec_.network_mode = GetString(req_, "networkMode").value_or("");
  for (const auto& c : Items(req_, "requiresCompatibilities")) {
    spec_.requires_compatibilities.emplace_back(c.GetString(), c.GetStringLength());
  }
  task_role_ = GetString(req_, "taskRoleArn");
  if (task_role_ && task_role_->empty()) task_role_.reset();
  execution_role_ = GetString(req_, "executionRoleArn");
  if (execution_role_ && execution_role_->empty()) execution_role_.reset();

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
    cpu_text_ = std::to_string(*units);
  }
  if (auto text = GetString(req_, "memory")) {
    auto mib = ParseTaskMemory(*text);
    if (!mib || *mib <= 0) {
      return Status::Client(
          "Invalid 'memory' setting for task. For more information, see the Troubleshooting "
          "section of the Amazon ECS Developer Guide.");
    }
    spec_.memory = mib;
    memory_text_ = std::to_string(*mib);
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
  spec.has_health_check = Get(c, "healthCheck") != nullptr;
  ECS_RETURN_IF_ERROR(CheckHealthCheck(c, spec.name));
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
  if (!mappings.Empty() && spec_.network_mode == "none") {
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
      return Status::Client("When networkMode=" + spec_.network_mode +
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
    const std::string& self = spec_.containers[i].name;
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
    spec_.member_of_expressions.push_back(expression);
  }
  return Status::Ok();
}

// Why the definition cannot run on Fargate, or nullopt when it can. Used both to reject a
// FARGATE request and to decide whether FARGATE appears in `compatibilities`. Checked in the order
// a user fixes them: network mode, task size, then the unsupported parameters the model lists.
std::optional<std::string> Normalizer::FargateProblem() const {
  if (!awsvpc())
    return "Fargate only supports network mode \u2018awsvpc\u2019.";  // observed quotes
  if (!spec_.cpu) return "Fargate requires that 'cpu' be defined at the task level.";
  if (!spec_.memory) return "Fargate requires that 'memory' be defined at the task level.";
  // Windows on Fargate starts at 1 vCPU (the model's task `memory` documentation).
  const auto* platform = Get(req_, "runtimePlatform");
  const bool windows =
      platform && GetString(*platform, "operatingSystemFamily").value_or("").starts_with("WINDOWS");
  if (!IsValidFargateSize(*spec_.cpu, *spec_.memory) || (windows && *spec_.cpu < 1024)) {
    return "No Fargate configuration exists for given values: " + std::to_string(*spec_.cpu) +
           " CPU, " + std::to_string(*spec_.memory) + " memory";
  }
  if (NonEmpty(req_, "placementConstraints")) {
    return "Fargate does not support task placement constraints ('placementConstraints').";
  }
  if (GetString(req_, "pidMode") == "host") return "Fargate only supports 'pidMode' task.";
  if (Get(req_, "ipcMode")) return "Fargate does not support 'ipcMode'.";
  const auto volumes = Items(req_, "volumes");
  for (rapidjson::SizeType i = 0; i < volumes.Size(); ++i) {
    const std::string path = "volumes[" + std::to_string(i) + "]";
    const auto* hostv = Get(volumes[i], "host");
    if (hostv && NonEmpty(*hostv, "sourcePath")) {
      return "Fargate does not support host path volumes ('" + path + ".host.sourcePath').";
    }
    if (Get(volumes[i], "dockerVolumeConfiguration")) {
      return "Fargate does not support Docker volumes ('" + path + ".dockerVolumeConfiguration').";
    }
  }
  for (size_t i = 0; i < spec_.containers.size(); ++i) {
    const rapidjson::Value& c = Container(i);
    const std::string path = "containerDefinitions[" + std::to_string(i) + "].";
    if (GetBool(c, "privileged", false))
      return "Fargate does not support '" + path + "privileged'.";
    if (NonEmpty(c, "dockerSecurityOptions")) {
      return "Fargate does not support '" + path + "dockerSecurityOptions'.";
    }
    if (const auto* lp = Get(c, "linuxParameters")) {
      for (std::string_view key : {"devices", "maxSwap", "swappiness", "sharedMemorySize"}) {
        if (NonEmpty(*lp, key)) {
          return "Fargate does not support '" + path + "linuxParameters." + std::string(key) + "'.";
        }
      }
    }
    if (spec_.containers[i].gpu_count > 0) {
      return "Fargate does not support GPU resource requirements ('" + path +
             "resourceRequirements').";
    }
    if (const auto* log = Get(c, "logConfiguration")) {
      const std::string driver = GetString(*log, "logDriver").value_or("");
      if (driver != "awslogs" && driver != "splunk" && driver != "awsfirelens") {
        return "Fargate does not support log driver " + Quote(driver) +
               "; use awslogs, splunk or awsfirelens.";
      }
      if (driver == "awslogs" && !execution_role_) {  // the observed ECS wording
        return "Fargate requires task definition to have execution role ARN to support log driver "
               "awslogs.";
      }
    }
    if (auto stop = GetInt(c, "stopTimeout"); stop && *stop > 120) {
      return "Fargate supports a 'stopTimeout' of at most 120 seconds ('" + path + "stopTimeout').";
    }
  }
  return std::nullopt;
}

// `compatibilities`, in the orders AWS shows: ["EXTERNAL","EC2"] for bridge (and the other
// non-awsvpc modes, which ECS Anywhere also runs), ["EC2","FARGATE"] for a Fargate-ready awsvpc
// definition, ["EC2"] for any other awsvpc one. So: EXTERNAL first unless awsvpc, then EC2
// always, then FARGATE when FargateProblem() finds nothing. MANAGED_INSTANCES is only listed
// when asked for (accounts without Managed Instances never show it) [I].
Status Normalizer::ComputeCompatibilities() {
  const auto fargate_problem = FargateProblem();
  if (!awsvpc()) spec_.compatibilities.push_back("EXTERNAL");
  spec_.compatibilities.push_back("EC2");
  if (!fargate_problem) spec_.compatibilities.push_back("FARGATE");
  const auto& wanted = spec_.requires_compatibilities;
  auto wants = [&](std::string_view c) {
    return std::find(wanted.begin(), wanted.end(), c) != wanted.end();
  };
  if (wants("MANAGED_INSTANCES")) spec_.compatibilities.push_back("MANAGED_INSTANCES");
  if (wants("FARGATE") && fargate_problem) return Status::Client(*fargate_problem);
  if (wants("EXTERNAL") && awsvpc()) {
    return Status::Client(
        "Task definition does not support launch_type EXTERNAL: networkMode "
        "'awsvpc' is not supported on external instances.");
  }
  return Status::Ok();
}

// `requiresAttributes`: the agent capabilities a container instance must advertise to run the
// definition. ECS does not document the rule; this set is inferred from real describe outputs
// (awsvpc ⇒ task-eni + docker-remote-api.1.18; awslogs ⇒ logging-driver.awslogs + 1.18/1.19 +
// execution-role-awslogs with an execution role; healthCheck ⇒ container-health-check + 1.24,
// startPeriod ⇒ 1.29; ECR images ⇒ ecr-auth + execution-role-ecr-pull; taskRoleArn ⇒
// task-iam-role) and the "requires version 1.N of the Docker Remote API" notes in the model. A
// definition using none of these shows no requiresAttributes at all (AWS CLI examples). Order is
// rule order (AWS's own order is a hash order).
void Normalizer::ComputeRequiresAttributes() {
  std::vector<std::string>& out = spec_.requires_attributes;
  auto add = [&](std::string name) {
    if (std::find(out.begin(), out.end(), name) == out.end()) out.push_back(std::move(name));
  };
  constexpr std::string_view kApi = "com.amazonaws.ecs.capability.docker-remote-api.";
  auto api = [&](std::string_view version) { add(std::string(kApi) + std::string(version)); };

  for (size_t i = 0; i < spec_.containers.size(); ++i) {
    const rapidjson::Value& c = Container(i);
    if (IsEcrImage(spec_.containers[i].image)) {
      add("com.amazonaws.ecs.capability.ecr-auth");
      if (execution_role_) add("ecs.capability.execution-role-ecr-pull");
    }
    if (Get(c, "repositoryCredentials")) {
      add("com.amazonaws.ecs.capability.private-registry-authentication.secretsmanager");
    }
    if (const auto* log = Get(c, "logConfiguration")) {
      const std::string driver = GetString(*log, "logDriver").value_or("");
      add("com.amazonaws.ecs.capability.logging-driver." + driver);
      api("1.18");
      if (Get(*log, "options")) api("1.19");
      if (driver == "awslogs" && execution_role_) add("ecs.capability.execution-role-awslogs");
      for (const auto& secret : Items(*log, "secretOptions")) {
        add(IsSecretsManagerArn(GetString(secret, "valueFrom").value_or(""))
                ? "ecs.capability.secrets.asm.bootstrap.log-driver"
                : "ecs.capability.secrets.ssm.bootstrap.log-driver");
      }
    }
    if (Get(c, "dockerLabels") || Get(c, "ulimits")) api("1.18");
    if (const auto* hc = Get(c, "healthCheck")) {
      add("ecs.capability.container-health-check");
      api("1.24");
      if (Get(*hc, "startPeriod")) api("1.29");
    }
    if (const auto* lp = Get(c, "linuxParameters");
        lp && GetBool(*lp, "initProcessEnabled", false)) {
      api("1.25");
    }
    for (const auto& secret : Items(c, "secrets")) {
      add(IsSecretsManagerArn(GetString(secret, "valueFrom").value_or(""))
              ? "ecs.capability.secrets.asm.environment-variables"
              : "ecs.capability.secrets.ssm.environment-variables");
    }
    if (NonEmpty(c, "dependsOn")) add("ecs.capability.container-ordering");
    if (NonEmpty(c, "environmentFiles")) add("ecs.capability.env-files.s3");
    if (const auto* fl = Get(c, "firelensConfiguration")) {
      add("ecs.capability.firelens." + GetString(*fl, "type").value_or(""));
    }
    for (const PortMappingSpec& pm : spec_.containers[i].port_mappings) {
      if (pm.range_first != 0) add("ecs.capability.container-port-range");
    }
  }
  if (task_role_) {
    add("com.amazonaws.ecs.capability.task-iam-role");
    if (host()) add("com.amazonaws.ecs.capability.task-iam-role-network-host");
  }
  if (awsvpc()) {
    api("1.18");
    add("ecs.capability.task-eni");
  }
  if (Get(req_, "proxyConfiguration")) add("ecs.capability.aws-appmesh");
  if (Get(req_, "pidMode") || Get(req_, "ipcMode")) add("ecs.capability.pid-ipc-namespace-sharing");
  for (const auto& v : Items(req_, "volumes")) {
    if (const auto* efs = Get(v, "efsVolumeConfiguration")) {
      add("ecs.capability.efs");
      if (Get(*efs, "authorizationConfig") || GetString(*efs, "transitEncryption") == "ENABLED") {
        add("ecs.capability.efsAuth");
      }
    }
    if (Get(v, "fsxWindowsFileServerVolumeConfiguration")) {
      add("ecs.capability.fsxWindowsFileServer");
    }
    if (const auto* dv = Get(v, "dockerVolumeConfiguration")) {
      const std::string driver = GetString(*dv, "driver").value_or("local");
      if (driver != "local") add("ecs.capability.docker-plugin." + driver);
    }
  }
}

// Code points in a UTF-8 string (tag limits count characters, not bytes).
size_t Utf8Length(std::string_view s) {
  return static_cast<size_t>(std::count_if(
      s.begin(), s.end(), [](char c) { return (static_cast<unsigned char>(c) & 0xC0) != 0x80; }));
}

// Tag rules (resources.md §11) ⇒ InvalidParameterException, as for every taggable resource.
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

// ---------------------------------------------------------------------------------------------
// The body: task members in AWS's order, containers and port mappings in the client's order with
// ECS's defaults appended after the members the client sent.

void Normalizer::WritePortMapping(const rapidjson::Value& pm, JsonWriter& w) const {
  w.StartObject();
  ForEachKnown(pm, kPortMapping, [&](const Member& m, const rapidjson::Value& v) {
    w.Key(m.key);
    WriteValue(v, m, w);
  });
  // host/awsvpc publish the container port itself; bridge keeps a missing hostPort dynamic.
  if ((awsvpc() || host()) && !Get(pm, "hostPort") && Get(pm, "containerPort")) {
    w.Member("hostPort", GetInt(pm, "containerPort").value_or(0));
  }
  if (!Get(pm, "protocol")) w.Member("protocol", "tcp");
  w.EndObject();
}

void Normalizer::WriteContainer(const rapidjson::Value& c, JsonWriter& w) const {
  w.StartObject();
  ForEachKnown(c, kContainerDefinition, [&](const Member& m, const rapidjson::Value& v) {
    w.Key(m.key);
    if (m.key == "portMappings") {
      w.StartArray();
      for (const auto& pm : v.GetArray()) WritePortMapping(pm, w);
      w.EndArray();
    } else {
      WriteValue(v, m, w);
    }
  });
  // The defaults ECS adds (resources.md §4), in the relative order AWS prints them.
  if (!Get(c, "cpu")) w.Member("cpu", 0);
  if (!Get(c, "portMappings")) w.Key("portMappings").StartArray().EndArray();
  if (!Get(c, "essential")) w.Member("essential", true);
  for (std::string_view key : {"environment", "mountPoints", "volumesFrom"}) {
    if (!Get(c, key)) w.Key(key).StartArray().EndArray();
  }
  w.EndObject();
}

std::string Normalizer::WriteBody() const {
  JsonWriter w;
  auto echo = [&](std::string_view key) {
    if (const auto* v = Get(req_, key)) {
      w.Key(key);
      WriteValue(*v, TopMember(key), w);
    }
  };
  auto echo_or_empty_list = [&](std::string_view key) {
    if (Get(req_, key)) {
      echo(key);
    } else {
      w.Key(key).StartArray().EndArray();
    }
  };
  w.StartObject();
  w.Key("containerDefinitions").StartArray();
  for (const auto& c : Items(req_, "containerDefinitions")) WriteContainer(c, w);
  w.EndArray();
  w.Member("family", spec_.family);
  if (task_role_) w.Member("taskRoleArn", *task_role_);
  if (execution_role_) w.Member("executionRoleArn", *execution_role_);
  echo("networkMode");  // omitted when not given, as AWS does
  echo_or_empty_list("volumes");
  if (!spec_.requires_attributes.empty()) {
    w.Key("requiresAttributes").StartArray();
    for (const auto& name : spec_.requires_attributes)
      w.StartObject().Member("name", name).EndObject();
    w.EndArray();
  }
  echo_or_empty_list("placementConstraints");
  w.StringArray("compatibilities", spec_.compatibilities);
  echo("requiresCompatibilities");
  if (cpu_text_) w.Member("cpu", *cpu_text_);
  if (memory_text_) w.Member("memory", *memory_text_);
  for (std::string_view key : {"runtimePlatform", "inferenceAccelerators", "pidMode", "ipcMode",
                               "proxyConfiguration", "ephemeralStorage", "enableFaultInjection"}) {
    echo(key);
  }
  w.EndObject();
  return w.str();
}

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

Result<TaskDefinitionSpec> NormalizeTaskDefinition(const rapidjson::Value& request) {
  return Normalizer(request).Run();
}

std::string RenderTaskDefinition(std::string_view body_json,
                                 const TaskDefinitionRegistration& reg) {
  rapidjson::Document body;
  body.Parse(body_json.data(), body_json.size());
  JsonWriter w;
  // The control plane's members, each written just before the first body member that follows it
  // in kOutputOrder.
  auto write_spliced = [&](std::string_view key) {
    if (key == "taskDefinitionArn") w.Member(key, reg.arn);
    if (key == "revision") w.Member(key, reg.revision);
    if (key == "status") w.Member(key, reg.status);
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
  if (body.IsObject()) {
    for (const auto& m : body.GetObject()) {
      std::string_view key(m.name.GetString(), m.name.GetStringLength());
      flush_before(OutputRank(key));
      w.Key(key).Value(m.value);
    }
  }
  flush_before(std::size(kOutputOrder) + 1);
  w.EndObject();
  return w.str();
}

}  // namespace ecs::control

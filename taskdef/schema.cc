// The RegisterTaskDefinition input shape (see task_definition_schema.h): the member tables,
// the type checks over them, typed access and the echo into the TaskDefinition body.
#include "taskdef/schema.h"

#include <algorithm>
#include <climits>
#include <cmath>
#include <optional>
#include <unordered_map>
#include <utility>
#include <vector>

namespace ecs::taskdef {
namespace schema {
namespace {
// ---------------------------------------------------------------------------------------------
// The RegisterTaskDefinitionRequest input shape, transcribed from botocore 1.43.11
// (data/ecs/2014-11-13/service-2.json) by walking every structure reachable from it. One table
// drives three jobs: JSON type checking (SerializationException), enum and required-member checks
// (ClientException), and echoing only the members the model knows. Keep it in model order; when
// the model grows, regenerate it rather than hand-editing.

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

// RegisterDaemonTaskDefinitionRequest (botocore 1.43.11): a DaemonContainerDefinition is a
// ContainerDefinition without links, portMappings, volumesFrom, versionConsistency, hostname,
// disableNetworking, dnsServers, dnsSearchDomains, extraHosts, dockerSecurityOptions,
// dockerLabels, resourceRequirements and credentialSpecs; its linuxParameters without
// sharedMemorySize, maxSwap and swappiness; a DaemonVolume is a host volume only. The member
// entries are the task definition's own, so both requests are checked the same way.
constexpr Member kDaemonLinuxParameters[] = {
    kLinuxParameters[0],  // capabilities
    kLinuxParameters[1],  // devices
    kLinuxParameters[2],  // initProcessEnabled
    kLinuxParameters[4],  // tmpfs
};
constexpr Member kDaemonContainerDefinition[] = {
    {"name", Kind::kString, {}, {}, false},
    {"image", Kind::kString, {}, {}, true},
    {"memory", Kind::kInt, {}, {}, false},
    {"memoryReservation", Kind::kInt, {}, {}, false},
    {"repositoryCredentials", Kind::kStruct, F(kRepositoryCredentials), {}, false},
    {"healthCheck", Kind::kStruct, F(kHealthCheck), {}, false},
    {"cpu", Kind::kInt, {}, {}, false},
    {"essential", Kind::kBool, {}, {}, false},
    {"entryPoint", Kind::kStringList, {}, {}, false},
    {"command", Kind::kStringList, {}, {}, false},
    {"workingDirectory", Kind::kString, {}, {}, false},
    {"environmentFiles", Kind::kStructList, F(kEnvironmentFile), {}, false},
    {"environment", Kind::kStructList, F(kKeyValuePair), {}, false},
    {"secrets", Kind::kStructList, F(kSecret), {}, false},
    {"readonlyRootFilesystem", Kind::kBool, {}, {}, false},
    {"mountPoints", Kind::kStructList, F(kMountPoint), {}, false},
    {"logConfiguration", Kind::kStruct, F(kLogConfiguration), {}, false},
    {"firelensConfiguration", Kind::kStruct, F(kFirelensConfiguration), {}, false},
    {"privileged", Kind::kBool, {}, {}, false},
    {"user", Kind::kString, {}, {}, false},
    {"ulimits", Kind::kStructList, F(kUlimit), {}, false},
    {"linuxParameters", Kind::kStruct, F(kDaemonLinuxParameters), {}, false},
    {"dependsOn", Kind::kStructList, F(kContainerDependency), {}, false},
    {"startTimeout", Kind::kInt, {}, {}, false},
    {"stopTimeout", Kind::kInt, {}, {}, false},
    {"systemControls", Kind::kStructList, F(kSystemControl), {}, false},
    {"interactive", Kind::kBool, {}, {}, false},
    {"pseudoTerminal", Kind::kBool, {}, {}, false},
    {"restartPolicy", Kind::kStruct, F(kContainerRestartPolicy), {}, false},
};
constexpr Member kDaemonVolume[] = {
    {"name", Kind::kString, {}, {}, false},
    {"host", Kind::kStruct, F(kHostVolumeProperties), {}, false},
};
constexpr Member kRegisterDaemonTaskDefinitionRequest[] = {
    {"family", Kind::kString, {}, {}, false},
    {"taskRoleArn", Kind::kString, {}, {}, false},
    {"executionRoleArn", Kind::kString, {}, {}, false},
    {"containerDefinitions", Kind::kStructList, F(kDaemonContainerDefinition), {}, false},
    {"cpu", Kind::kString, {}, {}, false},
    {"memory", Kind::kString, {}, {}, false},
    {"volumes", Kind::kStructList, F(kDaemonVolume), {}, false},
    {"tags", Kind::kStructList, F(kTag), {}, false},
};

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

}  // namespace

std::span<const Member> RequestShape() { return kRegisterTaskDefinitionRequest; }
std::span<const Member> DaemonRequestShape() { return kRegisterDaemonTaskDefinitionRequest; }

// ---------------------------------------------------------------------------------------------
// Pass 1: types, enums and required nested members, over the whole request.

namespace {

// Each structure's members by key, and its required ones: the walks below visit the members a
// client sent (a handful) instead of every member the model has (up to 60 per container).
struct ShapeIndex {
  std::unordered_map<std::string_view, const Member*> by_key;
  std::vector<const Member*> required;
};

void IndexShape(std::span<const Member> shape, std::unordered_map<const Member*, ShapeIndex>& out) {
  auto [it, added] = out.try_emplace(shape.data());
  if (!added) return;
  for (const Member& m : shape) {
    it->second.by_key.emplace(m.key, &m);
    if (m.required) it->second.required.push_back(&m);
  }
  for (const Member& m : shape) {
    if (m.kind == Kind::kStruct || m.kind == Kind::kStructList) IndexShape(Span(m.fields), out);
  }
}

// REQUIRES: `shape` is reachable from RequestShape() or DaemonRequestShape(). Built once,
// read-only after: thread-safe.
const ShapeIndex& IndexOf(std::span<const Member> shape) {
  static const auto* const kIndexes = [] {
    auto* indexes = new std::unordered_map<const Member*, ShapeIndex>();
    IndexShape(RequestShape(), *indexes);
    IndexShape(DaemonRequestShape(), *indexes);
    return indexes;
  }();
  return kIndexes->at(shape.data());
}

// False for a repeated key after its first occurrence: every reader (Get, FindMember) sees the
// first one only, so only that one is checked and echoed.
bool FirstOccurrence(const rapidjson::Value& obj, rapidjson::Value::ConstMemberIterator it) {
  return obj.FindMember(it->name) == it;
}

}  // namespace

const Member* FindMember(std::span<const Member> shape, std::string_view key) {
  const auto& by_key = IndexOf(shape).by_key;
  auto it = by_key.find(key);
  return it == by_key.end() ? nullptr : it->second;
}

bool IsIntegral(const rapidjson::Value& v) {
  if (v.IsInt64()) return true;
  if (!v.IsDouble()) return false;
  const double d = v.GetDouble();
  return std::fabs(d) < 9.0e15 && std::floor(d) == d;
}

int64_t AsInt(const rapidjson::Value& v) {
  return v.IsInt64() ? v.GetInt64() : static_cast<int64_t>(v.GetDouble());
}

namespace {

// One object of the request against its shape. `path` is the member path of `obj` ("" at the top,
// "containerDefinitions[0]." below); it is extended in place and restored, so the walk allocates
// only when it reports. Type errors go to `r` (first one wins) with the wording of
// JsonObjectReader's typed getters; content problems to `content`.
class ShapeChecker {
 public:
  ShapeChecker(JsonObjectReader& r, Status& content) : r_(r), content_(content) {}

  // Members in the client's order, as a deserializer meets them; unknown ones are ignored.
  void Check(const rapidjson::Value& obj, std::span<const Member> shape) {
    const ShapeIndex& index = IndexOf(shape);
    const size_t mark = path_.size();
    for (auto it = obj.MemberBegin(); it != obj.MemberEnd(); ++it) {
      if (it->value.IsNull()) continue;
      auto known =
          index.by_key.find(std::string_view(it->name.GetString(), it->name.GetStringLength()));
      if (known == index.by_key.end() || !FirstOccurrence(obj, it)) continue;
      path_ += known->second->key;
      CheckMember(it->value, *known->second);
      path_.resize(mark);
    }
    for (const Member* m : index.required) {
      if (Get(obj, m->key)) continue;
      path_ += m->key;
      Note(content_, Status::Client("Invalid request: '" + path_ + "' is required."));
      path_.resize(mark);
    }
  }

 private:
  void TypeError(std::string_view expected) {
    r_.Fail(Status::Serialization("Value of member '" + path_ + "' can not be converted to " +
                                  std::string(expected) + "."));
  }

  // REQUIRES: path_ ends with the member's key.
  void CheckMember(const rapidjson::Value& v, const Member& m) {
    switch (m.kind) {
      case Kind::kString:
        if (!v.IsString()) return TypeError("a String");
        CheckEnum(m, std::string_view(v.GetString(), v.GetStringLength()), path_, content_);
        return;
      case Kind::kInt:
        // The model's integers are 32-bit; Coral refuses anything wider while deserializing.
        if (!IsIntegral(v) || !FitsInt32(AsInt(v))) return TypeError("an Integer");
        return;
      case Kind::kBool:
        if (!v.IsBool()) TypeError("a Boolean");
        return;
      case Kind::kStringList: {
        if (!v.IsArray()) return TypeError("a List");
        for (const auto& e : v.GetArray()) {
          if (!e.IsString()) return TypeError("a List of String");
        }
        for (rapidjson::SizeType i = 0; i < v.Size(); ++i) {
          CheckEnum(m, std::string_view(v[i].GetString(), v[i].GetStringLength()),
                    path_ + "[" + std::to_string(i) + "]", content_);
        }
        return;
      }
      case Kind::kIntList:
        if (!v.IsArray()) return TypeError("a List");
        for (const auto& e : v.GetArray()) {
          if (!IsIntegral(e) || !FitsInt32(AsInt(e))) return TypeError("a List of Integer");
        }
        return;
      case Kind::kStringMap:
        if (!v.IsObject()) return TypeError("a Map");
        for (const auto& e : v.GetObject()) {
          if (!e.value.IsString()) return TypeError("a Map of String");
        }
        return;
      case Kind::kStruct: {
        if (!v.IsObject()) return TypeError("a Structure");
        path_ += '.';
        Check(v, Span(m.fields));
        return;  // the caller restores path_
      }
      case Kind::kStructList: {
        if (!v.IsArray()) return TypeError("a List");
        const size_t mark = path_.size();
        for (rapidjson::SizeType i = 0; i < v.Size(); ++i) {
          path_ += '[';
          path_ += std::to_string(i);
          path_ += ']';
          if (!v[i].IsObject()) {
            TypeError("a Structure");
          } else {
            path_ += '.';
            Check(v[i], Span(m.fields));
          }
          path_.resize(mark);
        }
        return;
      }
    }
  }

  JsonObjectReader& r_;
  Status& content_;
  std::string path_;
};

}  // namespace

void CheckShape(const rapidjson::Value& request, std::span<const Member> shape, JsonObjectReader& r,
                Status& content) {
  ShapeChecker(r, content).Check(request, shape);
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

std::optional<std::string> GetNonEmptyString(const rapidjson::Value& obj, std::string_view key) {
  auto v = GetString(obj, key);
  if (v && v->empty()) v.reset();
  return v;
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

rapidjson::Value::ConstArray Items(const rapidjson::Value& obj, std::string_view key) {
  static const rapidjson::Value kEmpty(rapidjson::kArrayType);
  const auto* v = Get(obj, key);
  return v ? v->GetArray() : kEmpty.GetArray();
}

bool NonEmpty(const rapidjson::Value& obj, std::string_view key) {
  const auto* v = Get(obj, key);
  if (!v) return false;
  if (v->IsArray()) return !v->Empty();
  if (v->IsObject()) return v->MemberCount() > 0;
  if (v->IsString()) return v->GetStringLength() > 0;
  return true;
}

namespace {

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
  const auto& by_key = IndexOf(shape).by_key;
  for (auto it = obj.MemberBegin(); it != obj.MemberEnd(); ++it) {
    if (it->value.IsNull()) continue;
    auto known = by_key.find(std::string_view(it->name.GetString(), it->name.GetStringLength()));
    if (known != by_key.end() && FirstOccurrence(obj, it)) f(*known->second, it->value);
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
// The body: task members in AWS's order, containers and port mappings in the client's order with
// ECS's defaults appended after the members the client sent.

void WritePortMapping(const rapidjson::Value& pm, const TaskDefinitionSpec& spec, JsonWriter& w) {
  const bool publishes = spec.awsvpc() || spec.network_mode == model::NetworkMode::kHost;
  w.StartObject();
  ForEachKnown(pm, kPortMapping, [&](const Member& m, const rapidjson::Value& v) {
    w.Key(m.key);
    WriteValue(v, m, w);
  });
  // host/awsvpc publish the container port itself; bridge keeps a missing hostPort dynamic.
  if (publishes && !Get(pm, "hostPort") && Get(pm, "containerPort")) {
    w.Member("hostPort", GetInt(pm, "containerPort").value_or(0));
  }
  if (!Get(pm, "protocol")) w.Member("protocol", "tcp");
  w.EndObject();
}

// `shape`: kContainerDefinition or kDaemonContainerDefinition; a default is added only for a
// member the shape has.
void WriteContainer(const rapidjson::Value& c, const TaskDefinitionSpec& spec,
                    std::span<const Member> shape, JsonWriter& w) {
  w.StartObject();
  ForEachKnown(c, shape, [&](const Member& m, const rapidjson::Value& v) {
    w.Key(m.key);
    if (m.key == "portMappings") {
      w.StartArray();
      for (const auto& pm : v.GetArray()) WritePortMapping(pm, spec, w);
      w.EndArray();
    } else {
      WriteValue(v, m, w);
    }
  });
  // The defaults ECS adds (docs/resources.md §4), in the relative order AWS prints them.
  auto empty_list = [&](std::string_view key) {
    if (!Get(c, key) && FindMember(shape, key)) w.Key(key).StartArray().EndArray();
  };
  if (!Get(c, "cpu")) w.Member("cpu", 0);
  empty_list("portMappings");
  if (!Get(c, "essential")) w.Member("essential", true);
  for (std::string_view key : {"environment", "mountPoints", "volumesFrom"}) empty_list(key);
  w.EndObject();
}

// The members both bodies open with: containerDefinitions, family, taskRoleArn,
// executionRoleArn.
void WriteContainersAndRoles(const rapidjson::Value& req, const TaskDefinitionSpec& spec,
                             std::span<const Member> container_shape, JsonWriter& w) {
  w.Key("containerDefinitions").StartArray();
  for (const auto& c : Items(req, "containerDefinitions")) {
    WriteContainer(c, spec, container_shape, w);
  }
  w.EndArray();
  w.Member("family", spec.family);
  if (auto role = GetNonEmptyString(req, "taskRoleArn")) w.Member("taskRoleArn", *role);
  if (auto role = GetNonEmptyString(req, "executionRoleArn")) w.Member("executionRoleArn", *role);
}

// A volume as sent, except that an efsVolumeConfiguration without rootDirectory gets ECS's
// default "/" (the model's EFSVolumeConfiguration.rootDirectory: "If this parameter is omitted,
// the root of the Amazon EFS volume will be used"; AWS returns it filled in).
void WriteVolume(const rapidjson::Value& volume, JsonWriter& w) {
  w.StartObject();
  ForEachKnown(volume, kVolume, [&](const Member& m, const rapidjson::Value& v) {
    w.Key(m.key);
    if (m.key != "efsVolumeConfiguration") return WriteValue(v, m, w);
    w.StartObject();
    ForEachKnown(v, kEFSVolumeConfiguration, [&](const Member& em, const rapidjson::Value& ev) {
      w.Key(em.key);
      WriteValue(ev, em, w);
    });
    if (!Get(v, "rootDirectory")) w.Member("rootDirectory", "/");
    w.EndObject();
  });
  w.EndObject();
}

}  // namespace

std::string WriteBody(const rapidjson::Value& req, const TaskDefinitionSpec& spec,
                      TaskDefinitionSpec::Splices* splices) {
  JsonWriter w;
  auto echo = [&](std::string_view key) {
    if (const auto* v = Get(req, key)) {
      w.Key(key);
      WriteValue(*v, TopMember(key), w);
    }
  };
  auto echo_or_empty_list = [&](std::string_view key) {
    if (Get(req, key)) {
      echo(key);
    } else {
      w.Key(key).StartArray().EndArray();
    }
  };
  w.StartObject();
  WriteContainersAndRoles(req, spec, kContainerDefinition, w);
  echo("networkMode");  // omitted when not given, as AWS does
  splices->revision = w.size();
  w.Key("volumes").StartArray();
  for (const auto& volume : Items(req, "volumes")) WriteVolume(volume, w);
  w.EndArray();
  splices->status = w.size();
  if (!spec.requires_attributes->empty()) {
    w.Key("requiresAttributes").StartArray();
    for (const auto& name : *spec.requires_attributes)
      w.StartObject().Member("name", name).EndObject();
    w.EndArray();
  }
  echo_or_empty_list("placementConstraints");
  w.Key("compatibilities").StartArray();
  for (auto c : spec.compatibilities) w.String(model::ToString(c));
  w.EndArray();
  echo("requiresCompatibilities");
  // Normalized: "1 vCPU" is stored as "1024", "2GB" as "2048".
  if (spec.cpu) w.Member("cpu", std::to_string(*spec.cpu));
  if (spec.memory) w.Member("memory", std::to_string(*spec.memory));
  for (std::string_view key :
       {"runtimePlatform", "inferenceAccelerators", "pidMode", "ipcMode", "proxyConfiguration"}) {
    echo(key);
  }
  splices->registered = w.size();
  for (std::string_view key : {"ephemeralStorage", "enableFaultInjection"}) echo(key);
  w.EndObject();
  return w.str();
}

std::string EchoKnown(const rapidjson::Value& request, std::span<const Member> shape) {
  JsonWriter w;
  WriteStruct(request, shape, w);
  return w.str();
}

std::string WriteDaemonBody(const rapidjson::Value& req, const TaskDefinitionSpec& spec) {
  JsonWriter w;
  w.StartObject();
  WriteContainersAndRoles(req, spec, kDaemonContainerDefinition, w);
  w.Key("volumes");
  if (const auto* volumes = Get(req, "volumes")) {
    WriteValue(*volumes, *FindMember(kRegisterDaemonTaskDefinitionRequest, "volumes"), w);
  } else {
    w.StartArray().EndArray();
  }
  if (spec.cpu) w.Member("cpu", std::to_string(*spec.cpu));
  if (spec.memory) w.Member("memory", std::to_string(*spec.memory));
  w.EndObject();
  return w.str();
}

}  // namespace schema

}  // namespace ecs::taskdef

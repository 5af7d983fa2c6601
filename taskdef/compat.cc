// Which launch types a task definition can run on, and what it needs from a container instance:
// the Fargate rules, `compatibilities` and `requiresAttributes` (declared in taskdef/compat.h,
// called by the normalizer in normalize.cc).
#include "taskdef/compat.h"

#include <algorithm>
#include <string>

#include "taskdef/schema.h"
#include "taskdef/sizes.h"

namespace ecs::taskdef {

namespace {

using schema::Get;
using schema::GetBool;
using schema::GetInt;
using schema::GetNonEmptyString;
using schema::GetString;
using schema::Items;
using schema::NonEmpty;
using schema::Quote;

bool IsEcrImage(std::string_view image) {
  std::string_view registry = image.substr(0, image.find('/'));
  return registry.find(".dkr.ecr") != std::string_view::npos &&
         registry.find(".amazonaws.com") != std::string_view::npos;
}

bool IsSecretsManagerArn(std::string_view value_from) {
  return value_from.find(":secretsmanager:") != std::string_view::npos;
}

}  // namespace

// Why the definition cannot run on Fargate, or nullopt when it can. Used both to reject a
// FARGATE request and to decide whether FARGATE appears in `compatibilities`. Checked in the order
// a user fixes them: network mode, task size, then the unsupported parameters the model lists.
std::optional<std::string> FargateProblem(const rapidjson::Value& req,
                                          const TaskDefinitionSpec& spec) {
  const bool awsvpc = spec.awsvpc();
  const bool execution_role = GetNonEmptyString(req, "executionRoleArn").has_value();
  if (!awsvpc) return "Fargate only supports network mode \u2018awsvpc\u2019.";  // observed quotes
  if (!spec.cpu) return "Fargate requires that 'cpu' be defined at the task level.";
  if (!spec.memory) return "Fargate requires that 'memory' be defined at the task level.";
  // Windows on Fargate starts at 1 vCPU (the model's task `memory` documentation).
  const auto* platform = Get(req, "runtimePlatform");
  const bool windows =
      platform && GetString(*platform, "operatingSystemFamily").value_or("").starts_with("WINDOWS");
  if (!IsValidFargateSize(*spec.cpu, *spec.memory) || (windows && *spec.cpu < 1024)) {
    return "No Fargate configuration exists for given values: " + std::to_string(*spec.cpu) +
           " CPU, " + std::to_string(*spec.memory) + " memory";
  }
  if (NonEmpty(req, "placementConstraints")) {
    return "Fargate does not support task placement constraints ('placementConstraints').";
  }
  if (GetString(req, "pidMode") == "host") {
    return "Tasks using the Fargate launch type do not support pidMode 'host'. The supported value "
           "for pidMode is 'task'.";  // AWS's text (issue 11)
  }
  if (Get(req, "ipcMode")) return "Fargate does not support 'ipcMode'.";
  const auto volumes = Items(req, "volumes");
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
  for (size_t i = 0; i < spec.containers.size(); ++i) {
    const rapidjson::Value& c = Items(req, "containerDefinitions")[i];
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
    if (spec.containers[i]->gpu_count > 0) {
      return "Fargate does not support GPU resource requirements ('" + path +
             "resourceRequirements').";
    }
    if (const auto* log = Get(c, "logConfiguration")) {
      const std::string driver = GetString(*log, "logDriver").value_or("");
      if (driver != "awslogs" && driver != "splunk" && driver != "awsfirelens") {
        return "Fargate does not support log driver " + Quote(driver) +
               "; use awslogs, splunk or awsfirelens.";
      }
      if (driver == "awslogs" && !execution_role) {  // the observed ECS wording
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
Status ComputeCompatibilities(const rapidjson::Value& req, TaskDefinitionSpec& spec) {
  const bool awsvpc = spec.awsvpc();
  const auto fargate_problem = FargateProblem(req, spec);
  if (!awsvpc) spec.compatibilities.push_back(model::LaunchType::kExternal);
  spec.compatibilities.push_back(model::LaunchType::kEc2);
  if (!fargate_problem) spec.compatibilities.push_back(model::LaunchType::kFargate);
  const auto& wanted = spec.requires_compatibilities;
  auto wants = [&](std::string_view c) {
    return std::find(wanted.begin(), wanted.end(), c) != wanted.end();
  };
  if (wants("MANAGED_INSTANCES")) {
    spec.compatibilities.push_back(model::LaunchType::kManagedInstances);
  }
  if (wants("FARGATE") && fargate_problem) return Status::Client(*fargate_problem);
  if (wants("EXTERNAL") && awsvpc) {
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
namespace {

// Collects attribute names once each, in the order the rules add them.
class Requirements {
 public:
  explicit Requirements(std::vector<std::string>& out) : out_(out) {}
  void Add(std::string name) {
    if (std::find(out_.begin(), out_.end(), name) == out_.end()) out_.push_back(std::move(name));
  }
  void Api(std::string_view version) {
    Add("com.amazonaws.ecs.capability.docker-remote-api." + std::string(version));
  }

 private:
  std::vector<std::string>& out_;
};

void LogRequirements(const rapidjson::Value& log, bool execution_role, Requirements& r) {
  const std::string driver = GetString(log, "logDriver").value_or("");
  r.Add("com.amazonaws.ecs.capability.logging-driver." + driver);
  r.Api("1.18");
  if (Get(log, "options")) r.Api("1.19");
  if (driver == "awslogs" && execution_role) r.Add("ecs.capability.execution-role-awslogs");
  for (const auto& secret : Items(log, "secretOptions")) {
    r.Add(IsSecretsManagerArn(GetString(secret, "valueFrom").value_or(""))
              ? "ecs.capability.secrets.asm.bootstrap.log-driver"
              : "ecs.capability.secrets.ssm.bootstrap.log-driver");
  }
}

void ContainerRequirements(const rapidjson::Value& c, const ContainerSpec& spec,
                           bool execution_role, Requirements& r) {
  if (IsEcrImage(spec.image)) {
    r.Add("com.amazonaws.ecs.capability.ecr-auth");
    if (execution_role) r.Add("ecs.capability.execution-role-ecr-pull");
  }
  if (Get(c, "repositoryCredentials")) {
    r.Add("com.amazonaws.ecs.capability.private-registry-authentication.secretsmanager");
  }
  if (const auto* log = Get(c, "logConfiguration")) LogRequirements(*log, execution_role, r);
  if (Get(c, "dockerLabels") || Get(c, "ulimits")) r.Api("1.18");
  if (const auto* hc = Get(c, "healthCheck")) {
    r.Add("ecs.capability.container-health-check");
    r.Api("1.24");
    if (Get(*hc, "startPeriod")) r.Api("1.29");
  }
  if (const auto* lp = Get(c, "linuxParameters"); lp && GetBool(*lp, "initProcessEnabled", false)) {
    r.Api("1.25");
  }
  for (const auto& secret : Items(c, "secrets")) {
    r.Add(IsSecretsManagerArn(GetString(secret, "valueFrom").value_or(""))
              ? "ecs.capability.secrets.asm.environment-variables"
              : "ecs.capability.secrets.ssm.environment-variables");
  }
  if (NonEmpty(c, "dependsOn")) r.Add("ecs.capability.container-ordering");
  if (NonEmpty(c, "environmentFiles")) r.Add("ecs.capability.env-files.s3");
  if (const auto* fl = Get(c, "firelensConfiguration")) {
    r.Add("ecs.capability.firelens." + GetString(*fl, "type").value_or(""));
  }
  for (const PortMappingSpec& pm : spec.port_mappings) {
    if (pm.range_first != 0) r.Add("ecs.capability.container-port-range");
  }
}

void VolumeRequirements(const rapidjson::Value& v, Requirements& r) {
  if (const auto* efs = Get(v, "efsVolumeConfiguration")) {
    r.Add("ecs.capability.efs");
    if (Get(*efs, "authorizationConfig") || GetString(*efs, "transitEncryption") == "ENABLED") {
      r.Add("ecs.capability.efsAuth");
    }
  }
  if (Get(v, "fsxWindowsFileServerVolumeConfiguration")) {
    r.Add("ecs.capability.fsxWindowsFileServer");
  }
  if (const auto* dv = Get(v, "dockerVolumeConfiguration")) {
    const std::string driver = GetString(*dv, "driver").value_or("local");
    if (driver != "local") r.Add("ecs.capability.docker-plugin." + driver);
  }
}

}  // namespace

void ComputeRequiresAttributes(const rapidjson::Value& req, TaskDefinitionSpec& spec) {
  const bool execution_role = GetNonEmptyString(req, "executionRoleArn").has_value();
  std::vector<std::string> names;
  Requirements r(names);
  for (size_t i = 0; i < spec.containers.size(); ++i) {
    ContainerRequirements(Items(req, "containerDefinitions")[i], spec.containers[i], execution_role,
                          r);
  }
  if (GetNonEmptyString(req, "taskRoleArn")) {
    r.Add("com.amazonaws.ecs.capability.task-iam-role");
    if (spec.network_mode == model::NetworkMode::kHost) {
      r.Add("com.amazonaws.ecs.capability.task-iam-role-network-host");
    }
  }
  if (spec.awsvpc()) {
    r.Api("1.18");
    r.Add("ecs.capability.task-eni");
  }
  if (Get(req, "proxyConfiguration")) r.Add("ecs.capability.aws-appmesh");
  if (Get(req, "pidMode") || Get(req, "ipcMode")) r.Add("ecs.capability.pid-ipc-namespace-sharing");
  for (const auto& v : Items(req, "volumes")) VolumeRequirements(v, r);
  spec.requires_attributes = std::move(names);
}

}  // namespace ecs::taskdef

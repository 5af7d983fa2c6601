#include "model/agent_capabilities.h"

namespace ecs::model {

const std::vector<std::string>& AgentCapabilities() {
  static const std::vector<std::string> kCaps = [] {
    std::vector<std::string> caps = {
        "com.amazonaws.ecs.capability.logging-driver.awslogs",
        "com.amazonaws.ecs.capability.logging-driver.json-file",
        "com.amazonaws.ecs.capability.logging-driver.syslog",
        "com.amazonaws.ecs.capability.logging-driver.none",
        "com.amazonaws.ecs.capability.logging-driver.fluentd",
        "com.amazonaws.ecs.capability.logging-driver.gelf",
        "com.amazonaws.ecs.capability.logging-driver.journald",
        "com.amazonaws.ecs.capability.logging-driver.awsfirelens",
        "com.amazonaws.ecs.capability.privileged-container",
        "com.amazonaws.ecs.capability.ecr-auth",
        "com.amazonaws.ecs.capability.task-iam-role",
        "com.amazonaws.ecs.capability.task-iam-role-network-host",
        "ecs.capability.execution-role-awslogs",
        "ecs.capability.execution-role-ecr-pull",
        "ecs.capability.task-eni",
        "ecs.capability.container-health-check",
        "ecs.capability.secrets.ssm.environment-variables",
        "ecs.capability.secrets.asm.environment-variables",
        "ecs.capability.secrets.ssm.bootstrap.log-driver",
        "ecs.capability.secrets.asm.bootstrap.log-driver",
        "ecs.capability.container-ordering",
        "ecs.capability.full-sync",
        "ecs.capability.efsAuth",
        "ecs.capability.efs",
        "ecs.capability.firelens.fluentbit",
        "ecs.capability.firelens.fluentd",
        "ecs.capability.firelens.options.config.file",
        "ecs.capability.firelens.options.config.s3",
        "ecs.capability.aws-appmesh",
        "ecs.capability.env-files.s3",
        "ecs.capability.docker-plugin.local",
        "ecs.capability.task-cpu-mem-limit",
        "ecs.capability.increased-task-cpu-limit",
        "ecs.capability.pid-ipc-namespace-sharing",
        "ecs.capability.private-registry-authentication.secretsmanager",
        "ecs.capability.service-connect-v1",
        "ecs.capability.logging-driver.awsfirelens.log-driver-buffer-limit",
        "ecs.capability.fault-injection",
    };
    for (int v = 17; v <= 44; ++v) {
      caps.push_back("com.amazonaws.ecs.capability.docker-remote-api.1." + std::to_string(v));
    }
    return caps;
  }();
  return kCaps;
}

}  // namespace ecs::model

#include "taskdef/runtime.h"

#include <string>
#include <string_view>

#include "common/duration.h"
#include "taskdef/schema.h"

namespace ecs::taskdef {

namespace {

using schema::Get;
using schema::GetInt;
using schema::GetString;
using schema::Items;

constexpr std::string_view kLabelPrefix = "ecs-emulator.";

std::optional<int64_t> ParseExitCode(std::string_view s) {
  if (s.empty() || s.size() > 3) return std::nullopt;
  int64_t v = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return std::nullopt;
    v = v * 10 + (c - '0');
  }
  return v <= 255 ? std::optional<int64_t>(v) : std::nullopt;
}

Status LabelError(const ContainerSpec& spec, std::string_view label, std::string_view why) {
  return Status::Client("Invalid dockerLabels for container '" + spec.name + "': '" +
                        std::string(label) + "' " + std::string(why));
}

// One ecs-emulator.* label into `effects`.
Status ReadLabel(const ContainerSpec& spec, std::string_view key, std::string_view value,
                 model::BehaviorEffects& effects) {
  const std::string_view name = key.substr(kLabelPrefix.size());
  if (name == "exit-code") {
    effects.exit_code = ParseExitCode(value);
    if (!effects.exit_code) return LabelError(spec, key, "must be an integer from 0 to 255.");
  } else if (name == "exit-after") {
    effects.exit_after = ParseDuration(value);
    if (!effects.exit_after) {
      return LabelError(spec, key, "must be a duration such as 500ms, 2s, 5m or 1h.");
    }
  } else if (name == "health") {
    if (value != "HEALTHY" && value != "UNHEALTHY") {
      return LabelError(spec, key, "must be HEALTHY or UNHEALTHY.");
    }
    if (value == "UNHEALTHY") effects.unhealthy_after = 0;
  } else if (name == "fail-to-start") {
    if (value.empty()) return LabelError(spec, key, "must give the reason the container reports.");
    effects.fail_to_start = std::string(value);
  } else {
    return LabelError(spec, key,
                      "is not a label the emulator knows (ecs-emulator.exit-code, "
                      "ecs-emulator.exit-after, ecs-emulator.health, ecs-emulator.fail-to-start).");
  }
  return Status::Ok();
}

Status ReadLabels(const rapidjson::Value& c, ContainerSpec& spec) {
  const rapidjson::Value* labels = Get(c, "dockerLabels");
  if (!labels || !labels->IsObject()) return Status::Ok();
  model::BehaviorEffects effects;
  for (const auto& m : labels->GetObject()) {
    const std::string_view key(m.name.GetString(), m.name.GetStringLength());
    if (!key.starts_with(kLabelPrefix) || !m.value.IsString()) continue;
    ECS_RETURN_IF_ERROR(ReadLabel(
        spec, key, std::string_view(m.value.GetString(), m.value.GetStringLength()), effects));
  }
  if (effects.exit_after && !effects.exit_code) {
    return LabelError(spec, "ecs-emulator.exit-after", "needs ecs-emulator.exit-code.");
  }
  if (effects.fail_to_start && (effects.exit_code || effects.unhealthy_after)) {
    return LabelError(spec, "ecs-emulator.fail-to-start",
                      "cannot be combined with ecs-emulator.exit-code or ecs-emulator.health "
                      "UNHEALTHY: a container that never starts does neither.");
  }
  if (effects.unhealthy_after && !spec.health_check) {
    // Only a health check can report UNHEALTHY; accepting the label would do nothing.
    return LabelError(spec, "ecs-emulator.health", "needs a healthCheck on the container.");
  }
  spec.label_behavior = effects;
  return Status::Ok();
}

}  // namespace

Status ReadContainerRuntime(const rapidjson::Value& c, ContainerSpec& spec) {
  if (const rapidjson::Value* hc = Get(c, "healthCheck")) {
    model::HealthCheckConfig check;  // the model's defaults
    if (auto v = GetInt(*hc, "interval")) check.interval = *v * 1000;
    if (auto v = GetInt(*hc, "timeout")) check.timeout = *v * 1000;
    if (auto v = GetInt(*hc, "retries")) check.retries = static_cast<int>(*v);
    if (auto v = GetInt(*hc, "startPeriod")) check.start_period = *v * 1000;
    spec.health_check = check;
  }
  spec.has_health_check = spec.health_check.has_value();
  for (const auto& d : Items(c, "dependsOn")) {
    model::ContainerDependency dep;
    dep.container = GetString(d, "containerName").value_or("");
    dep.condition = model::Parse<model::DependencyCondition>(GetString(d, "condition").value_or(""))
                        .value_or(model::DependencyCondition::kStart);
    spec.depends_on.push_back(std::move(dep));
  }
  spec.stop_timeout = GetInt(c, "stopTimeout");
  spec.start_timeout = GetInt(c, "startTimeout");
  return ReadLabels(c, spec);
}

}  // namespace ecs::taskdef

// Create/Update/Delete/DescribeCapacityProviders: the built-in FARGATE and FARGATE_SPOT and Auto
// Scaling group providers (control/capacity_providers.h).
#include "api/decode.h"
#include "api/encode.h"
#include "api/managed_instances_decode.h"
#include "api/operations.h"
#include "control/capacity_providers.h"

namespace ecs::api {

namespace {

constexpr std::string_view kOnOff[] = {"DISABLED", "ENABLED"};

std::optional<bool> ReadOnOff(JsonObjectReader& in, std::string_view member) {
  auto v = ReadEnum(in, member, {"ENABLED", "DISABLED"});
  if (!v) return std::nullopt;
  return *v == "ENABLED";
}

// managedScaling: members left out take the model's defaults (status DISABLED [I]).
std::optional<model::ManagedScaling> ReadManagedScaling(JsonObjectReader& in) {
  const rapidjson::Value* obj = in.Object("managedScaling");
  if (!obj) return std::nullopt;
  JsonObjectReader r = in.Nested(*obj, "managedScaling");
  model::ManagedScaling ms;
  ms.enabled = ReadOnOff(r, "status").value_or(false);
  ms.target_capacity = r.Int("targetCapacity").value_or(ms.target_capacity);
  ms.minimum_scaling_step_size =
      r.Int("minimumScalingStepSize").value_or(ms.minimum_scaling_step_size);
  ms.maximum_scaling_step_size =
      r.Int("maximumScalingStepSize").value_or(ms.maximum_scaling_step_size);
  ms.instance_warmup_period = r.Int("instanceWarmupPeriod").value_or(ms.instance_warmup_period);
  return ms;
}

Result<model::ManagedInstancesSettings> ReadManagedInstances(OpContext& op, const std::string& name,
                                                             const rapidjson::Value& mi,
                                                             bool update) {
  if (!update) return ReadManagedInstancesProvider(mi);
  // The update's own required members (the merged result is checked as a Create's).
  JsonObjectReader required(mi, "managedInstancesProvider.");
  ReadRequiredString(required, "infrastructureRoleArn");
  const bool has_template = required.Object("instanceLaunchTemplate") != nullptr;
  if (!required.ok()) return required.status();
  if (!has_template) {
    return Status::InvalidParameter(
        "managedInstancesProvider.instanceLaunchTemplate can not be empty.");
  }
  const model::CapacityProvider* cp =
      op.control.FindCapacityProvider(op.ctx.tenant, std::string(LastSegment(name)));
  // Not (or no longer) a Managed Instances provider: control/ answers that.
  if (!cp || !cp->is_managed_instances()) return model::ManagedInstancesSettings{};
  return MergeManagedInstancesUpdate(*cp->managed_instances, mi);
}

// The members Create and Update share; `cluster` belongs to Managed Instances providers only.
// managedInstancesProvider is read as Create's member, or for Update merged over what the named
// provider has (UpdateManagedInstancesProviderConfiguration).
Result<control::CapacityProviderInput> ReadProviderInput(OpContext& op, bool update) {
  JsonObjectReader& in = op.in;
  control::CapacityProviderInput out;
  out.name = ReadRequiredString(in, "name");
  out.cluster = in.String("cluster").value_or("");
  out.has_managed_instances_provider = in.Has("managedInstancesProvider");
  if (const rapidjson::Value* mi = in.Object("managedInstancesProvider")) {
    auto read = ReadManagedInstances(op, out.name, *mi, update);
    if (!read.ok()) return read.status();
    out.managed_instances = std::move(*read);
  }
  if (const rapidjson::Value* asg = in.Object("autoScalingGroupProvider")) {
    JsonObjectReader r = in.Nested(*asg, "autoScalingGroupProvider");
    out.has_auto_scaling_group_provider = true;
    out.auto_scaling_group_arn = r.String("autoScalingGroupArn").value_or("");
    out.managed_scaling = ReadManagedScaling(r);
    out.managed_termination_protection = ReadOnOff(r, "managedTerminationProtection");
    out.managed_draining = ReadOnOff(r, "managedDraining");
  }
  const bool cluster = in.Has("cluster");
  if (!in.ok()) return in.status();
  if (cluster && !out.has_managed_instances_provider) {
    // [I] text: only a Managed Instances provider is scoped to a cluster.
    return Status::InvalidParameter(
        "cluster can only be specified for a capacity provider with managedInstancesProvider.");
  }
  return out;
}

void WriteAutoScalingGroupProvider(JsonWriter& w, const model::CapacityProvider& cp);

void WriteProvider(JsonWriter& w, const model::CapacityProvider& cp, const model::TagList* tags) {
  w.StartObject()
      .Member("capacityProviderArn", cp.arn)
      .Member("name", cp.name)
      .Member("status", model::ToString(cp.status));
  if (cp.is_managed_instances()) {
    w.Member("cluster", cp.cluster);
    WriteRaw(w, "managedInstancesProvider", cp.managed_instances->echo, "{}");
  } else {
    WriteAutoScalingGroupProvider(w, cp);
  }
  if (cp.update_status != model::CapacityProviderUpdateStatus::kNone) {
    w.Member("updateStatus", model::ToString(cp.update_status));
  }
  if (!cp.update_status_reason.empty()) {
    w.Member("updateStatusReason", cp.update_status_reason);
  }
  if (tags) WriteTags(w, "tags", *tags);
  w.Member("type", cp.type()).EndObject();
}

void WriteAutoScalingGroupProvider(JsonWriter& w, const model::CapacityProvider& cp) {
  const model::ManagedScaling& ms = cp.managed_scaling;
  w.Key("autoScalingGroupProvider")
      .StartObject()
      .Member("autoScalingGroupArn", cp.auto_scaling_group_arn);
  w.Key("managedScaling")
      .StartObject()
      .Member("status", kOnOff[ms.enabled ? 1 : 0])
      .Member("targetCapacity", ms.target_capacity)
      .Member("minimumScalingStepSize", ms.minimum_scaling_step_size)
      .Member("maximumScalingStepSize", ms.maximum_scaling_step_size)
      .Member("instanceWarmupPeriod", ms.instance_warmup_period)
      .EndObject();
  w.Member("managedTerminationProtection", kOnOff[cp.managed_termination_protection ? 1 : 0])
      .Member("managedDraining", kOnOff[cp.managed_draining ? 1 : 0])
      .EndObject();
}

std::string ProviderReply(OpContext& op, const model::CapacityProvider& cp) {
  JsonWriter w;
  w.StartObject().Key("capacityProvider");
  WriteProvider(w, cp, &op.control.TagsOf(cp.arn));
  w.EndObject();
  return w.str();
}

}  // namespace

Result<std::string> CreateCapacityProvider(OpContext& op) {
  auto in = ReadProviderInput(op, /*update=*/false);
  auto tags = ReadTags(op.in, "tags");
  if (!op.in.ok()) return op.in.status();
  if (!in.ok()) return in.status();
  if (tags) in->tags = std::move(*tags);
  auto cp = op.control.CreateCapacityProvider(op.ctx, std::move(*in));
  if (!cp.ok()) return cp.status();
  return ProviderReply(op, **cp);
}

Result<std::string> UpdateCapacityProvider(OpContext& op) {
  auto in = ReadProviderInput(op, /*update=*/true);
  if (!in.ok()) return in.status();
  auto cp = op.control.UpdateCapacityProvider(op.ctx, *in);
  if (!cp.ok()) return cp.status();
  return ProviderReply(op, **cp);
}

Result<std::string> DeleteCapacityProvider(OpContext& op) {
  const std::string id = ReadRequiredString(op.in, "capacityProvider");
  const std::string cluster = op.in.String("cluster").value_or("");
  if (!op.in.ok()) return op.in.status();
  auto cp = op.control.DeleteCapacityProvider(op.ctx, id, cluster);
  if (!cp.ok()) return cp.status();
  return ProviderReply(op, **cp);
}

Result<std::string> DescribeCapacityProviders(OpContext& op) {
  auto ids = op.in.StringList("capacityProviders").value_or(std::vector<std::string>{});
  const auto include = ReadEnumList(op.in, "include", {"TAGS"});
  const auto cluster = op.in.String("cluster");
  control::PageRequest page;
  page.max_results = op.in.Int("maxResults");
  page.next_token = op.in.String("nextToken");
  if (!op.in.ok()) return op.in.status();
  if (ids.size() > 100) {
    return Status::InvalidParameter("capacityProviders can have at most 100 items.");
  }
  auto found = op.control.DescribeCapacityProviders(op.ctx, ids, cluster, page);
  if (!found.ok()) return found.status();
  const bool with_tags = include.count("TAGS") > 0;
  JsonWriter w;
  w.StartObject().Key("capacityProviders").StartArray();
  for (const auto& name : found->names) {
    const std::string arn = control::CapacityProviderArn(op.ctx.tenant, name);
    if (const model::CapacityProvider* cp = op.control.FindCapacityProvider(op.ctx.tenant, name)) {
      WriteProvider(w, *cp, with_tags ? &op.control.TagsOf(arn) : nullptr);
      continue;
    }
    // A built-in: no settings, and no tags (the list is there only when asked for).
    w.StartObject()
        .Member("capacityProviderArn", arn)
        .Member("name", name)
        .Member("status", "ACTIVE");
    if (with_tags) WriteTags(w, "tags", {});
    w.EndObject();
  }
  w.EndArray();
  WriteFailures(w, found->failures);
  if (found->next_token) w.Member("nextToken", *found->next_token);
  w.EndObject();
  return w.str();
}

}  // namespace ecs::api

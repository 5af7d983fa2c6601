#include "api/managed_instances_decode.h"

#include <string>

#include "api/decode.h"

namespace ecs::api {

namespace {

// A {min, max} range member: min required and ≥ 0, max ≥ min when given.
void ReadRange(JsonObjectReader& in, std::string_view member, int64_t& min,
               std::optional<int64_t>& max) {
  const rapidjson::Value* obj = in.Object(member);
  if (!obj) {
    if (in.ok()) {
      in.Fail(Status::InvalidParameter(in.path() + std::string(member) + " can not be empty."));
    }
    return;
  }
  JsonObjectReader r = in.Nested(*obj, member);
  const auto lo = r.Int("min");
  max = r.Int("max");
  if (!r.ok()) return in.Fail(r.status());
  const std::string path = in.path() + std::string(member);
  if (!lo) return in.Fail(Status::InvalidParameter(path + ".min can not be empty."));
  min = *lo;
  if (min < 0) return in.Fail(Status::InvalidParameter(path + ".min must be at least 0."));
  if (max && *max < min) {
    // [I] text: the model's ranges are min ≤ max.
    in.Fail(
        Status::InvalidParameter(path + ".max must be greater than or equal to " + path + ".min."));
  }
}

std::vector<std::string> ReadEnumStrings(JsonObjectReader& in, std::string_view member,
                                         std::initializer_list<std::string_view> allowed) {
  const std::set<std::string> set = ReadEnumList(in, member, allowed);
  return {set.begin(), set.end()};
}

model::InstanceRequirements ReadRequirements(JsonObjectReader& r) {
  model::InstanceRequirements q;
  ReadRange(r, "vCpuCount", q.vcpu_min, q.vcpu_max);
  ReadRange(r, "memoryMiB", q.memory_mib_min, q.memory_mib_max);
  q.cpu_manufacturers =
      ReadEnumStrings(r, "cpuManufacturers", {"intel", "amd", "amazon-web-services"});
  q.allowed_instance_types =
      r.StringList("allowedInstanceTypes").value_or(q.allowed_instance_types);
  q.excluded_instance_types =
      r.StringList("excludedInstanceTypes").value_or(q.excluded_instance_types);
  q.instance_generations = ReadEnumStrings(r, "instanceGenerations", {"current", "previous"});
  q.burstable_performance =
      ReadEnum(r, "burstablePerformance", {"included", "required", "excluded"}).value_or("");
  q.accelerator_types = ReadEnumStrings(r, "acceleratorTypes", {"gpu", "fpga", "inference"});
  ReadEnum(r, "bareMetal", {"included", "required", "excluded"});
  ReadEnum(r, "localStorage", {"included", "required", "excluded"});
  if (r.ok() && !q.allowed_instance_types.empty() && !q.excluded_instance_types.empty()) {
    // [I] text; EC2's attribute-based selection takes one list or the other.
    r.Fail(Status::InvalidParameter(
        "instanceRequirements can specify allowedInstanceTypes or excludedInstanceTypes, not "
        "both."));
  }
  return q;
}

// instanceLaunchTemplate: ec2InstanceProfileArn and networkConfiguration required.
void ReadLaunchTemplate(JsonObjectReader& in, model::ManagedInstancesSettings& out) {
  const rapidjson::Value* obj = in.Object("instanceLaunchTemplate");
  if (!obj) return;
  JsonObjectReader t = in.Nested(*obj, "instanceLaunchTemplate");
  ReadRequiredString(t, "ec2InstanceProfileArn");
  ReadEnum(t, "monitoring", {"BASIC", "DETAILED"});
  ReadEnum(t, "capacityOptionType", {"ON_DEMAND", "SPOT", "RESERVED"});
  t.Bool("fipsEnabled");
  t.Bool("instanceMetadataTagsPropagation");
  if (const rapidjson::Value* net = t.Object("networkConfiguration")) {
    JsonObjectReader n = t.Nested(*net, "networkConfiguration");
    out.subnets = n.StringList("subnets").value_or(out.subnets);
    n.StringList("securityGroups");
    if (!n.ok()) return in.Fail(n.status());
  } else if (t.ok()) {
    t.Fail(Status::InvalidParameter(t.path() + "networkConfiguration can not be empty."));
  }
  if (const rapidjson::Value* st = t.Object("storageConfiguration")) {
    JsonObjectReader s = t.Nested(*st, "storageConfiguration");
    const auto size = s.Int("storageSizeGiB");
    if (s.ok() && size && *size < 1) {
      s.Fail(Status::InvalidParameter(s.path() + "storageSizeGiB must be at least 1."));
    }
    if (!s.ok()) return in.Fail(s.status());
  }
  if (const rapidjson::Value* q = t.Object("instanceRequirements")) {
    JsonObjectReader r = t.Nested(*q, "instanceRequirements");
    out.requirements = ReadRequirements(r);
    if (!r.ok()) return in.Fail(r.status());
  }
  if (!t.ok()) in.Fail(t.status());
}

void ReadOptimization(JsonObjectReader& in, model::ManagedInstancesSettings& out) {
  const rapidjson::Value* obj = in.Object("infrastructureOptimization");
  if (!obj) return;
  JsonObjectReader o = in.Nested(*obj, "infrastructureOptimization");
  out.scale_in_after = o.Int("scaleInAfter");
  if (o.ok() && out.scale_in_after && *out.scale_in_after != -1 &&
      (*out.scale_in_after < 0 || *out.scale_in_after > 3600)) {
    // The model: null, -1, or 0..3600 inclusive.
    o.Fail(Status::InvalidParameter(o.path() +
                                    "scaleInAfter must be -1 or between 0 and 3600 seconds."));
  }
  if (!o.ok()) in.Fail(o.status());
}

}  // namespace

Result<model::ManagedInstancesSettings> ReadManagedInstancesProvider(const rapidjson::Value& v) {
  JsonObjectReader in(v, "managedInstancesProvider.");
  model::ManagedInstancesSettings out;
  out.infrastructure_role_arn = ReadRequiredString(in, "infrastructureRoleArn");
  if (in.ok() && !in.Has("instanceLaunchTemplate")) {
    return Status::InvalidParameter(
        "managedInstancesProvider.instanceLaunchTemplate can not be empty.");
  }
  ReadLaunchTemplate(in, out);
  out.propagate_tags = ReadEnum(in, "propagateTags", {"CAPACITY_PROVIDER", "NONE"}).value_or("") ==
                       "CAPACITY_PROVIDER";
  ReadOptimization(in, out);
  if (const rapidjson::Value* repair = in.Object("autoRepairConfiguration")) {
    JsonObjectReader a = in.Nested(*repair, "autoRepairConfiguration");
    ReadEnum(a, "actionsStatus", {"ENABLED", "DISABLED"});
    if (!a.ok()) in.Fail(a.status());
  }
  if (!in.ok()) return in.status();
  out.echo = Raw(v);
  return out;
}

Result<model::ManagedInstancesSettings> MergeManagedInstancesUpdate(
    const model::ManagedInstancesSettings& current, const rapidjson::Value& update) {
  auto parsed = ParseJsonObject(current.echo.text());
  if (!parsed.ok()) return parsed.status();
  rapidjson::Document& merged = **parsed;
  auto& alloc = merged.GetAllocator();
  for (const auto& m : update.GetObject()) {
    const bool template_member = std::string_view(m.name.GetString()) == "instanceLaunchTemplate";
    auto old = merged.FindMember(m.name);
    if (template_member && m.value.IsObject() && old != merged.MemberEnd() &&
        old->value.IsObject()) {
      for (const auto& t : m.value.GetObject()) {
        old->value.RemoveMember(t.name);
        old->value.AddMember(rapidjson::Value(t.name, alloc), rapidjson::Value(t.value, alloc),
                             alloc);
      }
      continue;
    }
    if (old != merged.MemberEnd()) merged.RemoveMember(old);
    merged.AddMember(rapidjson::Value(m.name, alloc), rapidjson::Value(m.value, alloc), alloc);
  }
  auto out = ReadManagedInstancesProvider(merged);
  if (!out.ok()) return out.status();
  // The fleet carries on under the new settings.
  out->launching = current.launching;
  out->idle_since = current.idle_since;
  return out;
}

}  // namespace ecs::api

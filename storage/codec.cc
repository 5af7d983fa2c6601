// Row bodies for clusters, tags, task definitions, account settings, capacity providers, simulated
// Auto Scaling groups and revision counters.
#include "storage/codec.h"

#include "common/json.h"
#include "storage/codec_util.h"

namespace ecs::storage {

namespace {

// {"namespace":"<arn>"}: the serviceConnectDefaults member as the first releases stored it.
std::string NamespaceText(const std::string& arn) {
  if (arn.empty()) return "";
  JsonWriter w;
  w.StartObject().Member("namespace", arn).EndObject();
  return w.str();
}

std::string ReadNamespaceText(RowReader& r, const char* member) {
  std::string text = r.OptString(member);
  if (text.empty()) return "";
  RowReader inner("cluster", member, text);
  std::string arn = inner.String("namespace");
  if (!inner.ok()) r.Fail(member, "does not hold {\"namespace\": ...}");
  return arn;
}

// The instances a simulated group or a Managed Instances provider launched, not joined yet.
void WriteLaunching(JsonWriter& w, const std::vector<model::LaunchingInstance>& launching) {
  w.Key("launching").StartArray();
  for (const auto& l : launching) {
    w.StartObject()
        .Member("ec2InstanceId", l.ec2_instance_id)
        .Member("availabilityZone", l.availability_zone)
        .Member("launchedAt", l.launched_at)
        .Member("joinAt", l.join_at);
    if (!l.instance_type.empty()) w.Member("instanceType", l.instance_type);
    w.EndObject();
  }
  w.EndArray();
}

std::vector<model::LaunchingInstance> ReadLaunching(RowReader& r) {
  std::vector<model::LaunchingInstance> out;
  for (const auto& l : r.Array("launching").GetArray()) {
    RowReader item = r.Nested(l);
    out.push_back({item.String("ec2InstanceId"), item.String("availabilityZone"),
                   item.Int("launchedAt"), item.Int("joinAt"), item.OptString("instanceType")});
  }
  return out;
}

void WriteRequirements(JsonWriter& w, const model::InstanceRequirements& q) {
  w.Key("instanceRequirements").StartObject().Member("vCpuMin", q.vcpu_min);
  if (q.vcpu_max) w.Member("vCpuMax", *q.vcpu_max);
  w.Member("memoryMiBMin", q.memory_mib_min);
  if (q.memory_mib_max) w.Member("memoryMiBMax", *q.memory_mib_max);
  w.StringArray("cpuManufacturers", q.cpu_manufacturers)
      .StringArray("allowedInstanceTypes", q.allowed_instance_types)
      .StringArray("excludedInstanceTypes", q.excluded_instance_types)
      .StringArray("instanceGenerations", q.instance_generations)
      .Member("burstablePerformance", q.burstable_performance)
      .StringArray("acceleratorTypes", q.accelerator_types)
      .EndObject();
}

model::InstanceRequirements ReadRequirements(RowReader& r) {
  model::InstanceRequirements q;
  q.vcpu_min = r.Int("vCpuMin");
  q.vcpu_max = r.OptInt("vCpuMax");
  q.memory_mib_min = r.Int("memoryMiBMin");
  q.memory_mib_max = r.OptInt("memoryMiBMax");
  q.cpu_manufacturers = ReadStrings(r, r.Array("cpuManufacturers"), "cpuManufacturers");
  q.allowed_instance_types =
      ReadStrings(r, r.Array("allowedInstanceTypes"), "allowedInstanceTypes");
  q.excluded_instance_types =
      ReadStrings(r, r.Array("excludedInstanceTypes"), "excludedInstanceTypes");
  q.instance_generations = ReadStrings(r, r.Array("instanceGenerations"), "instanceGenerations");
  q.burstable_performance = r.OptString("burstablePerformance");
  q.accelerator_types = ReadStrings(r, r.Array("acceleratorTypes"), "acceleratorTypes");
  return q;
}

// A Managed Instances provider's settings and simulated fleet.
void WriteManagedInstances(JsonWriter& w, const model::ManagedInstancesSettings& mi) {
  w.Key("managedInstances")
      .StartObject()
      .Member("echo", mi.echo.text())
      .Member("infrastructureRoleArn", mi.infrastructure_role_arn)
      .StringArray("subnets", mi.subnets)
      .Member("propagateTags", mi.propagate_tags);
  if (mi.requirements) WriteRequirements(w, *mi.requirements);
  if (mi.scale_in_after) w.Member("scaleInAfter", *mi.scale_in_after);
  WriteLaunching(w, mi.launching);
  w.Key("idleSince").StartObject();
  for (const auto& [id, at] : mi.idle_since) w.Member(id, at);
  w.EndObject().EndObject();
}

model::ManagedInstancesSettings ReadManagedInstances(RowReader& r) {
  model::ManagedInstancesSettings mi;
  const std::string echo = r.String("echo");
  if (echo.empty()) r.Fail("echo", "is empty");
  mi.echo = model::RawJson::FromText(echo);
  mi.infrastructure_role_arn = r.String("infrastructureRoleArn");
  mi.subnets = ReadStrings(r, r.Array("subnets"), "subnets");
  mi.propagate_tags = r.Bool("propagateTags");
  if (const rapidjson::Value* q = r.Object("instanceRequirements")) {
    RowReader nested = r.Nested(*q);
    mi.requirements = ReadRequirements(nested);
  }
  mi.scale_in_after = r.OptInt("scaleInAfter");
  mi.launching = ReadLaunching(r);
  if (const rapidjson::Value* idle = r.Object("idleSince")) {
    for (const auto& m : idle->GetObject()) {
      if (!m.value.IsInt64()) r.Fail("idleSince", "holds a value that is not an integer");
      if (m.value.IsInt64()) mi.idle_since[m.name.GetString()] = m.value.GetInt64();
    }
  }
  return mi;
}

}  // namespace

std::string EncodeCluster(const model::Cluster& c) {
  JsonWriter w;
  w.StartObject()
      .Member("account", c.tenant.account)
      .Member("region", c.tenant.region)
      .Member("name", c.name)
      .Member("arn", c.arn)
      .Member("status", model::ToString(c.status))
      .Member("seq", c.seq)
      .Member("createdAt", c.created_at);
  w.Key("settings").StartArray();
  for (const auto& s : c.settings) {
    w.StartObject().Member("name", s.name).Member("value", s.value).EndObject();
  }
  w.EndArray();
  w.Member("configuration", c.configuration.text())
      .Member("serviceConnectDefaults", NamespaceText(c.service_connect_namespace_arn))
      .StringArray("capacityProviders", c.capacity_providers)
      .Member("defaultCapacityProviderStrategy", StrategyText(c.default_capacity_provider_strategy))
      .EndObject();
  return w.str();
}

Result<model::Cluster> DecodeCluster(std::string_view key, std::string_view body) {
  RowReader r("cluster", key, body);
  model::Cluster c;
  c.tenant = {r.String("account"), r.String("region")};
  c.name = r.String("name");
  c.arn = r.String("arn");
  c.status = r.Enum<model::ClusterStatus>("status");
  c.seq = r.Int("seq");
  c.created_at = r.Int("createdAt");
  for (const auto& s : r.Array("settings").GetArray()) {
    RowReader setting = r.Nested(s);
    c.settings.push_back({setting.String("name"), setting.String("value")});
  }
  c.configuration = model::RawJson::FromText(r.OptString("configuration"));
  c.service_connect_namespace_arn = ReadNamespaceText(r, "serviceConnectDefaults");
  c.capacity_providers = ReadStrings(r, r.Array("capacityProviders"), "capacityProviders");
  c.default_capacity_provider_strategy = ReadStrategyText(r, "defaultCapacityProviderStrategy");
  if (!r.ok()) return r.status();
  return c;
}

std::string EncodeTags(const model::TagList& tags) {
  JsonWriter w;
  WriteTagArray(w, tags);
  return w.str();
}

Result<model::TagList> DecodeTags(std::string_view key, std::string_view body) {
  // A tags row is a bare array: wrap it so the reader sees an object.
  std::string wrapped = "{\"tags\":" + std::string(body) + "}";
  RowReader r("tags", key, wrapped);
  model::TagList tags;
  if (r.ok()) {
    const rapidjson::Value& array = r.Array("tags");
    tags = ReadTagArray(r, array);
  }
  if (!r.ok()) return r.status();
  return tags;
}

std::string EncodeTaskDefinition(const StoredTaskDefinition& td) {
  JsonWriter w;
  w.StartObject()
      .Member("account", td.tenant.account)
      .Member("region", td.tenant.region)
      .Member("arn", td.reg.arn)
      .Member("revision", td.reg.revision)
      .Member("status", model::ToString(td.reg.status))
      .Member("registeredAt", td.reg.registered_at)
      .Member("registeredBy", td.reg.registered_by);
  if (td.reg.deregistered_at) w.Member("deregisteredAt", *td.reg.deregistered_at);
  if (td.reg.delete_requested_at) w.Member("deleteRequestedAt", *td.reg.delete_requested_at);
  if (!td.tags.empty()) {
    w.Key("tags");
    WriteTagArray(w, td.tags);
  }
  w.Key("body").Raw(td.body).EndObject();
  return w.str();
}

Result<StoredTaskDefinition> DecodeTaskDefinition(std::string_view key, int64_t seq,
                                                  std::string_view body) {
  RowReader r("task definition", key, body);
  StoredTaskDefinition td;
  td.seq = seq;
  td.tenant = {r.String("account"), r.String("region")};
  td.reg.arn = r.String("arn");
  td.reg.revision = r.Int("revision");
  td.reg.status = r.Enum<model::TaskDefinitionStatus>("status");
  td.reg.registered_at = r.Int("registeredAt");
  td.reg.registered_by = r.String("registeredBy");
  td.reg.deregistered_at = r.OptInt("deregisteredAt");
  td.reg.delete_requested_at = r.OptInt("deleteRequestedAt");
  // Rows from before tags moved into the definition's row have none here (their tags are in a
  // tags row, which Load reads like any other resource's).
  td.tags = ReadTagArray(r, r.Array("tags"));
  td.body = ReadBodyText(r, body);
  if (!r.ok()) return r.status();
  return td;
}

std::string AccountSettingKey(const Tenant& t, std::string_view principal_arn,
                              std::string_view name) {
  return "account-setting|" + t.account + "|" + t.region + "|" + std::string(principal_arn) + "|" +
         std::string(name);
}

std::string EncodeAccountSetting(const StoredAccountSetting& s) {
  JsonWriter w;
  w.StartObject()
      .Member("account", s.tenant.account)
      .Member("region", s.tenant.region)
      .Member("principalArn", s.principal_arn)
      .Member("name", s.name)
      .Member("value", s.value)
      .EndObject();
  return w.str();
}

Result<StoredAccountSetting> DecodeAccountSetting(std::string_view key, std::string_view body) {
  RowReader r("account setting", key, body);
  StoredAccountSetting s;
  s.tenant = {r.String("account"), r.String("region")};
  s.principal_arn = r.String("principalArn");
  s.name = r.String("name");
  s.value = r.String("value");
  if (r.ok() && s.name.empty()) r.Fail("name", "is empty");
  if (!r.ok()) return r.status();
  return s;
}

std::string EncodeCapacityProvider(const model::CapacityProvider& cp) {
  const model::ManagedScaling& ms = cp.managed_scaling;
  JsonWriter w;
  w.StartObject()
      .Member("account", cp.tenant.account)
      .Member("region", cp.tenant.region)
      .Member("name", cp.name)
      .Member("arn", cp.arn)
      .Member("seq", cp.seq)
      .Member("status", model::ToString(cp.status))
      .Member("updateStatus", model::ToString(cp.update_status))
      .Member("updateStatusReason", cp.update_status_reason)
      .Member("autoScalingGroupArn", cp.auto_scaling_group_arn)
      .Member("managedScalingEnabled", ms.enabled)
      .Member("targetCapacity", ms.target_capacity)
      .Member("minimumScalingStepSize", ms.minimum_scaling_step_size)
      .Member("maximumScalingStepSize", ms.maximum_scaling_step_size)
      .Member("instanceWarmupPeriod", ms.instance_warmup_period)
      .Member("managedTerminationProtection", cp.managed_termination_protection)
      .Member("managedDraining", cp.managed_draining);
  if (!cp.cluster.empty()) w.Member("cluster", cp.cluster);
  if (cp.managed_instances) WriteManagedInstances(w, *cp.managed_instances);
  w.EndObject();
  return w.str();
}

Result<model::CapacityProvider> DecodeCapacityProvider(std::string_view key,
                                                       std::string_view body) {
  RowReader r("capacity provider", key, body);
  model::CapacityProvider cp;
  cp.tenant = {r.String("account"), r.String("region")};
  cp.name = r.String("name");
  cp.arn = r.String("arn");
  cp.seq = r.Int("seq");
  cp.status = r.Enum<model::CapacityProviderStatus>("status");
  cp.update_status = r.Enum<model::CapacityProviderUpdateStatus>("updateStatus");
  cp.update_status_reason = r.OptString("updateStatusReason");
  cp.auto_scaling_group_arn = r.String("autoScalingGroupArn");
  model::ManagedScaling& ms = cp.managed_scaling;
  ms.enabled = r.Bool("managedScalingEnabled");
  ms.target_capacity = r.Int("targetCapacity");
  ms.minimum_scaling_step_size = r.Int("minimumScalingStepSize");
  ms.maximum_scaling_step_size = r.Int("maximumScalingStepSize");
  ms.instance_warmup_period = r.Int("instanceWarmupPeriod");
  cp.managed_termination_protection = r.Bool("managedTerminationProtection");
  cp.managed_draining = r.Bool("managedDraining");
  cp.cluster = r.OptString("cluster");
  if (const rapidjson::Value* mi = r.Object("managedInstances")) {
    RowReader nested = r.Nested(*mi);
    cp.managed_instances = ReadManagedInstances(nested);
  }
  if (r.ok() && cp.name.empty()) r.Fail("name", "is empty");
  if (!r.ok()) return r.status();
  return cp;
}

std::string EncodeAutoScalingGroup(const model::AutoScalingGroup& g) {
  JsonWriter w;
  w.StartObject()
      .Member("account", g.tenant.account)
      .Member("region", g.tenant.region)
      .Member("name", g.name)
      .Member("arn", g.arn)
      .Member("seq", g.seq)
      .Member("cluster", g.cluster)
      .Member("minSize", g.min_size)
      .Member("maxSize", g.max_size)
      .Member("desiredCapacity", g.desired_capacity)
      .Member("instanceType", g.instance_type)
      .Member("cpu", g.cpu)
      .Member("memory", g.memory)
      .StringArray("availabilityZones", g.availability_zones);
  w.Key("attributes").StartArray();
  for (const auto& a : g.attributes) {
    w.StartObject().Member("name", a.name);
    if (a.value) w.Member("value", *a.value);
    w.EndObject();
  }
  w.EndArray();
  WriteLaunching(w, g.launching);
  w.EndObject();
  return w.str();
}

Result<model::AutoScalingGroup> DecodeAutoScalingGroup(std::string_view key,
                                                       std::string_view body) {
  RowReader r("auto scaling group", key, body);
  model::AutoScalingGroup g;
  g.tenant = {r.String("account"), r.String("region")};
  g.name = r.String("name");
  g.arn = r.String("arn");
  g.seq = r.Int("seq");
  g.cluster = r.String("cluster");
  g.min_size = r.Int("minSize");
  g.max_size = r.Int("maxSize");
  g.desired_capacity = r.Int("desiredCapacity");
  g.instance_type = r.String("instanceType");
  g.cpu = r.Int("cpu");
  g.memory = r.Int("memory");
  g.availability_zones = ReadStrings(r, r.Array("availabilityZones"), "availabilityZones");
  for (const auto& a : r.Array("attributes").GetArray()) {
    RowReader item = r.Nested(a);
    model::Attribute attr{item.String("name"), std::nullopt};
    if (a.IsObject() && a.HasMember("value")) attr.value = item.String("value");
    g.attributes.push_back(std::move(attr));
  }
  g.launching = ReadLaunching(r);
  if (r.ok() && g.name.empty()) r.Fail("name", "is empty");
  if (!r.ok()) return r.status();
  return g;
}

std::string RevisionCounterKey(const Tenant& t, std::string_view family) {
  return "task-definition-revision|" + t.account + "|" + t.region + "|" + std::string(family);
}

Result<std::pair<Tenant, std::string>> DecodeRevisionCounterKey(std::string_view key) {
  // task-definition-revision|<account>|<region>|<family>
  constexpr std::string_view kPrefix = "task-definition-revision|";
  const size_t a = kPrefix.size();
  const size_t b = key.find('|', a);
  const size_t c = b == std::string_view::npos ? b : key.find('|', b + 1);
  if (!key.starts_with(kPrefix) || c == std::string_view::npos || c + 1 >= key.size()) {
    return Status::Corrupt("corrupt counter row " + std::string(key) + ": unknown counter");
  }
  Tenant t{std::string(key.substr(a, b - a)), std::string(key.substr(b + 1, c - b - 1))};
  return std::make_pair(std::move(t), std::string(key.substr(c + 1)));
}

}  // namespace ecs::storage

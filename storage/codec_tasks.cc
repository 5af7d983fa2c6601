// Row bodies for container instances and tasks. Storage-internal; every persisted member of the
// model structs round-trips (usage and generation are derived and not stored).
#include "common/json.h"
#include "storage/codec.h"
#include "storage/codec_util.h"

namespace ecs::storage {

namespace {

template <typename E>
std::string_view NameOr(const std::optional<E>& value, std::string_view none = "") {
  return value ? model::ToString(*value) : none;
}

void OptMember(JsonWriter& w, const char* k, const std::optional<int64_t>& v) {
  if (v) w.Member(k, *v);
}

void IntArray(JsonWriter& w, const char* k, const std::vector<int>& v) {
  w.Key(k).StartArray();
  for (int p : v) w.Int(p);
  w.EndArray();
}

std::vector<int> ReadIntArray(RowReader& r, const char* k) {
  std::vector<int> out;
  for (const auto& e : r.Array(k).GetArray()) {
    if (!e.IsInt()) {
      r.Fail(k, "has an element that is not an integer");
      break;
    }
    out.push_back(e.GetInt());
  }
  return out;
}

void WriteBindings(JsonWriter& w, const char* k, const std::vector<model::NetworkBinding>& bs) {
  w.Key(k).StartArray();
  for (const auto& b : bs) {
    w.StartObject()
        .Member("bindIP", b.bind_ip)
        .Member("containerPort", b.container_port)
        .Member("hostPort", b.host_port)
        .Member("protocol", b.protocol)
        .EndObject();
  }
  w.EndArray();
}

std::vector<model::NetworkBinding> ReadBindings(RowReader& r, const char* k) {
  std::vector<model::NetworkBinding> out;
  for (const auto& e : r.Array(k).GetArray()) {
    RowReader b = r.Nested(e);
    out.push_back({b.String("bindIP"), static_cast<int>(b.Int("containerPort")),
                   static_cast<int>(b.Int("hostPort")), b.String("protocol")});
  }
  return out;
}

void WriteResources(JsonWriter& w, const std::vector<model::Resource>& resources) {
  w.Key("resources").StartArray();
  for (const auto& r : resources) {
    w.StartObject()
        .Member("name", r.name)
        .Member("type", r.type)
        .Member("integerValue", r.integer_value)
        .Member("longValue", r.long_value)
        .Key("doubleValue")
        .Double(r.double_value)
        .StringArray("stringSetValue", r.string_set)
        .EndObject();
  }
  w.EndArray();
}

std::vector<model::Resource> ReadResources(RowReader& r) {
  std::vector<model::Resource> out;
  for (const auto& e : r.Array("resources").GetArray()) {
    RowReader item = r.Nested(e);
    model::Resource res;
    res.name = item.String("name");
    res.type = item.String("type");
    res.integer_value = item.OptInt("integerValue", 0);
    res.long_value = item.OptInt("longValue", 0);
    res.double_value = item.OptDouble("doubleValue");
    res.string_set = ReadStrings(item, item.Array("stringSetValue"), "stringSetValue");
    out.push_back(std::move(res));
  }
  return out;
}

// The simulated container's facts and scripted behaviour (model/container_runtime.h), so that a
// restart resumes it exactly: its health check, dependencies, timeouts, behaviour, and when it
// started and stopped.
void WriteContainerSim(JsonWriter& w, const model::ContainerState& c) {
  w.Key("sim").StartObject();
  if (const auto& hc = c.health_check) {
    w.Key("healthCheck")
        .StartObject()
        .Member("interval", hc->interval)
        .Member("timeout", hc->timeout)
        .Member("retries", static_cast<int64_t>(hc->retries))
        .Member("startPeriod", hc->start_period)
        .EndObject();
  }
  w.Key("dependsOn").StartArray();
  for (const auto& d : c.depends_on) {
    w.StartObject()
        .Member("container", d.container)
        .Member("condition", model::ToString(d.condition))
        .EndObject();
  }
  w.EndArray();
  w.Member("stopTimeout", c.stop_timeout);
  OptMember(w, "startTimeout", c.start_timeout);
  const model::ContainerBehavior& b = c.behavior;
  OptMember(w, "exitCode", b.exit_code);
  w.Member("exitAfter", b.exit_after).Member("failToStart", b.fail_to_start);
  OptMember(w, "unhealthyAfter", b.unhealthy_after);
  w.Member("stopTakes", b.stop_takes);
  OptMember(w, "startedAt", c.started_at);
  OptMember(w, "stoppedAt", c.stopped_at);
  w.EndObject();
}

void ReadContainerSim(RowReader& c, model::ContainerState& cs) {
  const rapidjson::Value* sim = c.Object("sim");
  if (!sim) return;  // written before the simulation existed: a plain container
  RowReader r = c.Nested(*sim);
  if (const rapidjson::Value* hc = r.Object("healthCheck")) {
    RowReader h = r.Nested(*hc);
    cs.health_check =
        model::HealthCheckConfig{h.Int("interval"), h.Int("timeout"),
                                 static_cast<int>(h.Int("retries")), h.Int("startPeriod")};
  }
  for (const auto& e : r.Array("dependsOn").GetArray()) {
    RowReader d = r.Nested(e);
    cs.depends_on.push_back(
        {d.String("container"), d.Enum<model::DependencyCondition>("condition")});
  }
  cs.stop_timeout = r.OptInt("stopTimeout", 30'000);
  cs.start_timeout = r.OptInt("startTimeout");
  cs.behavior.exit_code = r.OptInt("exitCode");
  cs.behavior.exit_after = r.OptInt("exitAfter", 0);
  cs.behavior.fail_to_start = r.OptString("failToStart");
  cs.behavior.unhealthy_after = r.OptInt("unhealthyAfter");
  cs.behavior.stop_takes = r.OptInt("stopTakes", 0);
  cs.started_at = r.OptInt("startedAt");
  cs.stopped_at = r.OptInt("stoppedAt");
}

void WriteContainers(JsonWriter& w, const std::vector<model::ContainerState>& containers) {
  w.Key("containers").StartArray();
  for (const auto& c : containers) {
    w.StartObject()
        .Member("arn", c.arn)
        .Member("name", c.name)
        .Member("image", c.image)
        .Member("lastStatus", model::ToString(c.last_status));
    OptMember(w, "exitCode", c.exit_code);
    w.Member("reason", c.reason)
        .Member("runtimeId", c.runtime_id)
        .Member("healthStatus", model::ToString(c.health_status))
        .Member("essential", c.essential)
        .Member("cpu", c.cpu)
        .Member("memory", c.memory)
        .Member("memoryReservation", c.memory_reservation);
    WriteBindings(w, "networkBindings", c.network_bindings);
    WriteBindings(w, "plannedBindings", c.planned_bindings);
    WriteContainerSim(w, c);
    w.EndObject();
  }
  w.EndArray();
}

std::vector<model::ContainerState> ReadContainers(RowReader& r) {
  std::vector<model::ContainerState> out;
  for (const auto& e : r.Array("containers").GetArray()) {
    RowReader c = r.Nested(e);
    model::ContainerState cs;
    cs.arn = c.String("arn");
    cs.name = c.String("name");
    cs.image = c.OptString("image");
    cs.last_status = c.Enum<model::ContainerStatus>("lastStatus");
    cs.exit_code = c.OptInt("exitCode");
    cs.reason = c.OptString("reason");
    cs.runtime_id = c.OptString("runtimeId");
    cs.health_status =
        c.OptEnum<model::HealthStatus>("healthStatus").value_or(model::HealthStatus::kUnknown);
    cs.essential = c.OptBool("essential", true);
    cs.cpu = c.OptString("cpu", "0");
    cs.memory = c.OptString("memory");
    cs.memory_reservation = c.OptString("memoryReservation");
    cs.network_bindings = ReadBindings(c, "networkBindings");
    cs.planned_bindings = ReadBindings(c, "plannedBindings");
    ReadContainerSim(c, cs);
    out.push_back(std::move(cs));
  }
  return out;
}

void WriteEni(JsonWriter& w, const model::EniAttachment& eni) {
  w.Key("eni")
      .StartObject()
      .Member("id", eni.id)
      .Member("status", model::ToString(eni.status))
      .Member("subnetId", eni.subnet_id)
      .Member("eniId", eni.eni_id)
      .Member("mac", eni.mac_address)
      .Member("ip", eni.private_ip)
      .Member("dns", eni.private_dns_name)
      .EndObject();
}

std::optional<model::EniAttachment> ReadEni(RowReader& r) {
  const rapidjson::Value* v = r.Object("eni");
  if (!v) return std::nullopt;
  RowReader e = r.Nested(*v);
  return model::EniAttachment{e.String("id"),       e.Enum<model::AttachmentStatus>("status"),
                              e.String("subnetId"), e.String("eniId"),
                              e.String("mac"),      e.String("ip"),
                              e.String("dns")};
}

// The members that place a task and say what it reserves.
void WritePlacement(JsonWriter& w, const model::Task& t) {
  w.Member("containerInstanceId", t.container_instance_id)
      .Member("ec2InstanceId", t.ec2_instance_id)
      .Member("availabilityZone", t.availability_zone)
      .Member("launchType", model::ToString(t.launch_type))
      .Member("capacityProviderName", t.capacity_provider_name)
      .Member("platformVersion", t.platform_version)
      .Member("networkMode", NameOr(t.network_mode))
      .Member("lastStatus", model::ToString(t.last_status))
      .Member("desiredStatus", model::ToString(t.desired_status))
      .Member("group", t.group)
      .Member("startedBy", t.started_by)
      .Member("serviceName", t.service_name)
      .Member("cpu", t.cpu)
      .Member("memory", t.memory)
      .Member("reservedCpu", t.reserved_cpu)
      .Member("reservedMemory", t.reserved_memory);
  IntArray(w, "reservedTcpPorts", t.reserved_tcp_ports);
  IntArray(w, "reservedUdpPorts", t.reserved_udp_ports);
  IntArray(w, "dynamicTcpPorts", t.dynamic_tcp_ports);
  IntArray(w, "dynamicUdpPorts", t.dynamic_udp_ports);
}

void ReadPlacement(RowReader& r, model::Task& t) {
  t.container_instance_id = r.OptString("containerInstanceId");
  t.ec2_instance_id = r.OptString("ec2InstanceId");
  t.availability_zone = r.OptString("availabilityZone");
  t.launch_type = r.Enum<model::LaunchType>("launchType");
  t.capacity_provider_name = r.OptString("capacityProviderName");
  t.platform_version = r.OptString("platformVersion");
  t.network_mode = r.OptEnum<model::NetworkMode>("networkMode");
  t.last_status = r.Enum<model::TaskState>("lastStatus");
  t.desired_status = r.Enum<model::DesiredStatus>("desiredStatus");
  t.group = r.OptString("group");
  t.started_by = r.OptString("startedBy");
  t.service_name = r.OptString("serviceName");
  t.cpu = r.OptString("cpu");
  t.memory = r.OptString("memory");
  t.reserved_cpu = r.OptInt("reservedCpu", 0);
  t.reserved_memory = r.OptInt("reservedMemory", 0);
  t.reserved_tcp_ports = ReadIntArray(r, "reservedTcpPorts");
  t.reserved_udp_ports = ReadIntArray(r, "reservedUdpPorts");
  t.dynamic_tcp_ports = ReadIntArray(r, "dynamicTcpPorts");
  t.dynamic_udp_ports = ReadIntArray(r, "dynamicUdpPorts");
}

void WriteTimes(JsonWriter& w, const model::Task& t) {
  w.Member("createdAt", t.created_at);
  OptMember(w, "pullStartedAt", t.pull_started_at);
  OptMember(w, "pullStoppedAt", t.pull_stopped_at);
  OptMember(w, "startedAt", t.started_at);
  OptMember(w, "connectivityAt", t.connectivity_at);
  OptMember(w, "stoppingAt", t.stopping_at);
  OptMember(w, "executionStoppedAt", t.execution_stopped_at);
  OptMember(w, "stoppedAt", t.stopped_at);
}

void ReadTimes(RowReader& r, model::Task& t) {
  t.created_at = r.Int("createdAt");
  t.pull_started_at = r.OptInt("pullStartedAt");
  t.pull_stopped_at = r.OptInt("pullStoppedAt");
  t.started_at = r.OptInt("startedAt");
  t.connectivity_at = r.OptInt("connectivityAt");
  t.stopping_at = r.OptInt("stoppingAt");
  t.execution_stopped_at = r.OptInt("executionStoppedAt");
  t.stopped_at = r.OptInt("stoppedAt");
}

}  // namespace

std::string EncodeContainerInstance(const model::ContainerInstance& ci) {
  JsonWriter w;
  w.StartObject()
      .Member("account", ci.tenant.account)
      .Member("region", ci.tenant.region)
      .Member("cluster", ci.cluster)
      .Member("id", ci.id)
      .Member("arn", ci.arn)
      .Member("seq", ci.seq)
      .Member("ec2InstanceId", ci.ec2_instance_id)
      .Member("status", model::ToString(ci.status))
      .Member("statusReason", ci.status_reason)
      .Member("agentConnected", ci.agent_connected)
      .Member("agentVersion", ci.agent_version)
      .Member("agentHash", ci.agent_hash)
      .Member("dockerVersion", ci.docker_version)
      .Member("platformDevices", ci.platform_devices.text())
      .Member("agentUpdateStatus", NameOr(ci.agent_update_status))
      .Member("agentUpdateStartedAt", ci.agent_update_started_at)
      .Member("agentVersionBeforeUpdate", ci.agent_version_before_update)
      .Member("capacityProviderName", ci.capacity_provider_name)
      .Member("autoScalingGroup", ci.auto_scaling_group)
      .Member("registeredAt", ci.registered_at)
      .Member("version", ci.version);
  WriteResources(w, ci.registered_resources);
  w.Key("attributes").StartArray();
  for (const auto& a : ci.attributes) {
    w.StartObject().Member("name", a.name);
    if (a.value) w.Member("value", *a.value);
    w.EndObject();
  }
  w.EndArray().EndObject();
  return w.str();
}

Result<model::ContainerInstance> DecodeContainerInstance(std::string_view key,
                                                         std::string_view body) {
  RowReader r("container instance", key, body);
  model::ContainerInstance ci;
  ci.tenant = {r.String("account"), r.String("region")};
  ci.cluster = r.String("cluster");
  ci.id = r.String("id");
  ci.arn = r.String("arn");
  ci.seq = r.Int("seq");
  ci.ec2_instance_id = r.OptString("ec2InstanceId");
  ci.status = r.Enum<model::InstanceStatus>("status");
  ci.status_reason = r.OptString("statusReason");
  ci.agent_connected = r.OptBool("agentConnected");
  ci.agent_version = r.OptString("agentVersion");
  ci.agent_hash = r.OptString("agentHash");
  ci.docker_version = r.OptString("dockerVersion");
  ci.platform_devices = model::RawJson::FromText(r.OptString("platformDevices"));
  ci.agent_update_status = r.OptEnum<model::AgentUpdateStatus>("agentUpdateStatus");
  ci.agent_update_started_at = r.OptInt("agentUpdateStartedAt", 0);
  ci.agent_version_before_update = r.OptString("agentVersionBeforeUpdate");
  ci.capacity_provider_name = r.OptString("capacityProviderName");
  ci.auto_scaling_group = r.OptString("autoScalingGroup");
  ci.registered_at = r.OptInt("registeredAt", 0);
  ci.version = r.OptInt("version", 1);
  ci.registered_resources = ReadResources(r);
  const auto attributes = r.Array("attributes").GetArray();
  ci.attributes.reserve(attributes.Size());  // exactly: an instance has ~75
  for (const auto& a : attributes) {
    RowReader item = r.Nested(a);
    model::Attribute attr{item.String("name"), std::nullopt};
    if (a.IsObject() && a.HasMember("value")) attr.value = item.String("value");
    ci.attributes.push_back(std::move(attr));
  }
  if (!r.ok()) return r.status();
  return ci;
}

std::string EncodeTask(const model::Task& t) {
  JsonWriter w;
  w.StartObject()
      .Member("account", t.tenant.account)
      .Member("region", t.tenant.region)
      .Member("cluster", t.cluster)
      .Member("id", t.id)
      .Member("arn", t.arn)
      .Member("seq", t.seq)
      .Member("taskDefinitionArn", t.task_definition_arn)
      .Member("family", t.family);
  WritePlacement(w, t);
  WriteContainers(w, t.containers);
  w.Member("overrides", t.overrides.text());
  if (t.eni) WriteEni(w, *t.eni);
  w.Member("enableExecuteCommand", t.enable_execute_command)
      .Member("healthStatus", model::ToString(t.health_status))
      .Member("stopCode", NameOr(t.stop_code))
      .Member("stoppedReason", t.stopped_reason)
      .Member("clientToken", t.client_token)
      .Member("requestFingerprint", t.request_fingerprint);
  WriteTimes(w, t);
  w.Member("version", t.version)
      .Member("nextTransitionAt", t.next_transition_at)
      .Member("failedToStart", t.failed_to_start);
  if (t.protection_expires_at) w.Member("protectionExpiresAt", *t.protection_expires_at);
  if (!t.placement_constraints.empty() || !t.placement_strategy.empty()) {
    WritePlacementItems(w, t.placement_constraints, t.placement_strategy);
  }
  w.EndObject();
  return w.str();
}

Result<model::Task> DecodeTask(std::string_view key, std::string_view body) {
  RowReader r("task", key, body);
  model::Task t;
  t.tenant = {r.String("account"), r.String("region")};
  t.cluster = r.String("cluster");
  t.id = r.String("id");
  t.arn = r.String("arn");
  t.seq = r.Int("seq");
  t.task_definition_arn = r.String("taskDefinitionArn");
  t.family = r.OptString("family");
  ReadPlacement(r, t);
  t.containers = ReadContainers(r);
  t.overrides = model::RawJson::FromText(r.OptString("overrides"));
  t.eni = ReadEni(r);
  t.enable_execute_command = r.OptBool("enableExecuteCommand");
  t.health_status =
      r.OptEnum<model::HealthStatus>("healthStatus").value_or(model::HealthStatus::kUnknown);
  t.stop_code = r.OptEnum<model::StopCode>("stopCode");
  t.stopped_reason = r.OptString("stoppedReason");
  t.client_token = r.OptString("clientToken");
  t.request_fingerprint = r.OptString("requestFingerprint");
  ReadTimes(r, t);
  t.version = r.OptInt("version", 1);
  t.next_transition_at = r.OptInt("nextTransitionAt", 0);
  t.failed_to_start = r.OptBool("failedToStart");
  t.protection_expires_at = r.OptInt("protectionExpiresAt");
  ReadPlacementItems(r, t.placement_constraints, t.placement_strategy, /*required=*/false);
  if (!r.ok()) return r.status();
  return t;
}

}  // namespace ecs::storage

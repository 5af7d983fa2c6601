// Row bodies for container instances and tasks. Storage-internal; every persisted member of the
// model structs round-trips (usage is derived and not stored).
#include "common/json.h"
#include "storage/codec.h"

namespace ecs::storage {

namespace {

std::string Str(const rapidjson::Value& v, const char* k) {
  auto it = v.FindMember(k);
  return it != v.MemberEnd() && it->value.IsString() ? it->value.GetString() : "";
}
int64_t Int(const rapidjson::Value& v, const char* k) {
  auto it = v.FindMember(k);
  return it != v.MemberEnd() && it->value.IsInt64() ? it->value.GetInt64() : 0;
}
std::optional<int64_t> OptInt(const rapidjson::Value& v, const char* k) {
  auto it = v.FindMember(k);
  if (it == v.MemberEnd() || !it->value.IsInt64()) return std::nullopt;
  return it->value.GetInt64();
}
bool Bool(const rapidjson::Value& v, const char* k) {
  auto it = v.FindMember(k);
  return it != v.MemberEnd() && it->value.IsBool() && it->value.GetBool();
}
const rapidjson::Value& Arr(const rapidjson::Value& v, const char* k) {
  static const rapidjson::Value kEmpty(rapidjson::kArrayType);
  auto it = v.FindMember(k);
  return it != v.MemberEnd() && it->value.IsArray() ? it->value : kEmpty;
}
void OptMember(JsonWriter& w, const char* k, const std::optional<int64_t>& v) {
  if (v) w.Member(k, *v);
}
void IntArray(JsonWriter& w, const char* k, const std::vector<int>& v) {
  w.Key(k).StartArray();
  for (int p : v) w.Int(p);
  w.EndArray();
}
std::vector<int> ReadIntArray(const rapidjson::Value& v, const char* k) {
  std::vector<int> out;
  for (const auto& e : Arr(v, k).GetArray()) out.push_back(e.GetInt());
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
std::vector<model::NetworkBinding> ReadBindings(const rapidjson::Value& v, const char* k) {
  std::vector<model::NetworkBinding> out;
  for (const auto& e : Arr(v, k).GetArray()) {
    out.push_back({Str(e, "bindIP"), static_cast<int>(Int(e, "containerPort")),
                   static_cast<int>(Int(e, "hostPort")), Str(e, "protocol")});
  }
  return out;
}

Status Corrupt(std::string_view what) {
  return Status::Server("corrupt " + std::string(what) + " row in the database");
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
      .Member("status", ci.status)
      .Member("statusReason", ci.status_reason)
      .Member("agentConnected", ci.agent_connected)
      .Member("agentVersion", ci.agent_version)
      .Member("agentHash", ci.agent_hash)
      .Member("dockerVersion", ci.docker_version)
      .Member("platformDevices", ci.platform_devices_json)
      .Member("agentUpdateStatus", ci.agent_update_status)
      .Member("agentUpdateStartedAt", ci.agent_update_started_at)
      .Member("agentVersionBeforeUpdate", ci.agent_version_before_update)
      .Member("capacityProviderName", ci.capacity_provider_name)
      .Member("registeredAt", ci.registered_at)
      .Member("version", ci.version);
  w.Key("resources").StartArray();
  for (const auto& r : ci.registered_resources) {
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
  w.EndArray().Key("attributes").StartArray();
  for (const auto& a : ci.attributes) {
    w.StartObject().Member("name", a.name);
    if (a.value) w.Member("value", *a.value);
    w.EndObject();
  }
  w.EndArray().EndObject();
  return w.str();
}

Result<model::ContainerInstance> DecodeContainerInstance(const std::string& body) {
  rapidjson::Document d;
  d.Parse(body.c_str(), body.size());
  if (d.HasParseError() || !d.IsObject()) return Corrupt("container instance");
  model::ContainerInstance ci;
  ci.tenant = {Str(d, "account"), Str(d, "region")};
  ci.cluster = Str(d, "cluster");
  ci.id = Str(d, "id");
  ci.arn = Str(d, "arn");
  ci.seq = Int(d, "seq");
  ci.ec2_instance_id = Str(d, "ec2InstanceId");
  ci.status = Str(d, "status");
  ci.status_reason = Str(d, "statusReason");
  ci.agent_connected = Bool(d, "agentConnected");
  ci.agent_version = Str(d, "agentVersion");
  ci.agent_hash = Str(d, "agentHash");
  ci.docker_version = Str(d, "dockerVersion");
  ci.platform_devices_json = Str(d, "platformDevices");
  ci.agent_update_status = Str(d, "agentUpdateStatus");
  ci.agent_update_started_at = Int(d, "agentUpdateStartedAt");
  ci.agent_version_before_update = Str(d, "agentVersionBeforeUpdate");
  ci.capacity_provider_name = Str(d, "capacityProviderName");
  ci.registered_at = Int(d, "registeredAt");
  ci.version = Int(d, "version");
  for (const auto& r : Arr(d, "resources").GetArray()) {
    model::Resource res;
    res.name = Str(r, "name");
    res.type = Str(r, "type");
    res.integer_value = Int(r, "integerValue");
    res.long_value = Int(r, "longValue");
    res.double_value = r.HasMember("doubleValue") ? r["doubleValue"].GetDouble() : 0;
    for (const auto& s : Arr(r, "stringSetValue").GetArray())
      res.string_set.push_back(s.GetString());
    ci.registered_resources.push_back(std::move(res));
  }
  for (const auto& a : Arr(d, "attributes").GetArray()) {
    model::Attribute attr{Str(a, "name"), std::nullopt};
    if (a.HasMember("value")) attr.value = Str(a, "value");
    ci.attributes.push_back(std::move(attr));
  }
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
      .Member("family", t.family)
      .Member("containerInstanceId", t.container_instance_id)
      .Member("ec2InstanceId", t.ec2_instance_id)
      .Member("availabilityZone", t.availability_zone)
      .Member("launchType", t.launch_type)
      .Member("capacityProviderName", t.capacity_provider_name)
      .Member("platformVersion", t.platform_version)
      .Member("networkMode", t.network_mode)
      .Member("lastStatus", model::ToString(t.last_status))
      .Member("desiredStatus", t.desired_status)
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
  w.Key("containers").StartArray();
  for (const auto& c : t.containers) {
    w.StartObject()
        .Member("arn", c.arn)
        .Member("name", c.name)
        .Member("image", c.image)
        .Member("lastStatus", c.last_status);
    OptMember(w, "exitCode", c.exit_code);
    w.Member("reason", c.reason)
        .Member("runtimeId", c.runtime_id)
        .Member("healthStatus", c.health_status)
        .Member("essential", c.essential)
        .Member("cpu", c.cpu)
        .Member("memory", c.memory)
        .Member("memoryReservation", c.memory_reservation);
    WriteBindings(w, "networkBindings", c.network_bindings);
    WriteBindings(w, "plannedBindings", c.planned_bindings);
    w.EndObject();
  }
  w.EndArray().Member("overrides", t.overrides_json);
  if (t.eni) {
    w.Key("eni")
        .StartObject()
        .Member("id", t.eni->id)
        .Member("status", t.eni->status)
        .Member("subnetId", t.eni->subnet_id)
        .Member("eniId", t.eni->eni_id)
        .Member("mac", t.eni->mac_address)
        .Member("ip", t.eni->private_ip)
        .Member("dns", t.eni->private_dns_name)
        .EndObject();
  }
  w.Member("enableExecuteCommand", t.enable_execute_command)
      .Member("healthStatus", t.health_status)
      .Member("stopCode", t.stop_code)
      .Member("stoppedReason", t.stopped_reason)
      .Member("clientToken", t.client_token)
      .Member("requestFingerprint", t.request_fingerprint)
      .Member("createdAt", t.created_at);
  OptMember(w, "pullStartedAt", t.pull_started_at);
  OptMember(w, "pullStoppedAt", t.pull_stopped_at);
  OptMember(w, "startedAt", t.started_at);
  OptMember(w, "connectivityAt", t.connectivity_at);
  OptMember(w, "stoppingAt", t.stopping_at);
  OptMember(w, "executionStoppedAt", t.execution_stopped_at);
  OptMember(w, "stoppedAt", t.stopped_at);
  w.Member("version", t.version)
      .Member("nextTransitionAt", t.next_transition_at)
      .Member("failedToStart", t.failed_to_start)
      .EndObject();
  return w.str();
}

Result<model::Task> DecodeTask(const std::string& body) {
  rapidjson::Document d;
  d.Parse(body.c_str(), body.size());
  if (d.HasParseError() || !d.IsObject()) return Corrupt("task");
  model::Task t;
  t.tenant = {Str(d, "account"), Str(d, "region")};
  t.cluster = Str(d, "cluster");
  t.id = Str(d, "id");
  t.arn = Str(d, "arn");
  t.seq = Int(d, "seq");
  t.task_definition_arn = Str(d, "taskDefinitionArn");
  t.family = Str(d, "family");
  t.container_instance_id = Str(d, "containerInstanceId");
  t.ec2_instance_id = Str(d, "ec2InstanceId");
  t.availability_zone = Str(d, "availabilityZone");
  t.launch_type = Str(d, "launchType");
  t.capacity_provider_name = Str(d, "capacityProviderName");
  t.platform_version = Str(d, "platformVersion");
  t.network_mode = Str(d, "networkMode");
  auto state = model::ParseTaskState(Str(d, "lastStatus"));
  if (!state) return Corrupt("task");
  t.last_status = *state;
  t.desired_status = Str(d, "desiredStatus");
  t.group = Str(d, "group");
  t.started_by = Str(d, "startedBy");
  t.service_name = Str(d, "serviceName");
  t.cpu = Str(d, "cpu");
  t.memory = Str(d, "memory");
  t.reserved_cpu = Int(d, "reservedCpu");
  t.reserved_memory = Int(d, "reservedMemory");
  t.reserved_tcp_ports = ReadIntArray(d, "reservedTcpPorts");
  t.reserved_udp_ports = ReadIntArray(d, "reservedUdpPorts");
  t.dynamic_tcp_ports = ReadIntArray(d, "dynamicTcpPorts");
  t.dynamic_udp_ports = ReadIntArray(d, "dynamicUdpPorts");
  for (const auto& c : Arr(d, "containers").GetArray()) {
    model::ContainerState cs;
    cs.arn = Str(c, "arn");
    cs.name = Str(c, "name");
    cs.image = Str(c, "image");
    cs.last_status = Str(c, "lastStatus");
    cs.exit_code = OptInt(c, "exitCode");
    cs.reason = Str(c, "reason");
    cs.runtime_id = Str(c, "runtimeId");
    cs.health_status = Str(c, "healthStatus");
    cs.essential = Bool(c, "essential");
    cs.cpu = Str(c, "cpu");
    cs.memory = Str(c, "memory");
    cs.memory_reservation = Str(c, "memoryReservation");
    cs.network_bindings = ReadBindings(c, "networkBindings");
    cs.planned_bindings = ReadBindings(c, "plannedBindings");
    t.containers.push_back(std::move(cs));
  }
  t.overrides_json = Str(d, "overrides");
  if (d.HasMember("eni")) {
    const auto& e = d["eni"];
    t.eni =
        model::EniAttachment{Str(e, "id"),  Str(e, "status"), Str(e, "subnetId"), Str(e, "eniId"),
                             Str(e, "mac"), Str(e, "ip"),     Str(e, "dns")};
  }
  t.enable_execute_command = Bool(d, "enableExecuteCommand");
  t.health_status = Str(d, "healthStatus");
  t.stop_code = Str(d, "stopCode");
  t.stopped_reason = Str(d, "stoppedReason");
  t.client_token = Str(d, "clientToken");
  t.request_fingerprint = Str(d, "requestFingerprint");
  t.created_at = Int(d, "createdAt");
  t.pull_started_at = OptInt(d, "pullStartedAt");
  t.pull_stopped_at = OptInt(d, "pullStoppedAt");
  t.started_at = OptInt(d, "startedAt");
  t.connectivity_at = OptInt(d, "connectivityAt");
  t.stopping_at = OptInt(d, "stoppingAt");
  t.execution_stopped_at = OptInt(d, "executionStoppedAt");
  t.stopped_at = OptInt(d, "stoppedAt");
  t.version = Int(d, "version");
  t.next_transition_at = Int(d, "nextTransitionAt");
  t.failed_to_start = Bool(d, "failedToStart");
  return t;
}

}  // namespace ecs::storage

#include "api/encode.h"

#include <algorithm>
#include <deque>

#include "api/decode.h"
#include "taskdef/render.h"

namespace ecs::api {

namespace {

void WriteResources(JsonWriter& w, std::string_view key, const std::vector<model::Resource>& rs) {
  w.Key(key).StartArray();
  for (const auto& r : rs) {
    w.StartObject()
        .Member("name", r.name)
        .Member("type", r.type)
        .Key("doubleValue")
        .Double(r.double_value)
        .Member("longValue", r.long_value)
        .Member("integerValue", r.integer_value);
    if (r.type == "STRINGSET") w.StringArray("stringSetValue", r.string_set);
    w.EndObject();
  }
  w.EndArray();
}

void OptTimestamp(JsonWriter& w, std::string_view key, const std::optional<Millis>& t) {
  if (t) w.Key(key).Timestamp(*t);
}

}  // namespace

void WriteFailures(JsonWriter& w, const std::vector<control::DescribeFailure>& failures) {
  w.Key("failures").StartArray();
  for (const auto& f : failures) {
    w.StartObject().Member("arn", f.arn).Member("reason", f.reason);
    if (!f.detail.empty()) w.Member("detail", f.detail);
    w.EndObject();
  }
  w.EndArray();
}

void WriteContainerInstance(JsonWriter& w, const control::ControlPlane& cp,
                            const model::ContainerInstance& ci,
                            const std::set<std::string>& include) {
  Millis now = cp.Now();
  w.StartObject()
      .Member("containerInstanceArn", ci.arn)
      .Member("ec2InstanceId", ci.ec2_instance_id);
  if (!ci.capacity_provider_name.empty()) {
    w.Member("capacityProviderName", ci.capacity_provider_name);
  }
  w.Member("version", ci.version)
      .Key("versionInfo")
      .StartObject()
      .Member("agentVersion", ci.AgentVersionAt(now))
      .Member("agentHash", ci.agent_hash)
      .Member("dockerVersion", ci.docker_version)
      .EndObject();
  WriteResources(w, "remainingResources", cp.RemainingResources(ci));
  WriteResources(w, "registeredResources", ci.registered_resources);
  w.Member("status", model::ToString(ci.status));
  if (!ci.status_reason.empty()) w.Member("statusReason", ci.status_reason);
  w.Member("agentConnected", ci.agent_connected)
      .Member("runningTasksCount", static_cast<int64_t>(ci.usage.running_tasks))
      .Member("pendingTasksCount", static_cast<int64_t>(ci.usage.pending_tasks));
  if (auto update = ci.AgentUpdateStatusAt(now)) {
    w.Member("agentUpdateStatus", model::ToString(*update));
  }
  w.Key("attributes").StartArray();
  for (const auto& a : ci.attributes) {
    w.StartObject().Member("name", a.name);
    if (a.value) w.Member("value", *a.value);
    w.EndObject();
  }
  w.EndArray();
  w.Key("registeredAt").Timestamp(ci.registered_at);
  w.Key("attachments").StartArray().EndArray();
  if (include.count("TAGS")) WriteTags(w, "tags", cp.TagsOf(ci.arn));
  if (include.count("CONTAINER_INSTANCE_HEALTH")) {
    std::string overall = ci.agent_connected ? "OK" : "INSUFFICIENT_DATA";
    w.Key("healthStatus")
        .StartObject()
        .Member("overallStatus", overall)
        .Key("details")
        .StartArray()
        .StartObject()
        .Member("type", "CONTAINER_RUNTIME")
        .Member("status", overall)
        .Key("lastUpdated")
        .Timestamp(now)
        .Key("lastStatusChange")
        .Timestamp(ci.registered_at)
        .EndObject()
        .EndArray()
        .EndObject();
  }
  w.EndObject();
}

namespace {

void WriteAttachments(JsonWriter& w, const model::Task& t) {
  w.Key("attachments").StartArray();
  if (t.eni) {
    w.StartObject()
        .Member("id", t.eni->id)
        .Member("type", "ElasticNetworkInterface")
        .Member("status", model::ToString(t.eni->status))
        .Key("details")
        .StartArray();
    auto detail = [&](const char* n, const std::string& v) {
      w.StartObject().Member("name", n).Member("value", v).EndObject();
    };
    detail("subnetId", t.eni->subnet_id);
    if (t.eni->status != model::AttachmentStatus::kPrecreated) {
      detail("networkInterfaceId", t.eni->eni_id);
      detail("macAddress", t.eni->mac_address);
      detail("privateDnsName", t.eni->private_dns_name);
      detail("privateIPv4Address", t.eni->private_ip);
    }
    w.EndArray().EndObject();
  }
  w.EndArray();
}

// managedAgents of a task started with enableExecuteCommand: the ExecuteCommandAgent follows
// its container (no agent process exists here; ExecuteCommand only hands out a session).
void WriteExecAgent(JsonWriter& w, const model::Task& t, const model::ContainerState& c) {
  w.Key("managedAgents").StartArray().StartObject();
  if (c.last_status != model::ContainerStatus::kPending && t.started_at) {
    w.Key("lastStartedAt").Timestamp(*t.started_at);
  }
  w.Member("name", "ExecuteCommandAgent")
      .Member("lastStatus", model::ToString(c.last_status))
      .EndObject()
      .EndArray();
}

void WriteContainer(JsonWriter& w, const model::Task& t, const model::ContainerState& c) {
  w.StartObject()
      .Member("containerArn", c.arn)
      .Member("taskArn", t.arn)
      .Member("name", c.name)
      .Member("image", c.image);
  if (!c.runtime_id.empty()) w.Member("runtimeId", c.runtime_id);
  w.Member("lastStatus", model::ToString(c.last_status));
  if (c.exit_code) w.Member("exitCode", *c.exit_code);
  if (!c.reason.empty()) w.Member("reason", c.reason);
  w.Key("networkBindings").StartArray();
  for (const auto& b : c.network_bindings) {
    w.StartObject()
        .Member("bindIP", b.bind_ip)
        .Member("containerPort", b.container_port)
        .Member("hostPort", b.host_port)
        .Member("protocol", b.protocol)
        .EndObject();
  }
  w.EndArray().Key("networkInterfaces").StartArray();
  if (t.eni && t.eni->status != model::AttachmentStatus::kPrecreated) {
    w.StartObject()
        .Member("attachmentId", t.eni->id)
        .Member("privateIpv4Address", t.eni->private_ip)
        .EndObject();
  }
  w.EndArray().Member("healthStatus", model::ToString(c.health_status));
  if (t.enable_execute_command) WriteExecAgent(w, t, c);
  w.Member("cpu", c.cpu);
  if (!c.memory.empty()) w.Member("memory", c.memory);
  if (!c.memory_reservation.empty()) w.Member("memoryReservation", c.memory_reservation);
  w.EndObject();
}

// Members up to `containers`, in the order ECS writes them.
void WriteTaskPlacement(JsonWriter& w, const model::Task& t) {
  const std::string prefix = ArnPrefix(t.tenant);
  WriteAttachments(w, t);
  w.Key("attributes")
      .StartArray()
      .StartObject()
      .Member("name", "ecs.cpu-architecture")
      .Member("value", "x86_64")
      .EndObject()
      .EndArray();
  if (!t.availability_zone.empty()) w.Member("availabilityZone", t.availability_zone);
  if (!t.capacity_provider_name.empty()) w.Member("capacityProviderName", t.capacity_provider_name);
  w.Member("clusterArn", prefix + "cluster/" + t.cluster);
  if (t.connectivity_at) {
    w.Member("connectivity", "CONNECTED").Key("connectivityAt").Timestamp(*t.connectivity_at);
  }
  if (!t.container_instance_id.empty()) {
    w.Member("containerInstanceArn",
             prefix + "container-instance/" + t.cluster + "/" + t.container_instance_id);
  }
}

void EncodeTask(JsonWriter& w, const model::Task& t, const model::TagList& tags) {
  const bool fargate = t.launch_type == model::LaunchType::kFargate;
  w.StartObject();
  WriteTaskPlacement(w, t);
  w.Key("containers").StartArray();
  for (const auto& c : t.containers) WriteContainer(w, t, c);
  w.EndArray();
  w.Member("cpu", t.cpu).Key("createdAt").Timestamp(t.created_at);
  w.Member("desiredStatus", model::ToString(t.desired_status))
      .Member("enableExecuteCommand", t.enable_execute_command);
  if (fargate) w.Key("ephemeralStorage").StartObject().Member("sizeInGiB", 20).EndObject();
  OptTimestamp(w, "executionStoppedAt", t.execution_stopped_at);
  w.Member("group", t.group)
      .Member("healthStatus", model::ToString(t.health_status))
      .Member("lastStatus", model::ToString(t.last_status))
      .Member("launchType", model::ToString(t.launch_type))
      .Member("memory", t.memory)
      .Key("overrides")
      .Raw(TaskOverridesJson(t));
  if (fargate) w.Member("platformVersion", t.platform_version).Member("platformFamily", "Linux");
  OptTimestamp(w, "pullStartedAt", t.pull_started_at);
  OptTimestamp(w, "pullStoppedAt", t.pull_stopped_at);
  OptTimestamp(w, "startedAt", t.started_at);
  if (!t.started_by.empty()) w.Member("startedBy", t.started_by);
  if (t.stop_code) w.Member("stopCode", model::ToString(*t.stop_code));
  OptTimestamp(w, "stoppedAt", t.stopped_at);
  if (!t.stopped_reason.empty()) w.Member("stoppedReason", t.stopped_reason);
  OptTimestamp(w, "stoppingAt", t.stopping_at);
  WriteTags(w, "tags", tags);
  w.Member("taskArn", t.arn)
      .Member("taskDefinitionArn", t.task_definition_arn)
      .Member("version", t.version)
      .EndObject();
}

}  // namespace

namespace {

// The task's JSON: from the cache when it has no tags to show (filling the cache when
// `cache_it`), else freshly encoded into *scratch.
const std::string& TaskJson(const control::ControlPlane& cp, EncodeCache& cache,
                            const model::Task& t, bool include_tags, std::string* scratch,
                            bool cache_it = true) {
  static const model::TagList kNoTags;
  const model::TagList& tags = include_tags ? cp.TagsOf(t.arn) : kNoTags;
  const std::string* cached = tags.empty() ? cache.FindTask(t) : nullptr;
  if (cached) return *cached;
  JsonWriter one;
  EncodeTask(one, t, tags);
  if (tags.empty() && cache_it && t.generation != 0) return cache.PutTask(t, one.str());
  *scratch = one.str();
  return *scratch;
}

}  // namespace

void WriteTask(JsonWriter& w, const control::ControlPlane& cp, EncodeCache& cache,
               const model::Task& t, bool include_tags) {
  std::string scratch;
  w.Raw(TaskJson(cp, cache, t, include_tags, &scratch));
}

std::string TasksReply(const control::ControlPlane& cp, EncodeCache& cache,
                       const std::vector<const model::Task*>& tasks,
                       const std::vector<control::DescribeFailure>& failures, bool include_tags,
                       bool cache_them) {
  // Spliced by hand: the writer copies raw JSON a byte at a time, and a reply of 100 tasks is
  // ~140 KB of already-encoded task objects.
  JsonWriter tail;
  tail.StartObject();
  WriteFailures(tail, failures);
  tail.EndObject();
  std::string_view failures_json = tail.view();  // {"failures":[...]}
  // Every part first, then one exact allocation: growing the reply as it goes copied it
  // several times over (+30 % instructions for DescribeTasks of 100 tasks).
  std::deque<std::string> fresh;  // encodings the cache does not keep; stable addresses
  std::vector<std::string_view> parts;
  parts.reserve(tasks.size());
  size_t size = 16 + failures_json.size();
  for (const model::Task* t : tasks) {
    std::string& scratch = fresh.emplace_back();
    parts.emplace_back(TaskJson(cp, cache, *t, include_tags, &scratch, cache_them));
    if (scratch.empty()) fresh.pop_back();
    size += parts.back().size() + 1;
  }
  std::string out;
  out.reserve(size);
  out += R"({"tasks":[)";
  for (size_t i = 0; i < parts.size(); ++i) {
    if (i) out += ',';
    out += parts[i];
  }
  out += "],";
  out += failures_json.substr(1);
  return out;
}

std::string TaskDefinitionJson(const control::TaskDefinitionRecord& r) {
  return taskdef::RenderTaskDefinition(*r.spec, r.reg);
}

std::string TaskOverridesJson(const model::Task& t) {
  const std::string& sent = t.overrides.text();
  if (sent.empty()) {  // the common case: nothing overridden
    JsonWriter w;
    w.StartObject().Key("containerOverrides").StartArray();
    for (const auto& c : t.containers) w.StartObject().Member("name", c.name).EndObject();
    w.EndArray().Key("inferenceAcceleratorOverrides").StartArray().EndArray().EndObject();
    return w.str();
  }
  rapidjson::Document doc;
  if (doc.Parse(sent.c_str()).HasParseError() || !doc.IsObject()) {
    doc.SetObject();
  }
  auto& alloc = doc.GetAllocator();
  rapidjson::Value given(rapidjson::kArrayType);
  auto sent_list = doc.FindMember("containerOverrides");
  if (sent_list != doc.MemberEnd() && sent_list->value.IsArray()) {
    given = std::move(sent_list->value);
  }
  rapidjson::Value merged(rapidjson::kArrayType);
  for (const auto& c : t.containers) {
    auto match = std::find_if(given.Begin(), given.End(), [&](const rapidjson::Value& e) {
      if (!e.IsObject()) return false;
      auto name = e.FindMember("name");
      return name != e.MemberEnd() && name->value.IsString() && c.name == name->value.GetString();
    });
    if (match != given.End()) {
      merged.PushBack(rapidjson::Value(*match, alloc), alloc);
    } else {
      rapidjson::Value entry(rapidjson::kObjectType);
      entry.AddMember("name", rapidjson::Value(c.name.c_str(), alloc), alloc);
      merged.PushBack(std::move(entry), alloc);
    }
  }
  // In place when it was sent (what older versions stored is already merged: it stays as is).
  if (auto it = doc.FindMember("containerOverrides"); it != doc.MemberEnd()) {
    it->value = std::move(merged);
  } else {
    doc.AddMember("containerOverrides", std::move(merged), alloc);
  }
  if (!doc.HasMember("inferenceAcceleratorOverrides")) {
    doc.AddMember("inferenceAcceleratorOverrides", rapidjson::Value(rapidjson::kArrayType), alloc);
  }
  return ToJson(doc);
}

}  // namespace ecs::api

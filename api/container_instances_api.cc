// Container-instance, agent and attribute operations: decode -> control -> encode.
#include "api/decode.h"
#include "api/encode.h"
#include "api/operations.h"

namespace ecs::api {

namespace {

std::vector<model::Resource> ReadResources(JsonObjectReader& in, std::string_view member) {
  std::vector<model::Resource> out;
  const rapidjson::Value* arr = in.Array(member);
  if (!arr) return out;
  for (const auto& e : arr->GetArray()) {
    JsonObjectReader r = in.Nested(e, member);
    model::Resource res;
    res.name = r.String("name").value_or("");
    res.type = r.String("type").value_or("INTEGER");
    res.integer_value = r.Int("integerValue").value_or(0);
    res.long_value = r.Long("longValue").value_or(0);
    res.double_value = r.Double("doubleValue").value_or(0);
    res.string_set = r.StringList("stringSetValue").value_or(std::vector<std::string>{});
    out.push_back(std::move(res));
  }
  return out;
}

std::vector<control::AttributeTarget> ReadAttributes(JsonObjectReader& in) {
  std::vector<control::AttributeTarget> out;
  const rapidjson::Value* arr = in.Array("attributes");
  if (!arr) return out;
  for (const auto& e : arr->GetArray()) {
    JsonObjectReader r = in.Nested(e, "attributes");
    control::AttributeTarget a;
    a.attribute.name = ReadRequiredString(r, "name");
    a.attribute.value = r.String("value");
    a.target_type = r.String("targetType").value_or("");
    a.target_id = r.String("targetId").value_or("");
    out.push_back(std::move(a));
  }
  return out;
}

void WriteAttributeTargets(JsonWriter& w, const std::vector<control::AttributeTarget>& attrs) {
  w.Key("attributes").StartArray();
  for (const auto& a : attrs) {
    w.StartObject().Member("name", a.attribute.name);
    if (a.attribute.value) w.Member("value", *a.attribute.value);
    w.Member("targetType", a.target_type).Member("targetId", a.target_id).EndObject();
  }
  w.EndArray();
}

// What an instance identity document says; InvalidParameterException when it is not JSON.
Result<control::InstanceIdentity> ReadIdentity(const std::string& document) {
  control::InstanceIdentity id;
  if (document.empty()) return id;
  auto doc = ParseJsonObject(document);
  if (!doc.ok()) {
    return Status::InvalidParameter("instanceIdentityDocument is not a valid JSON document.");
  }
  JsonObjectReader r(**doc);
  id.instance_id = r.String("instanceId").value_or("");
  id.availability_zone = r.String("availabilityZone").value_or("");
  id.instance_type = r.String("instanceType").value_or("");
  id.image_id = r.String("imageId").value_or("");
  id.architecture = r.String("architecture").value_or("");
  return id;
}

std::string InstanceReply(const control::ControlPlane& cp, const model::ContainerInstance& ci) {
  JsonWriter w;
  w.StartObject().Key("containerInstance");
  WriteContainerInstance(w, cp, ci, {"TAGS"});
  w.EndObject();
  return w.str();
}

}  // namespace

Result<std::string> RegisterContainerInstance(OpContext& op) {
  control::RegisterInstanceInput in;
  in.cluster = op.in.String("cluster").value_or("");
  const std::string document = op.in.String("instanceIdentityDocument").value_or("");
  (void)op.in.String("instanceIdentityDocumentSignature");
  in.total_resources = ReadResources(op.in, "totalResources");
  if (const rapidjson::Value* vi = op.in.Object("versionInfo")) {
    JsonObjectReader v = op.in.Nested(*vi, "versionInfo");
    in.agent_version = v.String("agentVersion").value_or("");
    in.agent_hash = v.String("agentHash").value_or("");
    in.docker_version = v.String("dockerVersion").value_or("");
  }
  in.container_instance_arn = op.in.String("containerInstanceArn").value_or("");
  if (const rapidjson::Value* arr = op.in.Array("attributes")) {
    for (const auto& e : arr->GetArray()) {
      JsonObjectReader r = op.in.Nested(e, "attributes");
      in.attributes.push_back({ReadRequiredString(r, "name"), r.String("value")});
    }
  }
  if (const rapidjson::Value* pd = op.in.Array("platformDevices")) in.platform_devices = Raw(*pd);
  in.tags = ReadTags(op.in, "tags").value_or(model::TagList{});
  if (!op.in.ok()) return op.in.status();
  auto identity = ReadIdentity(document);
  if (!identity.ok()) return identity.status();
  in.identity = std::move(*identity);
  auto ci = op.control.RegisterContainerInstance(op.ctx, in);
  if (!ci.ok()) return ci.status();
  return InstanceReply(op.control, **ci);
}

Result<std::string> DeregisterContainerInstance(OpContext& op) {
  std::string cluster = op.in.String("cluster").value_or("");
  std::string instance = ReadRequiredString(op.in, "containerInstance");
  bool force = op.in.Bool("force").value_or(false);
  if (!op.in.ok()) return op.in.status();
  auto ci = op.control.DeregisterContainerInstance(op.ctx, cluster, instance, force);
  if (!ci.ok()) return ci.status();
  return InstanceReply(op.control, **ci);
}

Result<std::string> DescribeContainerInstances(OpContext& op) {
  std::string cluster = op.in.String("cluster").value_or("");
  auto ids = op.in.StringList("containerInstances");
  auto include = ReadEnumList(op.in, "include", {"TAGS", "CONTAINER_INSTANCE_HEALTH"});
  if (!op.in.ok()) return op.in.status();
  if (!ids || ids->empty()) return Status::InvalidParameter("Container instances cannot be empty.");
  if (ids->size() > 100) {
    return Status::InvalidParameter("containerInstances can have at most 100 items.");
  }
  std::vector<const model::ContainerInstance*> found;
  std::vector<control::DescribeFailure> failures;
  ECS_RETURN_IF_ERROR(
      op.control.DescribeContainerInstances(op.ctx, cluster, *ids, &found, &failures));
  JsonWriter w;
  w.StartObject().Key("containerInstances").StartArray();
  for (const auto* ci : found) WriteContainerInstance(w, op.control, *ci, include);
  w.EndArray();
  WriteFailures(w, failures);
  w.EndObject();
  return w.str();
}

Result<std::string> ListContainerInstances(OpContext& op) {
  control::ListContainerInstancesInput in;
  in.cluster = op.in.String("cluster").value_or("");
  in.filter = op.in.String("filter").value_or("");
  auto status =
      ReadEnum(op.in, "status",
               {"ACTIVE", "DRAINING", "REGISTERING", "DEREGISTERING", "REGISTRATION_FAILED"});
  if (status) in.status = model::Parse<model::InstanceStatus>(*status);
  in.page = {op.in.Int("maxResults"), op.in.String("nextToken")};
  if (!op.in.ok()) return op.in.status();
  auto page = op.control.ListContainerInstances(op.ctx, in);
  if (!page.ok()) return page.status();
  JsonWriter w;
  w.StartObject().StringArray("containerInstanceArns", page->arns);
  if (page->next_token) w.Member("nextToken", *page->next_token);
  w.EndObject();
  return w.str();
}

Result<std::string> UpdateContainerInstancesState(OpContext& op) {
  std::string cluster = op.in.String("cluster").value_or("");
  auto ids = op.in.StringList("containerInstances");
  std::string status = ReadRequiredString(op.in, "status");
  if (!op.in.ok()) return op.in.status();
  if (!ids || ids->empty()) return Status::InvalidParameter("Container instances cannot be empty.");
  if (ids->size() > 10) {
    return Status::InvalidParameter("containerInstances can have at most 10 items.");
  }
  auto parsed = model::Parse<model::InstanceStatus>(status);
  if (parsed != model::InstanceStatus::kActive && parsed != model::InstanceStatus::kDraining) {
    return Status::InvalidParameter(
        "Container instances can only be set to ACTIVE or DRAINING, but status was " + status +
        ".");
  }
  std::vector<const model::ContainerInstance*> updated;
  std::vector<control::DescribeFailure> failures;
  ECS_RETURN_IF_ERROR(op.control.UpdateContainerInstancesState(op.ctx, cluster, *ids, *parsed,
                                                               &updated, &failures));
  JsonWriter w;
  w.StartObject().Key("containerInstances").StartArray();
  for (const auto* ci : updated) WriteContainerInstance(w, op.control, *ci, {});
  w.EndArray();
  WriteFailures(w, failures);
  w.EndObject();
  return w.str();
}

Result<std::string> UpdateContainerAgent(OpContext& op) {
  std::string cluster = op.in.String("cluster").value_or("");
  std::string instance = ReadRequiredString(op.in, "containerInstance");
  if (!op.in.ok()) return op.in.status();
  auto ci = op.control.UpdateContainerAgent(op.ctx, cluster, instance);
  if (!ci.ok()) return ci.status();
  return InstanceReply(op.control, **ci);
}

Result<std::string> DiscoverPollEndpoint(OpContext& op) {
  (void)op.in.String("containerInstance");
  (void)op.in.String("cluster");
  if (!op.in.ok()) return op.in.status();
  // No separate agent backplane exists here: agents poll the emulator itself.
  const std::string& url = op.control.options().endpoint_url;
  JsonWriter w;
  w.StartObject()
      .Member("endpoint", url)
      .Member("telemetryEndpoint", url)
      .Member("serviceConnectEndpoint", url)
      .EndObject();
  return w.str();
}

Result<std::string> PutAttributes(OpContext& op) {
  std::string cluster = op.in.String("cluster").value_or("");
  auto attrs = ReadAttributes(op.in);
  if (!op.in.ok()) return op.in.status();
  auto out = op.control.PutAttributes(op.ctx, cluster, std::move(attrs));
  if (!out.ok()) return out.status();
  JsonWriter w;
  w.StartObject();
  WriteAttributeTargets(w, *out);
  w.EndObject();
  return w.str();
}

Result<std::string> DeleteAttributes(OpContext& op) {
  std::string cluster = op.in.String("cluster").value_or("");
  auto attrs = ReadAttributes(op.in);
  if (!op.in.ok()) return op.in.status();
  auto out = op.control.DeleteAttributes(op.ctx, cluster, std::move(attrs));
  if (!out.ok()) return out.status();
  JsonWriter w;
  w.StartObject();
  WriteAttributeTargets(w, *out);
  w.EndObject();
  return w.str();
}

Result<std::string> ListAttributes(OpContext& op) {
  control::ListAttributesInput in;
  in.cluster = op.in.String("cluster").value_or("");
  in.target_type = ReadRequiredString(op.in, "targetType");
  in.name = op.in.String("attributeName").value_or("");
  in.value = op.in.String("attributeValue").value_or("");
  in.page = {op.in.Int("maxResults"), op.in.String("nextToken")};
  if (!op.in.ok()) return op.in.status();
  auto out = op.control.ListAttributes(op.ctx, in);
  if (!out.ok()) return out.status();
  JsonWriter w;
  w.StartObject();
  WriteAttributeTargets(w, out->first);
  if (out->second) w.Member("nextToken", *out->second);
  w.EndObject();
  return w.str();
}

}  // namespace ecs::api

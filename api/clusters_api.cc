// Cluster operations: decode -> control -> encode.
#include <set>

#include "api/decode.h"
#include "api/operations.h"

namespace ecs::api {

namespace {

using Includes = std::set<std::string>;

// attachments and attachmentsStatus (that one only once the cluster had capacity providers).
void WriteAttachments(JsonWriter& w, const control::ClusterAttachments& a) {
  w.Key("attachments").StartArray();
  for (const auto& at : a.attachments) {
    w.StartObject().Member("id", at.id).Member("type", at.type).Member("status", at.status);
    w.Key("details").StartArray();
    for (const auto& [name, value] : at.details) {
      w.StartObject().Member("name", name).Member("value", value).EndObject();
    }
    w.EndArray();
    w.EndObject();
  }
  w.EndArray();
  if (!a.status.empty()) w.Member("attachmentsStatus", a.status);
}

void WriteCluster(JsonWriter& w, const control::ControlPlane& cp, const model::Cluster& c,
                  const Includes& include, bool echo_all) {
  control::ClusterCounts n = cp.CountsFor(c);
  w.StartObject()
      .Member("clusterArn", c.arn)
      .Member("clusterName", c.name)
      .Member("status", model::ToString(c.status));
  if (!c.configuration.empty() && (echo_all || include.count("CONFIGURATIONS"))) {
    w.Key("configuration").Raw(c.configuration.text());
  }
  w.Member("registeredContainerInstancesCount", n.registered_container_instances)
      .Member("runningTasksCount", n.running_tasks)
      .Member("pendingTasksCount", n.pending_tasks)
      .Member("activeServicesCount", n.active_services);
  w.Key("statistics").StartArray();
  if (include.count("STATISTICS")) {
    auto stat = [&](const char* name, int64_t v) {
      w.StartObject().Member("name", name).Member("value", std::to_string(v)).EndObject();
    };
    stat("runningEC2TasksCount", n.running_ec2_tasks);
    stat("runningFargateTasksCount", n.running_fargate_tasks);
    stat("pendingEC2TasksCount", n.pending_ec2_tasks);
    stat("pendingFargateTasksCount", n.pending_fargate_tasks);
    stat("activeEC2ServiceCount", n.active_ec2_services);
    stat("activeFargateServiceCount", n.active_fargate_services);
    stat("drainingEC2ServiceCount", n.draining_ec2_services);
    stat("drainingFargateServiceCount", n.draining_fargate_services);
  }
  w.EndArray();
  WriteTags(w, "tags", echo_all || include.count("TAGS") ? cp.TagsOf(c.arn) : model::TagList{});
  if (echo_all || include.count("SETTINGS")) {
    w.Key("settings").StartArray();
    for (const auto& s : c.settings) {
      w.StartObject().Member("name", s.name).Member("value", s.value).EndObject();
    }
    w.EndArray();
  }
  w.StringArray("capacityProviders", c.capacity_providers);
  WriteStrategy(w, "defaultCapacityProviderStrategy", c.default_capacity_provider_strategy);
  if (include.count("ATTACHMENTS")) WriteAttachments(w, cp.AttachmentsOf(c));
  if (!c.service_connect_namespace_arn.empty()) {
    w.Key("serviceConnectDefaults")
        .StartObject()
        .Member("namespace", c.service_connect_namespace_arn)
        .EndObject();
  }
  w.EndObject();
}

std::string ClusterReply(const control::ControlPlane& cp, const model::Cluster& c) {
  JsonWriter w;
  w.StartObject().Key("cluster");
  WriteCluster(w, cp, c, {}, /*echo_all=*/true);
  w.EndObject();
  return w.str();
}

control::ClusterFields ReadClusterFields(JsonObjectReader& in) {
  control::ClusterFields f;
  if (const rapidjson::Value* arr = in.Array("settings")) {
    f.settings.emplace();
    for (const auto& e : arr->GetArray()) {
      JsonObjectReader s = in.Nested(e, "settings");
      auto name = s.String("name");
      auto value = s.String("value");
      f.settings->push_back({name.value_or(""), value.value_or("")});
    }
  }
  if (const rapidjson::Value* cfg = in.Object("configuration")) {
    JsonObjectReader c = in.Nested(*cfg, "configuration");
    if (const rapidjson::Value* exec = c.Object("executeCommandConfiguration")) {
      JsonObjectReader e = c.Nested(*exec, "executeCommandConfiguration");
      (void)e.String("kmsKeyId");
      (void)ReadEnum(e, "logging", {"NONE", "DEFAULT", "OVERRIDE"});
      if (const rapidjson::Value* log = e.Object("logConfiguration")) {
        JsonObjectReader l = e.Nested(*log, "logConfiguration");
        (void)l.String("cloudWatchLogGroupName");
        (void)l.Bool("cloudWatchEncryptionEnabled");
        (void)l.String("s3BucketName");
        (void)l.Bool("s3EncryptionEnabled");
        (void)l.String("s3KeyPrefix");
      }
    }
    if (const rapidjson::Value* ms = c.Object("managedStorageConfiguration")) {
      JsonObjectReader m = c.Nested(*ms, "managedStorageConfiguration");
      (void)m.String("kmsKeyId");
      (void)m.String("fargateEphemeralStorageKmsKeyId");
    }
    f.configuration = Raw(*cfg);
  }
  if (const rapidjson::Value* scd = in.Object("serviceConnectDefaults")) {
    JsonObjectReader s = in.Nested(*scd, "serviceConnectDefaults");
    f.service_connect_namespace = s.String("namespace").value_or("");
  }
  return f;
}

}  // namespace

Result<std::string> CreateCluster(OpContext& op) {
  control::CreateClusterInput in;
  in.cluster_name = op.in.String("clusterName").value_or("");
  in.tags = ReadTags(op.in, "tags").value_or(model::TagList{});
  in.fields = ReadClusterFields(op.in);
  in.capacity_providers =
      op.in.StringList("capacityProviders").value_or(std::vector<std::string>{});
  in.default_strategy = ReadStrategy(op.in, "defaultCapacityProviderStrategy")
                            .value_or(model::CapacityProviderStrategy{});
  if (!op.in.ok()) return op.in.status();
  auto c = op.control.CreateCluster(op.ctx, std::move(in));
  if (!c.ok()) return c.status();
  return ClusterReply(op.control, **c);
}

Result<std::string> DescribeClusters(OpContext& op) {
  auto ids = op.in.StringList("clusters").value_or(std::vector<std::string>{});
  Includes include = ReadEnumList(
      op.in, "include", {"ATTACHMENTS", "CONFIGURATIONS", "SETTINGS", "STATISTICS", "TAGS"});
  if (!op.in.ok()) return op.in.status();
  if (ids.size() > 100) {
    return Status::InvalidParameter("clusters can have at most 100 items, but " +
                                    std::to_string(ids.size()) + " were given.");
  }
  if (ids.empty()) ids.push_back("default");
  std::vector<const model::Cluster*> found;
  std::vector<control::DescribeFailure> failures;
  ECS_RETURN_IF_ERROR(op.control.DescribeClusters(op.ctx, ids, &found, &failures));
  JsonWriter w;
  w.StartObject().Key("clusters").StartArray();
  for (const auto* c : found) WriteCluster(w, op.control, *c, include, /*echo_all=*/false);
  w.EndArray().Key("failures").StartArray();
  for (const auto& f : failures) {
    w.StartObject().Member("arn", f.arn).Member("reason", f.reason).EndObject();
  }
  w.EndArray().EndObject();
  return w.str();
}

Result<std::string> ListClusters(OpContext& op) {
  control::PageRequest request{op.in.Int("maxResults"), op.in.String("nextToken")};
  if (!op.in.ok()) return op.in.status();
  auto page = op.control.ListClusters(op.ctx, request);
  if (!page.ok()) return page.status();
  JsonWriter w;
  w.StartObject().StringArray("clusterArns", page->arns);
  if (page->next_token) w.Member("nextToken", *page->next_token);
  w.EndObject();
  return w.str();
}

Result<std::string> DeleteCluster(OpContext& op) {
  std::string id = ReadRequiredString(op.in, "cluster");
  if (!op.in.ok()) return op.in.status();
  auto c = op.control.DeleteCluster(op.ctx, id);
  if (!c.ok()) return c.status();
  return ClusterReply(op.control, **c);
}

Result<std::string> UpdateCluster(OpContext& op) {
  std::string id = ReadRequiredString(op.in, "cluster");
  control::ClusterFields fields = ReadClusterFields(op.in);
  if (!op.in.ok()) return op.in.status();
  auto c = op.control.UpdateCluster(op.ctx, id, std::move(fields));
  if (!c.ok()) return c.status();
  return ClusterReply(op.control, **c);
}

Result<std::string> PutClusterCapacityProviders(OpContext& op) {
  std::string id = ReadRequiredString(op.in, "cluster");
  // Both members are required: [] clears the set or the default strategy.
  auto providers = op.in.StringList("capacityProviders");
  auto strategy = ReadStrategy(op.in, "defaultCapacityProviderStrategy");
  if (!op.in.ok()) return op.in.status();
  if (!providers) return Status::InvalidParameter("capacityProviders can not be null.");
  if (!strategy)
    return Status::InvalidParameter("defaultCapacityProviderStrategy can not be null.");
  auto c = op.control.PutClusterCapacityProviders(op.ctx, id, std::move(*providers),
                                                  std::move(*strategy));
  if (!c.ok()) return c.status();
  return ClusterReply(op.control, **c);
}

Result<std::string> UpdateClusterSettings(OpContext& op) {
  std::string id = ReadRequiredString(op.in, "cluster");
  control::ClusterFields fields = ReadClusterFields(op.in);
  if (!op.in.ok()) return op.in.status();
  if (!fields.settings) return Status::InvalidParameter("settings can not be empty.");
  control::ClusterFields only_settings;
  only_settings.settings = std::move(fields.settings);
  auto c = op.control.UpdateCluster(op.ctx, id, std::move(only_settings));
  if (!c.ok()) return c.status();
  return ClusterReply(op.control, **c);
}

}  // namespace ecs::api

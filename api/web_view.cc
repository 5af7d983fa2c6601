// The live web view: GET / (and /_emulator/ui) serve one page, embedded here (no build step, no
// CDN); the page polls GET /_emulator/state once a second for one account and region and
// redraws. Read-only: the page never writes.
#include <map>
#include <set>

#include "api/admin.h"
#include "api/web_page.h"
#include "common/json.h"
#include "model/wire_enum.h"

namespace ecs::api {

namespace {

void WriteInstance(JsonWriter& w, const model::ContainerInstance& ci) {
  const auto* type = ci.FindAttribute("ecs.instance-type");
  w.StartObject()
      .Member("id", ci.id)
      .Member("ec2InstanceId", ci.ec2_instance_id)
      .Member("availabilityZone", ci.availability_zone())
      .Member("instanceType", type && type->has_value() ? **type : std::string())
      .Member("status", model::ToString(ci.status))
      .Member("cpu", ci.RegisteredInteger("CPU"))
      .Member("cpuUsed", ci.usage.cpu)
      .Member("memory", ci.RegisteredInteger("MEMORY"))
      .Member("memoryUsed", ci.usage.memory)
      .EndObject();
}

void WriteTask(JsonWriter& w, const model::Task& t) {
  w.StartObject()
      .Member("id", t.id)
      .Member("taskDefinitionArn", t.task_definition_arn)
      .Member("lastStatus", model::ToString(t.last_status))
      .Member("desiredStatus", model::ToString(t.desired_status))
      .Member("containerInstanceId", t.container_instance_id)
      .Member("availabilityZone", t.availability_zone)
      .Member("group", t.group)
      .Member("startedBy", t.started_by)
      .EndObject();
}

void WriteService(JsonWriter& w, const model::Service& s) {
  w.StartObject()
      .Member("name", s.name)
      .Member("status", model::ToString(s.status))
      .Member("desiredCount", s.desired_count)
      .Member("minimumHealthyPercent", s.minimum_healthy_percent)
      .Member("maximumPercent", s.maximum_percent)
      .Key("deployments")
      .StartArray();
  for (const auto& d : s.deployments) {
    w.StartObject()
        .Member("id", d.id)
        .Member("status", model::ToString(d.status))
        .Member("rolloutState", model::ToString(d.rollout_state))
        .Member("taskDefinitionArn", d.task_definition_arn)
        .Member("desiredCount", d.desired_count)
        .Member("failedTasks", d.failed_tasks)
        .Key("createdAt")
        .Timestamp(d.created_at)
        .Key("updatedAt")
        .Timestamp(d.updated_at)
        .EndObject();
  }
  w.EndArray().Key("events").StartArray();
  constexpr size_t kEventsShown = 20;
  for (size_t i = 0; i < s.events.size() && i < kEventsShown; ++i) {
    w.StartObject()
        .Key("createdAt")
        .Timestamp(s.events[i].created_at)
        .Member("message", s.events[i].message)
        .EndObject();
  }
  w.EndArray().EndObject();
}

void WriteCluster(JsonWriter& w, const model::Cluster& c, const control::ClusterState* cs) {
  w.StartObject().Member("name", c.name).Member("status", model::ToString(c.status));
  w.Key("instances").StartArray();
  if (cs) {
    for (const auto& [id, ci] : cs->instances) WriteInstance(w, ci);
  }
  w.EndArray().Key("tasks").StartArray();
  if (cs) {
    for (const auto& [id, t] : cs->tasks) WriteTask(w, t);
  }
  w.EndArray().Key("services").StartArray();
  if (cs) {
    for (const auto& [name, s] : cs->services) WriteService(w, s);
  }
  w.EndArray().EndObject();
}

}  // namespace

// GET /_emulator/state: what the page draws, for the call's account and region.
HttpReply StateRoute(PreparedCall& call, AdminContext& admin) {
  const Tenant& tenant = call.ctx.tenant;
  JsonWriter w;
  w.StartObject()
      .Member("account", tenant.account)
      .Member("region", tenant.region)
      .Member("version", admin.options.version)
      .Key("clock")
      .StartObject()
      .Key("now")
      .Timestamp(admin.time.clock().Now())
      .Member("frozen", admin.time.clock().frozen())
      .EndObject()
      .Key("tenants")
      .StartArray();
  std::set<std::pair<std::string, std::string>> tenants{{tenant.account, tenant.region}};
  tenants.insert({admin.options.defaults.account, admin.options.defaults.region});
  for (const auto& [t, ts] : admin.control.tenants()) {
    if (!ts.clusters.empty()) tenants.insert({t.account, t.region});
  }
  for (const auto& [account, region] : tenants) {
    w.StartObject().Member("account", account).Member("region", region).EndObject();
  }
  w.EndArray().Key("clusters").StartArray();
  const auto& all = admin.control.tenants();
  if (auto it = all.find(tenant); it != all.end()) {
    for (const auto& [name, c] : it->second.clusters) {
      const auto cs = it->second.cluster_state.find(name);
      WriteCluster(w, c, cs == it->second.cluster_state.end() ? nullptr : &cs->second);
    }
  }
  w.EndArray().EndObject();
  return AdminJson(200, w.str());
}

HttpReply WebAssetRoute(const HttpCall&, const ApiOptions&, const std::string&) {
  HttpReply r = AdminJson(200, std::string(kWebPage));
  r.content_type = "text/html; charset=utf-8";
  return r;
}

}  // namespace ecs::api

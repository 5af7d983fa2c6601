// GET /_emulator/placement: the recent placement decisions of an account and region, newest
// first; GET /_emulator/placement/{decision id | task | service | group}: why one decision went
// where it went — every instance's verdict (the filter that rejected it and why, or its strategy
// keys), each task's strategy steps, the tie-break and the choice (control/placement_traces.h).
#include <string>

#include "api/admin.h"
#include "common/json.h"

namespace ecs::api {

namespace {

constexpr const char* kTieBreak =
    "seeded random: among the candidates still tied after the last strategy, the one whose "
    "instance ARN has the lowest hash under a salt drawn from the decision's seed";
// Random alone (no strategy before it, as RunTask's default) draws instead of ranking
// (scheduler/placement.cc, PickRandom).
constexpr const char* kRandomDraw =
    "random: instances of the cluster drawn (by position in instance-id order) with a generator "
    "seeded by the decision's seed until one passes; after 32 draws that all miss, the passing "
    "candidate whose instance ARN has the lowest hash under a salt drawn from that seed";

std::string Link(int64_t id) { return "/_emulator/placement/" + std::to_string(id); }

void WriteInstances(JsonWriter& w, const scheduler::PlacementTrace& trace) {
  w.Key("instances").StartArray();
  for (const auto& i : trace.instances) {
    w.StartObject()
        .Member("containerInstanceArn", i.arn)
        .Member("result", i.filter.empty() ? "candidate" : "rejected");
    if (!i.filter.empty()) w.Member("filter", i.filter).Member("detail", i.detail);
    if (!i.keys.empty()) {
      // Each strategy's key for this instance before the first task: lower is preferred.
      w.Key("strategyKeys").StartObject();
      for (size_t s = 0; s < i.keys.size() && s < trace.strategies.size(); ++s) {
        w.Member(trace.strategies[s], i.keys[s]);
      }
      w.EndObject();
    }
    w.EndObject();
  }
  w.EndArray().Member("instancesOmitted", static_cast<int64_t>(trace.instances_omitted));
}

void WriteTasks(JsonWriter& w, const control::PlacementTraceRecord& r) {
  w.Key("tasks").StartArray();
  size_t placed = 0;
  for (const auto& t : r.trace.tasks) {
    w.StartObject().Member("placed", t.placed);
    if (t.placed) {
      if (placed < r.task_arns.size()) w.Member("taskArn", r.task_arns[placed]);
      ++placed;
      w.Member("containerInstanceArn", t.instance_arn);
    } else {
      w.Member("reason", t.failure).Member("closestContainerInstanceArn", t.instance_arn);
    }
    w.Member("candidates", static_cast<int64_t>(t.candidates)).Key("strategySteps").StartArray();
    for (const auto& step : t.steps) {
      w.StartObject()
          .Member("strategy", step.strategy)
          .Member("bestKey", step.best_key)
          .Member("candidatesLeft", static_cast<int64_t>(step.remaining))
          .EndObject();
    }
    w.EndArray();
    if (t.placed) w.Member("tiedForTieBreak", static_cast<int64_t>(t.tied));
    w.EndObject();
  }
  w.EndArray();
}

void WriteHeader(JsonWriter& w, const control::PlacementTraceRecord& r) {
  w.Member("id", r.id)
      .Member("link", Link(r.id))
      .Member("account", r.tenant.account)
      .Member("region", r.tenant.region)
      .Member("cluster", r.cluster)
      .Member("operation", r.operation);
  if (!r.service_name.empty()) w.Member("serviceName", r.service_name);
  w.Member("group", r.group).Member("taskDefinitionArn", r.task_definition_arn).Key("at");
  w.Timestamp(r.at);
}

HttpReply One(const control::PlacementTraceRecord& r) {
  JsonWriter w;
  w.StartObject();
  WriteHeader(w, r);
  w.StringArray("constraints", r.trace.constraints)
      .StringArray("strategies", r.trace.strategies)
      .Member("tieBreak", r.trace.strategies.empty() ? kRandomDraw : kTieBreak);
  WriteInstances(w, r.trace);
  WriteTasks(w, r);
  w.EndObject();
  return AdminJson(200, w.str());
}

HttpReply Recent(const Tenant& tenant, const control::PlacementTraceLog& log) {
  JsonWriter w;
  w.StartObject()
      .Member("kept", static_cast<int64_t>(log.capacity()))
      .Key("placements")
      .StartArray();
  for (auto it = log.records().rbegin(); it != log.records().rend(); ++it) {
    if (it->tenant != tenant) continue;
    int64_t failed = 0;
    for (const auto& t : it->trace.tasks) failed += t.placed ? 0 : 1;
    w.StartObject();
    WriteHeader(w, *it);
    w.Member("placed", static_cast<int64_t>(it->task_arns.size()))
        .Member("failed", failed)
        .EndObject();
  }
  w.EndArray().EndObject();
  return AdminJson(200, w.str());
}

}  // namespace

HttpReply PlacementRoute(PreparedCall& call, AdminContext& admin) {
  const control::PlacementTraceLog& log = admin.control.placement_traces();
  if (call.admin_arg.empty()) return Recent(call.ctx.tenant, log);
  if (const auto* r = log.Find(call.ctx.tenant, call.admin_arg)) return One(*r);
  std::string why = log.enabled() ? "it is older than the last " + std::to_string(log.capacity()) +
                                        " decisions kept, or names none"
                                  : "placement traces are off (--placement-traces 0)";
  HttpReply r = AdminError(
      Status::InvalidParameter("No placement trace for '" + call.admin_arg + "' in account " +
                               call.ctx.tenant.account + ", region " + call.ctx.tenant.region +
                               ": " + why + ". GET /_emulator/placement lists the recent ones."),
      404);
  return r;
}

}  // namespace ecs::api

// Daemon operations (control/daemons.cc): decode -> control -> encode.
#include "api/decode.h"
#include "api/encode.h"
#include "api/operations.h"
#include "scheduler/daemon_rollout.h"

namespace ecs::api {

namespace {

std::optional<model::DaemonDeploymentConfig> ReadDaemonDeploymentConfig(JsonObjectReader& in) {
  const rapidjson::Value* obj = in.Object("deploymentConfiguration");
  if (!obj) return std::nullopt;
  JsonObjectReader c = in.Nested(*obj, "deploymentConfiguration");
  model::DaemonDeploymentConfig config;
  config.drain_percent = c.Double("drainPercent").value_or(config.drain_percent);
  config.bake_time_minutes = c.Int("bakeTimeInMinutes").value_or(0);
  if (const rapidjson::Value* alarms = c.Object("alarms")) {
    JsonObjectReader a = c.Nested(*alarms, "alarms");
    config.alarm_names = a.StringList("alarmNames").value_or(std::vector<std::string>{});
    config.alarms_enabled = a.Bool("enable").value_or(false);
  }
  return config;
}

// Create's and Update's shared members.
void ReadDaemonMembers(JsonObjectReader& in, control::DaemonInput& out) {
  out.task_definition = ReadRequiredString(in, "daemonTaskDefinitionArn");
  if (!in.Has("capacityProviderArns") && in.ok()) {
    in.Fail(Status::InvalidParameter("capacityProviderArns can not be empty."));
  }
  out.capacity_providers =
      in.StringList("capacityProviderArns").value_or(std::vector<std::string>{});
  out.config = ReadDaemonDeploymentConfig(in);
  if (auto p = ReadEnum(in, "propagateTags", {"DAEMON", "NONE"}))
    out.propagate_tags = *p == "DAEMON";
  out.managed_tags = in.Bool("enableECSManagedTags");
  out.execute_command = in.Bool("enableExecuteCommand");
}

// CreateDaemon's, UpdateDaemon's and DeleteDaemon's reply.
std::string DaemonReply(const model::Daemon& d, bool updated) {
  JsonWriter w;
  w.StartObject()
      .Member("daemonArn", d.arn)
      .Member("status", model::ToString(d.status))
      .Key("createdAt")
      .Timestamp(d.created_at);
  if (updated) w.Key("updatedAt").Timestamp(d.updated_at);
  w.Member("deploymentArn", d.latest().arn).EndObject();
  return w.str();
}

void WriteDaemonConfig(JsonWriter& w, const model::DaemonDeploymentConfig& c) {
  w.Key("deploymentConfiguration").StartObject().Key("drainPercent").Double(c.drain_percent);
  w.Key("alarms").StartObject().StringArray("alarmNames", c.alarm_names);
  w.Member("enable", c.alarms_enabled).EndObject();
  w.Member("bakeTimeInMinutes", c.bake_time_minutes).EndObject();
}

// A DaemonDeploymentRevisionDetail: the instances running / draining a revision, by provider.
void WriteDaemonRevisionDetail(JsonWriter& w, const control::DaemonRevisionCounts& counts,
                               const std::string& arn) {
  w.StartObject().Member("arn", arn).Key("capacityProviders").StartArray();
  for (const auto& p : counts.providers) {
    w.StartObject()
        .Member("arn", p.provider_arn)
        .Member("runningInstanceCount", p.running)
        .Member("drainingInstanceCount", p.draining)
        .EndObject();
  }
  w.EndArray()
      .Member("totalRunningInstanceCount", counts.running)
      .Member("totalDrainingInstanceCount", counts.draining)
      .EndObject();
}

void WriteDaemonWatches(JsonWriter& w, const model::DaemonDeployment& dep, int64_t threshold) {
  const char* watch = dep.finished() ? "MONITORING_COMPLETE" : "MONITORING";
  const bool rolled_back_by_breaker = dep.rollback && dep.triggered_alarms.empty();
  w.Key("circuitBreaker")
      .StartObject()
      .Member("failureCount", dep.failure_count)
      .Member("status", rolled_back_by_breaker ? "TRIGGERED" : watch)
      .Member("threshold", threshold)
      .EndObject();
  const char* alarms = !dep.config.alarms_enabled      ? "DISABLED"
                       : !dep.triggered_alarms.empty() ? "TRIGGERED"
                                                       : watch;
  w.Key("alarms").StartObject().Member("status", alarms);
  w.StringArray("alarmNames", dep.config.alarm_names);
  w.StringArray("triggeredAlarmNames", dep.triggered_alarms).EndObject();
}

void WriteDaemonTime(JsonWriter& w, std::string_view key, const std::optional<Millis>& at) {
  if (at) w.Key(key).Timestamp(*at);
}

void WriteDaemonDeployment(JsonWriter& w, const control::ControlPlane& control,
                           const control::DaemonDeploymentRef& ref) {
  const model::Daemon& d = *ref.daemon;
  const model::DaemonDeployment& dep = *ref.deployment;
  w.StartObject()
      .Member("daemonDeploymentArn", dep.arn)
      .Member("clusterArn", ArnPrefix(d.tenant) + "cluster/" + d.cluster)
      .Member("status", model::ToString(dep.status));
  if (!dep.status_reason.empty()) w.Member("statusReason", dep.status_reason);
  int64_t instances = 0;
  if (!dep.target_revision_arn.empty()) {
    const auto counts = control.CountDaemonRevision(d, dep.target_revision_arn);
    instances += counts.running + counts.draining;
    w.Key("targetDaemonRevision");
    WriteDaemonRevisionDetail(w, counts, dep.target_revision_arn);
  }
  w.Key("sourceDaemonRevisions").StartArray();
  for (const auto& arn : dep.source_revision_arns) {
    const auto counts = control.CountDaemonRevision(d, arn);
    instances += counts.running + counts.draining;
    WriteDaemonRevisionDetail(w, counts, arn);
  }
  w.EndArray();
  WriteDaemonWatches(w, dep, scheduler::DaemonFailureThreshold(instances));
  if (dep.rollback) {
    w.Key("rollback").StartObject().Member("reason", dep.rollback->reason);
    w.Key("startedAt").Timestamp(dep.rollback->started_at);
    w.Member("rollbackTargetDaemonRevisionArn", dep.rollback->target_revision_arn);
    const model::DaemonRevision* rev = d.FindRevision(dep.rollback->target_revision_arn);
    w.Key("rollbackCapacityProviders").StartArray();
    for (const auto& p : rev ? rev->capacity_providers : std::vector<std::string>{}) {
      w.String(ArnPrefix(d.tenant) + "capacity-provider/" + p);
    }
    w.EndArray().EndObject();
  }
  WriteDaemonConfig(w, dep.config);
  w.Key("createdAt").Timestamp(dep.created_at);
  WriteDaemonTime(w, "startedAt", dep.started_at);
  WriteDaemonTime(w, "stoppedAt", dep.stopped_at);
  WriteDaemonTime(w, "finishedAt", dep.finished_at);
  w.EndObject();
}

}  // namespace

Result<std::string> CreateDaemon(OpContext& op) {
  control::DaemonInput in;
  in.name = ReadRequiredString(op.in, "daemonName");
  in.cluster = op.in.String("clusterArn").value_or("");
  ReadDaemonMembers(op.in, in);
  in.tags = ReadTags(op.in, "tags").value_or(model::TagList{});
  in.client_token = op.in.String("clientToken").value_or("");
  if (!op.in.ok()) return op.in.status();
  auto d = op.control.CreateDaemon(op.ctx, in);
  if (!d.ok()) return d.status();
  return DaemonReply(**d, false);
}

Result<std::string> UpdateDaemon(OpContext& op) {
  control::DaemonInput in;
  in.daemon_arn = ReadRequiredString(op.in, "daemonArn");
  ReadDaemonMembers(op.in, in);
  if (!op.in.ok()) return op.in.status();
  auto d = op.control.UpdateDaemon(op.ctx, in);
  if (!d.ok()) return d.status();
  return DaemonReply(**d, true);
}

Result<std::string> DeleteDaemon(OpContext& op) {
  const std::string arn = ReadRequiredString(op.in, "daemonArn");
  if (!op.in.ok()) return op.in.status();
  auto d = op.control.DeleteDaemon(op.ctx, arn);
  if (!d.ok()) return d.status();
  return DaemonReply(**d, true);
}

Result<std::string> DescribeDaemon(OpContext& op) {
  const std::string arn = ReadRequiredString(op.in, "daemonArn");
  if (!op.in.ok()) return op.in.status();
  auto found = op.control.DescribeDaemon(op.ctx, arn);
  if (!found.ok()) return found.status();
  const model::Daemon& d = **found;
  JsonWriter w;
  w.StartObject().Key("daemon").StartObject();
  w.Member("daemonArn", d.arn).Member("clusterArn", ArnPrefix(d.tenant) + "cluster/" + d.cluster);
  w.Member("status", model::ToString(d.status)).Key("currentRevisions").StartArray();
  // The revisions daemon tasks run now.
  for (const auto& rev : d.revisions) {
    const auto counts = op.control.CountDaemonRevision(d, rev.arn);
    if (counts.running + counts.draining == 0) continue;
    w.StartObject().Member("arn", rev.arn).Key("capacityProviders").StartArray();
    for (const auto& p : counts.providers) {
      w.StartObject().Member("arn", p.provider_arn).Member("runningCount", p.running).EndObject();
    }
    w.EndArray().Member("totalRunningCount", counts.running).EndObject();
  }
  w.EndArray().Member("deploymentArn", d.latest().arn);
  w.Key("createdAt").Timestamp(d.created_at).Key("updatedAt").Timestamp(d.updated_at);
  w.EndObject().EndObject();
  return w.str();
}

Result<std::string> ListDaemons(OpContext& op) {
  control::ListDaemonsInput in;
  in.cluster = op.in.String("clusterArn").value_or("");
  in.capacity_providers =
      op.in.StringList("capacityProviderArns").value_or(std::vector<std::string>{});
  in.page.max_results = op.in.Int("maxResults");
  in.page.next_token = op.in.String("nextToken");
  if (!op.in.ok()) return op.in.status();
  std::optional<std::string> next;
  auto daemons = op.control.ListDaemons(op.ctx, in, &next);
  if (!daemons.ok()) return daemons.status();
  JsonWriter w;
  w.StartObject().Key("daemonSummariesList").StartArray();
  for (const model::Daemon* d : *daemons) {
    w.StartObject().Member("daemonArn", d->arn).Member("status", model::ToString(d->status));
    w.Key("createdAt").Timestamp(d->created_at).Key("updatedAt").Timestamp(d->updated_at);
    w.EndObject();
  }
  w.EndArray();
  if (next) w.Member("nextToken", *next);
  w.EndObject();
  return w.str();
}

Result<std::string> DescribeDaemonDeployments(OpContext& op) {
  const auto arns = op.in.StringList("daemonDeploymentArns");
  if (!arns && op.in.ok()) {
    return Status::InvalidParameter("daemonDeploymentArns can not be empty.");
  }
  if (!op.in.ok()) return op.in.status();
  std::vector<control::DaemonDeploymentRef> found;
  std::vector<control::DescribeFailure> failures;
  ECS_RETURN_IF_ERROR(op.control.DescribeDaemonDeployments(op.ctx, *arns, &found, &failures));
  JsonWriter w;
  w.StartObject();
  WriteFailures(w, failures);
  w.Key("daemonDeployments").StartArray();
  for (const auto& ref : found) WriteDaemonDeployment(w, op.control, ref);
  w.EndArray().EndObject();
  return w.str();
}

Result<std::string> ListDaemonDeployments(OpContext& op) {
  control::ListDaemonDeploymentsInput in;
  in.daemon_arn = ReadRequiredString(op.in, "daemonArn");
  for (const auto& s : op.in.StringList("status").value_or(std::vector<std::string>{})) {
    auto status = model::Parse<model::DaemonDeploymentStatus>(s);
    if (!status) return Status::InvalidParameter("Invalid value '" + s + "' for status.");
    in.statuses.push_back(*status);
  }
  if (const rapidjson::Value* created = op.in.Object("createdAt")) {
    JsonObjectReader range = op.in.Nested(*created, "createdAt");
    in.created_before = range.Timestamp("before");
    in.created_after = range.Timestamp("after");
  }
  in.page.max_results = op.in.Int("maxResults");
  in.page.next_token = op.in.String("nextToken");
  if (!op.in.ok()) return op.in.status();
  std::optional<std::string> next;
  auto deployments = op.control.ListDaemonDeployments(op.ctx, in, &next);
  if (!deployments.ok()) return deployments.status();
  JsonWriter w;
  w.StartObject();
  if (next) w.Member("nextToken", *next);
  w.Key("daemonDeployments").StartArray();
  for (const auto& ref : *deployments) {
    const model::DaemonDeployment& dep = *ref.deployment;
    w.StartObject()
        .Member("daemonDeploymentArn", dep.arn)
        .Member("daemonArn", ref.daemon->arn)
        .Member("clusterArn", ArnPrefix(ref.daemon->tenant) + "cluster/" + ref.daemon->cluster)
        .Member("status", model::ToString(dep.status));
    if (!dep.status_reason.empty()) w.Member("statusReason", dep.status_reason);
    if (!dep.target_revision_arn.empty()) {
      w.Member("targetDaemonRevisionArn", dep.target_revision_arn);
    }
    w.Key("createdAt").Timestamp(dep.created_at);
    WriteDaemonTime(w, "startedAt", dep.started_at);
    WriteDaemonTime(w, "stoppedAt", dep.stopped_at);
    WriteDaemonTime(w, "finishedAt", dep.finished_at);
    w.EndObject();
  }
  w.EndArray().EndObject();
  return w.str();
}

Result<std::string> DescribeDaemonRevisions(OpContext& op) {
  const auto arns = op.in.StringList("daemonRevisionArns");
  if (!arns && op.in.ok()) return Status::InvalidParameter("daemonRevisionArns can not be empty.");
  if (!op.in.ok()) return op.in.status();
  std::vector<control::DaemonRevisionRef> found;
  std::vector<control::DescribeFailure> failures;
  ECS_RETURN_IF_ERROR(op.control.DescribeDaemonRevisions(op.ctx, *arns, &found, &failures));
  JsonWriter w;
  w.StartObject().Key("daemonRevisions").StartArray();
  for (const auto& ref : found) {
    const model::DaemonRevision& r = *ref.revision;
    w.StartObject()
        .Member("daemonRevisionArn", r.arn)
        .Member("clusterArn", ArnPrefix(ref.daemon->tenant) + "cluster/" + ref.daemon->cluster)
        .Member("daemonArn", ref.daemon->arn)
        .Member("daemonTaskDefinitionArn", r.task_definition_arn);
    w.Key("createdAt").Timestamp(r.created_at).Key("containerImages").StartArray();
    for (const auto& i : r.images) {
      w.StartObject().Member("containerName", i.container_name).Member("image", i.image);
      w.EndObject();
    }
    w.EndArray()
        .Member("propagateTags", r.propagate_tags ? "DAEMON" : "NONE")
        .Member("enableECSManagedTags", r.managed_tags)
        .Member("enableExecuteCommand", r.execute_command)
        .EndObject();
  }
  w.EndArray();
  WriteFailures(w, failures);
  w.EndObject();
  return w.str();
}

}  // namespace ecs::api

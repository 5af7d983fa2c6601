// Row bodies for daemon task definitions (Kind::kDaemonTaskDefinition) and daemons
// (Kind::kDaemon: a daemon with its revisions and deployments, model/daemon.h).
#include "common/json.h"
#include "storage/codec.h"
#include "storage/codec_util.h"
#include "storage/row_reader.h"

namespace ecs::storage {

std::string EncodeDaemonTaskDefinition(const StoredDaemonTaskDefinition& td) {
  JsonWriter w;
  w.StartObject()
      .Member("account", td.tenant.account)
      .Member("region", td.tenant.region)
      .Member("family", td.family)
      .Member("arn", td.reg.arn)
      .Member("revision", td.reg.revision)
      .Member("status", model::ToString(td.reg.status))
      .Member("registeredAt", td.reg.registered_at)
      .Member("registeredBy", td.reg.registered_by);
  if (td.reg.delete_requested_at) w.Member("deleteRequestedAt", *td.reg.delete_requested_at);
  w.Key("body").Raw(td.body).EndObject();
  return w.str();
}

Result<StoredDaemonTaskDefinition> DecodeDaemonTaskDefinition(std::string_view key, int64_t seq,
                                                              std::string_view body) {
  RowReader r("daemon task definition", key, body);
  StoredDaemonTaskDefinition td;
  td.seq = seq;
  td.tenant = {r.String("account"), r.String("region")};
  td.family = r.String("family");
  td.reg.arn = r.String("arn");
  td.reg.revision = r.Int("revision");
  td.reg.status = r.Enum<model::DaemonTaskDefinitionStatus>("status");
  td.reg.registered_at = r.Int("registeredAt");
  td.reg.registered_by = r.String("registeredBy");
  td.reg.delete_requested_at = r.OptInt("deleteRequestedAt");
  td.body = ReadBodyText(r, body);
  if (!r.ok()) return r.status();
  return td;
}

namespace {

void WriteOptionalTime(JsonWriter& w, const char* key, const std::optional<Millis>& at) {
  if (at) w.Member(key, *at);
}

void WriteDaemonRevision(JsonWriter& w, const model::DaemonRevision& r) {
  w.StartObject()
      .Member("arn", r.arn)
      .Member("taskDefinition", r.task_definition_arn)
      .StringArray("capacityProviders", r.capacity_providers)
      .Member("propagateTags", r.propagate_tags)
      .Member("managedTags", r.managed_tags)
      .Member("executeCommand", r.execute_command)
      .Member("createdAt", r.created_at);
  w.Key("images").StartArray();
  for (const auto& i : r.images) {
    w.StartObject().Member("name", i.container_name).Member("image", i.image).EndObject();
  }
  w.EndArray().EndObject();
}

model::DaemonRevision ReadDaemonRevision(RowReader& r) {
  model::DaemonRevision rev;
  rev.arn = r.String("arn");
  rev.task_definition_arn = r.String("taskDefinition");
  rev.capacity_providers = ReadStrings(r, r.Array("capacityProviders"), "capacityProviders");
  rev.propagate_tags = r.Bool("propagateTags");
  rev.managed_tags = r.Bool("managedTags");
  rev.execute_command = r.Bool("executeCommand");
  rev.created_at = r.Int("createdAt");
  for (const auto& v : r.Array("images").GetArray()) {
    RowReader item = r.Nested(v);
    rev.images.push_back({item.String("name"), item.String("image")});
  }
  return rev;
}

void WriteDaemonDeployment(JsonWriter& w, const model::DaemonDeployment& d) {
  w.StartObject()
      .Member("arn", d.arn)
      .Member("id", d.id)
      .Member("status", model::ToString(d.status))
      .Member("statusReason", d.status_reason)
      .Member("target", d.target_revision_arn)
      .StringArray("sources", d.source_revision_arns)
      .Key("drainPercent")
      .Double(d.config.drain_percent)
      .Member("bakeTimeInMinutes", d.config.bake_time_minutes)
      .StringArray("alarmNames", d.config.alarm_names)
      .Member("alarmsEnabled", d.config.alarms_enabled)
      .Member("createdAt", d.created_at);
  WriteOptionalTime(w, "startedAt", d.started_at);
  WriteOptionalTime(w, "finishedAt", d.finished_at);
  WriteOptionalTime(w, "stoppedAt", d.stopped_at);
  w.Member("batchOpen", d.batch_open)
      .Member("bakeUntil", d.bake_until)
      .Member("failureCount", d.failure_count)
      .StringArray("triggeredAlarms", d.triggered_alarms);
  if (d.rollback) {
    w.Key("rollback")
        .StartObject()
        .Member("reason", d.rollback->reason)
        .Member("startedAt", d.rollback->started_at)
        .Member("target", d.rollback->target_revision_arn)
        .EndObject();
  }
  w.EndObject();
}

model::DaemonDeployment ReadDaemonDeployment(RowReader& r) {
  model::DaemonDeployment d;
  d.arn = r.String("arn");
  d.id = r.String("id");
  d.status = r.Enum<model::DaemonDeploymentStatus>("status");
  d.status_reason = r.OptString("statusReason");
  d.target_revision_arn = r.OptString("target");
  d.source_revision_arns = ReadStrings(r, r.Array("sources"), "sources");
  d.config.drain_percent = r.OptDouble("drainPercent", 25.0);
  d.config.bake_time_minutes = r.Int("bakeTimeInMinutes");
  d.config.alarm_names = ReadStrings(r, r.Array("alarmNames"), "alarmNames");
  d.config.alarms_enabled = r.Bool("alarmsEnabled");
  d.created_at = r.Int("createdAt");
  d.started_at = r.OptInt("startedAt");
  d.finished_at = r.OptInt("finishedAt");
  d.stopped_at = r.OptInt("stoppedAt");
  d.batch_open = r.Bool("batchOpen");
  d.bake_until = r.Int("bakeUntil");
  d.failure_count = r.Int("failureCount");
  d.triggered_alarms = ReadStrings(r, r.Array("triggeredAlarms"), "triggeredAlarms");
  if (const rapidjson::Value* rb = r.Object("rollback")) {
    RowReader item = r.Nested(*rb);
    d.rollback =
        model::DaemonRollback{item.String("reason"), item.Int("startedAt"), item.String("target")};
  }
  return d;
}

}  // namespace

std::string EncodeDaemon(const model::Daemon& d) {
  JsonWriter w;
  w.StartObject()
      .Member("account", d.tenant.account)
      .Member("region", d.tenant.region)
      .Member("cluster", d.cluster)
      .Member("name", d.name)
      .Member("arn", d.arn)
      .Member("seq", d.seq)
      .Member("status", model::ToString(d.status))
      .Member("deleted", d.deleted)
      .Member("createdAt", d.created_at)
      .Member("updatedAt", d.updated_at)
      .Member("clientToken", d.client_token)
      .Member("fingerprint", d.request_fingerprint)
      .StringArray("replacing", d.replacing)
      .StringArray("replacements", d.replacements);
  w.Key("revisions").StartArray();
  for (const auto& r : d.revisions) WriteDaemonRevision(w, r);
  w.EndArray().Key("deployments").StartArray();
  for (const auto& dep : d.deployments) WriteDaemonDeployment(w, dep);
  w.EndArray().EndObject();
  return w.str();
}

Result<model::Daemon> DecodeDaemon(std::string_view key, std::string_view body) {
  RowReader r("daemon", key, body);
  model::Daemon d;
  d.tenant = {r.String("account"), r.String("region")};
  d.cluster = r.String("cluster");
  d.name = r.String("name");
  d.arn = r.String("arn");
  d.seq = r.Int("seq");
  d.status = r.Enum<model::DaemonStatus>("status");
  d.deleted = r.Bool("deleted");
  d.created_at = r.Int("createdAt");
  d.updated_at = r.Int("updatedAt");
  d.client_token = r.OptString("clientToken");
  d.request_fingerprint = r.OptString("fingerprint");
  d.replacing = ReadStrings(r, r.Array("replacing"), "replacing");
  d.replacements = ReadStrings(r, r.Array("replacements"), "replacements");
  for (const auto& v : r.Array("revisions").GetArray()) {
    RowReader item = r.Nested(v);
    d.revisions.push_back(ReadDaemonRevision(item));
  }
  for (const auto& v : r.Array("deployments").GetArray()) {
    RowReader item = r.Nested(v);
    d.deployments.push_back(ReadDaemonDeployment(item));
  }
  if (r.ok() && d.deployments.empty()) r.Fail("deployments", "is empty");
  if (!r.ok()) return r.status();
  return d;
}

}  // namespace ecs::storage

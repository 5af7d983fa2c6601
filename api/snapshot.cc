// GET / POST /_emulator/snapshot: the whole state as one JSON document, and back.
//
//   {"snapshot": "ecs-emulator", "format": 1, "version": "...",
//    "clock": {"now": <ms>, "frozen": bool},
//    "rows": [{"kind": 1, "key": "...", "seq": 3, "body": "<the stored row>"}, ...],
//    "runtime": {"services": [...], "failingTaskDefinitions": [...]}}
//
// The rows are exactly what the store keeps (ControlPlane::DumpRows), each body as its codec
// wrote it, so a kind of resource added to the store is in every snapshot without a change here.
// `runtime` is what only memory holds (control/requests.h RuntimeState). The clock is in
// milliseconds so that a restored deployment resumes at the same instant, not the nearest second.
#include "api/admin.h"
#include "common/json.h"

namespace ecs::api {

namespace {

constexpr int64_t kSnapshotFormat = 1;

void WriteRuntime(JsonWriter& w, const control::RuntimeState& runtime) {
  w.Key("runtime").StartObject().Key("services").StartArray();
  for (const auto& s : runtime.services) {
    w.StartObject()
        .Member("account", s.tenant.account)
        .Member("region", s.tenant.region)
        .Member("cluster", s.cluster)
        .Member("service", s.service)
        .Member("nextLaunchAt", s.next_launch_at)
        .Member("startFailures", s.start_failures)
        .Member("placementFailureReported", s.placement_failure_reported)
        .Member("throttleReported", s.throttle_reported)
        .EndObject();
  }
  w.EndArray().StringArray("failingTaskDefinitions", runtime.failing_task_definitions);
  w.EndObject();
}

HttpReply GetSnapshot(PreparedCall& call, AdminContext& admin) {
  const storage::ChangeSet rows = admin.control.DumpRows(call.scope);
  JsonWriter w;
  w.StartObject()
      .Member("snapshot", "ecs-emulator")
      .Member("format", kSnapshotFormat)
      .Member("version", admin.options.version)
      .Key("clock")
      .StartObject()
      .Member("now", admin.time.clock().Now())
      .Member("frozen", admin.time.clock().frozen())
      .EndObject()
      .Key("rows")
      .StartArray();
  for (const auto& row : rows.rows()) {
    w.StartObject()
        .Member("kind", static_cast<int64_t>(row.kind))
        .Member("key", row.key)
        .Member("seq", row.seq)
        .Member("body", row.body.value_or(""))
        .EndObject();
  }
  w.EndArray();
  WriteRuntime(w, admin.control.ExportRuntime(call.scope));
  w.EndObject();
  return AdminJson(200, w.str());
}

Status BadSnapshot(const std::string& what) {
  return Status::InvalidParameter("Not an ecs-emulator snapshot: " + what + ".");
}

Status ReadRows(const rapidjson::Value& rows, std::vector<storage::ChangeSet::Row>* out) {
  if (!rows.IsArray()) return BadSnapshot("rows must be an array");
  for (const auto& v : rows.GetArray()) {
    if (!v.IsObject()) return BadSnapshot("each row must be an object");
    JsonObjectReader in(v);
    auto kind = in.Int("kind");
    auto key = in.String("key");
    auto seq = in.Int("seq");
    auto body = in.String("body");
    if (!in.ok()) return in.status();
    if (!kind || !key || !seq || !body) {
      return BadSnapshot("row " + std::to_string(out->size()) + " needs kind, key, seq and body");
    }
    out->push_back({static_cast<storage::Kind>(*kind), *key, *seq, body});
  }
  return Status::Ok();
}

Status ReadRuntime(const rapidjson::Value* runtime, control::RuntimeState* out) {
  if (!runtime) return Status::Ok();
  JsonObjectReader in(*runtime);
  if (const rapidjson::Value* services = in.Array("services")) {
    for (const auto& v : services->GetArray()) {
      if (!v.IsObject()) return BadSnapshot("runtime.services holds objects");
      JsonObjectReader s(v);
      control::RuntimeState::ServiceRuntime r;
      r.tenant.account = s.String("account").value_or("");
      r.tenant.region = s.String("region").value_or("");
      r.cluster = s.String("cluster").value_or("");
      r.service = s.String("service").value_or("");
      r.next_launch_at = s.Int("nextLaunchAt").value_or(0);
      r.start_failures = s.Int("startFailures").value_or(0);
      r.placement_failure_reported = s.Bool("placementFailureReported").value_or(false);
      r.throttle_reported = s.Bool("throttleReported").value_or(false);
      if (!s.ok()) return s.status();
      out->services.push_back(std::move(r));
    }
  }
  out->failing_task_definitions =
      in.StringList("failingTaskDefinitions").value_or(std::vector<std::string>{});
  return in.ok() ? Status::Ok() : in.status();
}

HttpReply PostSnapshot(PreparedCall& call, AdminContext& admin) {
  JsonObjectReader in(*call.body);
  auto kind = in.String("snapshot");
  auto format = in.Int("format");
  const rapidjson::Value* clock = in.Object("clock");
  const rapidjson::Value* rows_json = in.Array("rows");
  const rapidjson::Value* runtime_json = in.Object("runtime");
  if (!in.ok()) return AdminError(in.status());
  if (kind != "ecs-emulator" || !rows_json) {
    return AdminError(
        BadSnapshot("expected {\"snapshot\": \"ecs-emulator\", \"rows\": [...]} "
                    "as GET /_emulator/snapshot returns it"));
  }
  if (format != kSnapshotFormat) {
    return AdminError(BadSnapshot("format " + std::to_string(format.value_or(0)) +
                                  " is not the format this emulator reads (" +
                                  std::to_string(kSnapshotFormat) + ")"));
  }
  std::vector<storage::ChangeSet::Row> rows;
  control::RuntimeState runtime;
  Status s = ReadRows(*rows_json, &rows);
  if (s.ok()) s = ReadRuntime(runtime_json, &runtime);
  std::optional<int64_t> now;
  bool frozen = false;
  if (s.ok() && clock) {
    JsonObjectReader c(*clock);
    now = c.Long("now");
    frozen = c.Bool("frozen").value_or(false);
    if (!c.ok()) s = c.status();
  }
  if (s.ok()) s = admin.control.ReplaceState(call.scope, rows, runtime);
  // A row the codecs cannot read is the snapshot's fault, not the server's.
  if (s.code() == ErrorCode::kCorrupt) s = BadSnapshot(s.message());
  if (!s.ok()) return AdminError(s);
  // The clock is shared by every tenant: only a whole-state restore moves it.
  if (now && call.scope.all()) admin.time.Restore(*now, frozen);
  JsonWriter w;
  w.StartObject()
      .Member("restored", true)
      .Member("rows", static_cast<int64_t>(rows.size()))
      .Key("clock")
      .StartObject()
      .Member("now", admin.time.clock().Now())
      .Member("frozen", admin.time.clock().frozen())
      .EndObject()
      .EndObject();
  return AdminJson(200, w.str());
}

}  // namespace

HttpReply SnapshotRoute(PreparedCall& call, AdminContext& admin) {
  return call.admin_method == "GET" ? GetSnapshot(call, admin) : PostSnapshot(call, admin);
}

}  // namespace ecs::api

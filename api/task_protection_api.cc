// UpdateTaskProtection and GetTaskProtection (control/task_protection.cc).
#include "api/decode.h"
#include "api/encode.h"
#include "api/operations.h"

namespace ecs::api {

namespace {

std::string ProtectionReply(const control::TaskProtectionResult& r) {
  JsonWriter w;
  w.StartObject().Key("protectedTasks").StartArray();
  for (const auto& t : r.tasks) {
    w.StartObject().Member("taskArn", t.task_arn).Member("protectionEnabled", t.enabled);
    if (t.expires_at) w.Key("expirationDate").Timestamp(*t.expires_at);
    w.EndObject();
  }
  w.EndArray();
  WriteFailures(w, r.failures);
  w.EndObject();
  return w.str();
}

}  // namespace

Result<std::string> UpdateTaskProtection(OpContext& op) {
  std::string cluster = ReadRequiredString(op.in, "cluster");
  auto tasks = op.in.StringList("tasks").value_or(std::vector<std::string>{});
  auto enabled = op.in.Bool("protectionEnabled");
  auto minutes = op.in.Int("expiresInMinutes");
  if (!op.in.ok()) return op.in.status();
  if (!enabled) return Status::InvalidParameter("protectionEnabled can not be null.");
  auto r = op.control.UpdateTaskProtection(op.ctx, cluster, tasks, *enabled, minutes);
  if (!r.ok()) return r.status();
  return ProtectionReply(*r);
}

Result<std::string> GetTaskProtection(OpContext& op) {
  std::string cluster = ReadRequiredString(op.in, "cluster");
  auto tasks = op.in.StringList("tasks").value_or(std::vector<std::string>{});
  if (!op.in.ok()) return op.in.status();
  auto r = op.control.GetTaskProtection(op.ctx, cluster, tasks);
  if (!r.ok()) return r.status();
  return ProtectionReply(*r);
}

}  // namespace ecs::api

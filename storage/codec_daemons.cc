// Row bodies for daemon task definitions.
#include "common/json.h"
#include "storage/codec.h"
#include "storage/codec_util.h"

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
  const rapidjson::Value* definition = r.Object("body");
  if (!definition && r.ok()) r.Fail("body", "is missing");
  if (definition) td.body = ToJson(*definition);
  if (!r.ok()) return r.status();
  return td;
}

}  // namespace ecs::storage

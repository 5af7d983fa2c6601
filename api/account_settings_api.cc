// Account-setting operations: decode -> control -> encode.
#include "api/decode.h"
#include "api/operations.h"

namespace ecs::api {

namespace {

void WriteSetting(JsonWriter& w, const control::AccountSetting& s) {
  w.StartObject()
      .Member("name", s.name)
      .Member("value", s.value)
      .Member("principalArn", s.principal_arn)
      .Member("type", s.type)
      .EndObject();
}

Result<std::string> SettingReply(const Result<control::AccountSetting>& s) {
  if (!s.ok()) return s.status();
  JsonWriter w;
  w.StartObject().Key("setting");
  WriteSetting(w, *s);
  w.EndObject();
  return w.str();
}

}  // namespace

Result<std::string> PutAccountSetting(OpContext& op) {
  std::string name = ReadRequiredString(op.in, "name");
  std::string value = ReadRequiredString(op.in, "value");
  std::string principal = op.in.String("principalArn").value_or("");
  if (!op.in.ok()) return op.in.status();
  return SettingReply(op.control.PutAccountSetting(op.ctx, name, value, principal));
}

Result<std::string> PutAccountSettingDefault(OpContext& op) {
  std::string name = ReadRequiredString(op.in, "name");
  std::string value = ReadRequiredString(op.in, "value");
  if (!op.in.ok()) return op.in.status();
  return SettingReply(op.control.PutAccountSettingDefault(op.ctx, name, value));
}

Result<std::string> DeleteAccountSetting(OpContext& op) {
  std::string name = ReadRequiredString(op.in, "name");
  std::string principal = op.in.String("principalArn").value_or("");
  if (!op.in.ok()) return op.in.status();
  return SettingReply(op.control.DeleteAccountSetting(op.ctx, name, principal));
}

Result<std::string> ListAccountSettings(OpContext& op) {
  control::ListAccountSettingsInput in;
  in.name = op.in.String("name").value_or("");
  in.value = op.in.String("value").value_or("");
  in.principal_arn = op.in.String("principalArn").value_or("");
  in.effective_settings = op.in.Bool("effectiveSettings").value_or(false);
  in.max_results = op.in.Int("maxResults");
  in.next_token = op.in.String("nextToken");
  if (!op.in.ok()) return op.in.status();
  auto page = op.control.ListAccountSettings(op.ctx, in);
  if (!page.ok()) return page.status();
  JsonWriter w;
  w.StartObject().Key("settings").StartArray();
  for (const auto& s : page->first) WriteSetting(w, s);
  w.EndArray();
  if (page->second) w.Member("nextToken", *page->second);
  w.EndObject();
  return w.str();
}

}  // namespace ecs::api

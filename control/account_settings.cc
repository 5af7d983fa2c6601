// PutAccountSetting, PutAccountSettingDefault, DeleteAccountSetting, ListAccountSettings.
//
// Settings are per tenant (account + region) and per principal. The account default is the
// root principal's setting (PutAccountSettingDefault writes it); a user or role falls back to
// it, and the root falls back to the built-in default of docs/resources.md §12. Every caller of the
// emulator is the account's root (RequestContext::principal_arn), so "the caller" is the root.
//
// Persistence: one row per explicit setting (storage::ChangeSet::PutAccountSetting); deleting the
// setting deletes the row.
#include <algorithm>
#include <array>

#include "common/pagination.h"
#include "control/control_plane.h"

namespace ecs::control {

namespace {

struct SettingRule {
  std::string_view name;
  std::vector<std::string_view> values;
  std::string_view default_value;
};

// The model's SettingName enum, alphabetically (the order ListAccountSettings returns), with the
// values each accepts and the effective default an account starts with (docs/resources.md §12).
const std::array<SettingRule, 11>& Rules() {
  static const std::array<SettingRule, 11> kRules = {{
      {"awsvpcTrunking", {"enabled", "disabled"}, "disabled"},
      {"containerInsights", {"enabled", "disabled", "enhanced"}, "disabled"},
      {"containerInstanceLongArnFormat", {"enabled", "disabled"}, "enabled"},
      {"defaultLogDriverMode", {"blocking", "non-blocking"}, "non-blocking"},
      {"fargateEventWindows", {"enabled", "disabled"}, "disabled"},
      {"fargateFIPSMode", {"enabled", "disabled"}, "disabled"},
      {"fargateTaskRetirementWaitPeriod", {"0", "7", "14"}, "7"},
      {"guardDutyActivate", {"on", "off"}, "off"},
      {"serviceLongArnFormat", {"enabled", "disabled"}, "enabled"},
      {"tagResourceAuthorization", {"on", "off"}, "on"},
      {"taskLongArnFormat", {"enabled", "disabled"}, "enabled"},
  }};
  return kRules;
}

constexpr std::string_view kReadOnly = "guardDutyActivate";  // GuardDuty owns it
constexpr std::string_view kRootOnly = "fargateTaskRetirementWaitPeriod";

const SettingRule* FindRule(std::string_view name) {
  for (const auto& r : Rules()) {
    if (r.name == name) return &r;
  }
  return nullptr;
}

std::string Join(const std::vector<std::string_view>& values) {
  std::string out;
  for (auto v : values) out += (out.empty() ? "" : ", ") + std::string(v);
  return out;
}

Result<const SettingRule*> CheckName(const std::string& name) {
  if (name.empty()) return Status::InvalidParameter("name can not be empty.");
  const SettingRule* rule = FindRule(name);
  if (!rule) {
    // AWS's text (issue 11): the model's SettingName enum in the model's order, no spaces.
    static constexpr std::string_view kModelOrder =
        "serviceLongArnFormat,taskLongArnFormat,containerInstanceLongArnFormat,awsvpcTrunking,"
        "containerInsights,fargateFIPSMode,tagResourceAuthorization,"
        "fargateTaskRetirementWaitPeriod,guardDutyActivate,defaultLogDriverMode,"
        "fargateEventWindows";
    return Status::InvalidParameter("name should be one of [" + std::string(kModelOrder) + "]");
  }
  return rule;
}

Status CheckValue(const SettingRule& rule, const std::string& value) {
  if (value.empty()) return Status::InvalidParameter("value can not be empty.");
  if (std::find(rule.values.begin(), rule.values.end(), value) == rule.values.end()) {
    return Status::InvalidParameter("Invalid value '" + value + "' for setting " +
                                    std::string(rule.name) +
                                    ". Valid values: " + Join(rule.values) + ".");
  }
  return Status::Ok();
}

// principalArn: "" = the caller; otherwise an IAM root, user or role ARN of the caller's
// account. Federated and assumed-role principals cannot hold settings (model docs) [I].
Result<std::string> ResolvePrincipal(const RequestContext& ctx, const std::string& principal) {
  if (principal.empty()) return ctx.principal_arn();
  const std::string account_prefix =
      "arn:" + std::string(PartitionFor(ctx.tenant.region)) + ":iam::" + ctx.tenant.account + ":";
  if (!principal.starts_with(account_prefix)) {
    return Status::InvalidParameter("Invalid principalArn '" + principal +
                                    "': specify the root user, an IAM user or an IAM role of "
                                    "account " +
                                    ctx.tenant.account + ".");
  }
  std::string_view rest = std::string_view(principal).substr(account_prefix.size());
  const bool ok = rest == "root" || ((rest.starts_with("user/") || rest.starts_with("role/")) &&
                                     rest.find_last_of('/') + 1 < rest.size());
  if (!ok) {
    return Status::InvalidParameter("Invalid principalArn '" + principal +
                                    "': specify the root user, an IAM user or an IAM role.");
  }
  return principal;
}

// Put and Delete alike: nobody changes the setting GuardDuty manages...
Status RejectReadOnly(std::string_view name) {
  if (name != kReadOnly) return Status::Ok();
  return Status::InvalidParameter(
      "The guardDutyActivate account setting is read-only: "
      "Amazon GuardDuty manages it on your behalf.");
}

// ...and the root-only setting is changed for the root user only (`verb`: "set", "changed").
Status RejectNonRoot(const Tenant& t, std::string_view name, const std::string& principal,
                     std::string_view verb) {
  if (name != kRootOnly || principal == PrincipalArn(t)) return Status::Ok();
  return Status::InvalidParameter(
      "The fargateTaskRetirementWaitPeriod account setting can only be " + std::string(verb) +
      " for the root user.");
}

std::string_view TypeOf(std::string_view name) {
  return name == kReadOnly ? "aws_managed" : "user";
}

}  // namespace

std::string ControlPlane::EffectiveAccountSetting(const Tenant& t, const std::string& principal,
                                                  const std::string& name) const {
  auto ti = state_.account_settings.find(t);
  if (ti != state_.account_settings.end()) {
    auto it = ti->second.find({principal, name});
    if (it != ti->second.end()) return it->second;
    it = ti->second.find({PrincipalArn(t), name});
    if (it != ti->second.end()) return it->second;
  }
  const SettingRule* rule = FindRule(name);
  return rule ? std::string(rule->default_value) : std::string();
}

Result<AccountSetting> ControlPlane::PutAccountSetting(const RequestContext& ctx,
                                                       const std::string& name,
                                                       const std::string& value,
                                                       const std::string& principal_arn) {
  auto rule = CheckName(name);
  if (!rule.ok()) return rule.status();
  ECS_RETURN_IF_ERROR(RejectReadOnly(name));
  ECS_RETURN_IF_ERROR(CheckValue(**rule, value));
  auto principal = ResolvePrincipal(ctx, principal_arn);
  if (!principal.ok()) return principal.status();
  ECS_RETURN_IF_ERROR(RejectNonRoot(ctx.tenant, name, *principal, "set"));
  AccountSetting s{name, value, *principal, std::string(TypeOf(name))};
  storage::ChangeSet changes = state_.NewChanges();
  changes.PutAccountSetting({ctx.tenant, s.principal_arn, name, value});
  state_.account_settings[ctx.tenant][{s.principal_arn, name}] = value;
  ECS_RETURN_IF_ERROR(Commit(changes));
  return s;
}

Result<AccountSetting> ControlPlane::PutAccountSettingDefault(const RequestContext& ctx,
                                                              const std::string& name,
                                                              const std::string& value) {
  return PutAccountSetting(ctx, name, value, PrincipalArn(ctx.tenant));
}

Result<AccountSetting> ControlPlane::DeleteAccountSetting(const RequestContext& ctx,
                                                          const std::string& name,
                                                          const std::string& principal_arn) {
  auto rule = CheckName(name);
  if (!rule.ok()) return rule.status();
  ECS_RETURN_IF_ERROR(RejectReadOnly(name));
  auto principal = ResolvePrincipal(ctx, principal_arn);
  if (!principal.ok()) return principal.status();
  ECS_RETURN_IF_ERROR(RejectNonRoot(ctx.tenant, name, *principal, "changed"));
  // The reply names the value that was removed; deleting a setting that was never set is not an
  // error and answers with the value in effect (idempotent, like the other ECS deletes) [I].
  auto& settings = state_.account_settings[ctx.tenant];
  auto it = settings.find({*principal, name});
  if (it == settings.end()) {
    return AccountSetting{name, EffectiveAccountSetting(ctx.tenant, *principal, name), *principal,
                          std::string(TypeOf(name))};
  }
  AccountSetting removed{name, it->second, *principal, std::string(TypeOf(name))};
  storage::ChangeSet changes = state_.NewChanges();
  changes.DeleteAccountSetting(ctx.tenant, *principal, name);
  settings.erase(it);
  ECS_RETURN_IF_ERROR(Commit(changes));
  return removed;
}

Result<std::pair<std::vector<AccountSetting>, std::optional<std::string>>>
ControlPlane::ListAccountSettings(const RequestContext& ctx,
                                  const ListAccountSettingsInput& in) const {
  if (!in.name.empty()) {
    auto rule = CheckName(in.name);
    if (!rule.ok()) return rule.status();
  }
  if (!in.value.empty() && in.name.empty()) {
    return Status::InvalidParameter(
        "The value filter requires a name: specify the account "
        "setting name to filter by value.");
  }
  auto principal = ResolvePrincipal(ctx, in.principal_arn);
  if (!principal.ok()) return principal.status();
  auto size = ResolvePageSize(in.max_results, 10, 10);
  if (!size.ok()) return size.status();
  const std::string scope = TenantScope(ctx.tenant, "ListAccountSettings") + "|" + in.name + "|" +
                            in.value + "|" + *principal + "|" +
                            (in.effective_settings ? "effective" : "explicit");
  std::string after;
  if (in.next_token) {
    auto cursor = DecodePageToken(*in.next_token, scope);
    if (!cursor.ok()) return cursor.status();
    after = *cursor;
  }

  // One entry per name, alphabetically (Rules() order), which is also the page cursor. The
  // effective view names the principal asked about on every entry, also for inherited values
  // (botocore's ListAccountSettings example shows exactly that).
  const std::string root = PrincipalArn(ctx.tenant);
  const auto* explicit_settings =
      [&]() -> const std::map<std::pair<std::string, std::string>, std::string>* {
    auto ti = state_.account_settings.find(ctx.tenant);
    return ti == state_.account_settings.end() ? nullptr : &ti->second;
  }();
  auto lookup = [&](const std::string& p, std::string_view name) -> const std::string* {
    if (!explicit_settings) return nullptr;
    auto it = explicit_settings->find({p, std::string(name)});
    return it == explicit_settings->end() ? nullptr : &it->second;
  };
  std::vector<AccountSetting> all;
  for (const auto& rule : Rules()) {
    if (!in.name.empty() && rule.name != in.name) continue;
    AccountSetting s{std::string(rule.name), "", *principal, std::string(TypeOf(rule.name))};
    if (const std::string* own = lookup(*principal, rule.name)) {
      s.value = *own;
    } else if (!in.effective_settings) {
      continue;  // explicit view: only what this principal set
    } else if (const std::string* account = lookup(root, rule.name)) {
      s.value = *account;  // inherited from the account default
    } else {
      s.value = std::string(rule.default_value);
    }
    if (!in.value.empty() && s.value != in.value) continue;
    all.push_back(std::move(s));
  }
  std::pair<std::vector<AccountSetting>, std::optional<std::string>> page;
  for (size_t i = 0; i < all.size(); ++i) {
    if (!after.empty() && all[i].name <= after) continue;
    if (static_cast<int>(page.first.size()) == *size) {
      page.second = EncodePageToken(scope, page.first.back().name);
      break;
    }
    page.first.push_back(std::move(all[i]));
  }
  return page;
}

}  // namespace ecs::control

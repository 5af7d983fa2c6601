// Account settings through the control plane: defaults, principals, the read-only and root-only
// settings, list filters and paging, persistence.
#include <catch2/catch.hpp>

#include "tests/control/task_fixture.h"

using namespace ecs;
using namespace ecs::control;
using ecs::testing::TaskFixture;

namespace {

const std::string kRoot = "arn:aws:iam::000000000000:root";
const std::string kUser = "arn:aws:iam::000000000000:user/alice";

std::vector<AccountSetting> ListAll(TaskFixture& f, ListAccountSettingsInput in) {
  std::vector<AccountSetting> all;
  for (;;) {
    auto page = f.cp->ListAccountSettings(f.ctx, in);
    INFO(page.status().message());
    REQUIRE(page.ok());
    all.insert(all.end(), page->first.begin(), page->first.end());
    if (!page->second) return all;
    in.next_token = page->second;
  }
}

std::string Effective(TaskFixture& f, const std::string& name, const std::string& principal = "") {
  ListAccountSettingsInput in;
  in.name = name;
  in.principal_arn = principal;
  in.effective_settings = true;
  auto all = ListAll(f, in);
  REQUIRE(all.size() == 1);
  return all[0].value;
}

}  // namespace

TEST_CASE("Effective defaults cover every setting name, alphabetically, ten per page",
          "[account_settings]") {
  TaskFixture f;
  ListAccountSettingsInput in;
  in.effective_settings = true;
  auto first = f.cp->ListAccountSettings(f.ctx, in);
  REQUIRE(first.ok());
  CHECK(first->first.size() == 10);
  REQUIRE(first->second.has_value());
  auto all = ListAll(f, in);
  REQUIRE(all.size() == 11);
  CHECK(std::is_sorted(all.begin(), all.end(),
                       [](const auto& a, const auto& b) { return a.name < b.name; }));
  for (const auto& s : all) {
    CHECK(s.principal_arn == kRoot);
    CHECK(s.type == (s.name == "guardDutyActivate" ? "aws_managed" : "user"));
  }
  CHECK(Effective(f, "containerInsights") == "disabled");
  CHECK(Effective(f, "fargateTaskRetirementWaitPeriod") == "7");
  CHECK(Effective(f, "tagResourceAuthorization") == "on");
  CHECK(Effective(f, "defaultLogDriverMode") == "non-blocking");
  CHECK(ListAll(f, {}).empty());
}

TEST_CASE("A principal's setting wins over the account default", "[account_settings]") {
  TaskFixture f;
  REQUIRE(f.cp->PutAccountSettingDefault(f.ctx, "containerInsights", "enabled").ok());
  auto own = f.cp->PutAccountSetting(f.ctx, "containerInsights", "enhanced", kUser);
  REQUIRE(own.ok());
  CHECK(own->principal_arn == kUser);
  CHECK(Effective(f, "containerInsights", kUser) == "enhanced");
  CHECK(Effective(f, "containerInsights", "arn:aws:iam::000000000000:role/r") == "enabled");
  CHECK(f.cp->EffectiveAccountSetting(f.ctx.tenant, kRoot, "containerInsights") == "enabled");
  auto removed = f.cp->DeleteAccountSetting(f.ctx, "containerInsights", kUser);
  REQUIRE(removed.ok());
  CHECK(removed->value == "enhanced");
  CHECK(Effective(f, "containerInsights", kUser) == "enabled");
}

TEST_CASE("Account setting errors", "[account_settings]") {
  TaskFixture f;
  auto code = [](const Result<AccountSetting>& r) { return r.status().code(); };
  const auto kIp = ErrorCode::kInvalidParameterException;
  CHECK(code(f.cp->PutAccountSetting(f.ctx, "guardDutyActivate", "on", "")) == kIp);
  CHECK(code(f.cp->PutAccountSetting(f.ctx, "containerInsights", "on", "")) == kIp);
  CHECK(code(f.cp->PutAccountSetting(f.ctx, "nope", "enabled", "")) == kIp);
  CHECK(code(f.cp->PutAccountSetting(f.ctx, "fargateTaskRetirementWaitPeriod", "14", kUser)) ==
        kIp);
  CHECK(f.cp->PutAccountSetting(f.ctx, "fargateTaskRetirementWaitPeriod", "14", "").ok());
  CHECK(code(f.cp->PutAccountSetting(f.ctx, "awsvpcTrunking", "enabled",
                                     "arn:aws:iam::111122223333:root")) == kIp);
  ListAccountSettingsInput value_only;
  value_only.value = "enabled";
  CHECK(f.cp->ListAccountSettings(f.ctx, value_only).status().code() == kIp);
  ListAccountSettingsInput too_many;
  too_many.max_results = 11;
  CHECK(f.cp->ListAccountSettings(f.ctx, too_many).status().code() == kIp);
}

TEST_CASE("Account settings survive a reload and drive CreateCluster", "[account_settings]") {
  TaskFixture f;
  REQUIRE(f.cp->PutAccountSettingDefault(f.ctx, "containerInsights", "enhanced").ok());
  REQUIRE(f.cp->PutAccountSetting(f.ctx, "awsvpcTrunking", "enabled", kUser).ok());
  REQUIRE(f.cp->PutAccountSetting(f.ctx, "taskLongArnFormat", "disabled", kUser).ok());
  REQUIRE(f.cp->DeleteAccountSetting(f.ctx, "taskLongArnFormat", kUser).ok());
  f.Reload();
  CHECK(Effective(f, "containerInsights") == "enhanced");
  CHECK(Effective(f, "awsvpcTrunking", kUser) == "enabled");
  CHECK(Effective(f, "taskLongArnFormat", kUser) == "enabled");
  f.Cluster("c");
  auto c = f.cp->FindCluster(f.ctx, "c", true);
  REQUIRE(c.ok());
  REQUIRE((*c)->settings.size() == 1);
  CHECK((*c)->settings[0].value == "enhanced");
  REQUIRE(f.cp->Reset().ok());
  CHECK(Effective(f, "containerInsights") == "disabled");
}

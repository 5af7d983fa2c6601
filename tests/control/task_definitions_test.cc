// The task-definition registry through the control plane: revision numbering (never reused, per
// family and tenant, kept across a reload), deregistration, and the final removal of deleted
// revisions once no task uses them.
#include <algorithm>
#include <catch2/catch.hpp>

#include "taskdef/render.h"
#include "tests/control/task_fixture.h"

using namespace ecs;
using namespace ecs::control;
using ecs::testing::TaskFixture;

namespace {

std::vector<std::string> ListArns(
    TaskFixture& f, const std::string& family,
    model::TaskDefinitionStatus status = model::TaskDefinitionStatus::kActive) {
  auto page = f.cp->ListTaskDefinitions(f.ctx, {.family_prefix = family, .status = status});
  REQUIRE(page.ok());
  return page->arns;
}

std::vector<std::string> Families(TaskFixture& f,
                                  FamilyStatusFilter status = FamilyStatusFilter::kAll) {
  auto page = f.cp->ListTaskDefinitionFamilies(f.ctx, "", status, {});
  REQUIRE(page.ok());
  return page->arns;
}

// The TaskDefinition object every operation returns for a record.
std::string Rendered(const TaskDefinitionRecord& r) {
  return taskdef::RenderTaskDefinition(*r.spec, r.reg);
}

std::vector<TaskDefinitionRecord> Delete(TaskFixture& f, const std::vector<std::string>& ids,
                                         std::vector<DescribeFailure>* failures = nullptr) {
  std::vector<TaskDefinitionRecord> deleted;
  std::vector<DescribeFailure> ignored;
  REQUIRE(f.cp->DeleteTaskDefinitions(f.ctx, ids, &deleted, failures ? failures : &ignored).ok());
  return deleted;
}

const std::string kArn = "arn:aws:ecs:us-east-1:000000000000:task-definition/";

}  // namespace

TEST_CASE("Revisions count from 1 per family and are never reused", "[task_definitions]") {
  TaskFixture f;
  CHECK(f.Simple("web", 128, 128) == kArn + "web:1");
  CHECK(f.Simple("web", 128, 128) == kArn + "web:2");
  CHECK(f.Simple("api", 128, 128) == kArn + "api:1");
  REQUIRE(f.cp->DeregisterTaskDefinition(f.ctx, "web:2").ok());
  Delete(f, {"web:2"});
  CHECK(f.Simple("web", 128, 128) == kArn + "web:3");
  // Another region of the same account has its own numbers.
  RequestContext west{{"000000000000", "us-west-2"}};
  auto r = testing::Register(
      *f.cp, west,
      R"({"family":"web","containerDefinitions":[{"name":"a","image":"b","memory":8}]})");
  REQUIRE(r.ok());
  CHECK((*r)->reg.revision == 1);
}

TEST_CASE("Revision counters survive a reload, also when every revision is gone",
          "[task_definitions]") {
  TaskFixture f;
  f.Simple("gone", 128, 128);
  f.Simple("gone", 128, 128);
  for (const char* id : {"gone:1", "gone:2"})
    REQUIRE(f.cp->DeregisterTaskDefinition(f.ctx, id).ok());
  Delete(f, {"gone:1", "gone:2"});
  CHECK(Families(f).empty());
  f.Simple("kept", 128, 128);
  REQUIRE(f.cp->DeregisterTaskDefinition(f.ctx, "kept:1").ok());
  const std::string rendered = Rendered(**f.cp->DescribeTaskDefinition(f.ctx, "kept:1"));

  f.Reload();
  CHECK(Families(f) == std::vector<std::string>{"kept"});
  auto kept = f.cp->DescribeTaskDefinition(f.ctx, "kept:1");
  REQUIRE(kept.ok());
  CHECK((*kept)->reg.status == "INACTIVE");
  CHECK(Rendered(**kept) == rendered);
  CHECK(f.Simple("gone", 128, 128) == kArn + "gone:3");
  CHECK(f.Simple("kept", 128, 128) == kArn + "kept:2");
}

TEST_CASE("Deleting a family's newest revision does not give its number back after a reload",
          "[task_definitions]") {
  TaskFixture f;
  for (int i = 0; i < 3; ++i) f.Simple("web", 128, 128);
  REQUIRE(f.cp->DeregisterTaskDefinition(f.ctx, "web:3").ok());
  Delete(f, {"web:3"});
  f.Reload();
  CHECK(f.Simple("web", 128, 128) == kArn + "web:4");
  f.Reload();  // and without any deletion since: the stored rows carry the count
  CHECK(f.Simple("web", 128, 128) == kArn + "web:5");
}

TEST_CASE("The rendered definition follows every status change", "[task_definitions]") {
  TaskFixture f;
  f.Simple("web", 128, 128);
  auto active = f.cp->DescribeTaskDefinition(f.ctx, "web:1");
  REQUIRE(active.ok());
  CHECK(Rendered(**active) ==
        taskdef::RenderTaskDefinition((*active)->spec->body.text(), (*active)->reg));
  CHECK(Rendered(**active).find(R"("status":"ACTIVE")") != std::string::npos);
  auto inactive = f.cp->DeregisterTaskDefinition(f.ctx, "web:1");
  REQUIRE(inactive.ok());
  CHECK(Rendered(**inactive).find(R"("status":"INACTIVE")") != std::string::npos);
  CHECK(Rendered(**inactive).find(R"("deregisteredAt":)") != std::string::npos);
}

TEST_CASE("A deleted revision nothing uses is removed at once", "[task_definitions]") {
  TaskFixture f;
  f.Simple("web", 128, 128);
  f.Simple("web", 128, 128);
  REQUIRE(f.cp->DeregisterTaskDefinition(f.ctx, "web:1").ok());
  std::vector<DescribeFailure> failures;
  auto deleted = Delete(f, {"web:1", "web:2", "web:7", "web"}, &failures);
  REQUIRE(deleted.size() == 1);
  CHECK(deleted[0].reg.status == "DELETE_IN_PROGRESS");
  CHECK(deleted[0].reg.delete_requested_at.has_value());
  CHECK(Rendered(deleted[0]).find(R"("status":"DELETE_IN_PROGRESS")") != std::string::npos);
  REQUIRE(failures.size() == 3);
  CHECK(failures[0].arn == kArn + "web:2");  // still ACTIVE
  CHECK_FALSE(f.cp->DescribeTaskDefinition(f.ctx, "web:1").ok());
  CHECK(ListArns(f, "web", model::TaskDefinitionStatus::kDeleteInProgress).empty());
  CHECK(ListArns(f, "web") == std::vector<std::string>{kArn + "web:2"});
  // The removal is durable.
  f.Reload();
  CHECK_FALSE(f.cp->DescribeTaskDefinition(f.ctx, "web:1").ok());
  CHECK(f.Simple("web", 128, 128) == kArn + "web:3");
}

TEST_CASE("A deleted revision in use goes with its last task", "[task_definitions]") {
  TaskFixture f;
  f.Cluster("c");
  f.Fleet("c", 1);
  const std::string arn = f.Simple("job", 128, 128);
  auto a = f.MustRun(f.Run("c", "job:1")).tasks.at(0)->id;
  auto b = f.MustRun(f.Run("c", "job:1")).tasks.at(0)->id;
  f.Advance(1000);
  REQUIRE(f.cp->DeregisterTaskDefinition(f.ctx, arn).ok());
  auto deleted = Delete(f, {arn});
  REQUIRE(deleted.size() == 1);
  CHECK(ListArns(f, "job", model::TaskDefinitionStatus::kDeleteInProgress) ==
        std::vector<std::string>{arn});
  CHECK(Families(f, FamilyStatusFilter::kInactive) == std::vector<std::string>{"job"});

  REQUIRE(f.cp->StopTask(f.ctx, "c", a, "done").ok());
  f.Advance(1000);
  CHECK(f.cp->DescribeTaskDefinition(f.ctx, arn).ok());  // b still runs it

  // Survives a reload while in use.
  f.Reload();
  CHECK((*f.cp->DescribeTaskDefinition(f.ctx, arn))->reg.status == "DELETE_IN_PROGRESS");

  REQUIRE(f.cp->StopTask(f.ctx, "c", b, "done").ok());
  f.Advance(1000);
  CHECK(f.Task("c", b)->last_status == model::TaskState::kStopped);
  CHECK_FALSE(f.cp->DescribeTaskDefinition(f.ctx, arn).ok());
  CHECK(Families(f).empty());
  f.Reload();
  CHECK_FALSE(f.cp->DescribeTaskDefinition(f.ctx, arn).ok());
  CHECK(f.Simple("job", 128, 128) == kArn + "job:2");
}

TEST_CASE("A task definition's tags are stored in its own row and follow tag changes",
          "[task_definitions]") {
  TaskFixture f;
  const std::string arn = f.Definition(
      R"({"family":"web","containerDefinitions":[{"name":"a","image":"i","memory":8}],)"
      R"("tags":[{"key":"team","value":"x"}]})");
  f.Flush();
  auto snap = f.store->Load();
  REQUIRE(snap.ok());
  CHECK(snap->task_definitions.size() == 1);
  CHECK(snap->tags.empty());  // registering wrote one row, tags included
  auto tags_of = [&] {
    auto tags = f.cp->ListTagsForResource(f.ctx, arn);
    REQUIRE(tags.ok());
    std::vector<std::string> keys;
    for (const auto& t : *tags) keys.push_back(t.key + "=" + t.value);
    return keys;
  };
  f.Reload();
  CHECK(tags_of() == std::vector<std::string>{"team=x"});
  REQUIRE(f.cp->TagResource(f.ctx, arn, {{"env", "prod"}}).ok());
  REQUIRE(f.cp->DeregisterTaskDefinition(f.ctx, "web:1").ok());  // rewrites the row
  f.Reload();
  CHECK(tags_of() == std::vector<std::string>{"team=x", "env=prod"});
  REQUIRE(f.cp->UntagResource(f.ctx, arn, {"team", "env"}).ok());
  f.Reload();
  CHECK(tags_of().empty());  // nothing comes back from the registration's tags
}

TEST_CASE("Tags rows written for task definitions by older versions still load and go away",
          "[task_definitions]") {
  TaskFixture f;
  const std::string arn = f.Simple("old", 128, 128);
  storage::ChangeSet legacy;  // how tags were stored before they moved into the row
  legacy.PutTags(arn, {{"k", "v"}});
  REQUIRE(f.store->Commit(legacy).ok());
  f.Reload();
  auto tags = f.cp->ListTagsForResource(f.ctx, arn);
  REQUIRE(tags.ok());
  REQUIRE(tags->size() == 1);
  CHECK((*tags)[0].key == "k");
  REQUIRE(f.cp->UntagResource(f.ctx, arn, {"k"}).ok());
  f.Reload();
  CHECK(f.cp->ListTagsForResource(f.ctx, arn)->empty());
  f.Flush();
  CHECK(f.store->Load()->tags.empty());
}

TEST_CASE("A revision registered unchanged shares its family's definition; a changed one its body",
          "[task_definitions]") {
  TaskFixture f;
  const std::string first = R"({"family":"web","containerDefinitions":[{"name":"a","image":"b:1",)"
                            R"("memory":8}])";
  auto one = testing::Register(*f.cp, f.ctx, first + "}");
  auto two = testing::Register(*f.cp, f.ctx, first + R"(,"tags":[{"key":"k","value":"v"}]})");
  auto three = testing::Register(
      *f.cp, f.ctx,
      R"({"family":"web","containerDefinitions":[{"name":"a","image":"b:2","memory":8}]})");
  REQUIRE(one.ok());
  REQUIRE(two.ok());
  REQUIRE(three.ok());
  CHECK((*one)->spec == (*two)->spec);  // one definition in memory
  CHECK((*two)->spec != (*three)->spec);
  // A changed revision keeps only what differs from the latest body, and shows all of it.
  CHECK((*three)->spec->body.is_difference());
  CHECK((*three)->spec->body.held_bytes() < 8);
  CHECK(Rendered(**three).find(R"("image":"b:2")") != std::string::npos);
  CHECK(Rendered(**three) ==
        taskdef::RenderTaskDefinition((*three)->spec->body.text(), (*three)->reg));
  CHECK(f.cp->TagsOf((*one)->reg.arn).empty());
  CHECK(f.cp->TagsOf((*two)->reg.arn).size() == 1);
  CHECK(Rendered(**one).find("\"revision\":1") != std::string::npos);
  CHECK(Rendered(**two).find("\"revision\":2") != std::string::npos);

  // Loaded back, revisions with equal stored bodies share again.
  f.Reload();
  auto reloaded_one = f.cp->DescribeTaskDefinition(f.ctx, "web:1");
  auto reloaded_two = f.cp->DescribeTaskDefinition(f.ctx, "web:2");
  REQUIRE(reloaded_one.ok());
  REQUIRE(reloaded_two.ok());
  CHECK((*reloaded_one)->spec == (*reloaded_two)->spec);
  auto reloaded_three = f.cp->DescribeTaskDefinition(f.ctx, "web:3");
  REQUIRE(reloaded_three.ok());
  CHECK((*reloaded_three)->spec->body.is_difference());
  CHECK(Rendered(**reloaded_three).find(R"("image":"b:2")") != std::string::npos);
}

TEST_CASE("A changed revision shares its family's requiresAttributes and containers when equal",
          "[task_definitions]") {
  TaskFixture f;
  auto with = [&](const std::string& image, const std::string& driver) {
    auto td =
        testing::Register(*f.cp, f.ctx,
                          R"({"family":"logs","containerDefinitions":[{"name":"a","image":")" +
                              image + R"(","memory":8,"logConfiguration":{"logDriver":")" + driver +
                              R"("}},{"name":"side","image":"envoy","memory":8}]})");
    REQUIRE(td.ok());
    return (*td)->spec;
  };
  auto one = with("b:1", "awslogs");
  auto two = with("b:2", "awslogs");
  auto three = with("b:3", "syslog");
  REQUIRE_FALSE(one->requires_attributes->empty());
  CHECK(one != two);
  CHECK(two->requires_attributes.shares(one->requires_attributes));
  CHECK(two->containers[1].shares(one->containers[1]));  // "side" did not change
  CHECK_FALSE(two->containers[0].shares(one->containers[0]));
  CHECK(two->containers[0]->image == "b:2");
  CHECK_FALSE(three->requires_attributes.shares(two->requires_attributes));
  CHECK(std::count(three->requires_attributes->begin(), three->requires_attributes->end(),
                   "com.amazonaws.ecs.capability.logging-driver.syslog") == 1);

  f.Reload();  // loading interns them the same way
  auto reloaded_one = f.cp->DescribeTaskDefinition(f.ctx, "logs:1");
  auto reloaded_two = f.cp->DescribeTaskDefinition(f.ctx, "logs:2");
  REQUIRE(reloaded_one.ok());
  REQUIRE(reloaded_two.ok());
  CHECK((*reloaded_two)
            ->spec->requires_attributes.shares((*reloaded_one)->spec->requires_attributes));
  CHECK(*(*reloaded_two)->spec->requires_attributes == *two->requires_attributes);
  CHECK((*reloaded_two)->spec->containers[1].shares((*reloaded_one)->spec->containers[1]));
}

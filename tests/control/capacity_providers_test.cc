// Auto Scaling group capacity providers in the control plane: create/update/delete with ECS's
// rules and errors, association with clusters, the reconciler finishing a delete, and the rows
// that survive a restart.
#include "control/capacity_providers.h"

#include <catch2/catch.hpp>

#include "control/control_plane.h"
#include "tests/control/harness.h"

using namespace ecs;
using namespace ecs::control;

namespace {

struct Fixture {
  Fixture()
      : store(testing::QueuedMemoryStore()),
        cp(store.get(), &clock, IdGenerator(7), testing::Checked({})) {}
  std::unique_ptr<storage::Store> store;
  ManualClock clock;
  ControlPlane cp;
  RequestContext ctx{{"000000000000", "us-east-1"}};
};

constexpr const char* kGroupArn =
    "arn:aws:autoscaling:us-east-1:000000000000:autoScalingGroup:1a2b:autoScalingGroupName/asg-1";

CapacityProviderInput Asg(const std::string& name, const std::string& group = kGroupArn) {
  CapacityProviderInput in;
  in.name = name;
  in.has_auto_scaling_group_provider = true;
  in.auto_scaling_group_arn = group;
  return in;
}

CreateClusterInput ClusterWithProviders(const std::string& name,
                                        std::vector<std::string> providers) {
  CreateClusterInput in;
  in.cluster_name = name;
  in.capacity_providers = std::move(providers);
  return in;
}

}  // namespace

TEST_CASE("CreateCapacityProvider fills the model's defaults", "[capacity]") {
  Fixture f;
  auto in = Asg("web-cp");
  in.tags = {{"team", "a"}};
  auto created = f.cp.CreateCapacityProvider(f.ctx, in);
  REQUIRE(created.ok());
  const model::CapacityProvider& cp = **created;
  CHECK(cp.arn == "arn:aws:ecs:us-east-1:000000000000:capacity-provider/web-cp");
  CHECK(cp.status == model::CapacityProviderStatus::kActive);
  CHECK(cp.update_status == model::CapacityProviderUpdateStatus::kNone);
  CHECK(cp.managed_scaling == model::ManagedScaling{false, 100, 1, 10000, 300});
  CHECK_FALSE(cp.managed_termination_protection);
  CHECK(cp.managed_draining);
  CHECK(f.cp.TagsOf(cp.arn).size() == 1);
}

TEST_CASE("CreateCapacityProvider refuses what ECS refuses", "[capacity]") {
  Fixture f;
  auto code_of = [&](CapacityProviderInput in) {
    return f.cp.CreateCapacityProvider(f.ctx, std::move(in)).status().code();
  };
  // Reserved prefixes, in any case, and the name pattern.
  for (const std::string bad : {"aws-x", "ECSy", "Fargate1", "has space", "a.b", ""}) {
    CAPTURE(bad);
    CHECK(code_of(Asg(bad)) == ErrorCode::kClientException);
  }
  CHECK(code_of(Asg(std::string(256, 'a'))) == ErrorCode::kClientException);
  CHECK(code_of(Asg(std::string(255, 'a'))) == ErrorCode::kOk);
  auto out_of_range = Asg("r", "asg-r");
  out_of_range.managed_scaling = model::ManagedScaling{true, 101, 1, 10000, 300};
  CHECK(code_of(out_of_range) == ErrorCode::kInvalidParameterException);
  out_of_range.managed_scaling = model::ManagedScaling{true, 100, 5, 4, 300};
  CHECK(code_of(out_of_range) == ErrorCode::kInvalidParameterException);
  out_of_range.managed_scaling = model::ManagedScaling{true, 100, 1, 10, 10001};
  CHECK(code_of(out_of_range) == ErrorCode::kInvalidParameterException);
  // Managed termination protection needs managed scaling.
  auto protection = Asg("p", "asg-p");
  protection.managed_termination_protection = true;
  CHECK(code_of(protection) == ErrorCode::kClientException);
  protection.managed_scaling = model::ManagedScaling{true, 100, 1, 10000, 300};
  CHECK(code_of(protection) == ErrorCode::kOk);
  // A name taken, a group taken (by name or by ARN), both kinds of provider at once.
  REQUIRE(code_of(Asg("one",
                      "arn:aws:autoscaling:us-east-1:000000000000:autoScalingGroup:"
                      "9:autoScalingGroupName/shared")) == ErrorCode::kOk);
  CHECK(code_of(Asg("one", "other")) == ErrorCode::kClientException);
  CHECK(code_of(Asg("two", "shared")) == ErrorCode::kClientException);
  auto managed = Asg("mi", "asg-mi");
  managed.has_managed_instances_provider = true;
  CHECK(code_of(managed) == ErrorCode::kInvalidParameterException);
}

TEST_CASE("UpdateCapacityProvider changes the settings given", "[capacity]") {
  Fixture f;
  REQUIRE(f.cp.CreateCapacityProvider(f.ctx, Asg("u")).ok());
  CapacityProviderInput update;
  update.name = "u";
  update.has_auto_scaling_group_provider = true;
  update.managed_draining = false;
  auto done = f.cp.UpdateCapacityProvider(f.ctx, update);
  REQUIRE(done.ok());
  CHECK_FALSE((*done)->managed_draining);
  CHECK((*done)->update_status == model::CapacityProviderUpdateStatus::kUpdateComplete);
  update.managed_termination_protection = true;  // managed scaling is still DISABLED
  CHECK(f.cp.UpdateCapacityProvider(f.ctx, update).status().code() == ErrorCode::kClientException);
  CHECK_FALSE(f.cp.FindCapacityProvider(f.ctx.tenant, "u")->managed_termination_protection);
  update.managed_scaling = model::ManagedScaling{true, 90, 2, 20, 60};
  REQUIRE(f.cp.UpdateCapacityProvider(f.ctx, update).ok());
  CHECK(f.cp.FindCapacityProvider(f.ctx.tenant, "u")->managed_scaling.target_capacity == 90);
  update.name = "nope";
  CHECK(f.cp.UpdateCapacityProvider(f.ctx, update).status().code() == ErrorCode::kClientException);
  update.name = "FARGATE";
  CHECK(f.cp.UpdateCapacityProvider(f.ctx, update).status().code() == ErrorCode::kClientException);
}

TEST_CASE("A provider serves one cluster and is deleted only once free", "[capacity]") {
  Fixture f;
  REQUIRE(f.cp.CreateCapacityProvider(f.ctx, Asg("d")).ok());
  REQUIRE(f.cp.CreateCluster(f.ctx, ClusterWithProviders("c1", {"d", "FARGATE"})).ok());
  CHECK(f.cp.CreateCluster(f.ctx, ClusterWithProviders("c2", {"d"})).status().code() ==
        ErrorCode::kInvalidParameterException);
  // Associated: ECS answers DELETE_FAILED with the reason, and the provider stays ACTIVE.
  auto refused = f.cp.DeleteCapacityProvider(f.ctx, "d");
  REQUIRE(refused.ok());
  CHECK((*refused)->update_status == model::CapacityProviderUpdateStatus::kDeleteFailed);
  CHECK((*refused)->update_status_reason.find("associated with cluster: c1") != std::string::npos);
  CHECK((*refused)->is_active());
  REQUIRE(f.cp.PutClusterCapacityProviders(f.ctx, "c1", {"FARGATE"}, {}).ok());
  auto deleting =
      f.cp.DeleteCapacityProvider(f.ctx, "arn:aws:ecs:us-east-1:000000000000:capacity-provider/d");
  REQUIRE(deleting.ok());
  CHECK((*deleting)->update_status == model::CapacityProviderUpdateStatus::kDeleteInProgress);
  CHECK((*deleting)->is_active());
  // Not usable while it is being deleted, and not deleted twice.
  CHECK_FALSE(f.cp.PutClusterCapacityProviders(f.ctx, "c1", {"d"}, {}).ok());
  REQUIRE(f.cp.RunDue(f.clock.Now()).ok());
  const model::CapacityProvider* gone = f.cp.FindCapacityProvider(f.ctx.tenant, "d");
  CHECK(gone->status == model::CapacityProviderStatus::kInactive);
  CHECK(gone->update_status == model::CapacityProviderUpdateStatus::kDeleteComplete);
  CHECK(f.cp.DeleteCapacityProvider(f.ctx, "d").status().code() == ErrorCode::kClientException);
  CHECK(f.cp.DeleteCapacityProvider(f.ctx, "FARGATE").status().code() ==
        ErrorCode::kClientException);
  // The name and the group can be used again.
  CHECK(f.cp.CreateCapacityProvider(f.ctx, Asg("d")).ok());
}

TEST_CASE("Strategies may not mix Fargate and ASG providers", "[capacity]") {
  Fixture f;
  REQUIRE(f.cp.CreateCapacityProvider(f.ctx, Asg("m")).ok());
  model::CapacityProviderStrategy mixed = {{"m", 1, 0}, {"FARGATE", 1, 0}};
  CreateClusterInput in = ClusterWithProviders("mix", {"m", "FARGATE"});
  in.default_strategy = mixed;
  CHECK(f.cp.CreateCluster(f.ctx, in).status().message().find("cannot contain a mix") !=
        std::string::npos);
  in.default_strategy = {{"m", 1, 0}};
  auto c = f.cp.CreateCluster(f.ctx, in);
  REQUIRE(c.ok());
  CHECK(CheckStrategyForCluster(**c, mixed).message().find("cannot contain a mix") !=
        std::string::npos);
}

TEST_CASE("Capacity providers survive a restart", "[capacity]") {
  Fixture f;
  auto in = Asg("kept");
  in.managed_scaling = model::ManagedScaling{true, 75, 2, 30, 120};
  in.managed_termination_protection = true;
  in.tags = {{"k", "v"}};
  REQUIRE(f.cp.CreateCapacityProvider(f.ctx, in).ok());
  REQUIRE(f.cp.CreateCapacityProvider(f.ctx, Asg("gone", "asg-2")).ok());
  REQUIRE(f.cp.DeleteCapacityProvider(f.ctx, "gone").ok());
  REQUIRE(testing::Flush(*f.store, f.cp).ok());
  ControlPlane restarted(f.store.get(), &f.clock, IdGenerator(8));
  REQUIRE(restarted.Load().ok());
  CHECK(testing::Rows(f.cp) == testing::Rows(restarted));
  const model::CapacityProvider* kept = restarted.FindCapacityProvider(f.ctx.tenant, "kept");
  REQUIRE(kept);
  CHECK(*kept == *f.cp.FindCapacityProvider(f.ctx.tenant, "kept"));
  CHECK(restarted.TagsOf(kept->arn).size() == 1);
  CHECK(restarted.FindCapacityProvider(f.ctx.tenant, "gone")->update_status ==
        model::CapacityProviderUpdateStatus::kDeleteInProgress);
}

TEST_CASE("A cluster shows an as_policy attachment per provider with managed scaling",
          "[capacity]") {
  Fixture f;
  auto managed = Asg("scaled");
  managed.managed_scaling = model::ManagedScaling{true, 100, 1, 10000, 300};
  REQUIRE(f.cp.CreateCapacityProvider(f.ctx, managed).ok());
  REQUIRE(f.cp.CreateCapacityProvider(f.ctx, Asg("plain", "asg-2")).ok());
  auto plain_cluster = f.cp.CreateCluster(f.ctx, ClusterWithProviders("none", {}));
  REQUIRE(plain_cluster.ok());
  const ClusterAttachments none = f.cp.AttachmentsOf(**plain_cluster);
  CHECK(none.attachments.empty());
  CHECK(none.status.empty());  // never had capacity providers
  auto c = f.cp.CreateCluster(f.ctx, ClusterWithProviders("c", {"scaled", "plain", "FARGATE"}));
  REQUIRE(c.ok());
  const ClusterAttachments a = f.cp.AttachmentsOf(**c);
  CHECK(a.status == "UPDATE_COMPLETE");
  REQUIRE(a.attachments.size() == 1);
  const ClusterAttachment& policy = a.attachments.front();
  CHECK(policy.type == "as_policy");
  CHECK(policy.status == "CREATED");
  CHECK(policy.id.size() == 36);
  REQUIRE(policy.details.size() == 2);
  CHECK(policy.details[0] ==
        std::make_pair(std::string("capacityProviderName"), std::string("scaled")));
  CHECK(policy.details[1].first == "scalingPolicyName");
  CHECK(policy.details[1].second.starts_with("ECSManagedAutoScalingPolicy-"));
  // The same attachment each time: its id and policy name are the provider's in this cluster.
  CHECK(f.cp.AttachmentsOf(**c).attachments.front().id == policy.id);
  CHECK(f.cp.AttachmentsOf(**c).attachments.front().details == policy.details);
}

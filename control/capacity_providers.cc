// Capacity providers: the built-in FARGATE and FARGATE_SPOT, Auto Scaling group providers
// (Create/Update/DeleteCapacityProvider), PutClusterCapacityProviders, DescribeCapacityProviders,
// and the rules a strategy obeys on a cluster (docs/scheduling.md §8.6, docs/resources.md §9).
// The simulated Auto Scaling group behind a provider is control/auto_scaling_groups.cc; tasks
// launched on one are placed on its instances or wait for them (control/task_launcher.cc).
#include "control/capacity_providers.h"

#include <algorithm>
#include <cctype>
#include <charconv>

#include "common/arn_check.h"
#include "common/pagination.h"
#include "common/sigv4.h"
#include "control/control_plane.h"
#include "scheduler/capacity_strategy.h"

namespace ecs::control {

namespace {

constexpr std::string_view kBuiltIn[] = {"FARGATE", "FARGATE_SPOT"};

bool Contains(const std::vector<std::string>& names, const std::string& name) {
  return std::find(names.begin(), names.end(), name) != names.end();
}

Status NotAssociated() {
  return Status::InvalidParameter(
      "The specified capacity provider strategy cannot contain a capacity provider that is not "
      "associated with the cluster. Associate the capacity provider with the cluster or specify "
      "a valid capacity provider and try again.");
}

// [I] the text; ECS answers a name it does not know, or one already deleted, with a
// ClientException.
Status ProviderDoesNotExist() {
  return Status::Client(
      "The specified capacity provider does not exist. Specify a valid name or ARN and try "
      "again.");
}

Status NoMix(const model::CapacityProviderStrategy& strategy) {
  const bool fargate = model::UsesFargate(strategy);
  const bool all_fargate = std::all_of(strategy.begin(), strategy.end(), [](const auto& item) {
    return model::IsFargateProvider(item.capacity_provider);
  });
  if (fargate && !all_fargate) {
    return Status::InvalidParameter(
        "The specified capacity provider strategy cannot contain a mix of capacity providers "
        "using Auto Scaling groups and Fargate providers. Specify one or the other and try "
        "again.");
  }
  return Status::Ok();
}

// An ACTIVE provider not being deleted: the only kind a cluster may take.
bool Usable(const model::CapacityProvider* cp) {
  return cp && cp->is_active() &&
         cp->update_status != model::CapacityProviderUpdateStatus::kDeleteInProgress;
}

// The ACTIVE cluster other than `except` that has `provider` associated, or nullptr.
const model::Cluster* ClusterWith(const State& state, const Tenant& t, const std::string& provider,
                                  const std::string& except) {
  const TenantState* ts = state.index.FindTenant(t);
  if (!ts) return nullptr;
  for (const auto& [name, c] : ts->clusters) {
    if (name == except || c.status != model::ClusterStatus::kActive) continue;
    if (Contains(c.capacity_providers, provider)) return &c;
  }
  return nullptr;
}

}  // namespace

// ≤ 255 of [A-Za-z0-9_-], not starting with aws, ecs or fargate in any case (the AWS CDK fixed
// the same check for "Ecs..." stack names: ECS compares without case).
Status ValidateProviderName(const std::string& name) {
  bool ok = !name.empty() && name.size() <= 255;
  std::string lower;
  for (char ch : name) {
    const auto c = static_cast<unsigned char>(ch);
    ok = ok && (std::isalnum(c) || ch == '_' || ch == '-');
    lower.push_back(static_cast<char>(std::tolower(c)));
  }
  if (!ok || lower.starts_with("aws") || lower.starts_with("ecs") || lower.starts_with("fargate")) {
    // [O] the text (CloudFormation and the AWS CDK quote it); [I] ClientException.
    return Status::Client(
        "The specified capacity provider name is invalid. Up to 255 characters are allowed, "
        "including letters (upper and lowercase), numbers, underscores, and hyphens. The name "
        "cannot be prefixed with \"aws\", \"ecs\", or \"fargate\". Specify a valid name and "
        "try again.");
  }
  return Status::Ok();
}

namespace {

Status CheckRange(const char* member, int64_t value, int64_t low, int64_t high) {
  if (value >= low && value <= high) return Status::Ok();
  // [I] text; the bounds are the model's.
  return Status::InvalidParameter("managedScaling." + std::string(member) + " must be between " +
                                  std::to_string(low) + " and " + std::to_string(high) + ".");
}

// The bounds of the model's ManagedScaling, and managed termination protection only with
// managed scaling (the model: "managed scaling must also be used").
Status CheckScalingSettings(const model::CapacityProvider& cp) {
  const model::ManagedScaling& ms = cp.managed_scaling;
  ECS_RETURN_IF_ERROR(CheckRange("targetCapacity", ms.target_capacity, 1, 100));
  ECS_RETURN_IF_ERROR(CheckRange("minimumScalingStepSize", ms.minimum_scaling_step_size, 1, 10000));
  ECS_RETURN_IF_ERROR(CheckRange("maximumScalingStepSize", ms.maximum_scaling_step_size, 1, 10000));
  ECS_RETURN_IF_ERROR(CheckRange("instanceWarmupPeriod", ms.instance_warmup_period, 0, 10000));
  if (ms.minimum_scaling_step_size > ms.maximum_scaling_step_size) {
    // [I] text.
    return Status::InvalidParameter(
        "managedScaling.minimumScalingStepSize cannot be greater than "
        "managedScaling.maximumScalingStepSize.");
  }
  if (cp.managed_termination_protection && !ms.enabled) {
    // [O] the first sentence (ECS console); [I] the second.
    return Status::Client(
        "The managed termination protection setting for the capacity provider is invalid. To "
        "enable managed termination protection for a capacity provider, managed scaling must "
        "also be enabled.");
  }
  return Status::Ok();
}

// The Auto Scaling group a provider names: its name, whether given as a name or as an ARN
// (arn:aws:autoscaling:R:A:autoScalingGroup:<uuid>:autoScalingGroupName/<name>).
std::string GroupName(const std::string& name_or_arn) {
  constexpr std::string_view kMarker = ":autoScalingGroupName/";
  const size_t at = name_or_arn.find(kMarker);
  return at == std::string::npos ? name_or_arn : name_or_arn.substr(at + kMarker.size());
}

// Whether another provider of the tenant that is not INACTIVE uses the same group.
bool GroupInUse(const State& state, const Tenant& t, const std::string& group) {
  auto ti = state.capacity_providers.find(t);
  if (ti == state.capacity_providers.end()) return false;
  return std::any_of(ti->second.begin(), ti->second.end(), [&](const auto& entry) {
    return entry.second.is_active() &&
           GroupName(entry.second.auto_scaling_group_arn) == GroupName(group);
  });
}

// The settings an update or a create gives, over what `cp` has.
void ApplySettings(const CapacityProviderInput& in, model::CapacityProvider& cp) {
  if (in.managed_scaling) cp.managed_scaling = *in.managed_scaling;
  if (in.managed_termination_protection) {
    cp.managed_termination_protection = *in.managed_termination_protection;
  }
  if (in.managed_draining) cp.managed_draining = *in.managed_draining;
}

// The name an identifier (name or capacity-provider ARN) stands for.
std::string ProviderName(const std::string& identifier) {
  return std::string(LastSegment(identifier));
}

}  // namespace

bool ProviderInUse(const ClusterState& cs, const std::string& provider) {
  for (const auto& [name, svc] : cs.services) {
    if (svc.status == model::ServiceStatus::kInactive) continue;
    for (const auto& d : svc.deployments) {
      for (const auto& item : d.capacity_provider_strategy) {
        if (item.capacity_provider == provider) return true;
      }
    }
  }
  return std::any_of(cs.tasks.begin(), cs.tasks.end(), [&](const auto& entry) {
    return !entry.second.is_stopped() && entry.second.capacity_provider_name == provider;
  });
}

Status CheckProviderNameFree(const State& state, const Tenant& t, const std::string& name) {
  const model::CapacityProvider* existing = state.FindCapacityProvider(t, name);
  if (!existing || !existing->is_active()) return Status::Ok();
  // [O] text (Terraform and CDK users quote it).
  return Status::Client(
      "The specified capacity provider already exists. To change the configuration of an "
      "existing capacity provider, update the capacity provider.");
}

Status ManagedInstancesNeedStrategy() {
  // [I] text, after the model's note on RunTask's and CreateService's launchType.
  return Status::InvalidParameter(
      "launchType MANAGED_INSTANCES is not supported: to use Amazon ECS Managed Instances, "
      "specify a capacityProviderStrategy naming a Managed Instances capacity provider and omit "
      "launchType.");
}

std::string CapacityProviderArn(const Tenant& t, std::string_view name) {
  return ArnPrefix(t) + "capacity-provider/" + std::string(name);
}

Status CheckClusterProviders(const State& state, const Tenant& tenant,
                             const std::string& cluster_name,
                             const std::vector<std::string>& providers,
                             const model::CapacityProviderStrategy& default_strategy) {
  for (const auto& cp : providers) {
    if (model::IsFargateProvider(cp)) continue;
    const model::CapacityProvider* found = state.FindCapacityProvider(tenant, cp);
    if (Usable(found) && found->is_managed_instances() && found->cluster != cluster_name) {
      // The model: a Managed Instances provider "becomes available only within the specified
      // cluster" [I] text.
      return Status::InvalidParameter("The specified capacity provider " + cp +
                                      " is a Managed Instances capacity provider of the cluster " +
                                      found->cluster +
                                      ": it can only be used within that cluster.");
    }
    if (!Usable(found)) {
      // [I] ECS's text for a provider that is not ACTIVE (or does not exist).
      return Status::InvalidParameter("The specified capacity provider " + cp +
                                      " is not in an ACTIVE state. Specify a valid capacity "
                                      "provider and try again.");
    }
    if (const model::Cluster* other = ClusterWith(state, tenant, cp, cluster_name)) {
      // [I] text: an Auto Scaling group provider serves one cluster (docs/operations.md B1).
      return Status::InvalidParameter("The specified capacity provider " + cp +
                                      " is already associated with the cluster " + other->name +
                                      ". A capacity provider can only be associated with one "
                                      "cluster.");
    }
  }
  ECS_RETURN_IF_ERROR(scheduler::ValidateStrategyShape(default_strategy));
  for (const auto& item : default_strategy) {
    if (!Contains(providers, item.capacity_provider)) return NotAssociated();
  }
  return NoMix(default_strategy);
}

Status CheckStrategyForCluster(const model::Cluster& cluster,
                               const model::CapacityProviderStrategy& strategy) {
  ECS_RETURN_IF_ERROR(scheduler::ValidateStrategyShape(strategy));
  for (const auto& item : strategy) {
    if (!Contains(cluster.capacity_providers, item.capacity_provider)) return NotAssociated();
  }
  ECS_RETURN_IF_ERROR(NoMix(strategy));
  // The model: several providers that all weigh 0 make RunTask / CreateService fail; a single
  // provider of weight 0 takes every task (DistributeTasks).
  if (strategy.size() > 1 && !scheduler::HasPositiveWeight(strategy)) {
    // [I] text inferred.
    return Status::InvalidParameter(
        "The specified capacity provider strategy must contain at least one capacity provider "
        "with a weight value greater than 0.");
  }
  return Status::Ok();
}

namespace {

// A UUID-shaped id that is the same for the same seed: an attachment keeps its id and its
// scaling policy's name while its provider stays associated, restarts included, without a row.
std::string StableUuid(std::string_view seed) {
  const std::string h = Sha256Hex(seed);
  return h.substr(0, 8) + "-" + h.substr(8, 4) + "-" + h.substr(12, 4) + "-" + h.substr(16, 4) +
         "-" + h.substr(20, 12);
}

}  // namespace

ClusterAttachments ControlPlane::AttachmentsOf(const model::Cluster& c) const {
  // ECS gives a cluster one `as_policy` attachment per associated Auto Scaling group provider
  // with managed scaling: the target-tracking policy it puts on the group (shape: the ECS
  // API's Attachment with details capacityProviderName and scalingPolicyName
  // "ECSManagedAutoScalingPolicy-<uuid>" [O]). The emulator shows them as ECS does once the
  // update is over: CREATED and UPDATE_COMPLETE, as the cluster itself goes straight to ACTIVE.
  ClusterAttachments out;
  if (c.capacity_providers.empty()) return out;
  out.status = "UPDATE_COMPLETE";
  for (const auto& name : c.capacity_providers) {
    const model::CapacityProvider* cp = state_.FindCapacityProvider(c.tenant, name);
    if (!cp || !cp->managed_scaling.enabled) continue;
    const std::string seed = c.arn + "|" + cp->arn;
    out.attachments.push_back(
        {StableUuid(seed + "|attachment"),
         "as_policy",
         "CREATED",
         {{"capacityProviderName", cp->name},
          {"scalingPolicyName", "ECSManagedAutoScalingPolicy-" + StableUuid(seed + "|policy")}}});
  }
  return out;
}

Result<const model::Cluster*> ControlPlane::PutClusterCapacityProviders(
    const RequestContext& ctx, const std::string& identifier, std::vector<std::string> providers,
    model::CapacityProviderStrategy default_strategy) {
  auto ref = ResolveCluster(ctx, identifier, /*require_active=*/true);
  if (!ref.ok()) return ref.status();
  ECS_RETURN_IF_ERROR(
      CheckClusterProviders(state_, ctx.tenant, ref->cluster->name, providers, default_strategy));
  for (const auto& old : ref->cluster->capacity_providers) {
    if (!Contains(providers, old) && ProviderInUse(*ref->state, old)) {
      return Status(ErrorCode::kResourceInUseException,
                    "The specified capacity provider is in use and cannot be removed.");
    }
  }
  model::Cluster next = *ref->cluster;
  next.capacity_providers = std::move(providers);
  next.default_capacity_provider_strategy = std::move(default_strategy);
  storage::ChangeSet changes = state_.NewChanges();
  changes.PutCluster(next);
  const model::Cluster& slot = state_.index.PutCluster(std::move(next));
  ECS_RETURN_IF_ERROR(Commit(changes));
  return &slot;
}

Result<const model::CapacityProvider*> ControlPlane::CreateCapacityProvider(
    const RequestContext& ctx, CapacityProviderInput in) {
  ECS_RETURN_IF_ERROR(ValidateProviderName(in.name));
  if (in.has_managed_instances_provider) return CreateManagedInstancesProvider(ctx, std::move(in));
  if (!in.has_auto_scaling_group_provider || in.auto_scaling_group_arn.empty()) {
    // [I] text: exactly one of the two providers is required (docs/operations.md B1).
    return Status::InvalidParameter(
        "autoScalingGroupProvider.autoScalingGroupArn can not be empty: a capacity provider "
        "needs an Auto Scaling group.");
  }
  ECS_RETURN_IF_ERROR(ValidateTags(in.tags));
  model::CapacityProvider cp;
  cp.tenant = ctx.tenant;
  cp.name = in.name;
  cp.arn = CapacityProviderArn(ctx.tenant, in.name);
  cp.auto_scaling_group_arn = in.auto_scaling_group_arn;
  ApplySettings(in, cp);
  ECS_RETURN_IF_ERROR(CheckScalingSettings(cp));
  ECS_RETURN_IF_ERROR(CheckProviderNameFree(state_, ctx.tenant, in.name));
  if (GroupInUse(state_, ctx.tenant, in.auto_scaling_group_arn)) {
    // [O] text (aws/containers-roadmap#632).
    return Status::Client(
        "The specified Auto Scaling group ARN is already being used by another capacity "
        "provider. Specify a unique Auto Scaling group ARN and try again.");
  }
  storage::ChangeSet changes = state_.NewChanges();
  return InsertCapacityProvider(std::move(cp), std::move(in.tags), changes);
}

Result<const model::CapacityProvider*> ControlPlane::InsertCapacityProvider(
    model::CapacityProvider cp, model::TagList tags, storage::ChangeSet& changes) {
  cp.seq = state_.NextSeq();
  changes.PutCapacityProvider(cp);
  // A name used again is a new resource: the INACTIVE predecessor's tags do not carry over.
  changes.PutTags(cp.arn, tags);
  state_.tags.Set(cp.arn, std::move(tags));
  auto& slot = state_.capacity_providers[cp.tenant][cp.name];
  slot = std::move(cp);
  ECS_RETURN_IF_ERROR(Commit(changes));
  return &slot;
}

Result<const model::CapacityProvider*> ControlPlane::StoreCapacityProvider(
    const Tenant& t, model::CapacityProvider next) {
  storage::ChangeSet changes = state_.NewChanges();
  changes.PutCapacityProvider(next);
  auto& slot = state_.capacity_providers[t][next.name];
  slot = std::move(next);
  ECS_RETURN_IF_ERROR(Commit(changes));
  return &slot;
}

Result<const model::CapacityProvider*> ControlPlane::UpdateCapacityProvider(
    const RequestContext& ctx, const CapacityProviderInput& in) {
  const std::string name = ProviderName(in.name);
  if (model::IsFargateProvider(name)) {
    // [I] text: the built-ins have no settings to change.
    return Status::Client("The " + name + " capacity provider is reserved and cannot be updated.");
  }
  const model::CapacityProvider* found = state_.FindCapacityProvider(ctx.tenant, name);
  if (!Usable(found)) return ProviderDoesNotExist();
  if (found->is_managed_instances() || in.has_managed_instances_provider) {
    return UpdateManagedInstancesProvider(ctx, *found, in);
  }
  if (!in.has_auto_scaling_group_provider) {
    // [I] text.
    return Status::InvalidParameter(
        "autoScalingGroupProvider can not be empty: specify the settings to update.");
  }
  model::CapacityProvider next = *found;
  ApplySettings(in, next);
  ECS_RETURN_IF_ERROR(CheckScalingSettings(next));
  // [I] ECS moves through UPDATE_IN_PROGRESS; the settings apply at once here.
  next.update_status = model::CapacityProviderUpdateStatus::kUpdateComplete;
  next.update_status_reason.clear();
  return StoreCapacityProvider(ctx.tenant, std::move(next));
}

Result<const model::CapacityProvider*> ControlPlane::DeleteCapacityProvider(
    const RequestContext& ctx, const std::string& identifier, const std::string& cluster) {
  ECS_RETURN_IF_ERROR(CheckArnArgument(ctx.tenant, identifier, ArnResource::kCapacityProvider));
  const std::string name = ProviderName(identifier);
  if (model::IsFargateProvider(name)) {
    // [I] text; the model: "FARGATE and FARGATE_SPOT ... are reserved and can't be deleted".
    return Status::Client("The " + name + " capacity provider is reserved and cannot be deleted.");
  }
  const model::CapacityProvider* found = state_.FindCapacityProvider(ctx.tenant, name);
  if (!Usable(found)) return ProviderDoesNotExist();
  if (found->is_managed_instances() || !cluster.empty()) {
    return DeleteManagedInstancesProvider(ctx, *found, cluster);
  }
  model::CapacityProvider next = *found;
  if (const model::Cluster* c = ClusterWith(state_, ctx.tenant, name, "")) {
    // Not an error: ECS answers with updateStatus DELETE_FAILED and this reason, the provider
    // staying ACTIVE ([O] hashicorp/terraform-provider-aws#48156, ekristen/aws-nuke#542; this
    // supersedes docs/operations.md B1's "IP/Cl").
    next.update_status = model::CapacityProviderUpdateStatus::kDeleteFailed;
    next.update_status_reason =
        "The capacity provider cannot be deleted because it is "
        "associated with cluster: " +
        c->name +
        ". Remove the capacity provider from the cluster and "
        "try again.";
  } else {
    // INACTIVE / DELETE_COMPLETE follows on the next reconciler pass (FinishProviderDeletes).
    next.update_status = model::CapacityProviderUpdateStatus::kDeleteInProgress;
    next.update_status_reason.clear();
  }
  return StoreCapacityProvider(ctx.tenant, std::move(next));
}

void FinishProviderDeletes(State& state, storage::ChangeSet& changes) {
  for (auto& [tenant, providers] : state.capacity_providers) {
    for (auto& [name, cp] : providers) {
      if (cp.update_status != model::CapacityProviderUpdateStatus::kDeleteInProgress) continue;
      cp.status = model::CapacityProviderStatus::kInactive;
      cp.update_status = model::CapacityProviderUpdateStatus::kDeleteComplete;
      changes.PutCapacityProvider(cp);
    }
  }
}

namespace {

// The providers DescribeCapacityProviders lists, in its order: the built-ins, then the tenant's
// Auto Scaling group providers in creation order; with `cluster`, those associated with it.
std::vector<std::string> ListedProviders(const State& state, const Tenant& t,
                                         const model::Cluster* cluster) {
  std::vector<std::string> listed(std::begin(kBuiltIn), std::end(kBuiltIn));
  auto ti = state.capacity_providers.find(t);
  if (ti != state.capacity_providers.end()) {
    std::vector<const model::CapacityProvider*> own;
    for (const auto& [name, cp] : ti->second) own.push_back(&cp);
    std::sort(own.begin(), own.end(), [](auto* a, auto* b) { return a->seq < b->seq; });
    for (const auto* cp : own) listed.push_back(cp->name);
  }
  if (cluster) {
    std::erase_if(listed,
                  [&](const std::string& n) { return !Contains(cluster->capacity_providers, n); });
  }
  return listed;
}

}  // namespace

Result<CapacityProviderPage> ControlPlane::DescribeCapacityProviders(
    const RequestContext& ctx, const std::vector<std::string>& identifiers,
    const std::optional<std::string>& cluster, const PageRequest& request) const {
  CapacityProviderPage out;
  const model::Cluster* in_cluster = nullptr;
  if (cluster) {
    auto c = FindCluster(ctx, *cluster, /*require_active=*/true);
    if (!c.ok()) return c.status();
    in_cluster = *c;
  }
  const std::vector<std::string> listed = ListedProviders(state_, ctx.tenant, in_cluster);
  if (!identifiers.empty()) {
    // Named: each once, unknown ones as MISSING failures; no paging.
    for (const auto& id : identifiers) {
      const std::string name(LastSegment(id));
      const bool arn = id.starts_with("arn:");
      const bool known =
          Contains(listed, name) && (!arn || id == CapacityProviderArn(ctx.tenant, name));
      if (known) {
        if (!Contains(out.names, name)) out.names.push_back(name);
      } else {
        out.failures.push_back({arn ? id : CapacityProviderArn(ctx.tenant, id), "MISSING", ""});
      }
    }
    return out;
  }
  auto size = ResolvePageSize(request.max_results, 10, 10);
  if (!size.ok()) return size.status();
  const std::string scope = TenantScope(ctx.tenant, "DescribeCapacityProviders");
  size_t first = 0;
  if (request.next_token) {
    auto cursor = DecodePageToken(*request.next_token, scope);
    if (!cursor.ok()) return cursor.status();
    const auto [end, ec] = std::from_chars(cursor->data(), cursor->data() + cursor->size(), first);
    if (ec != std::errc() || end != cursor->data() + cursor->size()) {
      return Status::InvalidParameter("Invalid nextToken.");
    }
    first = std::min(first, listed.size());
  }
  for (size_t i = first; i < listed.size(); ++i) {
    if (static_cast<int>(out.names.size()) == *size) {
      out.next_token = EncodePageToken(scope, std::to_string(i));
      break;
    }
    out.names.push_back(listed[i]);
  }
  return out;
}

}  // namespace ecs::control

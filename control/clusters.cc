// Cluster rules: CreateCluster, DescribeClusters, ListClusters, DeleteCluster, UpdateCluster,
// UpdateClusterSettings.
#include <algorithm>
#include <functional>

#include "common/arn_check.h"
#include "common/names.h"
#include "common/pagination.h"
#include "control/capacity_providers.h"
#include "control/control_plane.h"
#include "control/quotas.h"

namespace ecs::control {

namespace {

Status ValidateClusterName(const std::string& name) {
  if (!IsValidResourceName(name)) {
    return Status::InvalidParameter("Cluster must match ^[a-zA-Z0-9\\-_]{1,255}$, but was " + name);
  }
  return Status::Ok();
}

Status ValidateSettings(const std::vector<model::NameValue>& settings) {
  for (const auto& s : settings) {
    if (s.name != "containerInsights") {
      return Status::InvalidParameter("Unsupported cluster setting name '" + s.name +
                                      "'. Valid names: containerInsights.");
    }
    if (s.value != "enabled" && s.value != "disabled" && s.value != "enhanced") {
      return Status::InvalidParameter(
          "Invalid value '" + s.value +
          "' for setting containerInsights. Valid values: enabled, disabled, enhanced.");
    }
  }
  return Status::Ok();
}

// Cloud Map namespaces are not emulated: a name becomes a stable, well-formed namespace ARN
// (ECS creates the namespace when the name is new); an ARN is kept as given.
std::string NamespaceArn(const Tenant& t, const std::string& ns) {
  if (ns.starts_with("arn:")) return ns;
  uint64_t h = std::hash<std::string>{}(t.account + "/" + t.region + "/" + ns);
  const char* digits = "abcdefghijklmnopqrstuvwxyz234567";
  std::string id = "ns-";
  for (int i = 0; i < 16; ++i, h >>= 5) id += digits[h & 31];
  return "arn:" + std::string(PartitionFor(t.region)) + ":servicediscovery:" + t.region + ":" +
         t.account + ":namespace/" + id;
}

Status ApplyFields(const Tenant& t, ClusterFields in, model::Cluster* c) {
  if (in.settings) {
    ECS_RETURN_IF_ERROR(ValidateSettings(*in.settings));
    for (auto& s : *in.settings) {
      auto it = std::find_if(c->settings.begin(), c->settings.end(),
                             [&](const model::NameValue& e) { return e.name == s.name; });
      if (it == c->settings.end()) {
        c->settings.push_back(std::move(s));
      } else {
        it->value = std::move(s.value);
      }
    }
  }
  if (in.configuration) c->configuration = std::move(*in.configuration);
  if (in.service_connect_namespace) {
    const std::string& ns = *in.service_connect_namespace;
    if (!ns.starts_with("arn:") &&
        (ns.size() > 1024 || ns.find_first_of("<>\"/") != std::string::npos)) {
      return Status::InvalidParameter(
          "serviceConnectDefaults.namespace must be a Cloud Map namespace name (at most 1024 "
          "characters, without <, >, \" or /) or a namespace ARN.");
    }
    c->service_connect_namespace_arn = ns.empty() ? "" : NamespaceArn(t, ns);
  }
  return Status::Ok();
}

}  // namespace

Result<const model::Cluster*> ControlPlane::CreateCluster(const RequestContext& ctx,
                                                          CreateClusterInput in) {
  std::string name = in.cluster_name.empty() ? "default" : in.cluster_name;
  ECS_RETURN_IF_ERROR(ValidateClusterName(name));
  ECS_RETURN_IF_ERROR(ValidateTags(in.tags));
  if (in.fields.settings) ECS_RETURN_IF_ERROR(ValidateSettings(*in.fields.settings));
  ECS_RETURN_IF_ERROR(
      CheckClusterProviders(state_, ctx.tenant, name, in.capacity_providers, in.default_strategy));
  auto existing = FindCluster(ctx, name, /*require_active=*/true);
  if (existing.ok()) return existing;  // ECS answers an existing ACTIVE name with that cluster.
  ECS_RETURN_IF_ERROR(CheckClusterQuota(state_.index.FindTenant(ctx.tenant)));

  model::Cluster c;
  c.tenant = ctx.tenant;
  c.name = name;
  c.arn = ClusterArn(ctx.tenant, name);
  c.status = model::ClusterStatus::kActive;
  c.seq = state_.NextSeq();
  c.created_at = Now();
  // containerInsights defaults from the account setting (disabled unless set).
  c.settings.push_back(
      {"containerInsights",
       EffectiveAccountSetting(ctx.tenant, ctx.principal_arn(), "containerInsights")});
  ECS_RETURN_IF_ERROR(ApplyFields(ctx.tenant, std::move(in.fields), &c));
  c.capacity_providers = in.capacity_providers;
  c.default_capacity_provider_strategy = in.default_strategy;

  storage::ChangeSet changes = state_.NewChanges();
  changes.PutCluster(c);
  // A re-created name is a new resource: tags of the INACTIVE predecessor do not carry over.
  changes.PutTags(c.arn, in.tags);
  state_.tags.Set(c.arn, std::move(in.tags));
  const model::Cluster& slot = state_.index.PutCluster(std::move(c));
  ECS_RETURN_IF_ERROR(Commit(changes));
  return &slot;
}

Status ControlPlane::DescribeClusters(const RequestContext& ctx,
                                      const std::vector<std::string>& identifiers,
                                      std::vector<const model::Cluster*>* found,
                                      std::vector<DescribeFailure>* failures) const {
  for (const auto& id : identifiers) {
    ECS_RETURN_IF_ERROR(CheckArnArgument(ctx.tenant, id, ArnResource::kCluster));
  }
  std::vector<std::string> seen;
  for (const auto& id : identifiers) {
    std::string name = ClusterNameFromIdentifier(id);
    if (std::find(seen.begin(), seen.end(), name) != seen.end()) continue;
    seen.push_back(name);
    auto c = FindCluster(ctx, name, /*require_active=*/false);
    if (c.ok()) {
      found->push_back(*c);
    } else {
      failures->push_back(
          {id.starts_with("arn:") ? id : ClusterArn(ctx.tenant, name), "MISSING", ""});
    }
  }
  return Status::Ok();
}

Result<Page> ControlPlane::ListClusters(const RequestContext& ctx,
                                        const PageRequest& request) const {
  auto size = ResolvePageSize(request.max_results, 100, 100);
  if (!size.ok()) return size.status();
  const std::string scope = TenantScope(ctx.tenant, "ListClusters");
  std::string after;
  if (request.next_token) {
    auto cursor = DecodePageToken(*request.next_token, scope);
    if (!cursor.ok()) return cursor.status();
    after = *cursor;
  }
  std::vector<const model::Cluster*> all;
  if (const TenantState* st = state_.index.FindTenant(ctx.tenant)) {
    for (const auto& [name, c] : st->clusters) {
      if (SeqCursor(c.seq) > after) all.push_back(&c);
    }
  }
  std::sort(all.begin(), all.end(), [](auto* a, auto* b) { return a->seq < b->seq; });
  Page page;
  for (const auto* c : all) {
    if (static_cast<int>(page.arns.size()) == *size) {
      page.next_token = EncodePageToken(scope, SeqCursor(all[page.arns.size() - 1]->seq));
      break;
    }
    page.arns.push_back(c->arn);
  }
  return page;
}

ClusterCounts ControlPlane::CountsFor(const model::Cluster& c) const {
  const ClusterState* cs = state_.index.FindCluster(c.tenant, c.name);
  if (!cs) return ClusterCounts{};
  ClusterCounts n = cs->counts;  // task and service counters kept by the index
  for (const auto& [id, ci] : cs->instances) {
    if (ci.status == model::InstanceStatus::kActive ||
        ci.status == model::InstanceStatus::kDraining) {
      ++n.registered_container_instances;
    }
  }
  return n;
}

Result<const model::Cluster*> ControlPlane::DeleteCluster(const RequestContext& ctx,
                                                          const std::string& identifier) {
  auto found = FindCluster(ctx, identifier, /*require_active=*/false);
  if (!found.ok()) return found.status();
  const model::Cluster* current = *found;
  if (current->status != model::ClusterStatus::kActive) return Status::ClusterNotFound();
  // The order ECS checks in: instances, then services, then tasks.
  ClusterCounts counts = CountsFor(*current);
  if (counts.registered_container_instances > 0) {
    return Status(ErrorCode::kClusterContainsContainerInstancesException,
                  "The Cluster cannot be deleted while Container Instances are active or "
                  "draining.");
  }
  if (counts.active_services + counts.draining_services > 0) {
    return Status(ErrorCode::kClusterContainsServicesException,
                  "The Cluster cannot be deleted while Services are active.");
  }
  if (counts.running_tasks + counts.pending_tasks > 0) {
    return Status(ErrorCode::kClusterContainsTasksException,
                  "The Cluster cannot be deleted while Tasks are active.");
  }
  model::Cluster next = *current;
  next.status = model::ClusterStatus::kInactive;
  next.capacity_providers.clear();
  next.default_capacity_provider_strategy.clear();
  storage::ChangeSet changes = state_.NewChanges();
  changes.PutCluster(next);
  const model::Cluster& slot = state_.index.PutCluster(std::move(next));
  ECS_RETURN_IF_ERROR(Commit(changes));
  return &slot;
}

Result<const model::Cluster*> ControlPlane::UpdateCluster(const RequestContext& ctx,
                                                          const std::string& identifier,
                                                          ClusterFields in) {
  auto found = FindCluster(ctx, identifier, /*require_active=*/true);
  if (!found.ok()) return found.status();
  model::Cluster next = **found;
  ECS_RETURN_IF_ERROR(ApplyFields(ctx.tenant, std::move(in), &next));
  storage::ChangeSet changes = state_.NewChanges();
  changes.PutCluster(next);
  const model::Cluster& slot = state_.index.PutCluster(std::move(next));
  ECS_RETURN_IF_ERROR(Commit(changes));
  return &slot;
}

}  // namespace ecs::control

// Capacity providers: the built-in FARGATE and FARGATE_SPOT, PutClusterCapacityProviders,
// DescribeCapacityProviders, and the rules a strategy obeys on a cluster (docs/scheduling.md
// §8.6). Auto Scaling group providers (CreateCapacityProvider and its kin) are not built yet: the
// operations answer "not implemented", so only the Fargate providers can be associated.
#include "control/capacity_providers.h"

#include <algorithm>
#include <charconv>

#include "common/pagination.h"
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

// Whether a service or a running task of the cluster uses `provider` (it may not be removed).
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

}  // namespace

std::string CapacityProviderArn(const Tenant& t, std::string_view name) {
  return ArnPrefix(t) + "capacity-provider/" + std::string(name);
}

Status CheckClusterProviders(const std::vector<std::string>& providers,
                             const model::CapacityProviderStrategy& default_strategy) {
  for (const auto& cp : providers) {
    if (!model::IsFargateProvider(cp)) {
      // [I] ECS's text for a provider that is not ACTIVE; none but the built-ins exists here.
      return Status::InvalidParameter("The specified capacity provider " + cp +
                                      " is not in an ACTIVE state. Specify a valid capacity "
                                      "provider and try again.");
    }
  }
  ECS_RETURN_IF_ERROR(scheduler::ValidateStrategyShape(default_strategy));
  for (const auto& item : default_strategy) {
    if (!Contains(providers, item.capacity_provider)) return NotAssociated();
  }
  return Status::Ok();
}

Status CheckStrategyForCluster(const model::Cluster& cluster,
                               const model::CapacityProviderStrategy& strategy) {
  ECS_RETURN_IF_ERROR(scheduler::ValidateStrategyShape(strategy));
  for (const auto& item : strategy) {
    if (!Contains(cluster.capacity_providers, item.capacity_provider)) return NotAssociated();
  }
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

Result<const model::Cluster*> ControlPlane::PutClusterCapacityProviders(
    const RequestContext& ctx, const std::string& identifier, std::vector<std::string> providers,
    model::CapacityProviderStrategy default_strategy) {
  auto ref = ResolveCluster(ctx, identifier, /*require_active=*/true);
  if (!ref.ok()) return ref.status();
  ECS_RETURN_IF_ERROR(CheckClusterProviders(providers, default_strategy));
  for (const auto& old : ref->cluster->capacity_providers) {
    if (!Contains(providers, old) && ProviderInUse(*ref->state, old)) {
      return Status(ErrorCode::kResourceInUseException,
                    "The specified capacity provider is in use and cannot be removed.");
    }
  }
  model::Cluster next = *ref->cluster;
  next.capacity_providers = std::move(providers);
  next.default_capacity_provider_strategy = std::move(default_strategy);
  storage::ChangeSet changes;
  changes.PutCluster(next);
  const model::Cluster& slot = state_.index.PutCluster(std::move(next));
  ECS_RETURN_IF_ERROR(Commit(changes));
  return &slot;
}

Result<CapacityProviderPage> ControlPlane::DescribeCapacityProviders(
    const RequestContext& ctx, const std::vector<std::string>& identifiers,
    const std::optional<std::string>& cluster, const PageRequest& request) const {
  CapacityProviderPage out;
  // With `cluster`, only the providers associated with it.
  std::vector<std::string> listed(std::begin(kBuiltIn), std::end(kBuiltIn));
  if (cluster) {
    auto c = FindCluster(ctx, *cluster, /*require_active=*/true);
    if (!c.ok()) return c.status();
    std::erase_if(listed,
                  [&](const std::string& n) { return !Contains((*c)->capacity_providers, n); });
  }
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

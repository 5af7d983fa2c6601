// The 2024+ service-deployment history API: ListServiceDeployments, DescribeServiceDeployments,
// DescribeServiceRevisions, StopServiceDeployment. Each entry of Service.deployments is one
// ServiceDeployment and one ServiceRevision (the revision id is the deployment id's 19 digits).
#include <algorithm>

#include "common/pagination.h"
#include "control/control_plane.h"

namespace ecs::control {

std::string ControlPlane::ServiceDeploymentArn(const model::Service& s,
                                               const model::Deployment& d) {
  return ArnPrefix(s.tenant) + "service-deployment/" + s.cluster + "/" + s.name + "/" +
         d.service_deployment_id;
}

std::string ControlPlane::ServiceRevisionArn(const model::Service& s, const model::Deployment& d) {
  return ArnPrefix(s.tenant) + "service-revision/" + s.cluster + "/" + s.name + "/" +
         d.revision_number();
}

Result<std::pair<std::vector<ServiceDeploymentRef>, std::optional<std::string>>>
ControlPlane::ListServiceDeployments(const RequestContext& ctx,
                                     const ListServiceDeploymentsInput& in) const {
  auto c = FindCluster(ctx, in.cluster, /*require_active=*/false);
  if (!c.ok()) return c.status();
  auto size = ResolvePageSize(in.page.max_results, 20, 100);
  if (!size.ok()) return size.status();
  const ClusterState* cs = state_.index.FindCluster(ctx.tenant, (*c)->name);
  const model::Service* svc = cs ? cs->FindService(in.service) : nullptr;
  if (!svc) return Status(ErrorCode::kServiceNotFoundException, "Service not found.");
  std::string scope = TenantScope(ctx.tenant, "ListServiceDeployments") + "|" + svc->arn;
  for (const auto st : in.statuses) scope += "|" + std::string(model::ToString(st));
  scope += "|" + std::to_string(in.created_after.value_or(0)) + "|" +
           std::to_string(in.created_before.value_or(0));
  size_t skip = 0;
  if (in.page.next_token) {
    auto cursor = DecodePageToken(*in.page.next_token, scope);
    if (!cursor.ok()) return cursor.status();
    skip = static_cast<size_t>(std::atoll(cursor->c_str()));
  }
  // Newest first (a rollback reorders Service.deployments, so sort by creation).
  std::vector<ServiceDeploymentRef> matching;
  for (const auto& d : svc->deployments) {
    if (!in.statuses.empty() && std::find(in.statuses.begin(), in.statuses.end(),
                                          d.deployment_status) == in.statuses.end()) {
      continue;
    }
    if (in.created_after && d.created_at < *in.created_after) continue;
    if (in.created_before && d.created_at > *in.created_before) continue;
    matching.push_back({svc, &d});
  }
  std::stable_sort(matching.begin(), matching.end(), [](const auto& a, const auto& b) {
    return a.deployment->created_at > b.deployment->created_at;
  });
  std::vector<ServiceDeploymentRef> page;
  std::optional<std::string> token;
  for (size_t i = skip; i < matching.size(); ++i) {
    if (static_cast<int>(page.size()) == *size) {
      token = EncodePageToken(scope, std::to_string(i));
      break;
    }
    page.push_back(matching[i]);
  }
  return std::make_pair(std::move(page), std::move(token));
}

void ControlPlane::DescribeServiceDeployments(const RequestContext& ctx,
                                              const std::vector<std::string>& arns, bool revisions,
                                              std::vector<ServiceDeploymentRef>* found,
                                              std::vector<DescribeFailure>* failures) const {
  for (const auto& arn : arns) {
    ParsedArn parsed;
    bool ok = ParseEcsArn(arn, &parsed) && parsed.account == ctx.tenant.account &&
              parsed.region == ctx.tenant.region &&
              parsed.resource_type == (revisions ? "service-revision" : "service-deployment");
    const model::Service* svc = nullptr;
    const model::Deployment* dep = nullptr;
    if (ok) {
      // <cluster>/<service>/<id>
      size_t a = parsed.resource.find('/');
      size_t b = parsed.resource.find('/', a + 1);
      if (a != std::string::npos && b != std::string::npos) {
        const ClusterState* cs = state_.index.FindCluster(ctx.tenant, parsed.resource.substr(0, a));
        svc = cs ? cs->FindService(parsed.resource.substr(a + 1, b - a - 1)) : nullptr;
        std::string id = parsed.resource.substr(b + 1);
        if (svc) {
          for (const auto& d : svc->deployments) {
            if ((revisions ? d.revision_number() : d.service_deployment_id) == id) dep = &d;
          }
        }
      }
    }
    if (svc && dep) {
      found->push_back({svc, dep});
    } else {
      failures->push_back({arn, "MISSING", ""});
    }
  }
}

namespace {

// The one deployment a Stop/ContinueServiceDeployment names, or ECS's not-found error.
Result<ServiceDeploymentRef> FindServiceDeployment(const ControlPlane& cp,
                                                   const RequestContext& ctx,
                                                   const std::string& arn) {
  std::vector<ServiceDeploymentRef> found;
  std::vector<DescribeFailure> failures;
  cp.DescribeServiceDeployments(ctx, {arn}, false, &found, &failures);
  if (found.empty()) {
    return Status(ErrorCode::kServiceDeploymentNotFoundException,
                  "The service deployment " + arn + " does not exist.");
  }
  return found.front();
}

// After a request changed a service's deployment: the scheduler's next pass visits it, the
// cluster's counts follow, and the row to commit.
storage::ChangeSet ServiceChanged(ClusterState& cs, model::Service& svc) {
  cs.WakeService(svc);
  storage::ChangeSet changes;
  changes.PutService(svc);
  ClusterIndex::RecountServices(cs);
  return changes;
}

}  // namespace

Result<std::string> ControlPlane::StopServiceDeployment(const RequestContext& ctx,
                                                        const std::string& arn, bool rollback) {
  auto found = FindServiceDeployment(*this, ctx, arn);
  if (!found.ok()) return found.status();
  const model::Deployment* dep = found->deployment;
  using model::ServiceDeploymentStatus;
  if (dep->deployment_status != ServiceDeploymentStatus::kInProgress &&
      dep->deployment_status != ServiceDeploymentStatus::kPending) {
    return Status(ErrorCode::kConflictException,
                  "The service deployment is not in progress and cannot be stopped.");
  }
  ClusterState& cs = *state_.index.FindCluster(ctx.tenant, found->service->cluster);
  model::Service& svc = *cs.FindService(found->service->name);
  model::Deployment& d = svc.deployments.front();
  if (d.service_deployment_id != dep->service_deployment_id) {
    return Status(ErrorCode::kConflictException, "Only the current deployment can be stopped.");
  }
  const Millis now = Now();
  d.rollout_state = model::RolloutState::kFailed;
  d.updated_at = now;
  d.rollout_state_reason = "ECS deployment " + d.id + (rollback ? " rolled back" : " stopped") +
                           " by StopServiceDeployment.";
  if (rollback &&
      scheduler_.RequestRollBack(svc, "Rollback requested by StopServiceDeployment.", now)) {
  } else {
    // ABORT (or nothing to roll back to): the deployment stops where it is; its tasks keep
    // running and it starts no more.
    d.deployment_status = ServiceDeploymentStatus::kStopped;
    d.status_reason = "Stopped by StopServiceDeployment.";
    d.stopped_at = now;
  }
  ECS_RETURN_IF_ERROR(Commit(ServiceChanged(cs, svc)));
  return arn;
}

Result<std::string> ControlPlane::ContinueServiceDeployment(const RequestContext& ctx,
                                                            const std::string& arn,
                                                            const std::string& hook_id,
                                                            bool rollback) {
  auto found = FindServiceDeployment(*this, ctx, arn);
  if (!found.ok()) return found.status();
  ClusterState& cs = *state_.index.FindCluster(ctx.tenant, found->service->cluster);
  model::Service& svc = *cs.FindService(found->service->name);
  model::Deployment& d = svc.deployments.front();
  if (d.service_deployment_id != found->deployment->service_deployment_id ||
      d.deployment_status != model::ServiceDeploymentStatus::kInProgress) {
    return Status::InvalidParameter("The service deployment is not in progress.");
  }
  auto run = std::find_if(d.hook_runs.begin(), d.hook_runs.end(),
                          [&](const model::HookRun& r) { return r.hook_id == hook_id; });
  if (run == d.hook_runs.end()) {
    return Status::InvalidParameter("The lifecycle hook " + hook_id +
                                    " does not exist for the service deployment.");
  }
  if (run->status != model::HookStatus::kAwaitingAction) {
    return Status::InvalidParameter("The lifecycle hook " + hook_id + " is not awaiting action.");
  }
  const Millis now = Now();
  run->status = rollback ? model::HookStatus::kFailed : model::HookStatus::kSucceeded;
  d.updated_at = now;
  if (rollback) {
    d.rollout_state = model::RolloutState::kFailed;
    d.rollout_state_reason =
        "ECS deployment " + d.id + " rolled back by ContinueServiceDeployment.";
    if (!scheduler_.RequestRollBack(svc, "Rollback requested by ContinueServiceDeployment.", now)) {
      d.deployment_status = model::ServiceDeploymentStatus::kStopped;
      d.status_reason = "Stopped by ContinueServiceDeployment: no revision to roll back to.";
      d.stopped_at = now;
    }
  }
  ECS_RETURN_IF_ERROR(Commit(ServiceChanged(cs, svc)));
  return arn;
}

}  // namespace ecs::control

// The 2024+ service-deployment history API: ListServiceDeployments, DescribeServiceDeployments,
// DescribeServiceRevisions, StopServiceDeployment. Each entry of Service.deployments is one
// ServiceDeployment and one ServiceRevision (the revision id is the deployment id's 19 digits).
#include <algorithm>

#include "common/pagination.h"
#include "control/control_plane.h"

namespace ecs::control {

std::string ControlPlane::ServiceDeploymentArn(const model::Service& s,
                                               const model::Deployment& d) const {
  return ArnPrefix(s.tenant) + "service-deployment/" + s.cluster + "/" + s.name + "/" +
         d.service_deployment_id;
}

std::string ControlPlane::ServiceRevisionArn(const model::Service& s,
                                             const model::Deployment& d) const {
  return ArnPrefix(s.tenant) + "service-revision/" + s.cluster + "/" + s.name + "/" +
         d.revision_number();
}

Result<std::pair<std::vector<ServiceDeploymentRef>, std::optional<std::string>>>
ControlPlane::ListServiceDeployments(const RequestContext& ctx, const std::string& cluster,
                                     const std::string& service,
                                     const std::vector<std::string>& statuses,
                                     std::optional<Millis> created_after,
                                     std::optional<Millis> created_before,
                                     std::optional<int64_t> max_results,
                                     const std::optional<std::string>& next_token) const {
  auto c = FindCluster(ctx, cluster, /*require_active=*/false);
  if (!c.ok()) return c.status();
  auto size = ResolvePageSize(max_results, 20, 100);
  if (!size.ok()) return size.status();
  const ClusterState* cs = FindClusterState(ctx.tenant, (*c)->name);
  const model::Service* svc = cs ? FindService(*cs, service) : nullptr;
  if (!svc) return Status(ErrorCode::kServiceNotFoundException, "Service not found.");
  std::string scope = TenantScope(ctx.tenant, "ListServiceDeployments") + "|" + svc->arn;
  for (const auto& st : statuses) scope += "|" + st;
  scope += "|" + std::to_string(created_after.value_or(0)) + "|" +
           std::to_string(created_before.value_or(0));
  size_t skip = 0;
  if (next_token) {
    auto cursor = DecodePageToken(*next_token, scope);
    if (!cursor.ok()) return cursor.status();
    skip = static_cast<size_t>(std::atoll(cursor->c_str()));
  }
  // Newest first (a rollback reorders Service.deployments, so sort by creation).
  std::vector<ServiceDeploymentRef> matching;
  for (const auto& d : svc->deployments) {
    if (!statuses.empty() &&
        std::find(statuses.begin(), statuses.end(), d.deployment_status) == statuses.end()) {
      continue;
    }
    if (created_after && d.created_at < *created_after) continue;
    if (created_before && d.created_at > *created_before) continue;
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
        const ClusterState* cs = FindClusterState(ctx.tenant, parsed.resource.substr(0, a));
        svc = cs ? FindService(*cs, parsed.resource.substr(a + 1, b - a - 1)) : nullptr;
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

Result<std::string> ControlPlane::StopServiceDeployment(const RequestContext& ctx,
                                                        const std::string& arn,
                                                        const std::string& stop_type) {
  std::vector<ServiceDeploymentRef> found;
  std::vector<DescribeFailure> failures;
  DescribeServiceDeployments(ctx, {arn}, false, &found, &failures);
  if (found.empty()) {
    return Status(ErrorCode::kServiceDeploymentNotFoundException,
                  "The service deployment " + arn + " does not exist.");
  }
  const model::Service* svc = found.front().service;
  const model::Deployment* dep = found.front().deployment;
  if (dep->deployment_status != "IN_PROGRESS" && dep->deployment_status != "PENDING") {
    return Status(ErrorCode::kConflictException,
                  "The service deployment is not in progress and cannot be stopped.");
  }
  ClusterState& cs = *FindClusterState(ctx.tenant, svc->cluster);
  model::Service next = *svc;
  Millis now = Now();
  model::Deployment& d = next.deployments.front();
  if (d.service_deployment_id != dep->service_deployment_id) {
    return Status(ErrorCode::kConflictException, "Only the current deployment can be stopped.");
  }
  d.rollout_state = "FAILED";
  d.updated_at = now;
  if (stop_type == "ROLLBACK") {
    d.rollout_state_reason = "ECS deployment " + d.id + " rolled back by StopServiceDeployment.";
  } else {
    d.rollout_state_reason = "ECS deployment " + d.id + " stopped by StopServiceDeployment.";
  }
  if (stop_type != "ROLLBACK" ||
      !RollBack(next, false, "Rollback requested by StopServiceDeployment.", now)) {
    // ABORT (or nothing to roll back to): the deployment stops where it is; its tasks keep
    // running and it starts no more.
    d.deployment_status = "STOPPED";
    d.status_reason = "Stopped by StopServiceDeployment.";
    d.stopped_at = now;
  }
  next.dirty = true;
  storage::ChangeSet changes;
  changes.PutService(next);
  ECS_RETURN_IF_ERROR(Commit(changes));
  cs.services[next.name] = std::move(next);
  return arn;
}

}  // namespace ecs::control

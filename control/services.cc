// Service rules: CreateService, UpdateService, DeleteService, DescribeServices, ListServices,
// ListServicesByNamespace. The scheduler that acts on services is service_scheduler.cc.
#include <algorithm>

#include "common/arn_check.h"
#include "common/names.h"
#include "common/pagination.h"
#include "control/control_plane.h"
#include "control/quotas.h"
#include "control/service_input.h"
#include "control/task_sets.h"
#include "scheduler/task_set_planner.h"

namespace ecs::control {

namespace {

// INACTIVE deployments kept for ListServiceDeployments / DescribeServiceDeployments.
constexpr size_t kMaxDeploymentHistory = 50;

Status ServiceNotFound() {
  return Status(ErrorCode::kServiceNotFoundException, "Service not found.");
}

// The PRIMARY steps aside for `fresh`; bounded history.
void StartDeployment(model::Service& svc, model::Deployment fresh, Millis now) {
  for (auto& d : svc.deployments) {
    if (d.status != model::DeploymentStatus::kPrimary) continue;
    d.status = model::DeploymentStatus::kActive;
    d.updated_at = now;
    if (d.deployment_status == model::ServiceDeploymentStatus::kInProgress ||
        d.deployment_status == model::ServiceDeploymentStatus::kPending) {
      d.deployment_status = model::ServiceDeploymentStatus::kStopped;
      d.status_reason = "Superseded by a newer deployment.";
      d.stopped_at = now;
    }
  }
  svc.deployments.insert(svc.deployments.begin(), std::move(fresh));
  // A new deployment resets the launch throttle.
  svc.start_failures = 0;
  svc.next_launch_at = 0;
  svc.throttle_reported = false;
  svc.placement_failure_reported = false;
  // Drop the oldest drained deployments beyond kMaxDeploymentHistory.
  size_t inactive = 0;
  std::erase_if(svc.deployments, [&](const model::Deployment& d) {
    return d.status == model::DeploymentStatus::kInactive && ++inactive > kMaxDeploymentHistory;
  });
}

}  // namespace

Result<const model::Service*> ControlPlane::CreateService(const RequestContext& ctx,
                                                          ServiceInput in) {
  auto c = ResolveCluster(ctx, in.cluster, /*require_active=*/true);
  if (!c.ok()) return c.status();
  if (!IsValidResourceName(in.service)) {
    return Status::InvalidParameter("Service name must match ^[a-zA-Z0-9\\-_]{1,255}$, but was " +
                                    in.service);
  }
  if (in.client_token.size() > 36) {
    return Status::InvalidParameter("clientToken must be at most 36 characters.");
  }
  ECS_RETURN_IF_ERROR(ValidateTags(in.tags));
  ClusterState& cs = *c->state;
  if (const model::Service* existing = cs.FindService(in.service);
      existing && existing->status != model::ServiceStatus::kInactive) {
    if (!in.client_token.empty() && in.client_token == existing->client_token) return existing;
    return Status::InvalidParameter("Creation of service was not idempotent.");
  }
  auto svc = NewService(ctx, *c, in);
  if (!svc.ok()) return svc.status();
  storage::ChangeSet changes = state_.NewChanges();
  const model::Service& slot =
      InsertService(cs, std::move(svc).value(), std::move(in.tags), changes);
  ECS_RETURN_IF_ERROR(Commit(changes));
  return &slot;
}

Result<model::Service> ControlPlane::NewService(const RequestContext& ctx, const ClusterRef& c,
                                                const ServiceInput& in) {
  ClusterState& cs = *c.state;
  ECS_RETURN_IF_ERROR(CheckServiceQuota(cs));
  model::Service svc;
  svc.tenant = ctx.tenant;
  svc.cluster = c.cluster->name;
  svc.name = in.service;
  svc.arn = ArnPrefix(ctx.tenant) + "service/" + svc.cluster + "/" + svc.name;
  svc.created_at = Now();
  svc.created_by = ctx.principal_arn();
  svc.client_token = in.client_token;
  ECS_RETURN_IF_ERROR(
      ApplyServiceInput(state_.task_definitions, ctx.tenant, *c.cluster, in, true, &svc).status());
  svc.seq = state_.NextSeq();
  // A DAEMON service shows its desired count (one per eligible instance) from the start, not 0
  // until the scheduler's first pass.
  if (svc.is_daemon()) {
    svc.desired_count = static_cast<int64_t>(scheduler_.DaemonInstances(cs, svc).size());
  }
  if (svc.deployment_controller == model::DeploymentControllerType::kCodeDeploy) {
    // CODE_DEPLOY: ECS starts the service on a first PRIMARY task set at 100 %, and shows no
    // deployments (docs/operations.md CreateService [D][I]).
    model::TaskSet first = NewTaskSet(state_, svc, svc, 100, svc.created_at);
    first.status = model::TaskSetStatus::kPrimary;
    first.started_by = "CODE_DEPLOY";
    svc.task_sets.push_back(std::move(first));
    ShowPrimaryOnService(svc);
  } else if (!svc.uses_task_sets()) {
    svc.deployments.push_back(scheduler_.NewDeployment(svc, svc.created_at));
  }
  return svc;
}

const model::Service& ControlPlane::InsertService(ClusterState& cs, model::Service svc,
                                                  model::TagList tags,
                                                  storage::ChangeSet& changes) {
  changes.PutService(svc);
  changes.PutTags(svc.arn, tags);
  state_.tags.Set(svc.arn, std::move(tags));
  return state_.index.PutService(cs, std::move(svc));
}

Result<const model::Service*> ControlPlane::UpdateService(const RequestContext& ctx,
                                                          const ServiceInput& in) {
  auto c = ResolveCluster(ctx, in.cluster, /*require_active=*/true);
  if (!c.ok()) return c.status();
  ECS_RETURN_IF_ERROR(
      CheckArnArgument(ctx.tenant, in.service, ArnResource::kService, c->cluster->name));
  model::Service* current = c->state->FindService(in.service);
  if (!current) return ServiceNotFound();
  if (current->status != model::ServiceStatus::kActive) {
    return Status(ErrorCode::kServiceNotActiveException, "Service was not ACTIVE.");
  }
  storage::ChangeSet changes = state_.NewChanges();
  ECS_RETURN_IF_ERROR(ReviseService(ctx, *c, *current, in, changes));
  ECS_RETURN_IF_ERROR(Commit(changes));
  return current;
}

Status ControlPlane::ReviseService(const RequestContext& ctx, const ClusterRef& c,
                                   model::Service& current, const ServiceInput& in,
                                   storage::ChangeSet& changes) {
  model::Service next = current;
  auto new_deployment =
      ApplyServiceInput(state_.task_definitions, ctx.tenant, *c.cluster, in, false, &next);
  if (!new_deployment.ok()) return new_deployment.status();
  const Millis now = Now();
  if (*new_deployment) {
    // Made before the PRIMARY is demoted: the new deployment names it as its source revision.
    StartDeployment(next, scheduler_.NewDeployment(next, now), now);
  } else {
    for (auto& d : next.deployments) {
      if (d.status != model::DeploymentStatus::kPrimary) continue;
      d.desired_count = next.desired_count;
      d.updated_at = now;
    }
  }
  // Task sets follow the service's desired count at once (the scheduler starts the tasks).
  for (auto& t : next.task_sets) {
    if (t.status == model::TaskSetStatus::kDraining) continue;
    t.computed_desired_count = scheduler::ComputedDesiredCount(next.desired_count, t.scale);
  }
  changes.PutService(next);
  current = std::move(next);
  c.state->WakeService(current);
  ClusterIndex::RecountServices(*c.state);
  return Status::Ok();
}

Result<const model::Service*> ControlPlane::DeleteService(const RequestContext& ctx,
                                                          const std::string& cluster,
                                                          const std::string& service, bool force) {
  auto c = ResolveCluster(ctx, cluster, /*require_active=*/false);
  if (!c.ok()) return c.status();
  ECS_RETURN_IF_ERROR(
      CheckArnArgument(ctx.tenant, service, ArnResource::kService, c->cluster->name));
  ClusterState& cs = *c->state;
  model::Service* svc = cs.FindService(service);
  if (!svc) return ServiceNotFound();
  if (svc->status != model::ServiceStatus::kActive) return svc;  // returned as it is
  if (!svc->is_daemon() && svc->desired_count > 0 && !force) {
    return Status::InvalidParameter("The service cannot be stopped while it is scaled above 0.");
  }
  storage::ChangeSet changes = state_.NewChanges();
  DrainService(cs, *svc, Now(), changes);
  ECS_RETURN_IF_ERROR(Commit(changes));
  return svc;
}

void ControlPlane::DrainService(ClusterState& cs, model::Service& service, Millis now,
                                storage::ChangeSet& changes) {
  model::Service* svc = &service;
  svc->desired_count = 0;
  cs.WakeService(*svc);
  changes.PutTags(svc->arn, {});  // tags go with the service
  state_.tags.Erase(svc->arn);
  // Every task of the service is told to stop; the service stays DRAINING until each one is
  // at least STOPPING (the reconciler watches), or is INACTIVE at once when none is left.
  bool running = false;
  for (model::Task* t : ServiceScheduler::LiveServiceTasks(cs, *svc)) {
    lifecycle_.RequestStop(cs, *t, model::StopCode::kServiceSchedulerInitiated, ScalingReason(*svc),
                           now, changes);
    running = running || t->last_status < model::TaskState::kStopping;
  }
  svc->status = running ? model::ServiceStatus::kDraining : model::ServiceStatus::kInactive;
  for (auto& d : svc->deployments) {
    if (d.status == model::DeploymentStatus::kActive && !running) {
      d.status = model::DeploymentStatus::kInactive;
    }
    if (d.status == model::DeploymentStatus::kInactive) continue;
    d.desired_count = 0;
    d.updated_at = now;
  }
  // An EXTERNAL or CODE_DEPLOY service's task sets drain with it [I].
  for (auto& t : svc->task_sets) {
    t.status = model::TaskSetStatus::kDraining;
    t.computed_desired_count = 0;
    t.updated_at = now;
  }
  changes.PutService(*svc);
  ClusterIndex::RecountServices(cs);
}

Status ControlPlane::DescribeServices(const RequestContext& ctx, const std::string& cluster,
                                      const std::vector<std::string>& names,
                                      std::vector<const model::Service*>* found,
                                      std::vector<DescribeFailure>* failures) const {
  if (names.empty()) return Status::InvalidParameter("Services cannot be empty.");
  if (names.size() > 10) return Status::InvalidParameter("services can have at most 10 items.");
  auto c = FindCluster(ctx, cluster, /*require_active=*/false);
  if (!c.ok()) return c.status();
  // Not the cluster: a service ARN of another cluster is a MISSING failure in a Describe
  // (docs/operations.md, DescribeServices), below.
  ECS_RETURN_IF_ERROR(CheckArnArguments(ctx.tenant, names, ArnResource::kService));
  const ClusterState* cs = state_.index.FindCluster(ctx.tenant, (*c)->name);
  for (const auto& name : names) {
    const model::Service* s = cs ? cs->FindService(name) : nullptr;
    // A long ARN that names another cluster is not this cluster's service.
    if (s && name.starts_with("arn:") && name != s->arn &&
        name.find(":service/" + (*c)->name + "/") == std::string::npos &&
        std::count(name.begin(), name.end(), '/') > 1) {
      s = nullptr;
    }
    if (s) {
      if (std::find(found->begin(), found->end(), s) == found->end()) found->push_back(s);
    } else {
      failures->push_back({name.starts_with("arn:")
                               ? name
                               : ArnPrefix(ctx.tenant) + "service/" + (*c)->name + "/" + name,
                           "MISSING", ""});
    }
  }
  return Status::Ok();
}

namespace {

// One page of `matching` (sorted by seq) after the token's cursor.
Page PageOf(std::vector<const model::Service*> matching, int size, const std::string& scope) {
  std::sort(matching.begin(), matching.end(), [](auto* a, auto* b) { return a->seq < b->seq; });
  Page page;
  for (size_t i = 0; i < matching.size(); ++i) {
    if (static_cast<int>(page.arns.size()) == size) {
      page.next_token = EncodePageToken(scope, SeqCursor(matching[i - 1]->seq));
      break;
    }
    page.arns.push_back(matching[i]->arn);
  }
  return page;
}

Result<std::string> Cursor(const PageRequest& request, const std::string& scope) {
  if (!request.next_token) return std::string();
  return DecodePageToken(*request.next_token, scope);
}

}  // namespace

Result<Page> ControlPlane::ListServices(const RequestContext& ctx,
                                        const ListServicesInput& in) const {
  auto c = FindCluster(ctx, in.cluster, /*require_active=*/false);
  if (!c.ok()) return c.status();
  auto size = ResolvePageSize(in.page.max_results, 10, 100);
  if (!size.ok()) return size.status();
  const std::string scope =
      TenantScope(ctx.tenant, "ListServices") + "|" + (*c)->name + "|" +
      std::string(in.launch_type ? model::ToString(*in.launch_type) : "") + "|" +
      std::string(in.scheduling_strategy ? model::ToString(*in.scheduling_strategy) : "") + "|" +
      (in.ecs_managed ? (*in.ecs_managed ? "ECS" : "CUSTOMER") : "");
  auto after = Cursor(in.page, scope);
  if (!after.ok()) return after.status();
  std::vector<const model::Service*> matching;
  if (const ClusterState* cs = state_.index.FindCluster(ctx.tenant, (*c)->name)) {
    for (const auto& [name, s] : cs->services) {
      if (s.status != model::ServiceStatus::kActive || SeqCursor(s.seq) <= *after) continue;
      if (in.launch_type && s.launch_type != in.launch_type) continue;
      if (in.scheduling_strategy && s.scheduling_strategy != *in.scheduling_strategy) continue;
      // resourceManagementType: ECS manages the Express services' resources.
      if (in.ecs_managed && (FindExpressService(s.arn) != nullptr) != *in.ecs_managed) continue;
      matching.push_back(&s);
    }
  }
  return PageOf(std::move(matching), *size, scope);
}

Result<Page> ControlPlane::ListServicesByNamespace(const RequestContext& ctx, const std::string& ns,
                                                   const PageRequest& request) const {
  if (ns.empty()) return Status::InvalidParameter("namespace can not be empty.");
  auto size = ResolvePageSize(request.max_results, 10, 100);
  if (!size.ok()) return size.status();
  const std::string scope = TenantScope(ctx.tenant, "ListServicesByNamespace") + "|" + ns;
  auto after = Cursor(request, scope);
  if (!after.ok()) return after.status();
  // Namespaces known to this tenant: the clusters' Service Connect defaults and services' own.
  // A name and an ARN name the same namespace when their last segments agree.
  auto same = [&ns](const std::string& known) {
    return known == ns || LastSegment(known) == LastSegment(ns);
  };
  bool known = false;
  std::vector<const model::Service*> matching;
  if (const TenantState* ts = state_.index.FindTenant(ctx.tenant)) {
    for (const auto& [name, c] : ts->clusters) {
      known = known ||
              (!c.service_connect_namespace_arn.empty() && same(c.service_connect_namespace_arn));
    }
    for (const auto& [cname, cs] : ts->cluster_state) {
      for (const auto& [sname, s] : cs.services) {
        if (s.service_connect_namespace.empty() || !same(s.service_connect_namespace)) continue;
        known = true;
        if (s.status == model::ServiceStatus::kActive && SeqCursor(s.seq) > *after) {
          matching.push_back(&s);
        }
      }
    }
  }
  if (!known) {
    return Status(ErrorCode::kNamespaceNotFoundException, "The specified namespace was not found.");
  }
  return PageOf(std::move(matching), *size, scope);
}

ServiceCounts ControlPlane::CountsForService(const model::Service& s) const {
  ServiceCounts n;
  const ClusterState* cs = state_.index.FindCluster(s.tenant, s.cluster);
  if (!cs) return n;
  auto it = cs->service_counts.find(s.name);
  if (it == cs->service_counts.end()) return n;
  n.by_deployment = it->second;
  for (const auto& [id, counts] : it->second) {
    n.running += counts.first;
    n.pending += counts.second;
  }
  return n;
}

}  // namespace ecs::control

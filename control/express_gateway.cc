// CreateExpressGatewayService, DescribeExpressGatewayService, UpdateExpressGatewayService,
// DeleteExpressGatewayService (docs/operations.md §B8) and the reconciler's part for them. An
// Express service is an ordinary service (services.cc: the service scheduler runs its tasks and
// rolls its deployments) plus a record of its revisions' configurations and its simulated managed
// resources (model/express_gateway.h). Each operation is one commit: the task definition
// revision, the service and the record change together.
#include <algorithm>

#include "common/arn_check.h"
#include "common/names.h"
#include "control/control_plane.h"
#include "control/tags.h"
#include "control/task_lifecycle.h"

namespace ecs::control {

namespace {

// Revisions' configurations kept per service (the active ones are the newest).
constexpr size_t kMaxConfigurations = 50;

Status ExpressServiceNotFound() {
  return Status(ErrorCode::kServiceNotFoundException, "Service not found.");
}

// A default-VPC subnet of the tenant in one zone: the same every time, as a default VPC is [I].
std::string DefaultSubnet(const Tenant& t, const std::string& zone) {
  uint64_t h = 1469598103934665603ULL;  // FNV-1a
  for (char ch : t.account + "/" + zone)
    h = (h ^ static_cast<unsigned char>(ch)) * 1099511628211ULL;
  static constexpr char kHex[] = "0123456789abcdef";
  std::string id = "subnet-";
  for (int i = 0; i < 17; ++i, h = h * 31 + 7) id += kHex[(h >> 59) & 0xf];
  return id;
}

// "arn:...:service/<cluster>/<name>" -> <cluster>; the old form without one -> "default".
std::string ClusterOfServiceArn(const std::string& arn) {
  const size_t start = arn.find(":service/");
  if (start == std::string::npos) return "default";
  const std::string path = arn.substr(start + 9);
  const size_t slash = path.find('/');
  return slash == std::string::npos ? "default" : path.substr(0, slash);
}

// The id (sg-...) at the end of a security group ARN.
std::string SecurityGroupId(const std::string& arn) { return arn.substr(arn.rfind('/') + 1); }

const model::ManagedResource* FindResource(const model::ExpressGatewayService& e,
                                           model::ManagedKind kind) {
  for (const auto& m : e.resources) {
    if (m.kind == kind) return &m;
  }
  return nullptr;
}

// What the service is made of, from the plan and the managed resources.
ServiceInput ExpressServiceInput(const ExpressPlan& plan, const std::string& task_definition,
                                 const std::string& target_group) {
  ServiceInput in;
  in.cluster = plan.cluster;
  in.service = plan.service_name;
  in.task_definition = task_definition;
  in.launch_type = model::LaunchType::kFargate;
  model::NetworkConfiguration net;
  net.awsvpc.subnets = plan.config.subnets;
  net.awsvpc.security_groups = plan.config.security_groups;
  in.network_configuration = net;
  model::LoadBalancer lb;
  lb.target_group_arn = target_group;
  lb.container_name = plan.container_name;
  lb.container_port = plan.config.container_port;
  in.load_balancers = std::vector<model::LoadBalancer>{lb};
  return in;
}

}  // namespace

const model::ExpressGatewayService* ControlPlane::FindExpressService(
    const std::string& service_arn) const {
  auto it = state_.express_services.find(service_arn);
  return it == state_.express_services.end() ? nullptr : &it->second;
}

const model::Service* ControlPlane::ServiceOf(const model::ExpressGatewayService& e) const {
  const ClusterState* cs = state_.index.FindCluster(e.tenant, e.cluster);
  const model::Service* svc = cs ? cs->FindService(e.name) : nullptr;
  return svc && svc->arn == e.service_arn ? svc : nullptr;
}

Result<ExpressPlan> ControlPlane::PlanExpressGatewayService(const RequestContext& ctx,
                                                            const ExpressInput& in) {
  auto cluster = FindCluster(ctx, in.cluster.empty() ? "default" : in.cluster, true);
  if (!cluster.ok()) return cluster.status();
  if (!IsIamRoleArn(in.infrastructure_role_arn)) {
    return Status::InvalidParameter("infrastructureRoleArn must be an IAM role ARN.");
  }
  ECS_RETURN_IF_ERROR(ValidateTags(in.tags));
  ExpressPlan plan;
  plan.cluster = (*cluster)->name;
  plan.infrastructure_role_arn = in.infrastructure_role_arn;
  // A generated name [I: ECS's own form is not documented].
  plan.service_name = in.service_name.empty()
                          ? "express-service-" + state_.ids.Hex32().substr(0, 12)
                          : in.service_name;
  if (!IsValidResourceName(plan.service_name)) {
    return Status::InvalidParameter("Service name must match ^[a-zA-Z0-9\\-_]{1,255}$, but was " +
                                    plan.service_name);
  }
  const ClusterState* cs = state_.index.FindCluster(ctx.tenant, plan.cluster);
  if (const model::Service* existing = cs ? cs->FindService(plan.service_name) : nullptr;
      existing && existing->status != model::ServiceStatus::kInactive) {
    return Status::InvalidParameter("Creation of service was not idempotent.");
  }
  auto config = MergeExpressConfiguration(nullptr, in);
  if (!config.ok()) return config.status();
  plan.config = std::move(config).value();
  plan.family = plan.service_name;
  plan.container_name = kExpressContainerName;
  plan.log_group = ManagedLogGroupName(plan.cluster, plan.service_name);
  return plan;
}

Result<ExpressPlan> ControlPlane::PlanExpressUpdate(const RequestContext& ctx,
                                                    const ExpressInput& in) {
  auto e = ActiveExpressService(ctx, in.service_arn);
  if (!e.ok()) return e.status();
  auto config = MergeExpressConfiguration(&(*e)->current(), in);
  if (!config.ok()) return config.status();
  ExpressPlan plan;
  plan.cluster = (*e)->cluster;
  plan.service_name = (*e)->name;
  plan.family = plan.service_name;
  plan.container_name = kExpressContainerName;
  plan.log_group = ManagedLogGroupName(plan.cluster, plan.service_name);
  plan.config = std::move(config).value();
  return plan;
}

Result<model::ExpressGatewayService*> ControlPlane::ActiveExpressService(
    const RequestContext& ctx, const std::string& service_arn) {
  ECS_RETURN_IF_ERROR(CheckArnArgument(ctx.tenant, service_arn, ArnResource::kService));
  auto it = state_.express_services.find(service_arn);
  if (it == state_.express_services.end()) {
    const ClusterState* cs = state_.index.FindCluster(ctx.tenant, ClusterOfServiceArn(service_arn));
    if (cs && cs->FindService(service_arn)) {
      return Status::InvalidParameter("The service " + service_arn + " is not an Express service.");
    }
    return ExpressServiceNotFound();
  }
  if (it->second.status != model::ExpressStatus::kActive) {
    return Status(ErrorCode::kServiceNotActiveException, "Service was not ACTIVE.");
  }
  return &it->second;
}

Result<const model::ExpressGatewayService*> ControlPlane::DescribeExpressGatewayService(
    const RequestContext& ctx, const std::string& service_arn) const {
  ECS_RETURN_IF_ERROR(CheckArnArgument(ctx.tenant, service_arn, ArnResource::kService));
  const model::ExpressGatewayService* e = FindExpressService(service_arn);
  if (!e) {
    return Status(ErrorCode::kResourceNotFoundException,
                  "The Express service " + service_arn + " was not found.");
  }
  return e;
}

Result<const model::ExpressGatewayService*> ControlPlane::CreateExpressGatewayService(
    const RequestContext& ctx, const ExpressPlan& plan, bool managed_log_group,
    taskdef::TaskDefinitionSpec spec, model::TagList tags) {
  auto c = ResolveCluster(ctx, plan.cluster, /*require_active=*/true);
  if (!c.ok()) return c.status();
  auto td = NewTaskDefinition(ctx, std::move(spec));
  if (!td.ok()) return td.status();
  const Millis now = Now();
  model::ExpressGatewayService e;
  e.tenant = ctx.tenant;
  e.cluster = plan.cluster;
  e.name = plan.service_name;
  e.infrastructure_role_arn = plan.infrastructure_role_arn;
  e.endpoint = ExpressEndpoint(ctx.tenant, e.name, state_.ids);
  e.created_at = e.updated_at = now;
  e.resources = NewManagedResources(
      ctx.tenant, e.cluster, e.name, plan.config, e.endpoint.substr(e.endpoint.find("//") + 2),
      managed_log_group ? plan.log_group : "", now,
      now + StepDelay(state_, state_.options.lifecycle.managed_resources), state_.ids);
  // Without a network configuration the tasks run in the default VPC's subnets, behind the
  // service security group Express creates.
  ExpressPlan used = plan;
  if (used.config.subnets.empty()) {
    for (const auto& suffix : state_.options.az_suffixes) {
      used.config.subnets.push_back(DefaultSubnet(ctx.tenant, ctx.tenant.region + suffix));
    }
  }
  if (const auto* sg = FindResource(e, model::ManagedKind::kServiceSecurityGroup)) {
    used.config.security_groups = {SecurityGroupId(sg->arn)};
  }
  const std::string td_arn = td->record.reg.arn;
  storage::ChangeSet changes = state_.NewChanges();
  PutTaskDefinition(std::move(td).value(), changes);
  ServiceInput in =
      ExpressServiceInput(used, td_arn, FindResource(e, model::ManagedKind::kTargetGroup)->arn);
  in.desired_count = used.config.scaling.min_tasks;
  auto svc = NewService(ctx, *c, in);
  if (!svc.ok()) {
    ForgetTaskDefinition(ctx.tenant, td_arn);  // nothing was committed
    return svc.status();
  }
  const model::Service& slot =
      InsertService(*c->state, std::move(svc).value(), std::move(tags), changes);
  e.service_arn = slot.arn;
  e.seq = slot.seq;
  used.config.deployment_id = slot.deployments.front().id;
  used.config.task_definition_arn = td_arn;
  used.config.created_at = now;
  e.configurations.push_back(std::move(used.config));
  changes.PutExpressGatewayService(e);
  const auto& stored = state_.express_services.insert_or_assign(e.service_arn, std::move(e));
  ECS_RETURN_IF_ERROR(Commit(changes));
  return &stored.first->second;
}

Result<const model::ExpressGatewayService*> ControlPlane::UpdateExpressGatewayService(
    const RequestContext& ctx, const ExpressPlan& plan, taskdef::TaskDefinitionSpec spec) {
  auto c = ResolveCluster(ctx, plan.cluster, /*require_active=*/true);
  if (!c.ok()) return c.status();
  model::Service* svc = c->state->FindService(plan.service_name);
  auto found = state_.express_services.find(svc ? svc->arn : "");
  if (!svc || found == state_.express_services.end()) return ExpressServiceNotFound();
  model::ExpressGatewayService& e = found->second;
  auto td = NewTaskDefinition(ctx, std::move(spec));
  if (!td.ok()) return td.status();
  const std::string td_arn = td->record.reg.arn;
  storage::ChangeSet changes = state_.NewChanges();
  PutTaskDefinition(std::move(td).value(), changes);
  ServiceInput in =
      ExpressServiceInput(plan, td_arn, FindResource(e, model::ManagedKind::kTargetGroup)->arn);
  // The scaling target bounds the running count; a new deployment rolls the new revision out.
  in.desired_count =
      std::clamp(svc->desired_count, plan.config.scaling.min_tasks, plan.config.scaling.max_tasks);
  in.force_new_deployment = true;
  if (Status st = ReviseService(ctx, *c, *svc, in, changes); !st.ok()) {
    ForgetTaskDefinition(ctx.tenant, td_arn);  // nothing was committed
    return st;
  }
  const Millis now = Now();
  model::ExpressConfiguration config = plan.config;
  config.deployment_id = svc->deployments.front().id;
  config.task_definition_arn = td_arn;
  config.created_at = now;
  e.configurations.push_back(std::move(config));
  if (e.configurations.size() > kMaxConfigurations)
    e.configurations.erase(e.configurations.begin());
  // The target group's health check and the scaling target follow the new configuration.
  for (auto& m : e.resources) {
    if (m.kind == model::ManagedKind::kTargetGroup ||
        m.kind == model::ManagedKind::kScalableTarget ||
        m.kind == model::ManagedKind::kScalingPolicy) {
      m.updated_at = now;
    }
  }
  e.updated_at = now;
  changes.PutExpressGatewayService(e);
  ECS_RETURN_IF_ERROR(Commit(changes));
  return &e;
}

Result<const model::ExpressGatewayService*> ControlPlane::DeleteExpressGatewayService(
    const RequestContext& ctx, const std::string& service_arn) {
  auto found = ActiveExpressService(ctx, service_arn);
  if (!found.ok()) return found.status();
  model::ExpressGatewayService& e = **found;
  ClusterState* cs = state_.index.FindCluster(ctx.tenant, e.cluster);
  model::Service* svc = cs ? cs->FindService(e.name) : nullptr;
  if (!svc) return ExpressServiceNotFound();
  const Millis now = Now();
  storage::ChangeSet changes = state_.NewChanges();
  if (svc->status == model::ServiceStatus::kActive) DrainService(*cs, *svc, now, changes);
  e.status = model::ExpressStatus::kDraining;
  e.status_reason = "The service is being deleted.";
  e.updated_at = now;
  changes.PutExpressGatewayService(e);
  ECS_RETURN_IF_ERROR(Commit(changes));
  return &e;
}

namespace {

// Resources whose provisioning or deprovisioning ended by `now` move on. Whether any did.
bool FinishTransitions(model::ExpressGatewayService& e, Millis now) {
  bool changed = false;
  for (auto& m : e.resources) {
    if (m.due_at == 0 || m.due_at > now) continue;
    m.status = m.status == model::ManagedStatus::kDeprovisioning ? model::ManagedStatus::kDeleted
                                                                 : model::ManagedStatus::kActive;
    m.updated_at = m.due_at;
    m.due_at = 0;
    changed = true;
  }
  return changed;
}

// Teardown order (DeleteExpressGatewayService: "After all tasks stop, the service and
// infrastructure are permanently removed"): the resources once no task is left, INACTIVE once
// they are all deleted.
bool TearDown(model::ExpressGatewayService& e, bool tasks_left, Millis now, Millis delay) {
  if (tasks_left) return false;
  bool changed = false;
  bool all_deleted = true;
  for (auto& m : e.resources) {
    if (m.status == model::ManagedStatus::kActive ||
        m.status == model::ManagedStatus::kProvisioning) {
      m.status = model::ManagedStatus::kDeprovisioning;
      m.updated_at = now;
      m.due_at = now + delay;
      changed = true;
    }
    all_deleted = all_deleted && m.status == model::ManagedStatus::kDeleted;
  }
  if (all_deleted) {
    e.status = model::ExpressStatus::kInactive;
    e.status_reason = "The service and its managed resources were deleted.";
    e.updated_at = now;
    changed = true;
  }
  return changed;
}

}  // namespace

void ControlPlane::AdvanceExpressServices(Millis now, storage::ChangeSet& changes) {
  for (auto& [arn, e] : state_.express_services) {
    if (e.status == model::ExpressStatus::kInactive) continue;
    ClusterState* cs = state_.index.FindCluster(e.tenant, e.cluster);
    model::Service* svc = cs ? cs->FindService(e.name) : nullptr;
    bool changed = FinishTransitions(e, now);
    // DeleteService on the service itself drains it as DeleteExpressGatewayService does [I].
    if (e.status == model::ExpressStatus::kActive &&
        (!svc || svc->status != model::ServiceStatus::kActive)) {
      e.status = model::ExpressStatus::kDraining;
      e.status_reason = "The service is being deleted.";
      e.updated_at = now;
      changed = true;
    }
    if (e.status == model::ExpressStatus::kDraining) {
      const bool tasks_left = svc && !ServiceScheduler::LiveServiceTasks(*cs, *svc).empty();
      changed = TearDown(e, tasks_left, now,
                         StepDelay(state_, state_.options.lifecycle.managed_resources)) ||
                changed;
    }
    if (changed) changes.PutExpressGatewayService(e);
  }
}

std::optional<Millis> ControlPlane::NextExpressDue() const {
  std::optional<Millis> next;
  for (const auto& [arn, e] : state_.express_services) {
    for (const auto& m : e.resources) {
      if (m.due_at != 0 && (!next || m.due_at < *next)) next = m.due_at;
    }
  }
  return next;
}

void ControlPlane::ForgetTaskDefinition(const Tenant& t, const std::string& arn) {
  if (const TaskDefinitionRecord* r = state_.task_definitions.FindArn(t, arn)) {
    state_.task_definitions.Erase(t, r->spec->family, r->reg.revision);
  }
  state_.tags.Erase(arn);
}

}  // namespace ecs::control

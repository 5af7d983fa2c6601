// Task sets of EXTERNAL services: CreateTaskSet, DescribeTaskSets, UpdateTaskSet,
// UpdateServicePrimaryTaskSet, DeleteTaskSet (docs/operations.md B4). A set lives in its
// service's row; the service scheduler keeps its tasks (service_reconcile.cc).
#include "control/task_sets.h"

#include <algorithm>

#include "common/arn_check.h"
#include "control/control_plane.h"
#include "control/service_input.h"
#include "control/tags.h"
#include "scheduler/task_set_planner.h"

namespace ecs::control {

namespace {

// ECS's limit, in the text clients report (aws-samples/ecs-bg-external-controller#6).
constexpr size_t kMaxTaskSets = 5;

Status NotExternal() {
  // AWS's text as clients report it (hashicorp/terraform-provider-aws#30347).
  return Status::InvalidParameter(
      "Amazon ECS only supports task set management on services configured to use external "
      "deployment controllers.");
}

Status TaskSetNotFound() {
  return Status(ErrorCode::kTaskSetNotFoundException, "The specified task set does not exist.");
}

template <typename ServiceT>
auto FindSet(ServiceT& svc, const std::string& id_or_arn) -> decltype(&svc.task_sets.front()) {
  for (auto& t : svc.task_sets) {
    if (t.id == id_or_arn || t.arn == id_or_arn) return &t;
  }
  return nullptr;
}

Status CheckScale(double scale, const std::string& unit) {
  if (!unit.empty() && unit != "PERCENT") {
    return Status::InvalidParameter("scale.unit must be PERCENT.");
  }
  if (scale < 0 || scale > 100) {
    return Status::InvalidParameter("scale.value must be between 0.0 and 100.0.");
  }
  return Status::Ok();
}

// Lists a task set's service for the scheduler's next pass.
void Wake(State& state, model::Service& svc) {
  state.index.FindCluster(svc.tenant, svc.cluster)->WakeService(svc);
}

}  // namespace

model::TaskSet NewTaskSet(State& state, const model::Service& svc, const model::Service& validated,
                          double scale, Millis now) {
  model::TaskSet t;
  t.id = state.ids.DeploymentId();
  t.arn = ArnPrefix(svc.tenant) + "task-set/" + svc.cluster + "/" + svc.name + "/" + t.id;
  t.status = model::TaskSetStatus::kActive;
  t.task_definition_arn = validated.task_definition_arn;
  t.launch_type = validated.launch_type;
  t.capacity_provider_strategy = validated.capacity_provider_strategy;
  if (validated.uses_fargate()) {
    // LATEST resolves to the current Linux platform version, as for deployments.
    t.platform_version =
        validated.platform_version == "LATEST" ? "1.4.0" : validated.platform_version;
    t.platform_family = "Linux";
  }
  t.network_configuration = validated.network_configuration;
  t.load_balancers = validated.load_balancers;
  t.service_registries = validated.service_registries;
  t.scale = scale;
  t.computed_desired_count = scheduler::ComputedDesiredCount(svc.desired_count, scale);
  t.stability_status = t.computed_desired_count == 0 ? model::StabilityStatus::kSteadyState
                                                     : model::StabilityStatus::kStabilizing;
  t.stability_status_at = now;
  t.created_at = now;
  t.updated_at = now;
  return t;
}

void ShowPrimaryOnService(model::Service& svc) {
  const model::TaskSet* primary = nullptr;
  for (const auto& t : svc.task_sets) {
    if (t.status == model::TaskSetStatus::kPrimary) primary = &t;
  }
  if (!primary) {
    svc.task_definition_arn.clear();
    svc.launch_type.reset();
    svc.capacity_provider_strategy.clear();
    svc.platform_version.clear();
    svc.network_configuration.reset();
    svc.load_balancers.clear();
    svc.service_registries = model::RawJson();
    return;
  }
  svc.task_definition_arn = primary->task_definition_arn;
  svc.launch_type = primary->launch_type;
  svc.capacity_provider_strategy = primary->capacity_provider_strategy;
  svc.platform_version = primary->platform_version;
  svc.network_configuration = primary->network_configuration;
  svc.load_balancers = primary->load_balancers;
  svc.service_registries = primary->service_registries;
}

// The service a task-set operation names: ACTIVE, and EXTERNAL unless only reading.
Result<const model::Service*> ControlPlane::TaskSetService(const RequestContext& ctx,
                                                           const std::string& cluster,
                                                           const std::string& service,
                                                           bool reading) const {
  auto c = FindCluster(ctx, cluster, /*require_active=*/true);
  if (!c.ok()) return c.status();
  ECS_RETURN_IF_ERROR(CheckArnArgument(ctx.tenant, service, ArnResource::kService, (*c)->name));
  const ClusterState* cs = state_.index.FindCluster(ctx.tenant, (*c)->name);
  const model::Service* svc = cs ? cs->FindService(service) : nullptr;
  if (!svc || svc->status == model::ServiceStatus::kInactive) {
    return Status(ErrorCode::kServiceNotFoundException, "Service not found.");
  }
  if (svc->status != model::ServiceStatus::kActive) {
    return Status(ErrorCode::kServiceNotActiveException, "Service was not ACTIVE.");
  }
  const bool allowed =
      svc->deployment_controller == model::DeploymentControllerType::kExternal ||
      (reading && svc->deployment_controller == model::DeploymentControllerType::kCodeDeploy);
  if (!allowed) return NotExternal();
  return svc;
}

model::Service& ControlPlane::MutableService(const model::Service& svc) {
  return *state_.index.FindCluster(svc.tenant, svc.cluster)->FindService(svc.name);
}

Result<TaskSetView> ControlPlane::CreateTaskSet(const RequestContext& ctx, TaskSetInput in) {
  auto found = TaskSetService(ctx, in.members.cluster, in.members.service, false);
  if (!found.ok()) return found.status();
  model::Service& svc = MutableService(**found);
  const double scale = in.scale.value_or(0);
  ECS_RETURN_IF_ERROR(CheckScale(scale, in.scale_unit));
  if (in.members.client_token.size() > 36) {
    return Status::InvalidParameter("clientToken must be at most 36 characters.");
  }
  for (const auto& t : svc.task_sets) {
    if (!in.members.client_token.empty() && t.client_token == in.members.client_token) {
      return TaskSetView{&svc, t};
    }
  }
  if (svc.task_sets.size() >= kMaxTaskSets) {
    return Status::InvalidParameter(std::to_string(svc.task_sets.size()) +
                                    " deployments exist on the service. Unable to create new "
                                    "TaskSet since this exceeds the maximum limit.");
  }
  ECS_RETURN_IF_ERROR(ValidateTags(in.members.tags));
  // The set's members are checked by CreateService's own rules, on a copy of the service as an
  // ECS-controller service without them.
  model::Service scratch = svc;
  scratch.deployment_controller = model::DeploymentControllerType::kEcs;
  ShowPrimaryOnService(scratch);
  scratch.task_definition_arn.clear();
  in.members.desired_count = svc.desired_count;
  auto cluster = FindCluster(ctx, svc.cluster, /*require_active=*/true);
  if (!cluster.ok()) return cluster.status();
  ECS_RETURN_IF_ERROR(ApplyServiceInput(state_.task_definitions, ctx.tenant, **cluster, in.members,
                                        /*creating=*/true, &scratch)
                          .status());
  model::TaskSet set = NewTaskSet(state_, svc, scratch, scale, Now());
  set.external_id = in.external_id;
  set.client_token = in.members.client_token;
  svc.task_sets.push_back(set);
  Wake(state_, svc);
  storage::ChangeSet changes = state_.NewChanges();
  changes.PutService(svc);
  changes.PutTags(set.arn, in.members.tags);
  state_.tags.Set(set.arn, std::move(in.members.tags));
  ECS_RETURN_IF_ERROR(Commit(changes));
  return TaskSetView{&svc, std::move(set)};
}

Status ControlPlane::DescribeTaskSets(const RequestContext& ctx, const std::string& cluster,
                                      const std::string& service,
                                      const std::vector<std::string>& ids,
                                      std::vector<TaskSetView>* found,
                                      std::vector<DescribeFailure>* failures) const {
  // Reads only: TaskSetService resolves without changing anything.
  auto svc = TaskSetService(ctx, cluster, service, true);
  if (!svc.ok()) return svc.status();
  if (ids.empty()) {
    for (const auto& t : (*svc)->task_sets) found->push_back({*svc, t});
    return Status::Ok();
  }
  for (const auto& id : ids) {
    if (const model::TaskSet* t = FindSet(**svc, id)) {
      found->push_back({*svc, *t});
    } else {
      failures->push_back({id, "MISSING", ""});
    }
  }
  return Status::Ok();
}

Result<TaskSetView> ControlPlane::UpdateTaskSet(const RequestContext& ctx,
                                                const std::string& cluster,
                                                const std::string& service,
                                                const std::string& task_set, double scale,
                                                const std::string& unit) {
  auto found = TaskSetService(ctx, cluster, service, false);
  if (!found.ok()) return found.status();
  model::Service& svc = MutableService(**found);
  model::TaskSet* t = FindSet(svc, task_set);
  if (!t) return TaskSetNotFound();
  ECS_RETURN_IF_ERROR(CheckScale(scale, unit));
  if (t->status == model::TaskSetStatus::kDraining) {
    return Status::InvalidParameter("The task set is DRAINING and cannot be updated.");
  }
  t->scale = scale;
  t->computed_desired_count = scheduler::ComputedDesiredCount(svc.desired_count, scale);
  t->updated_at = Now();
  Wake(state_, svc);
  storage::ChangeSet changes = state_.NewChanges();
  changes.PutService(svc);
  ECS_RETURN_IF_ERROR(Commit(changes));
  return TaskSetView{&svc, *t};
}

Result<TaskSetView> ControlPlane::UpdateServicePrimaryTaskSet(const RequestContext& ctx,
                                                              const std::string& cluster,
                                                              const std::string& service,
                                                              const std::string& task_set) {
  auto found = TaskSetService(ctx, cluster, service, false);
  if (!found.ok()) return found.status();
  model::Service& svc = MutableService(**found);
  model::TaskSet* t = FindSet(svc, task_set);
  if (!t) return TaskSetNotFound();
  if (t->status == model::TaskSetStatus::kDraining) {
    return Status::InvalidParameter("The task set is DRAINING and cannot be made primary.");
  }
  const Millis now = Now();
  for (auto& other : svc.task_sets) {
    if (other.status != model::TaskSetStatus::kPrimary || &other == t) continue;
    other.status = model::TaskSetStatus::kActive;
    other.updated_at = now;
  }
  if (t->status != model::TaskSetStatus::kPrimary) {
    t->status = model::TaskSetStatus::kPrimary;
    t->updated_at = now;
  }
  // PRIMARY first, as ECS lists it.
  std::stable_partition(svc.task_sets.begin(), svc.task_sets.end(), [](const model::TaskSet& s) {
    return s.status == model::TaskSetStatus::kPrimary;
  });
  ShowPrimaryOnService(svc);
  Wake(state_, svc);
  storage::ChangeSet changes = state_.NewChanges();
  changes.PutService(svc);
  ECS_RETURN_IF_ERROR(Commit(changes));
  return TaskSetView{&svc, *FindSet(svc, task_set)};
}

Result<TaskSetView> ControlPlane::DeleteTaskSet(const RequestContext& ctx,
                                                const std::string& cluster,
                                                const std::string& service,
                                                const std::string& task_set, bool force) {
  auto found = TaskSetService(ctx, cluster, service, false);
  if (!found.ok()) return found.status();
  model::Service& svc = MutableService(**found);
  model::TaskSet* t = FindSet(svc, task_set);
  if (!t) return TaskSetNotFound();
  if (t->status == model::TaskSetStatus::kDraining) return TaskSetView{&svc, *t};
  if (t->scale > 0 && !force) {
    // [I] the text; the rule is the model's ("force ... even if it hasn't been scaled down to
    // zero").
    return Status::InvalidParameter(
        "The task set cannot be deleted while it is scaled above 0. Scale it to 0 or use "
        "force.");
  }
  const bool was_primary = t->status == model::TaskSetStatus::kPrimary;
  t->status = model::TaskSetStatus::kDraining;
  t->computed_desired_count = 0;
  t->updated_at = Now();
  TaskSetView out{&svc, *t};
  if (was_primary) ShowPrimaryOnService(svc);
  Wake(state_, svc);
  storage::ChangeSet changes = state_.NewChanges();
  changes.PutService(svc);
  changes.PutTags(t->arn, {});  // tags go with the set
  state_.tags.Erase(t->arn);
  ECS_RETURN_IF_ERROR(Commit(changes));
  return out;
}

}  // namespace ecs::control

// Service rules: CreateService, UpdateService, DeleteService, DescribeServices, ListServices,
// ListServicesByNamespace. The service scheduler that acts on them is service_scheduler.cc.
#include <algorithm>

#include "common/json.h"
#include "common/names.h"
#include "common/pagination.h"
#include "control/control_plane.h"
#include "scheduler/placement_types.h"

namespace ecs::control {

namespace {

// INACTIVE deployments kept for ListServiceDeployments / DescribeServiceDeployments.
constexpr size_t kMaxDeploymentHistory = 50;

Status ServiceNotFound() {
  return Status(ErrorCode::kServiceNotFoundException, "Service not found.");
}

std::string StrategyJson(const std::vector<CreateClusterInput::StrategyItem>& items) {
  if (items.empty()) return "";
  JsonWriter w;
  w.StartArray();
  for (const auto& i : items) {
    w.StartObject()
        .Member("capacityProvider", i.capacity_provider)
        .Member("weight", i.weight)
        .Member("base", i.base)
        .EndObject();
  }
  w.EndArray();
  return w.str();
}

}  // namespace

model::Service* ControlPlane::FindService(ClusterState& cs, std::string_view identifier) {
  auto it = cs.services.find(std::string(LastSegment(identifier)));
  return it == cs.services.end() ? nullptr : &it->second;
}

const model::Service* ControlPlane::FindService(const ClusterState& cs,
                                                std::string_view identifier) const {
  auto it = cs.services.find(std::string(LastSegment(identifier)));
  return it == cs.services.end() ? nullptr : &it->second;
}

bool ControlPlane::ServiceExists(const RequestContext& ctx, const std::string& cluster,
                                 const std::string& service) const {
  const ClusterState* cs = FindClusterState(ctx.tenant, cluster);
  const model::Service* s = cs ? FindService(*cs, service) : nullptr;
  return s && s->status != "INACTIVE";
}

// Validates what CreateService and UpdateService share and applies it to `svc`.
// `creating` distinguishes the defaults and the rules that only apply at creation.
static Status ApplyServiceInput(const TaskDefinitionRegistry& registry, const Tenant& tenant,
                                const model::Cluster& cluster, ServiceInput& in, bool creating,
                                model::Service* svc, bool* new_deployment) {
  *new_deployment = creating || in.force_new_deployment;
  if (in.scheduling_strategy) {
    if (!creating && *in.scheduling_strategy != svc->scheduling_strategy) {
      return Status::InvalidParameter("schedulingStrategy cannot be changed.");
    }
    svc->scheduling_strategy = *in.scheduling_strategy;
  }
  const bool daemon = svc->scheduling_strategy == "DAEMON";
  if (daemon && in.desired_count) {
    return Status::InvalidParameter(
        "The daemon scheduling strategy does not support a desired count for services. Remove "
        "the desired count value and try again");
  }
  if (creating && !daemon && !in.desired_count) {
    return Status::InvalidParameter("desiredCount can not be empty for a REPLICA service.");
  }
  if (in.desired_count) {
    if (*in.desired_count < 0) return Status::InvalidParameter("desiredCount must be 0 or more.");
    svc->desired_count = *in.desired_count;
  }
  if (in.deployment_controller) {
    if (*in.deployment_controller != "ECS") {
      return Status(ErrorCode::kUnsupportedFeatureException,
                    "The " + *in.deployment_controller +
                        " deployment controller is not supported by ecs-emulator yet; use ECS.");
    }
    svc->deployment_controller = "ECS";
  }
  // Launch type or capacity provider strategy; an empty strategy beside a launch type means none.
  bool has_strategy = in.capacity_provider_strategy && !in.capacity_provider_strategy->empty();
  if (in.launch_type && has_strategy) {
    return Status::InvalidParameter(
        "Specifying both a launch type and capacity provider strategy is not supported. Remove "
        "one and try again.");
  }
  if (in.launch_type) {
    if (!creating && *in.launch_type != svc->launch_type) {
      return Status::InvalidParameter("launchType cannot be changed on an existing service.");
    }
    svc->launch_type = *in.launch_type;
    svc->capacity_provider_strategy_json.clear();
  } else if (has_strategy) {
    for (const auto& item : *in.capacity_provider_strategy) {
      bool builtin =
          item.capacity_provider == "FARGATE" || item.capacity_provider == "FARGATE_SPOT";
      bool associated =
          std::find(cluster.capacity_providers.begin(), cluster.capacity_providers.end(),
                    item.capacity_provider) != cluster.capacity_providers.end();
      if (!builtin || !associated) {
        return Status::InvalidParameter(
            "The specified capacity provider strategy cannot contain "
            "a capacity provider that is not associated with the "
            "cluster.");
      }
    }
    svc->capacity_provider_strategy_json = StrategyJson(*in.capacity_provider_strategy);
    svc->launch_type.clear();
  } else if (in.capacity_provider_strategy && !creating) {
    // [] on update reverts to the launch type.
    svc->capacity_provider_strategy_json.clear();
    if (svc->launch_type.empty()) svc->launch_type = "EC2";
  } else if (creating) {
    svc->launch_type = "EC2";
    if (!cluster.default_capacity_provider_strategy_json.empty()) {
      svc->capacity_provider_strategy_json = cluster.default_capacity_provider_strategy_json;
      svc->launch_type.clear();
    }
  }
  const bool fargate = svc->launch_type == "FARGATE" ||
                       svc->capacity_provider_strategy_json.find("\"FARGATE") != std::string::npos;
  if (daemon && fargate) {
    return Status::InvalidParameter(
        "The daemon scheduling strategy is not supported with the "
        "Fargate launch type.");
  }
  if (in.platform_version) {
    if (!fargate) {
      return Status::InvalidParameter("platformVersion is only valid for the Fargate launch type.");
    }
    if (*in.platform_version != "LATEST" && *in.platform_version != "1.4.0" &&
        *in.platform_version != "1.3.0") {
      return Status(
          ErrorCode::kPlatformUnknownException,
          "The specified platform version (" + *in.platform_version + ") does not exist.");
    }
    if (!creating && *in.platform_version != svc->platform_version) *new_deployment = true;
    svc->platform_version = *in.platform_version;
  } else if (creating && fargate) {
    svc->platform_version = "LATEST";
  }

  if (in.task_definition) {
    auto td = registry.Resolve(tenant, *in.task_definition);
    if (!td.ok()) return Status::Client("TaskDefinition not found.");
    if ((*td)->reg.status != "ACTIVE")
      return Status::InvalidParameter("TaskDefinition is inactive");
    if (!creating && (*td)->reg.arn != svc->task_definition_arn) *new_deployment = true;
    svc->task_definition_arn = (*td)->reg.arn;
  } else if (creating) {
    return Status::InvalidParameter("taskDefinition can not be empty.");
  }
  auto ref = ParseTaskDefinitionRef(svc->task_definition_arn);
  const TaskDefinitionRecord* td = registry.Find(tenant, ref->family, *ref->revision);
  std::string launch = fargate ? "FARGATE" : svc->launch_type.empty() ? "EC2" : svc->launch_type;
  if (std::find(td->spec.compatibilities.begin(), td->spec.compatibilities.end(), launch) ==
      td->spec.compatibilities.end()) {
    return Status::InvalidParameter("Task definition does not support launch_type " + launch + ".");
  }

  if (in.minimum_healthy_percent) {
    if (*in.minimum_healthy_percent < 0 || *in.minimum_healthy_percent > 100) {
      return Status::InvalidParameter("minimumHealthyPercent must be between 0 and 100.");
    }
    svc->minimum_healthy_percent = static_cast<int>(*in.minimum_healthy_percent);
  } else if (creating) {
    svc->minimum_healthy_percent = daemon ? 0 : 100;
  }
  if (in.maximum_percent) {
    if (*in.maximum_percent < 0 || *in.maximum_percent > 2000) {
      return Status::InvalidParameter("maximumPercent must be between 0 and 2000.");
    }
    if (daemon && *in.maximum_percent != 100) {
      return Status::InvalidParameter(
          "The daemon scheduling strategy requires a maximumPercent "
          "of 100.");
    }
    svc->maximum_percent = static_cast<int>(*in.maximum_percent);
  } else if (creating) {
    svc->maximum_percent = daemon ? 100 : 200;
  }
  if (in.circuit_breaker_enable) svc->circuit_breaker_enable = *in.circuit_breaker_enable;
  if (in.circuit_breaker_rollback) svc->circuit_breaker_rollback = *in.circuit_breaker_rollback;
  if (in.alarms_json) svc->alarms_json = *in.alarms_json;

  if (in.placement_constraints) {
    if (fargate && !in.placement_constraints->empty()) {
      return Status::InvalidParameter(
          "Task placement constraints are not supported for the "
          "Fargate launch type.");
    }
    if (in.placement_constraints->size() + td->spec.member_of_expressions.size() > 10) {
      return Status::InvalidParameter(
          "A service can have at most 10 placement constraints, "
          "counting the task definition's.");
    }
    for (const auto& [type, expr] : *in.placement_constraints) {
      auto c = scheduler::MakePlacementConstraint(type, expr);
      if (!c.ok()) return c.status();
    }
    svc->placement_constraints = *in.placement_constraints;
    svc->placement_constraints_json = in.placement_constraints_json.value_or("[]");
  }
  if (in.placement_strategy) {
    if (fargate && !in.placement_strategy->empty()) {
      return Status::InvalidParameter(
          "Task placement strategies are not supported for the "
          "Fargate launch type.");
    }
    if (daemon && !in.placement_strategy->empty()) {
      return Status::InvalidParameter(
          "The daemon scheduling strategy does not support placement "
          "strategies.");
    }
    if (in.placement_strategy->size() > 5) {
      return Status::InvalidParameter("placementStrategy can have at most 5 items.");
    }
    for (const auto& [type, field] : *in.placement_strategy) {
      auto st = scheduler::MakePlacementStrategy(type, field);
      if (!st.ok()) return st.status();
    }
    svc->placement_strategy = *in.placement_strategy;
    svc->placement_strategy_json = in.placement_strategy_json.value_or("[]");
  }

  const bool awsvpc = td->spec.network_mode == "awsvpc";
  if (in.network_configuration_json) {
    if (!awsvpc) {
      return Status::InvalidParameter(
          "Network Configuration is not valid for the given "
          "networkMode of this task definition.");
    }
    if (!in.network || in.network->subnets.empty()) {
      return Status::InvalidParameter("subnets can not be empty.");
    }
    if (in.network->subnets.size() > 16 || in.network->security_groups.size() > 5) {
      return Status::InvalidParameter(
          "awsvpcConfiguration allows at most 16 subnets and 5 "
          "security groups.");
    }
    if (!creating && *in.network_configuration_json != svc->network_configuration_json) {
      *new_deployment = true;
    }
    svc->network_configuration_json = *in.network_configuration_json;
  }
  if (awsvpc && svc->network_configuration_json.empty()) {
    return Status::InvalidParameter(
        "Network Configuration must be provided when networkMode 'awsvpc' is specified.");
  }
  if (!awsvpc && !in.network_configuration_json && !svc->network_configuration_json.empty() &&
      in.task_definition) {
    svc->network_configuration_json.clear();
  }
  if (in.load_balancers_json) {
    if (!creating && *in.load_balancers_json != svc->load_balancers_json) *new_deployment = true;
    svc->load_balancers_json = *in.load_balancers_json;
  }
  if (in.service_registries_json) {
    if (!creating && *in.service_registries_json != svc->service_registries_json) {
      *new_deployment = true;
    }
    svc->service_registries_json = *in.service_registries_json;
  }
  if (in.service_connect_configuration_json) {
    if (!creating) *new_deployment = true;
    svc->service_connect_configuration_json = *in.service_connect_configuration_json;
    svc->service_connect_namespace = in.service_connect_namespace.value_or("");
  }
  if (in.health_check_grace_period_seconds) {
    if (*in.health_check_grace_period_seconds < 0 ||
        *in.health_check_grace_period_seconds > 2147483647) {
      return Status::InvalidParameter(
          "healthCheckGracePeriodSeconds must be between 0 and "
          "2147483647.");
    }
    svc->health_check_grace_period_seconds = *in.health_check_grace_period_seconds;
  }
  if (in.propagate_tags) svc->propagate_tags = *in.propagate_tags;
  if (in.enable_ecs_managed_tags) svc->enable_ecs_managed_tags = *in.enable_ecs_managed_tags;
  if (in.enable_execute_command) svc->enable_execute_command = *in.enable_execute_command;
  if (in.availability_zone_rebalancing) {
    svc->availability_zone_rebalancing = *in.availability_zone_rebalancing;
  } else if (creating) {
    svc->availability_zone_rebalancing = "ENABLED";
  }
  if (in.role_arn) svc->role_arn = *in.role_arn;
  return Status::Ok();
}

Result<const model::Service*> ControlPlane::CreateService(const RequestContext& ctx,
                                                          ServiceInput in) {
  auto cluster = FindCluster(ctx, in.cluster, /*require_active=*/true);
  if (!cluster.ok()) return cluster.status();
  if (!IsValidResourceName(in.service)) {
    return Status::InvalidParameter("Service name must match ^[a-zA-Z0-9\\-_]{1,255}$, but was " +
                                    in.service);
  }
  if (in.client_token.size() > 36) {
    return Status::InvalidParameter("clientToken must be at most 36 characters.");
  }
  ECS_RETURN_IF_ERROR(ValidateTags(in.tags));
  ClusterState& cs = *FindClusterState(ctx.tenant, (*cluster)->name);
  if (model::Service* existing = FindService(cs, in.service);
      existing && existing->status != "INACTIVE") {
    if (!in.client_token.empty() && in.client_token == existing->client_token) return existing;
    return Status::InvalidParameter("Creation of service was not idempotent.");
  }
  model::Service svc;
  svc.tenant = ctx.tenant;
  svc.cluster = (*cluster)->name;
  svc.name = in.service;
  svc.arn = ArnPrefix(ctx.tenant) + "service/" + svc.cluster + "/" + svc.name;
  svc.seq = NextSeq();
  svc.created_at = Now();
  svc.created_by = ctx.principal_arn();
  svc.client_token = in.client_token;
  bool new_deployment = false;
  ECS_RETURN_IF_ERROR(
      ApplyServiceInput(task_definitions_, ctx.tenant, **cluster, in, true, &svc, &new_deployment));
  svc.deployments.push_back(NewDeployment(svc, svc.created_at));

  storage::ChangeSet changes;
  changes.PutService(svc);
  changes.PutTags(svc.arn, in.tags);
  ECS_RETURN_IF_ERROR(Commit(changes));
  if (in.tags.empty()) {
    tags_.erase(svc.arn);
  } else {
    tags_[svc.arn] = in.tags;
  }
  model::Service& slot = cs.services[svc.name];
  slot = std::move(svc);
  RecountServices(cs);
  return &slot;
}

Result<const model::Service*> ControlPlane::UpdateService(const RequestContext& ctx,
                                                          ServiceInput in) {
  auto cluster = FindCluster(ctx, in.cluster, /*require_active=*/true);
  if (!cluster.ok()) return cluster.status();
  ClusterState& cs = *FindClusterState(ctx.tenant, (*cluster)->name);
  model::Service* current = FindService(cs, in.service);
  if (!current) return ServiceNotFound();
  if (current->status != "ACTIVE") {
    return Status(ErrorCode::kServiceNotActiveException, "Service was not ACTIVE.");
  }
  model::Service next = *current;
  bool new_deployment = false;
  ECS_RETURN_IF_ERROR(ApplyServiceInput(task_definitions_, ctx.tenant, **cluster, in, false, &next,
                                        &new_deployment));
  Millis now = Now();
  if (new_deployment) {
    // Made before the PRIMARY is demoted: the new deployment names it as its source revision.
    model::Deployment fresh = NewDeployment(next, now);
    for (auto& d : next.deployments) {
      if (d.status == "PRIMARY") {
        d.status = "ACTIVE";
        d.updated_at = now;
        if (d.deployment_status == "IN_PROGRESS" || d.deployment_status == "PENDING") {
          d.deployment_status = "STOPPED";
          d.status_reason = "Superseded by a newer deployment.";
          d.stopped_at = now;
        }
      }
    }
    next.deployments.insert(next.deployments.begin(), std::move(fresh));
    // A new deployment resets the launch throttle.
    next.start_failures = 0;
    next.next_launch_at = 0;
    next.throttle_reported = false;
    next.placement_failure_reported = false;
    // Bounded history: drop the oldest drained deployments beyond kMaxDeploymentHistory.
    size_t inactive = 0;
    for (auto it = next.deployments.begin(); it != next.deployments.end();) {
      if (it->status == "INACTIVE" && ++inactive > kMaxDeploymentHistory) {
        it = next.deployments.erase(it);
      } else {
        ++it;
      }
    }
  } else {
    for (auto& d : next.deployments) {
      if (d.status == "PRIMARY") {
        d.desired_count = next.desired_count;
        d.updated_at = now;
      }
    }
  }
  next.dirty = true;
  storage::ChangeSet changes;
  changes.PutService(next);
  ECS_RETURN_IF_ERROR(Commit(changes));
  *current = std::move(next);
  return current;
}

Result<const model::Service*> ControlPlane::DeleteService(const RequestContext& ctx,
                                                          const std::string& cluster,
                                                          const std::string& service, bool force) {
  auto c = FindCluster(ctx, cluster, /*require_active=*/false);
  if (!c.ok()) return c.status();
  ClusterState& cs = *FindClusterState(ctx.tenant, (*c)->name);
  model::Service* svc = FindService(cs, service);
  if (!svc) return ServiceNotFound();
  if (svc->status != "ACTIVE") return svc;  // DRAINING / INACTIVE: returned as they are
  if (svc->scheduling_strategy == "REPLICA" && svc->desired_count > 0 && !force) {
    return Status::InvalidParameter("The service cannot be stopped while it is scaled above 0.");
  }
  model::Service next = *svc;
  Millis now = Now();
  next.desired_count = 0;
  next.dirty = true;
  storage::ChangeSet changes;
  // Tags go with the service.
  changes.PutTags(next.arn, {});
  // Every task of the service is told to stop; the service stays DRAINING until each one is
  // at least STOPPING (the reconciler watches), or is INACTIVE at once when none is left.
  std::string primary_id = next.deployments.empty() ? "" : next.deployments.front().id;
  bool running = false;
  for (model::Task* t : LiveServiceTasks(cs, next)) {
    if (t->desired_status == "RUNNING") {
      RequestStop(cs, *t, "ServiceSchedulerInitiated",
                  "Scaling activity initiated by (deployment " + primary_id + ")", now, changes);
    }
    running = running || t->last_status < model::TaskState::kStopping;
  }
  next.status = running ? "DRAINING" : "INACTIVE";
  for (auto& d : next.deployments) {
    if (d.status == "ACTIVE" && !running) d.status = "INACTIVE";
    if (d.status == "INACTIVE") continue;
    d.desired_count = 0;
    d.updated_at = now;
  }
  changes.PutService(next);
  ECS_RETURN_IF_ERROR(Commit(changes));
  tags_.erase(next.arn);
  *svc = std::move(next);
  RecountServices(cs);
  return svc;
}

Status ControlPlane::DescribeServices(const RequestContext& ctx, const std::string& cluster,
                                      const std::vector<std::string>& names,
                                      std::vector<const model::Service*>* found,
                                      std::vector<DescribeFailure>* failures) const {
  if (names.empty()) return Status::InvalidParameter("Services cannot be empty.");
  if (names.size() > 10) return Status::InvalidParameter("services can have at most 10 items.");
  auto c = FindCluster(ctx, cluster, /*require_active=*/false);
  if (!c.ok()) return c.status();
  const ClusterState* cs = FindClusterState(ctx.tenant, (*c)->name);
  for (const auto& name : names) {
    const model::Service* s = cs ? FindService(*cs, name) : nullptr;
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

Result<Page> ControlPlane::ListServices(const RequestContext& ctx, const std::string& cluster,
                                        const std::string& launch_type,
                                        const std::string& scheduling_strategy,
                                        std::optional<int64_t> max_results,
                                        const std::optional<std::string>& next_token) const {
  auto c = FindCluster(ctx, cluster, /*require_active=*/false);
  if (!c.ok()) return c.status();
  auto size = ResolvePageSize(max_results, 10, 100);
  if (!size.ok()) return size.status();
  std::string scope = TenantScope(ctx.tenant, "ListServices") + "|" + (*c)->name + "|" +
                      launch_type + "|" + scheduling_strategy;
  std::string after;
  if (next_token) {
    auto cursor = DecodePageToken(*next_token, scope);
    if (!cursor.ok()) return cursor.status();
    after = *cursor;
  }
  std::vector<const model::Service*> matching;
  if (const ClusterState* cs = FindClusterState(ctx.tenant, (*c)->name)) {
    for (const auto& [name, s] : cs->services) {
      if (s.status != "ACTIVE" || SeqCursor(s.seq) <= after) continue;
      if (!launch_type.empty() && s.launch_type != launch_type) continue;
      if (!scheduling_strategy.empty() && s.scheduling_strategy != scheduling_strategy) continue;
      matching.push_back(&s);
    }
  }
  std::sort(matching.begin(), matching.end(), [](auto* a, auto* b) { return a->seq < b->seq; });
  Page page;
  for (size_t i = 0; i < matching.size(); ++i) {
    if (static_cast<int>(page.arns.size()) == *size) {
      page.next_token = EncodePageToken(scope, SeqCursor(matching[i - 1]->seq));
      break;
    }
    page.arns.push_back(matching[i]->arn);
  }
  return page;
}

Result<Page> ControlPlane::ListServicesByNamespace(
    const RequestContext& ctx, const std::string& ns, std::optional<int64_t> max_results,
    const std::optional<std::string>& next_token) const {
  if (ns.empty()) return Status::InvalidParameter("namespace can not be empty.");
  auto size = ResolvePageSize(max_results, 10, 100);
  if (!size.ok()) return size.status();
  std::string scope = TenantScope(ctx.tenant, "ListServicesByNamespace") + "|" + ns;
  std::string after;
  if (next_token) {
    auto cursor = DecodePageToken(*next_token, scope);
    if (!cursor.ok()) return cursor.status();
    after = *cursor;
  }
  // Namespaces known to this tenant: the clusters' Service Connect defaults and services' own.
  bool known = false;
  std::vector<const model::Service*> matching;
  if (const TenantState* ts = FindState(ctx.tenant)) {
    for (const auto& [name, c] : ts->clusters) {
      known =
          known || (!c.service_connect_defaults_json.empty() &&
                    (c.service_connect_defaults_json.find("\"" + ns + "\"") != std::string::npos ||
                     c.service_connect_defaults_json.find(ns) != std::string::npos));
    }
    for (const auto& [cname, cs] : ts->cluster_state) {
      for (const auto& [sname, s] : cs.services) {
        if (s.service_connect_namespace.empty()) continue;
        bool match = s.service_connect_namespace == ns ||
                     LastSegment(s.service_connect_namespace) == LastSegment(ns);
        known = known || match;
        if (match && s.status == "ACTIVE" && SeqCursor(s.seq) > after) matching.push_back(&s);
      }
    }
  }
  if (!known) {
    return Status(ErrorCode::kNamespaceNotFoundException, "The specified namespace was not found.");
  }
  std::sort(matching.begin(), matching.end(), [](auto* a, auto* b) { return a->seq < b->seq; });
  Page page;
  for (size_t i = 0; i < matching.size(); ++i) {
    if (static_cast<int>(page.arns.size()) == *size) {
      page.next_token = EncodePageToken(scope, SeqCursor(matching[i - 1]->seq));
      break;
    }
    page.arns.push_back(matching[i]->arn);
  }
  return page;
}

ServiceCounts ControlPlane::CountsForService(const model::Service& s) const {
  ServiceCounts n;
  const ClusterState* cs = FindClusterState(s.tenant, s.cluster);
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

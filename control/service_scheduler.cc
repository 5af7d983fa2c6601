// The service scheduler: on every reconciler tick, each ACTIVE or DRAINING service is planned by
// the pure deployment planner (scheduler/deployment_planner.h) and the plan is applied — tasks
// stopped, new tasks launched through RunTask's placement, deployments retired or completed,
// the circuit breaker evaluated and the events ECS writes appended.
#include <algorithm>

#include "common/json.h"
#include "control/control_plane.h"
#include "scheduler/deployment_planner.h"
#include "scheduler/query_language.h"

namespace ecs::control {

namespace {

constexpr size_t kMaxEvents = 100;
constexpr const char* kTroubleshooting =
    " For more information, see the Troubleshooting section of the Amazon ECS Developer Guide.";

std::string ShortId(const std::string& arn) { return std::string(LastSegment(arn)); }

std::optional<AwsVpcInput> ParseNetwork(const std::string& json) {
  if (json.empty()) return std::nullopt;
  auto doc = ParseJsonObject(json);
  if (!doc.ok()) return std::nullopt;
  JsonObjectReader r(**doc);
  const rapidjson::Value* vpc = r.Object("awsvpcConfiguration");
  if (!vpc) return std::nullopt;
  JsonObjectReader v = r.Nested(*vpc, "awsvpcConfiguration");
  AwsVpcInput out;
  out.subnets = v.StringList("subnets").value_or(std::vector<std::string>{});
  out.security_groups = v.StringList("securityGroups").value_or(std::vector<std::string>{});
  out.assign_public_ip = v.String("assignPublicIp").value_or("DISABLED");
  return out;
}

std::string PlacementFailureEvent(const std::string& service, const std::string& reason,
                                  const std::string& instance_arn) {
  std::string head = "(service " + service +
                     ") was unable to place a task because no container instance met all of its "
                     "requirements.";
  std::string closest = "(container-instance " + ShortId(instance_arn) + ")";
  if (reason == "RESOURCE:CPU") {
    return head + " The closest matching " + closest + " has insufficient CPU units available." +
           kTroubleshooting;
  }
  if (reason == "RESOURCE:MEMORY") {
    return head + " The closest matching " + closest + " has insufficient memory available." +
           kTroubleshooting;
  }
  if (reason == "RESOURCE:PORTS" || reason == "RESOURCE:PORTS_UDP") {
    return head + " The closest matching " + closest +
           " is already using a port required by your task." + kTroubleshooting;
  }
  return head + " The closest matching " + closest + " encountered error \"" + reason + "\"." +
         kTroubleshooting;
}

scheduler::PlannerDeployment::Rollout RolloutOf(const model::Deployment& d) {
  if (d.rollout_state == "COMPLETED") return scheduler::PlannerDeployment::Rollout::kCompleted;
  if (d.rollout_state == "FAILED") return scheduler::PlannerDeployment::Rollout::kFailed;
  return scheduler::PlannerDeployment::Rollout::kInProgress;
}

}  // namespace

model::Deployment ControlPlane::NewDeployment(const model::Service& svc, Millis now) {
  model::Deployment d;
  d.id = ids_.DeploymentId();
  d.status = "PRIMARY";
  d.task_definition_arn = svc.task_definition_arn;
  d.desired_count = svc.desired_count;
  d.created_at = now;
  d.updated_at = now;
  d.launch_type = svc.launch_type;
  d.capacity_provider_strategy_json = svc.capacity_provider_strategy_json;
  d.platform_version = svc.platform_version.empty() ? "" : "1.4.0";
  d.network_configuration_json = svc.network_configuration_json;
  d.rollout_state = "IN_PROGRESS";
  d.rollout_state_reason = "ECS deployment " + d.id + " in progress.";
  static const char kAlnum[] = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
  for (int i = 0; i < 21; ++i) d.service_deployment_id += kAlnum[ids_.Next() % 62];
  d.deployment_status = "IN_PROGRESS";
  d.started_at = now;
  d.circuit_breaker_status = svc.circuit_breaker_enable ? "MONITORING" : "DISABLED";
  for (const auto& prev : svc.deployments) {
    if (prev.status == "PRIMARY") {
      d.source_revision_id = prev.revision_number();
      break;
    }
  }
  return d;
}

void ControlPlane::AddEvent(model::Service& svc, const std::string& message, Millis now) {
  // ECS does not repeat an identical message back to back.
  if (!svc.events.empty() && svc.events.front().message == message) return;
  svc.events.push_front({ids_.Uuid(), now, message});
  while (svc.events.size() > kMaxEvents) svc.events.pop_back();
}

int64_t ControlPlane::LaunchServiceTasks(ClusterState& /*cs*/, model::Service& svc, int64_t count,
                                         Millis now) {
  const model::Deployment& primary = svc.deployments.front();
  RequestContext ctx{svc.tenant};
  std::vector<std::string> started;
  int64_t remaining = count;
  while (remaining > 0) {
    RunTaskInput in;
    in.cluster = svc.cluster;
    in.task_definition = primary.task_definition_arn;
    in.count = std::min<int64_t>(remaining, 10);
    in.group = "service:" + svc.name;
    in.started_by = primary.id;
    in.service_name = svc.name;
    in.is_service = true;
    in.launch_type = primary.launch_type;
    if (primary.launch_type.empty()) {
      in.launch_type =
          primary.capacity_provider_strategy_json.find("\"FARGATE") != std::string::npos ? "FARGATE"
                                                                                          : "EC2";
    }
    in.constraints = svc.placement_constraints;
    in.strategies = svc.placement_strategy;
    in.network = ParseNetwork(primary.network_configuration_json);
    in.enable_ecs_managed_tags = svc.enable_ecs_managed_tags;
    in.enable_execute_command = svc.enable_execute_command;
    if (svc.propagate_tags == "SERVICE") in.tags = TagsOf(svc.arn);
    if (svc.propagate_tags == "TASK_DEFINITION") in.propagate_tags = "TASK_DEFINITION";
    auto out = RunTask(ctx, std::move(in));
    if (!out.ok()) {
      AddEvent(svc,
               "(service " + svc.name +
                   ") was unable to place a task because no container instance met all of its "
                   "requirements. Reason: " +
                   out.status().message() + kTroubleshooting,
               now);
      break;
    }
    for (const auto* t : out->tasks) started.push_back(t->arn);
    if (!out->failures.empty()) {
      const auto& f = out->failures.front();
      AddEvent(svc, PlacementFailureEvent(svc.name, f.reason, f.arn), now);
      break;
    }
    remaining -= in.count;
  }
  if (!started.empty()) {
    std::string msg = "(service " + svc.name + ") has started " + std::to_string(started.size()) +
                      " tasks:";
    for (const auto& arn : started) msg += " (task " + ShortId(arn) + ")";
    AddEvent(svc, msg + ".", now);
  }
  return static_cast<int64_t>(started.size());
}

void ControlPlane::ReconcileServices(Millis now, storage::ChangeSet& changes) {
  for (auto& [tenant, ts] : tenants_) {
    for (auto& [cluster, cs] : ts.cluster_state) {
      for (auto& [name, svc] : cs.services) {
        if (svc.status == "INACTIVE") continue;
        ReconcileService(cs, svc, now, changes);
      }
    }
  }
}

void ControlPlane::ReconcileService(ClusterState& cs, model::Service& svc, Millis now,
                                    storage::ChangeSet& changes) {
  const std::string before_events = svc.events.empty() ? "" : svc.events.front().id;
  bool changed = false;
  std::vector<model::Task*> tasks;
  for (model::Task* t : cs.service_tasks[svc.name]) {
    if (!t->is_stopped()) tasks.push_back(t);
  }
  std::sort(tasks.begin(), tasks.end(),
            [](const model::Task* a, const model::Task* b) { return a->seq < b->seq; });
  if (svc.deployments.empty()) return;
  model::Deployment& primary = svc.deployments.front();
  const std::string reason = "Scaling activity initiated by (deployment " + primary.id + ")";

  if (svc.status == "DRAINING") {
    // DeleteService stopped every task; the service is INACTIVE once none is still running.
    for (model::Task* t : tasks) {
      if (t->desired_status == "RUNNING") {
        RequestStop(cs, *t, "ServiceSchedulerInitiated", reason, now, changes);
      }
    }
    bool all_stopping = std::all_of(tasks.begin(), tasks.end(), [](const model::Task* t) {
      return t->last_status >= model::TaskState::kStopping;
    });
    if (all_stopping) {
      svc.status = "INACTIVE";
      for (auto& d : svc.deployments) {
        if (d.status != "INACTIVE") d.status = "INACTIVE";
      }
      changes.PutService(svc);
    }
    return;
  }

  // Circuit breaker on the PRIMARY deployment.
  if (svc.circuit_breaker_enable && primary.rollout_state == "IN_PROGRESS" &&
      scheduler::CircuitBreakerTripped(primary.failed_tasks, primary.ever_running,
                                       svc.desired_count)) {
    primary.rollout_state = "FAILED";
    primary.rollout_state_reason = "ECS deployment circuit breaker: tasks failed to start.";
    primary.circuit_breaker_status = "TRIGGERED";
    primary.updated_at = now;
    AddEvent(svc, "(service " + svc.name + ") (deployment " + primary.id +
                      ") deployment failed: tasks failed to start.", now);
    const model::Deployment* good = nullptr;
    for (const auto& d : svc.deployments) {
      if (&d != &primary && d.rollout_state == "COMPLETED") {
        good = &d;
        break;
      }
    }
    if (svc.circuit_breaker_rollback && good) {
      std::string failed_id = primary.id;
      primary.deployment_status = "ROLLBACK_IN_PROGRESS";
      primary.status_reason = "ECS deployment circuit breaker: tasks failed to start.";
      primary.status = "ACTIVE";
      svc.task_definition_arn = good->task_definition_arn;
      model::Deployment back = NewDeployment(svc, now);
      back.network_configuration_json = good->network_configuration_json;
      back.launch_type = good->launch_type;
      back.capacity_provider_strategy_json = good->capacity_provider_strategy_json;
      back.is_rollback = true;
      back.source_revision_id = svc.deployments.front().revision_number();
      back.rollout_state_reason =
          "ECS deployment circuit breaker: rolling back to deploymentId " + failed_id + ".";
      svc.deployments.insert(svc.deployments.begin(), std::move(back));
      AddEvent(svc, "(service " + svc.name + ") rolling back to deployment " +
                        svc.deployments.front().id + ".", now);
    } else {
      primary.deployment_status = "STOPPED";
      primary.status_reason = "ECS deployment circuit breaker: tasks failed to start.";
      primary.stopped_at = now;
    }
    changed = true;
  }
  model::Deployment& prim = svc.deployments.front();

  const bool daemon = svc.scheduling_strategy == "DAEMON";
  scheduler::PlanInput input;
  input.minimum_healthy_percent = svc.minimum_healthy_percent;
  input.maximum_percent = svc.maximum_percent;
  std::vector<const model::ContainerInstance*> daemon_targets;
  if (daemon) {
    // One task per ACTIVE, connected instance that satisfies the constraints.
    std::vector<scheduler::Expression> exprs;
    for (const auto& [type, expr] : svc.placement_constraints) {
      if (type == "memberOf") {
        auto e = scheduler::ParseQuery(expr);
        if (e.ok()) exprs.push_back(std::move(*e));
      }
    }
    for (const auto& [id, ci] : cs.instances) {
      if (ci.status != "ACTIVE" || !ci.agent_connected) continue;
      const auto& view = cs.views.at(id);
      bool ok = std::all_of(exprs.begin(), exprs.end(),
                            [&](const scheduler::Expression& e) { return scheduler::Matches(e, view); });
      if (ok) daemon_targets.push_back(&ci);
    }
    if (svc.desired_count != static_cast<int64_t>(daemon_targets.size())) {
      svc.desired_count = static_cast<int64_t>(daemon_targets.size());
      changed = true;
    }
  }
  input.desired_count = svc.desired_count;
  for (const auto& d : svc.deployments) {
    if (d.status == "INACTIVE") continue;
    input.deployments.push_back({d.id, d.status == "PRIMARY", RolloutOf(d)});
  }
  for (model::Task* t : tasks) {
    scheduler::PlannerTask pt;
    pt.arn = t->arn;
    pt.deployment_id = t->started_by;
    if (t->desired_status == "STOPPED") {
      pt.phase = scheduler::PlannerTask::Phase::kStopping;
    } else if (t->last_status == model::TaskState::kRunning) {
      pt.phase = scheduler::PlannerTask::Phase::kRunning;
      pt.healthy = t->started_at && now - *t->started_at >= options_.lifecycle.health_grace;
    } else {
      pt.phase = scheduler::PlannerTask::Phase::kPending;
    }
    if (!t->container_instance_id.empty()) {
      auto it = cs.instances.find(t->container_instance_id);
      if (it != cs.instances.end()) {
        pt.on_draining_instance = it->second.status != "ACTIVE";
        pt.instance_arn = it->second.arn;
      }
    }
    pt.availability_zone = t->availability_zone;
    input.tasks.push_back(std::move(pt));
  }

  std::vector<std::string> stopped_ids;
  int64_t to_start = 0;
  bool deadlocked = false, completed = false, steady = false;
  std::vector<std::string> drained;
  if (daemon) {
    // DAEMON (max 100 / min 0): stop what is not the primary's or not on an eligible instance;
    // start the primary's task on every eligible instance that has none left.
    std::set<std::string> occupied;
    for (model::Task* t : tasks) {
      bool eligible = std::any_of(daemon_targets.begin(), daemon_targets.end(),
                                  [&](auto* ci) { return ci->id == t->container_instance_id; });
      if (t->desired_status == "RUNNING" && (!eligible || t->started_by != prim.id)) {
        RequestStop(cs, *t, "ServiceSchedulerInitiated", reason, now, changes);
        stopped_ids.push_back(t->id);
      }
      occupied.insert(t->container_instance_id);
    }
    std::vector<std::string> starts;
    for (const auto* ci : daemon_targets) {
      if (!occupied.count(ci->id)) starts.push_back(ci->id);
    }
    if (!starts.empty() && prim.rollout_state != "FAILED") {
      RunTaskInput in;
      in.cluster = svc.cluster;
      in.task_definition = prim.task_definition_arn;
      in.group = "service:" + svc.name;
      in.started_by = prim.id;
      in.service_name = svc.name;
      in.is_service = true;
      in.container_instances = starts;
      in.enable_ecs_managed_tags = svc.enable_ecs_managed_tags;
      auto out = RunTask(RequestContext{svc.tenant}, std::move(in));
      if (out.ok() && !out->tasks.empty()) {
        std::string msg = "(service " + svc.name + ") has started " +
                          std::to_string(out->tasks.size()) + " tasks:";
        for (const auto* t : out->tasks) msg += " (task " + t->id + ")";
        AddEvent(svc, msg + ".", now);
      }
      if (out.ok() && !out->failures.empty()) {
        AddEvent(svc, PlacementFailureEvent(svc.name, out->failures.front().reason,
                                            out->failures.front().arn), now);
      }
    }
    bool all_primary_running =
        starts.empty() && std::all_of(tasks.begin(), tasks.end(), [&](const model::Task* t) {
          return t->started_by == prim.id && t->last_status == model::TaskState::kRunning &&
                 t->desired_status == "RUNNING";
        });
    completed = all_primary_running && stopped_ids.empty();
    steady = completed;
    for (const auto& d : svc.deployments) {
      if (d.status == "ACTIVE" &&
          std::none_of(tasks.begin(), tasks.end(),
                       [&](const model::Task* t) { return t->started_by == d.id; })) {
        drained.push_back(d.id);
      }
    }
  } else {
    scheduler::Plan plan = scheduler::PlanStep(input);
    for (const auto& stop : plan.stops) {
      auto it = std::find_if(tasks.begin(), tasks.end(),
                             [&](const model::Task* t) { return t->arn == stop.arn; });
      if (it == tasks.end()) continue;
      RequestStop(cs, **it, "ServiceSchedulerInitiated", reason, now, changes);
      stopped_ids.push_back((*it)->id);
    }
    to_start = plan.start_primary;
    deadlocked = plan.deadlocked;
    completed = plan.primary_completed;
    steady = plan.steady;
    drained = plan.drained_deployments;
    if (deadlocked) {
      AddEvent(svc, "(service " + svc.name +
                        ") was unable to stop or start tasks during a deployment because of the "
                        "service deployment configuration. Update the minimumHealthyPercent or "
                        "maximumPercent value and try again.", now);
    }
  }
  if (!stopped_ids.empty()) {
    std::string msg = "(service " + svc.name + ") has stopped " +
                      std::to_string(stopped_ids.size()) + " running tasks:";
    for (const auto& id : stopped_ids) msg += " (task " + id + ")";
    AddEvent(svc, msg + ".", now);
    changed = true;
  }
  if (to_start > 0 && prim.rollout_state != "FAILED" && now >= svc.next_launch_at) {
    int64_t launched = LaunchServiceTasks(cs, svc, to_start, now);
    // Back off briefly when nothing could be placed, so a full cluster is not hammered.
    svc.next_launch_at = launched == 0 ? now + 1000 : 0;
  }
  for (const auto& id : drained) {
    for (auto& d : svc.deployments) {
      if (d.id == id && d.status == "ACTIVE") {
        d.status = "INACTIVE";
        d.desired_count = 0;
        d.updated_at = now;
        if (d.deployment_status == "ROLLBACK_IN_PROGRESS") d.deployment_status = "ROLLBACK_SUCCESSFUL";
        changed = true;
      }
    }
  }
  model::Deployment& p = svc.deployments.front();
  if (completed && p.rollout_state == "IN_PROGRESS") {
    p.rollout_state = "COMPLETED";
    p.rollout_state_reason = "ECS deployment " + p.id + " completed.";
    p.deployment_status = "SUCCESSFUL";
    p.finished_at = now;
    p.updated_at = now;
    if (p.circuit_breaker_status == "MONITORING") p.circuit_breaker_status = "MONITORING_COMPLETE";
    AddEvent(svc, "(service " + svc.name + ") (deployment " + p.id + ") deployment completed.",
             now);
    changed = true;
  }
  if (steady) AddEvent(svc, "(service " + svc.name + ") has reached a steady state.", now);
  // Older deployments shrink toward zero as their tasks go.
  for (auto& d : svc.deployments) {
    int64_t want = d.status == "PRIMARY" ? svc.desired_count : 0;
    if (d.status == "ACTIVE") {
      want = std::count_if(tasks.begin(), tasks.end(), [&](const model::Task* t) {
        return t->started_by == d.id && t->desired_status == "RUNNING";
      });
    }
    if (d.status != "INACTIVE" && d.desired_count != want) {
      d.desired_count = want;
      changed = true;
    }
  }
  if (changed || (svc.events.empty() ? "" : svc.events.front().id) != before_events) {
    changes.PutService(svc);
  }
}

void ControlPlane::OnTaskChanged(ClusterState& cs, model::Task& t, Millis /*now*/,
                                 storage::ChangeSet& changes) {
  if (t.service_name.empty()) return;
  model::Service* svc = FindService(cs, t.service_name);
  if (!svc) return;
  for (auto& d : svc->deployments) {
    if (d.id != t.started_by) continue;
    bool changed = false;
    if (t.last_status == model::TaskState::kRunning && !d.ever_running) {
      d.ever_running = true;
      d.failed_tasks = 0;  // the breaker stops counting start failures once tasks run
      changed = true;
    }
    if (t.is_stopped() && t.failed_to_start && !d.ever_running) {
      ++d.failed_tasks;
      changed = true;
    }
    if (changed) changes.PutService(*svc);
    return;
  }
}

}  // namespace ecs::control

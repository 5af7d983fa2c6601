// The service scheduler: on every reconciler tick, each ACTIVE or DRAINING service is planned —
// REPLICA services by the pure deployment planner (scheduler/deployment_planner.h), DAEMON
// services here from the instance list — and the plan is applied: tasks stopped, new tasks
// launched through RunTask's placement, deployments retired or completed, the circuit breaker
// evaluated and the events ECS writes appended.
//
// Cost. A service that is settled (steady, nothing to do) is skipped until one of its tasks
// changes, it is updated, or its cluster's instances change (a signature over id, status,
// version and agent connection). A service is written to the store only when the tick changed
// something about it, so an idle cluster commits nothing.
#include <algorithm>

#include "common/json.h"
#include "control/control_plane.h"
#include "scheduler/deployment_planner.h"
#include "scheduler/query_language.h"

namespace ecs::control {

namespace {

constexpr size_t kMaxEvents = 100;
constexpr Millis kPlacementRetry = 1000;  // nothing placeable: try again a second later
// Throttle for tasks that keep failing to start (ECS: growing delays up to 15 minutes).
constexpr int64_t kThrottleAfter = 3;
constexpr Millis kThrottleBase = 10'000;
constexpr Millis kThrottleMax = 15 * 60'000;
constexpr const char* kTroubleshooting =
    " For more information, see the Troubleshooting section of the Amazon ECS Developer Guide.";
constexpr const char* kBreakerFailed = "ECS deployment circuit breaker: tasks failed to start.";

std::string ShortId(const std::string& arn) { return std::string(LastSegment(arn)); }
std::string Tag(const model::Service& s) { return "(service " + s.name + ")"; }

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

std::vector<CreateClusterInput::StrategyItem> ParseStrategy(const std::string& json) {
  std::vector<CreateClusterInput::StrategyItem> out;
  if (json.empty()) return out;
  rapidjson::Document d;
  d.Parse(json.c_str(), json.size());
  if (d.HasParseError() || !d.IsArray()) return out;
  for (const auto& e : d.GetArray()) {
    if (!e.IsObject()) continue;
    JsonObjectReader r(e);
    out.push_back({r.String("capacityProvider").value_or(""), r.Int("weight").value_or(0),
                   r.Int("base").value_or(0)});
  }
  return out;
}

std::string PlacementFailureEvent(const model::Service& svc, const std::string& reason,
                                  const std::string& instance_arn) {
  std::string head = Tag(svc) +
                     " was unable to place a task because no container instance met all of its "
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

std::string TaskList(const std::vector<std::string>& ids) {
  std::string out;
  for (const auto& id : ids) out += " (task " + id + ")";
  return out;
}

scheduler::PlannerDeployment::Rollout RolloutOf(const model::Deployment& d) {
  if (d.rollout_state == "COMPLETED") return scheduler::PlannerDeployment::Rollout::kCompleted;
  if (d.rollout_state == "FAILED") return scheduler::PlannerDeployment::Rollout::kFailed;
  return scheduler::PlannerDeployment::Rollout::kInProgress;
}

bool UsesFargate(const model::Service& s) {
  return s.launch_type == "FARGATE" ||
         s.capacity_provider_strategy_json.find("\"FARGATE") != std::string::npos;
}

// Changes whenever an instance appears, goes, changes status, agent connection or attributes
// (every such change bumps the instance's version).
uint64_t InstancesSignature(const std::map<std::string, model::ContainerInstance>& instances) {
  uint64_t h = 1469598103934665603ULL;
  auto mix = [&h](uint64_t v) { h = (h ^ v) * 1099511628211ULL; };
  for (const auto& [id, ci] : instances) {
    mix(std::hash<std::string>{}(id));
    mix(static_cast<uint64_t>(ci.version));
    mix(std::hash<std::string>{}(ci.status));
    mix(ci.agent_connected ? 1 : 2);
  }
  return h;
}

// What one tick does to a service, whatever its scheduling strategy.
struct TickPlan {
  std::vector<model::Task*> stops;
  int64_t start = 0;                          // REPLICA: PRIMARY tasks to launch
  std::vector<std::string> daemon_instances;  // DAEMON: instances to start a PRIMARY task on
  bool deadlocked = false;
  bool completed = false;            // the PRIMARY alone runs what it should, all healthy
  bool steady = false;               // completed with a single deployment
  std::vector<std::string> drained;  // older deployments without a task left
};

// DAEMON (scheduling.md §8.1): one PRIMARY task per ACTIVE, connected instance that satisfies
// the service's constraints; everything else is stopped. Max 100 %: a task is only started on
// an instance once the one it replaces has stopped. A FAILED PRIMARY starts and stops nothing.
TickPlan PlanDaemon(const model::Service& svc, const std::vector<model::Task*>& tasks,
                    const std::vector<const model::ContainerInstance*>& eligible,
                    const std::function<bool(const model::Task&)>& healthy) {
  TickPlan plan;
  const model::Deployment& primary = svc.deployments.front();
  const bool failed = primary.rollout_state == "FAILED";
  std::set<std::string> eligible_ids, occupied;
  for (const auto* ci : eligible) eligible_ids.insert(ci->id);
  std::map<std::string, int> good_per_instance;
  bool others = false;
  for (model::Task* t : tasks) {
    occupied.insert(t->container_instance_id);
    const bool of_primary = t->started_by == primary.id;
    if (!of_primary) others = true;
    if (t->desired_status != "RUNNING") continue;
    const bool keep = eligible_ids.count(t->container_instance_id) && (of_primary || failed) &&
                      good_per_instance[t->container_instance_id] == 0;
    if (!keep) {
      plan.stops.push_back(t);
    } else if (of_primary) {
      ++good_per_instance[t->container_instance_id];
    }
  }
  if (!failed) {
    for (const auto* ci : eligible) {
      if (!occupied.count(ci->id)) plan.daemon_instances.push_back(ci->id);
    }
  }
  bool all_healthy = std::all_of(tasks.begin(), tasks.end(), [&](const model::Task* t) {
    return t->started_by == primary.id && t->desired_status == "RUNNING" && healthy(*t);
  });
  plan.completed =
      !failed && !others && all_healthy && plan.stops.empty() && plan.daemon_instances.empty() &&
      static_cast<size_t>(std::count_if(good_per_instance.begin(), good_per_instance.end(),
                                        [](auto& e) { return e.second > 0; })) == eligible.size();
  for (const auto& d : svc.deployments) {
    if (d.status == "INACTIVE" || d.id == primary.id) continue;
    if (std::none_of(tasks.begin(), tasks.end(),
                     [&](const model::Task* t) { return t->started_by == d.id; })) {
      plan.drained.push_back(d.id);
    }
  }
  return plan;
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
  svc.events_json.clear();
  while (svc.events.size() > kMaxEvents) svc.events.pop_back();
}

bool ControlPlane::RollBack(model::Service& svc, bool circuit_breaker,
                            const std::string& status_reason, Millis now) {
  if (svc.deployments.size() < 2) return false;
  auto good =
      std::find_if(svc.deployments.begin() + 1, svc.deployments.end(),
                   [](const model::Deployment& d) { return d.rollout_state == "COMPLETED"; });
  if (good == svc.deployments.end()) return false;
  model::Deployment& failed = svc.deployments.front();
  failed.status = "ACTIVE";
  failed.deployment_status = "ROLLBACK_IN_PROGRESS";
  failed.status_reason = status_reason;
  failed.rolled_back_to = good->id;
  failed.rollback_started_at = now;
  failed.updated_at = now;
  // The last completed deployment becomes PRIMARY again, with its tasks (as ECS shows it: the
  // same deployment id, rolloutState IN_PROGRESS until the failed tasks are replaced).
  good->status = "PRIMARY";
  good->rollout_state = "IN_PROGRESS";
  good->rollout_state_reason =
      circuit_breaker
          ? "ECS deployment circuit breaker: rolling back to deploymentId " + good->id + "."
          : "ECS deployment " + good->id + " in progress (rollback).";
  good->is_rollback = true;
  good->failed_tasks = 0;
  good->updated_at = now;
  svc.task_definition_arn = good->task_definition_arn;
  svc.network_configuration_json = good->network_configuration_json;
  if (!good->launch_type.empty() || !good->capacity_provider_strategy_json.empty()) {
    svc.launch_type = good->launch_type;
    svc.capacity_provider_strategy_json = good->capacity_provider_strategy_json;
  }
  std::rotate(svc.deployments.begin(), good, good + 1);
  AddEvent(svc, Tag(svc) + " rolling back to deployment " + svc.deployments.front().id + ".", now);
  svc.start_failures = 0;
  svc.next_launch_at = 0;
  svc.throttle_reported = false;
  svc.placement_failure_reported = false;
  svc.dirty = true;
  return true;
}

void ControlPlane::RecountServices(ClusterState& cs) {
  ClusterCounts& n = cs.counts;
  n.active_services = n.draining_services = 0;
  n.active_ec2_services = n.active_fargate_services = 0;
  n.draining_ec2_services = n.draining_fargate_services = 0;
  for (const auto& [name, s] : cs.services) {
    const bool fargate = UsesFargate(s);
    if (s.status == "ACTIVE") {
      ++n.active_services;
      ++(fargate ? n.active_fargate_services : n.active_ec2_services);
    } else if (s.status == "DRAINING") {
      ++n.draining_services;
      ++(fargate ? n.draining_fargate_services : n.draining_ec2_services);
    }
  }
}

std::vector<model::Task*> ControlPlane::LiveServiceTasks(ClusterState& cs,
                                                         const model::Service& svc) {
  std::vector<model::Task*> out;
  auto it = cs.service_tasks.find(svc.name);
  if (it == cs.service_tasks.end()) return out;
  for (model::Task* t : it->second) {
    if (t->is_stopped()) continue;
    // Tasks carry their deployment id; a deleted service of the same name had other ids.
    bool ours = std::any_of(svc.deployments.begin(), svc.deployments.end(),
                            [&](const model::Deployment& d) { return d.id == t->started_by; });
    if (ours) out.push_back(t);
  }
  std::sort(out.begin(), out.end(),
            [](const model::Task* a, const model::Task* b) { return a->seq < b->seq; });
  return out;
}

RunTaskInput ControlPlane::ServiceTaskInput(const model::Service& svc) {
  const model::Deployment& primary = svc.deployments.front();
  RunTaskInput in;
  in.cluster = svc.cluster;
  in.task_definition = primary.task_definition_arn;
  in.group = "service:" + svc.name;
  in.started_by = primary.id;
  in.service_name = svc.name;
  in.is_service = true;
  in.network = ParseNetwork(primary.network_configuration_json);
  in.enable_ecs_managed_tags = svc.enable_ecs_managed_tags;
  in.enable_execute_command = svc.enable_execute_command;
  if (svc.propagate_tags == "SERVICE") in.tags = TagsOf(svc.arn);
  if (svc.propagate_tags == "TASK_DEFINITION") in.propagate_tags = "TASK_DEFINITION";
  return in;
}

int64_t ControlPlane::ReportLaunch(model::Service& svc, const std::vector<std::string>& started,
                                   const std::optional<std::string>& failure, Millis now) {
  if (!started.empty()) {
    AddEvent(svc,
             Tag(svc) + " has started " + std::to_string(started.size()) +
                 " tasks:" + TaskList(started) + ".",
             now);
  }
  if (failure) {
    // Said once; repeated only after placement worked again (ECS suppresses repeats).
    if (!svc.placement_failure_reported) AddEvent(svc, *failure, now);
    svc.placement_failure_reported = true;
    svc.next_launch_at = now + kPlacementRetry;
  } else {
    svc.placement_failure_reported = false;
  }
  return static_cast<int64_t>(started.size());
}

int64_t ControlPlane::LaunchServiceTasks(ClusterState& /*cs*/, model::Service& svc, int64_t count,
                                         Millis now) {
  std::vector<std::string> started;
  std::optional<std::string> failure;
  if (count > 0) {
    // The whole batch in one placement pass (RunTask's limit of 10 is for API callers).
    const model::Deployment& primary = svc.deployments.front();
    RunTaskInput in = ServiceTaskInput(svc);
    in.count = count;
    in.launch_type = primary.launch_type;
    if (primary.launch_type.empty()) {
      in.capacity_provider_strategy = ParseStrategy(primary.capacity_provider_strategy_json);
      if (in.capacity_provider_strategy.empty()) in.launch_type = "EC2";
    }
    in.constraints = svc.placement_constraints;
    in.strategies = svc.placement_strategy;
    auto out = RunTask(RequestContext{svc.tenant}, std::move(in));
    if (!out.ok()) {
      failure = Tag(svc) +
                " was unable to place a task because no container instance met all of its "
                "requirements. Reason: " +
                out.status().message() + kTroubleshooting;
    } else {
      for (const auto* t : out->tasks) started.push_back(t->id);
      if (!out->failures.empty()) {
        failure =
            PlacementFailureEvent(svc, out->failures.front().reason, out->failures.front().arn);
      }
    }
  }
  return ReportLaunch(svc, started, failure, now);
}

int64_t ControlPlane::LaunchDaemonTasks(model::Service& svc,
                                        const std::vector<std::string>& instance_ids, Millis now) {
  std::vector<std::string> started;
  std::optional<std::string> failure;
  for (size_t i = 0; i < instance_ids.size(); i += 10) {
    RunTaskInput in = ServiceTaskInput(svc);
    in.container_instances.assign(instance_ids.begin() + i,
                                  instance_ids.begin() + std::min(i + 10, instance_ids.size()));
    auto out = RunTask(RequestContext{svc.tenant}, std::move(in));
    if (!out.ok()) {
      failure = Tag(svc) + " was unable to place a task. Reason: " + out.status().message();
      break;
    }
    for (const auto* t : out->tasks) started.push_back(t->id);
    if (!out->failures.empty() && !failure) {
      failure = PlacementFailureEvent(svc, out->failures.front().reason, out->failures.front().arn);
    }
  }
  return ReportLaunch(svc, started, failure, now);
}

bool ControlPlane::ReconcileServices(Millis now, storage::ChangeSet& changes,
                                     const std::function<bool()>* out_of_time) {
  if (!out_of_time || service_pass_next_ >= service_pass_.size()) {
    service_pass_.clear();
    service_pass_next_ = 0;
    for (const auto& [tenant, ts] : tenants_) {
      for (const auto& [cluster, cs] : ts.cluster_state) {
        for (const auto& [name, svc] : cs.services) {
          if (svc.status != "INACTIVE") service_pass_.push_back({tenant, cluster, name});
        }
      }
    }
  }
  // Instance signatures of the clusters visited by this call (clusters change between calls).
  std::map<const ClusterState*, uint64_t> signatures;
  bool worked = false;  // every call makes progress, however short its time
  while (service_pass_next_ < service_pass_.size()) {
    if (worked && out_of_time && (*out_of_time)()) return false;
    const ServiceKey& key = service_pass_[service_pass_next_++];
    ClusterState* cs = FindClusterState(key.tenant, key.cluster);
    if (!cs) continue;
    auto it = cs->services.find(key.service);
    if (it == cs->services.end() || it->second.status == "INACTIVE") continue;
    model::Service& svc = it->second;
    auto sig = signatures.find(cs);
    if (sig == signatures.end())
      sig = signatures.emplace(cs, InstancesSignature(cs->instances)).first;
    if (!svc.dirty && svc.settled && svc.instances_signature == sig->second) continue;
    const std::string status = svc.status;
    svc.instances_signature = sig->second;
    worked = true;
    ReconcileService(*cs, svc, now, changes);
    if (svc.status != status) RecountServices(*cs);
  }
  return true;
}

void ControlPlane::ReconcileService(ClusterState& cs, model::Service& svc, Millis now,
                                    storage::ChangeSet& changes) {
  svc.dirty = false;
  svc.settled = false;
  if (svc.deployments.empty()) return;
  const std::string events_before = svc.events.empty() ? "" : svc.events.front().id;
  bool changed = false;
  std::vector<model::Task*> tasks = LiveServiceTasks(cs, svc);
  const std::string reason =
      "Scaling activity initiated by (deployment " + svc.deployments.front().id + ")";

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
        if (d.status == "ACTIVE") d.status = "INACTIVE";
        if (d.status != "INACTIVE") d.desired_count = 0;
      }
      changes.PutService(svc);
    }
    return;
  }

  // Circuit breaker, stage 1 (§8.4): the PRIMARY's tasks keep failing to start.
  {
    model::Deployment& primary = svc.deployments.front();
    if (svc.circuit_breaker_enable && primary.rollout_state == "IN_PROGRESS" &&
        scheduler::CircuitBreakerTripped(primary.failed_tasks, primary.ever_running,
                                         svc.desired_count)) {
      primary.rollout_state = "FAILED";
      primary.rollout_state_reason = kBreakerFailed;
      primary.circuit_breaker_status = "TRIGGERED";
      primary.updated_at = now;
      AddEvent(
          svc,
          Tag(svc) + " (deployment " + primary.id + ") deployment failed: tasks failed to start.",
          now);
      if (!(svc.circuit_breaker_rollback && RollBack(svc, true, kBreakerFailed, now))) {
        primary.deployment_status = "STOPPED";
        primary.status_reason = kBreakerFailed;
        primary.stopped_at = now;
      }
      changed = true;
    }
  }
  model::Deployment& prim = svc.deployments.front();
  const Millis grace = options_.lifecycle.health_grace;
  auto healthy = [now, grace](const model::Task& t) {
    return t.last_status == model::TaskState::kRunning && t.started_at &&
           now - *t.started_at >= grace;
  };

  const bool daemon = svc.scheduling_strategy == "DAEMON";
  TickPlan plan;
  if (daemon) {
    // Eligible: ACTIVE, connected, and satisfying the service's memberOf constraints.
    std::vector<scheduler::Expression> exprs;
    for (const auto& [type, expr] : svc.placement_constraints) {
      if (type != "memberOf") continue;
      auto e = scheduler::ParseQuery(expr);
      if (e.ok()) exprs.push_back(std::move(*e));
    }
    std::vector<const model::ContainerInstance*> eligible;
    for (const auto& [id, ci] : cs.instances) {
      if (ci.status != "ACTIVE" || !ci.agent_connected) continue;
      auto view = cs.views.find(id);
      if (view == cs.views.end()) continue;
      if (std::all_of(exprs.begin(), exprs.end(), [&](const scheduler::Expression& e) {
            return scheduler::Matches(e, view->second);
          })) {
        eligible.push_back(&ci);
      }
    }
    if (svc.desired_count != static_cast<int64_t>(eligible.size())) {
      svc.desired_count = static_cast<int64_t>(eligible.size());
      changed = true;
    }
    plan = PlanDaemon(svc, tasks, eligible, healthy);
  } else {
    scheduler::PlanInput input;
    input.minimum_healthy_percent = svc.minimum_healthy_percent;
    input.maximum_percent = svc.maximum_percent;
    input.desired_count = svc.desired_count;
    for (const auto& d : svc.deployments) {
      if (d.status == "INACTIVE" && &d != &prim) continue;
      input.deployments.push_back({d.id, &d == &prim, RolloutOf(d)});
    }
    input.tasks.reserve(tasks.size());
    for (model::Task* t : tasks) {
      scheduler::PlannerTask pt;
      pt.arn = t->arn;
      pt.deployment_id = t->started_by;
      if (t->desired_status == "STOPPED") {
        pt.phase = scheduler::PlannerTask::Phase::kStopping;
      } else if (t->last_status == model::TaskState::kRunning) {
        pt.phase = scheduler::PlannerTask::Phase::kRunning;
        pt.healthy = healthy(*t);
      } else if (t->last_status < model::TaskState::kRunning) {
        pt.phase = scheduler::PlannerTask::Phase::kPending;
      } else {
        pt.phase = scheduler::PlannerTask::Phase::kStopping;  // DEACTIVATING and later
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
    scheduler::Plan p = scheduler::PlanStep(input);
    for (const auto& stop : p.stops) {
      for (size_t i = 0; i < input.tasks.size(); ++i) {
        if (input.tasks[i].arn == stop.arn) {
          plan.stops.push_back(tasks[i]);
          break;
        }
      }
    }
    plan.start = p.start_primary;
    plan.deadlocked = p.deadlocked;
    plan.completed = p.primary_completed;
    plan.drained = std::move(p.drained_deployments);
  }
  // Completion means no other deployment has a task left, so every older one is drained on
  // this very tick: the service is steady now, not one tick later.
  plan.steady = plan.completed;

  // Apply: stops first (they release capacity for placement), then launches.
  std::vector<std::string> stopped_ids;
  for (model::Task* t : plan.stops) {
    RequestStop(cs, *t, "ServiceSchedulerInitiated", reason, now, changes);
    stopped_ids.push_back(t->id);
  }
  if (!stopped_ids.empty()) {
    AddEvent(svc,
             Tag(svc) + " has stopped " + std::to_string(stopped_ids.size()) +
                 " running tasks:" + TaskList(stopped_ids) + ".",
             now);
  }
  if (plan.deadlocked) {
    AddEvent(svc,
             Tag(svc) +
                 " was unable to stop or start tasks during a deployment because of the "
                 "service deployment configuration. Update the minimumHealthyPercent or "
                 "maximumPercent value and try again.",
             now);
  }
  int64_t launched = 0;
  const bool wants_launch = (plan.start > 0 || !plan.daemon_instances.empty()) &&
                            svc.deployments.front().rollout_state != "FAILED";
  if (!wants_launch) {
    svc.placement_failure_reported = false;  // nothing left to place: the cause is gone
  } else if (now >= svc.next_launch_at) {
    launched = daemon ? LaunchDaemonTasks(svc, plan.daemon_instances, now)
                      : LaunchServiceTasks(cs, svc, plan.start, now);
  }

  for (const auto& id : plan.drained) {
    for (auto& d : svc.deployments) {
      if (d.id == id && d.status == "ACTIVE") {
        d.status = "INACTIVE";
        d.desired_count = 0;
        d.updated_at = now;
        if (d.deployment_status == "IN_PROGRESS") {
          d.deployment_status = "STOPPED";
          d.stopped_at = now;
        }
        changed = true;
      }
    }
  }
  model::Deployment& p = svc.deployments.front();
  if (plan.completed && p.rollout_state == "IN_PROGRESS") {
    p.rollout_state = "COMPLETED";
    p.rollout_state_reason = "ECS deployment " + p.id + " completed.";
    p.deployment_status = "SUCCESSFUL";
    p.status_reason.clear();
    p.finished_at = now;
    p.updated_at = now;
    if (p.circuit_breaker_status == "MONITORING") p.circuit_breaker_status = "MONITORING_COMPLETE";
    for (auto& d : svc.deployments) {
      if (d.deployment_status == "ROLLBACK_IN_PROGRESS" && d.rolled_back_to == p.id) {
        d.deployment_status = "ROLLBACK_SUCCESSFUL";
        d.finished_at = now;
        d.updated_at = now;
      }
    }
    AddEvent(svc, Tag(svc) + " (deployment " + p.id + ") deployment completed.", now);
    changed = true;
  }
  if (plan.steady) AddEvent(svc, Tag(svc) + " has reached a steady state.", now);

  // Deployment desiredCount: the PRIMARY ramps up as its tasks are started while older
  // deployments drain, which shrink to the tasks they still run (§8.2 step 3).
  std::map<std::string, int64_t> live_per_deployment;
  for (const model::Task* t : cs.service_tasks[svc.name]) {
    if (!t->is_stopped() && t->desired_status == "RUNNING") ++live_per_deployment[t->started_by];
  }
  const bool others =
      std::any_of(svc.deployments.begin() + 1, svc.deployments.end(),
                  [](const model::Deployment& d) { return d.status != "INACTIVE"; });
  for (auto& d : svc.deployments) {
    if (d.status == "INACTIVE") continue;
    int64_t want = live_per_deployment[d.id];
    if (&d == &p) want = others ? std::min(svc.desired_count, want) : svc.desired_count;
    if (d.desired_count != want) {
      d.desired_count = want;
      changed = true;
    }
  }

  const bool events_changed = (svc.events.empty() ? "" : svc.events.front().id) != events_before;
  if (changed || events_changed || !stopped_ids.empty() || launched > 0) changes.PutService(svc);
  svc.settled = plan.steady && stopped_ids.empty() && launched == 0 && !changed;
}

void ControlPlane::OnTaskChanged(ClusterState& cs, model::Task& t, Millis now,
                                 storage::ChangeSet& changes) {
  if (t.service_name.empty()) return;
  model::Service* svc = FindService(cs, t.service_name);
  if (!svc) return;
  svc->dirty = true;
  for (auto& d : svc->deployments) {
    if (d.id != t.started_by) continue;
    bool changed = false;
    if (t.last_status == model::TaskState::kRunning && t.desired_status == "RUNNING") {
      svc->start_failures = 0;
      svc->throttle_reported = false;
      if (!d.ever_running) {
        d.ever_running = true;
        d.failed_tasks = 0;  // the breaker stops counting start failures once tasks run
        changed = true;
      }
    }
    if (t.is_stopped() && t.failed_to_start) {
      if (!d.ever_running) {
        ++d.failed_tasks;
        changed = true;
      }
      ++svc->start_failures;
      // The breaker watches a young PRIMARY; otherwise repeated start failures are throttled.
      const bool breaker_watching = svc->circuit_breaker_enable &&
                                    &d == &svc->deployments.front() && !d.ever_running &&
                                    d.rollout_state == "IN_PROGRESS";
      if (!breaker_watching && svc->start_failures >= kThrottleAfter) {
        int64_t k = std::min<int64_t>(svc->start_failures - kThrottleAfter, 7);
        svc->next_launch_at =
            std::max(svc->next_launch_at, now + std::min(kThrottleMax, kThrottleBase << k));
        if (!svc->throttle_reported) {
          AddEvent(*svc, Tag(*svc) + " is unable to consistently start tasks successfully.", now);
          svc->throttle_reported = true;
          changed = true;
        }
      }
    }
    if (changed) changes.PutService(*svc);
    return;
  }
}

}  // namespace ecs::control

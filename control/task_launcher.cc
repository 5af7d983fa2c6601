#include "control/task_launcher.h"

#include <algorithm>
#include <charconv>
#include <cstdio>
#include <functional>
#include <span>

#include "common/arn_check.h"
#include "common/log.h"
#include "control/capacity_providers.h"
#include "control/task_lifecycle.h"
#include "model/quotas.h"
#include "scheduler/behavior_rules.h"
#include "scheduler/capacity_strategy.h"
#include "scheduler/placement.h"
#include "taskdef/reference.h"
#include "taskdef/sizes.h"

namespace ecs::control {

namespace {
// --log-level debug: where each task went.
void LogPlaced(const model::Task& t) {
  LogEvent(LogLevel::kDebug, "placed")
      .Str("task", t.arn)
      .Str("containerInstance", t.container_instance_id.empty() ? "-" : t.container_instance_id)
      .Str("availabilityZone", t.availability_zone)
      .Write();
}
}  // namespace

struct TaskLauncher::LaunchPlan {
  bool start_task = false;  // StartTask: explicit instances, no placement strategies
  const model::Cluster* cluster = nullptr;
  const TaskDefinitionRecord* def = nullptr;
  model::LaunchType launch_type = model::LaunchType::kEc2;
  std::vector<std::string> providers;  // each task's capacity provider; empty for a launch type
  bool fargate = false;
  bool awsvpc = false;
  std::string fingerprint;  // what makes two calls "the same" for clientToken
  std::string token_key;    // "" without a clientToken
  scheduler::TaskDemand demand;
};

namespace {

// The strategy the tasks launch with: the request's, else the cluster's default when the
// request names no launch type either; null for a launch type.
const model::CapacityProviderStrategy* StrategyFor(const RunTaskInput& in,
                                                   const model::Cluster& cluster) {
  if (in.launch_type) return nullptr;
  if (!in.capacity_provider_strategy.empty()) return &in.capacity_provider_strategy;
  const auto& fallback = cluster.default_capacity_provider_strategy;
  return fallback.empty() ? nullptr : &fallback;
}

// The provider of each of the `count` tasks: the strategy's base/weight split, counting the
// tasks a service already runs on each provider.
std::vector<std::string> ProvidersFor(const model::CapacityProviderStrategy& strategy,
                                      const RunTaskInput& in) {
  std::vector<int64_t> existing = in.strategy_existing;
  existing.resize(strategy.size(), 0);
  const std::vector<int64_t> split = scheduler::DistributeTasks(strategy, existing, in.count);
  std::vector<std::string> out;
  for (size_t i = 0; i < strategy.size(); ++i) {
    out.insert(out.end(), static_cast<size_t>(split[i]), strategy[i].capacity_provider);
  }
  return out;
}

// A stable fingerprint of the parameters that make two RunTask calls "the same" for clientToken.
std::string RequestFingerprint(const RunTaskInput& in) {
  std::string s = in.task_definition + "|" + std::to_string(in.count) + "|" + in.group + "|" +
                  in.started_by + "|" +
                  std::string(in.launch_type ? model::ToString(*in.launch_type) : "") + "|" +
                  in.overrides.text();
  for (const auto& c : in.constraints) s += "|c:" + c.type + ":" + c.expression;
  for (const auto& p : in.strategies) s += "|s:" + p.type + ":" + p.field;
  for (const auto& i : in.capacity_provider_strategy) {
    s +=
        "|p:" + i.capacity_provider + ":" + std::to_string(i.base) + ":" + std::to_string(i.weight);
  }
  return std::to_string(std::hash<std::string>{}(s));
}

std::string PseudoIp(uint64_t h) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "10.0.%u.%u", static_cast<unsigned>((h >> 8) % 250 + 1),
                static_cast<unsigned>(h % 250 + 2));
  return buf;
}

std::string PseudoMac(uint64_t h) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "0a:%02x:%02x:%02x:%02x:%02x", static_cast<unsigned>(h & 0xff),
                static_cast<unsigned>((h >> 8) & 0xff), static_cast<unsigned>((h >> 16) & 0xff),
                static_cast<unsigned>((h >> 24) & 0xff), static_cast<unsigned>((h >> 32) & 0xff));
  return buf;
}

const ContainerOverrideInput* OverrideFor(const RunTaskInput& in, const std::string& name) {
  for (const auto& o : in.container_overrides) {
    if (o.name == name) return &o;
  }
  return nullptr;
}

Status CheckCounts(const RunTaskInput& in, bool start_task) {
  // The service scheduler places a whole batch at once (one placement pass); callers of the API
  // are held to ECS's 10.
  if (!start_task && (in.count < 1 || (in.count > 10 && !in.is_service))) {
    return Status::InvalidParameter("count must be between 1 and 10, but was " +
                                    std::to_string(in.count) + ".");
  }
  if (start_task && in.container_instances.size() > 10) {
    return Status::InvalidParameter("containerInstances can have at most 10 items.");
  }
  if (in.launch_type && !in.capacity_provider_strategy.empty()) {
    return Status::InvalidParameter(
        "Specifying both a launch type and capacity provider strategy is not supported. Remove "
        "one and try again.");
  }
  if (in.launch_type == model::LaunchType::kManagedInstances) {
    return ManagedInstancesNeedStrategy();
  }
  return Status::Ok();
}

Status CheckNetwork(const RunTaskInput& in, bool awsvpc) {
  if (awsvpc && (!in.network || in.network->subnets.empty())) {
    return Status::InvalidParameter(
        "Network Configuration must be provided when networkMode 'awsvpc' is specified.");
  }
  if (!awsvpc && in.network) {
    return Status::InvalidParameter(
        "Network Configuration is not valid for the given networkMode of this task definition.");
  }
  if (in.network && in.network->subnets.size() > 16) {
    return Status::InvalidParameter("subnets can have at most 16 items.");
  }
  if (in.network && in.network->security_groups.size() > 5) {
    return Status::InvalidParameter("securityGroups can have at most 5 items.");
  }
  return Status::Ok();
}

Status CheckPlacementAndTags(const RunTaskInput& in, const taskdef::TaskDefinitionSpec& spec,
                             bool fargate) {
  if (fargate && (!in.constraints.empty() || !in.strategies.empty())) {
    return Status::InvalidParameter(
        "Task placement constraints and strategies are not supported for tasks using the Fargate "
        "launch type.");
  }
  if (in.propagate_tags == model::PropagateTags::kService && !in.is_service) {
    return Status::InvalidParameter(
        "The SERVICE value for propagateTags is only valid for "
        "tasks launched by a service.");
  }
  if (in.constraints.size() + spec.member_of_expressions->size() > 10) {
    return Status::InvalidParameter(
        "A task can have at most 10 placement constraints, counting "
        "the task definition's.");
  }
  ECS_RETURN_IF_ERROR(ValidateTags(in.tags));
  for (const auto& o : in.container_overrides) {
    bool known = std::any_of(spec.containers.begin(), spec.containers.end(),
                             [&](const taskdef::ContainerSpec& c) { return c.name == o.name; });
    if (!known) {
      return Status::InvalidParameter("Override for container named " + o.name +
                                      " is not a container in the TaskDefinition.");
    }
  }
  return Status::Ok();
}

}  // namespace

Result<TaskLauncher::LaunchPlan> TaskLauncher::Validate(const RequestContext& ctx,
                                                        const model::Cluster& cluster,
                                                        const RunTaskInput& in) const {
  LaunchPlan launch;
  launch.cluster = &cluster;
  launch.start_task = !in.container_instances.empty();
  ECS_RETURN_IF_ERROR(CheckCounts(in, launch.start_task));
  ECS_RETURN_IF_ERROR(
      CheckArnArgument(ctx.tenant, in.task_definition, ArnResource::kTaskDefinition));
  if (!taskdef::ParseTaskDefinitionRef(in.task_definition)) {
    return Status::InvalidParameter("Invalid revision number. Number: " + in.task_definition);
  }
  auto td = state_.task_definitions.Resolve(ctx.tenant, in.task_definition);
  if (!td.ok()) return Status::Client("TaskDefinition not found.");
  launch.def = *td;
  if (!launch.def->is_active()) return Status::InvalidParameter("TaskDefinition is inactive");
  const taskdef::TaskDefinitionSpec& spec = *launch.def->spec;

  const model::CapacityProviderStrategy* strategy =
      launch.start_task ? nullptr : StrategyFor(in, cluster);
  launch.launch_type = in.launch_type.value_or(model::LaunchType::kEc2);
  if (strategy) {
    ECS_RETURN_IF_ERROR(CheckStrategyForCluster(cluster, *strategy));
    // A strategy is all Fargate or all Auto Scaling group providers (CheckStrategyForCluster).
    launch.launch_type = model::IsFargateProvider(strategy->front().capacity_provider)
                             ? model::LaunchType::kFargate
                             : model::LaunchType::kEc2;
    launch.providers = ProvidersFor(*strategy, in);
  }
  if (launch.start_task) launch.launch_type = model::LaunchType::kEc2;
  // A task placed through a Managed Instances provider runs as MANAGED_INSTANCES (BuildOne).
  const bool managed_instances = strategy && UsesManagedInstances(ctx.tenant, *strategy);
  for (const auto type : {launch.launch_type, model::LaunchType::kManagedInstances}) {
    if (type == model::LaunchType::kManagedInstances && !managed_instances) continue;
    if (!spec.SupportsLaunchType(type)) {
      return Status::InvalidParameter("Task definition does not support launch_type " +
                                      std::string(model::ToString(type)) + ".");
    }
  }
  launch.fargate = launch.launch_type == model::LaunchType::kFargate;
  launch.awsvpc = spec.awsvpc();
  ECS_RETURN_IF_ERROR(CheckNetwork(in, launch.awsvpc));
  ECS_RETURN_IF_ERROR(CheckPlacementAndTags(in, spec, launch.fargate));
  launch.fingerprint = RequestFingerprint(in);
  if (!in.client_token.empty()) launch.token_key = cluster.name + "|" + in.client_token;
  return launch;
}

std::optional<Result<RunTaskOutput>> TaskLauncher::Replay(const RequestContext& ctx,
                                                          ClusterState& cs,
                                                          const std::string& token_key,
                                                          const std::string& fingerprint) {
  if (token_key.empty()) return std::nullopt;
  TenantState& ts = state_.index.GetTenant(ctx.tenant);
  auto it = ts.client_tokens.find(token_key);
  if (it == ts.client_tokens.end()) return std::nullopt;
  RunTaskOutput out;
  std::vector<std::string> arns;
  bool same = true;
  for (const auto& entry : it->second) {
    size_t bar = entry.find('|');
    same = same && entry.substr(0, bar) == fingerprint;
    if (const model::Task* t = cs.FindTask(entry.substr(bar + 1))) {
      out.tasks.push_back(t);
      arns.push_back(t->arn);
    }
  }
  if (!same) {
    Status conflict(ErrorCode::kConflictException,
                    "The clientToken was already used with different parameters.");
    conflict.resource_ids = arns;
    return Result<RunTaskOutput>(std::move(conflict));
  }
  return Result<RunTaskOutput>(std::move(out));
}

scheduler::TaskDemand TaskLauncher::Demand(const LaunchPlan& launch, const RunTaskInput& in) {
  const taskdef::TaskDefinitionSpec& spec = *launch.def->spec;
  int64_t sum_cpu = 0, sum_memory = 0;
  for (const taskdef::ContainerSpec& c : spec.containers) {
    const ContainerOverrideInput* o = OverrideFor(in, c.name);
    sum_cpu += o && o->cpu ? *o->cpu : c.cpu;
    auto reservation = o && o->memory_reservation ? o->memory_reservation : c.memory_reservation;
    auto hard = o && o->memory ? o->memory : c.memory;
    sum_memory += reservation.value_or(hard.value_or(0));
  }
  std::optional<int64_t> task_cpu = spec.cpu, task_memory = spec.memory;
  if (in.task_cpu_override) task_cpu = taskdef::ParseTaskCpu(*in.task_cpu_override);
  if (in.task_memory_override) task_memory = taskdef::ParseTaskMemory(*in.task_memory_override);
  scheduler::TaskDemand demand;
  demand.cpu = task_cpu.value_or(sum_cpu);
  demand.memory = task_memory.value_or(sum_memory);
  demand.awsvpc = launch.awsvpc;
  demand.group = in.group.empty() ? "family:" + spec.family : in.group;
  demand.launch_type = launch.start_task ? scheduler::LaunchType::kAny
                       : launch.launch_type == model::LaunchType::kExternal
                           ? scheduler::LaunchType::kExternal
                           : scheduler::LaunchType::kEc2;
  for (const taskdef::ContainerSpec& c : spec.containers) {
    demand.gpus += c.gpu_count;
    for (const auto& pm : c.port_mappings) {
      if (launch.awsvpc || pm.range_first != 0) continue;  // ports live on the task's ENI
      const bool udp = pm.protocol == "udp";
      if (pm.host_port != 0) {
        (udp ? demand.static_udp_ports : demand.static_tcp_ports).push_back(pm.host_port);
      } else {
        ++(udp ? demand.dynamic_udp_ports : demand.dynamic_tcp_ports);
      }
    }
  }
  for (const auto& name : *spec.requires_attributes) {
    demand.required_attributes.push_back({name, std::nullopt});
  }
  return demand;
}

Result<std::vector<TaskLauncher::Slot>> TaskLauncher::Place(const RequestContext& ctx,
                                                            ClusterState& cs,
                                                            const LaunchPlan& launch,
                                                            const RunTaskInput& in,
                                                            RunTaskOutput& out) {
  if (launch.fargate) return std::vector<Slot>(static_cast<size_t>(in.count));  // no placement
  auto request = RequestFor(launch, in);
  if (!request.ok()) return request.status();
  scheduler::PlacementRequest& req = *request;
  if (launch.start_task) return PlaceOnNamed(ctx, cs, launch, req, in, out);
  if (!launch.providers.empty()) return PlaceOnProviders(cs, launch, req, out);
  const auto& views = cs.candidate_views();
  const auto& instances = cs.candidate_instances();
  bool any_active = std::any_of(instances.begin(), instances.end(), [](const auto* ci) {
    return ci->status == model::InstanceStatus::kActive;
  });
  if (!any_active) {
    return Status::InvalidParameter("No Container Instances were found in your cluster.");
  }
  req.count = static_cast<int32_t>(in.count);
  // Tracing costs 2-7x the placement itself (bench/RESULTS.md), so by default only a decision
  // that failed is traced: placement is pure and seeded, so running it again with a trace over
  // the same views gives the same decision, and a placement that succeeds pays nothing.
  const std::span<const scheduler::InstanceView* const> pool(views);
  scheduler::PlacementTrace trace;
  const bool trace_all = state_.placement_traces.enabled() && state_.options.trace_all_placements;
  auto placed = scheduler::PlaceTasks(pool, req, trace_all ? &trace : nullptr);
  if (!placed.ok()) return placed.status();
  const bool failed =
      std::any_of(placed->begin(), placed->end(), [](const auto& p) { return !p.placed; });
  if (!trace_all && failed && state_.placement_traces.enabled()) {
    (void)scheduler::PlaceTasks(pool, req, &trace);
  }
  if (trace_all || (failed && state_.placement_traces.enabled())) {
    out.placement_trace = RecordTrace(ctx, launch, in, std::move(trace));
  }
  std::vector<Slot> slots;
  for (const auto& p : *placed) {
    if (p.placed) {
      ++state_.placements.placed;
      slots.push_back({instances[p.instance_index], p});
    } else {
      ++state_.placements.failures[std::string(FailureReasonText(p.failure.reason))];
      out.failures.push_back({p.failure.arn.empty() ? launch.cluster->arn : p.failure.arn,
                              std::string(FailureReasonText(p.failure.reason)), ""});
    }
  }
  return slots;
}

Result<scheduler::PlacementRequest> TaskLauncher::RequestFor(const LaunchPlan& launch,
                                                             const RunTaskInput& in) const {
  scheduler::PlacementRequest req;
  req.demand = launch.demand;
  req.is_service = in.is_service;
  req.seed = state_.ids.Next();
  for (const auto& expr : *launch.def->spec->member_of_expressions) {
    auto pc = scheduler::MakePlacementConstraint("memberOf", expr);
    if (!pc.ok()) return pc.status();
    req.constraints.push_back(std::move(*pc));
  }
  if (launch.start_task) return req;  // StartTask: the named instances, no strategies
  for (const auto& c : in.constraints) {
    auto pc = scheduler::MakePlacementConstraint(c.type, c.expression);
    if (!pc.ok()) return pc.status();
    req.constraints.push_back(std::move(*pc));
  }
  for (const auto& p : in.strategies) {
    auto ps = scheduler::MakePlacementStrategy(p.type, p.field);
    if (!ps.ok()) return ps.status();
    req.strategies.push_back(std::move(*ps));
  }
  return req;
}

bool TaskLauncher::IsManagedInstancesProvider(const Tenant& t, const std::string& name) const {
  if (name.empty() || model::IsFargateProvider(name)) return false;
  const model::CapacityProvider* cp = state_.FindCapacityProvider(t, name);
  return cp && cp->is_managed_instances();
}

bool TaskLauncher::UsesManagedInstances(const Tenant& t,
                                        const model::CapacityProviderStrategy& strategy) const {
  return std::any_of(strategy.begin(), strategy.end(), [&](const auto& item) {
    return IsManagedInstancesProvider(t, item.capacity_provider);
  });
}

TaskLauncher::ProviderPool TaskLauncher::PoolOf(ClusterState& cs, const std::string& provider) {
  ProviderPool pool;
  const auto& views = cs.candidate_views();
  const auto& instances = cs.candidate_instances();
  for (size_t i = 0; i < instances.size(); ++i) {
    if (instances[i]->capacity_provider_name != provider) continue;
    pool.views.push_back(views[i]);
    pool.instances.push_back(instances[i]);
  }
  return pool;
}

Result<std::vector<TaskLauncher::Slot>> TaskLauncher::PlaceOnProviders(
    ClusterState& cs, const LaunchPlan& launch, const scheduler::PlacementRequest& req,
    RunTaskOutput& out) {
  // Each provider's share (launch.providers lists them in runs) is placed on that provider's
  // instances; a task that does not fit waits in PROVISIONING for the capacity managed scaling
  // adds, as ECS does, up to the cluster's quota of such tasks. Past it the task is a failure
  // (ECS's reason there is not documented: this one names the quota).
  std::vector<Slot> slots;
  int64_t room = quotas::kProvisioningTasksPerCluster - cs.counts.awaiting_capacity_tasks;
  for (size_t first = 0; first < launch.providers.size();) {
    const std::string& provider = launch.providers[first];
    size_t last = first;
    while (last < launch.providers.size() && launch.providers[last] == provider) ++last;
    const ProviderPool pool = PoolOf(cs, provider);
    std::vector<scheduler::TaskPlacement> placed(last - first);
    if (!pool.views.empty()) {
      scheduler::PlacementRequest share = req;
      share.count = static_cast<int32_t>(last - first);
      auto result = scheduler::PlaceTasks(
          std::span<const scheduler::InstanceView* const>(pool.views), share, nullptr);
      if (!result.ok()) return result.status();
      placed = std::move(*result);
    }
    for (const auto& p : placed) {
      if (p.placed) {
        ++state_.placements.placed;
        slots.push_back({pool.instances[p.instance_index], p, provider});
      } else if (room-- > 0) {
        slots.push_back({nullptr, {}, provider});  // waits for capacity
      } else {
        out.failures.push_back(
            {launch.cluster->arn, "RESOURCE:PROVISIONING",
             "The cluster has " + std::to_string(quotas::kProvisioningTasksPerCluster) +
                 " tasks in the PROVISIONING state, its quota (Tasks in PROVISIONING state per "
                 "cluster)."});
      }
    }
    first = last;
  }
  return slots;
}

namespace {

// The hostPort-0 mappings of a task placed after it was built get the host ports placement
// handed out, in order (BuildContainers left them 0).
void FillDynamicHostPorts(const scheduler::TaskPlacement& placement, model::Task& t) {
  size_t tcp = 0, udp = 0;
  for (auto& c : t.containers) {
    for (auto& b : c.planned_bindings) {
      if (b.host_port != 0) continue;
      const bool is_udp = b.protocol == "udp";
      const auto& ports = is_udp ? placement.dynamic_udp_ports : placement.dynamic_tcp_ports;
      size_t& next = is_udp ? udp : tcp;
      if (next < ports.size()) b.host_port = ports[next++];
    }
  }
}

int64_t ParseSize(const std::string& text) {
  int64_t value = 0;
  std::from_chars(text.data(), text.data() + text.size(), value);
  return value;
}

}  // namespace

Result<bool> TaskLauncher::PlaceWaiting(ClusterState& cs, model::Task& t,
                                        storage::ChangeSet& changes) {
  auto td = state_.task_definitions.Resolve(t.tenant, t.task_definition_arn);
  if (!td.ok()) return false;  // its definition was deleted: nothing to size it by
  LaunchPlan launch;
  launch.def = *td;
  launch.awsvpc = launch.def->spec->awsvpc();
  RunTaskInput in;
  in.group = t.group;
  in.is_service = !t.service_name.empty();
  in.constraints = t.placement_constraints;
  in.strategies = t.placement_strategy;
  launch.demand = Demand(launch, in);
  // The size the request's overrides gave the task when it was built.
  launch.demand.cpu = ParseSize(t.cpu);
  launch.demand.memory = ParseSize(t.memory);
  auto req = RequestFor(launch, in);
  if (!req.ok()) return req.status();
  req->count = 1;
  const ProviderPool pool = PoolOf(cs, t.capacity_provider_name);
  if (pool.views.empty()) return false;
  auto placed = scheduler::PlaceTasks(std::span<const scheduler::InstanceView* const>(pool.views),
                                      *req, nullptr);
  if (!placed.ok()) return placed.status();
  const scheduler::TaskPlacement& p = placed->front();
  if (!p.placed) return false;
  ++state_.placements.placed;
  const Slot slot{pool.instances[p.instance_index], p, t.capacity_provider_name};
  const Millis now = state_.Now();
  state_.index.UpdateTask(cs, t, [&](model::Task& task) {
    AssignInstance(launch.demand, slot, task);
    FillDynamicHostPorts(p, task);
    task.placement_constraints.clear();
    task.placement_strategy.clear();
    ++task.version;
    task.next_transition_at = now + StepDelay(state_, state_.options.lifecycle.provisioning);
  });
  if (LogEnabled(LogLevel::kDebug)) LogPlaced(t);
  changes.PutTask(t);
  return true;
}

Result<const model::Task*> TaskLauncher::LaunchDaemonTask(
    const RequestContext& ctx, ClusterState& cs, const model::Cluster& cluster,
    const TaskDefinitionRecord& def, const model::ContainerInstance& ci, const RunTaskInput& in,
    const model::TagList& tags, storage::ChangeSet& changes) {
  LaunchPlan launch;
  launch.start_task = true;
  launch.cluster = &cluster;
  launch.def = &def;
  launch.demand = Demand(launch, in);
  auto req = RequestFor(launch, in);
  if (!req.ok()) return req.status();
  req->count = 1;
  const scheduler::InstanceView* view = &cs.views.at(ci.id);
  auto placed = scheduler::PlaceTasks(std::span<const scheduler::InstanceView* const>(&view, 1),
                                      *req, nullptr);
  if (!placed.ok()) return placed.status();
  const scheduler::TaskPlacement& p = placed->front();
  if (!p.placed) {
    ++state_.placements.failures[std::string(FailureReasonText(p.failure.reason))];
    return Status::InvalidParameter(std::string(FailureReasonText(p.failure.reason)));
  }
  ++state_.placements.placed;
  model::Task t = BuildOne(ctx, launch, in, {&ci, p, ci.capacity_provider_name}, 0);
  changes.PutTask(t);
  if (!tags.empty()) changes.PutTags(t.arn, tags);
  model::Task& slot = state_.index.AddTask(cs, std::move(t));
  if (!tags.empty()) state_.tags.Set(slot.arn, tags);
  return &slot;
}

void TaskLauncher::AssignInstance(const scheduler::TaskDemand& demand, const Slot& slot,
                                  model::Task& t) {
  t.container_instance_id = slot.instance->id;
  t.ec2_instance_id = slot.instance->ec2_instance_id;
  t.availability_zone = slot.instance->availability_zone();
  t.reserved_cpu = demand.cpu;
  t.reserved_memory = demand.memory;
  t.reserved_tcp_ports.assign(demand.static_tcp_ports.begin(), demand.static_tcp_ports.end());
  t.reserved_udp_ports.assign(demand.static_udp_ports.begin(), demand.static_udp_ports.end());
  t.dynamic_tcp_ports.assign(slot.placement.dynamic_tcp_ports.begin(),
                             slot.placement.dynamic_tcp_ports.end());
  t.dynamic_udp_ports.assign(slot.placement.dynamic_udp_ports.begin(),
                             slot.placement.dynamic_udp_ports.end());
}

Result<std::vector<TaskLauncher::Slot>> TaskLauncher::PlaceOnNamed(
    const RequestContext& ctx, ClusterState& cs, const LaunchPlan& launch,
    const scheduler::PlacementRequest& req, const RunTaskInput& in, RunTaskOutput& out) {
  // StartTask: exactly one task per named instance, resources checked, no strategies. Traced as
  // one decision: each named instance's verdict, one task entry per instance that was tried.
  scheduler::PlacementTrace combined;
  scheduler::PlacementTrace* const trace = state_.placement_traces.enabled() ? &combined : nullptr;
  std::vector<Slot> slots;
  const std::string& cluster = launch.cluster->name;
  for (const auto& id : in.container_instances) {
    const model::ContainerInstance* ci = cs.FindInstance(id);
    if (!ci) {
      out.failures.push_back({id.starts_with("arn:")
                                  ? id
                                  : ArnPrefix(ctx.tenant) + "container-instance/" + cluster + "/" +
                                        std::string(LastSegment(id)),
                              "MISSING", ""});
      if (trace) trace->instances.push_back({out.failures.back().arn, "MISSING", "not found", {}});
      continue;
    }
    if (ci->status != model::InstanceStatus::kActive) {
      // A DRAINING instance takes no new tasks, named or placed.
      const std::string status(model::ToString(ci->status));
      out.failures.push_back({ci->arn, status,
                              ci->is_inactive() ? ""
                                                : "The container instance is " + status +
                                                      ": no new tasks are placed on it."});
      if (trace) trace->instances.push_back({ci->arn, "STATUS", "the instance is " + status, {}});
      continue;
    }
    // Earlier tasks of this StartTask call are already reserved on the views.
    const scheduler::InstanceView* view = &cs.views.at(ci->id);
    scheduler::PlacementRequest one = req;
    one.count = 1;
    scheduler::PlacementTrace this_one;
    auto placed = scheduler::PlaceTasks(std::span<const scheduler::InstanceView* const>(&view, 1),
                                        one, trace ? &this_one : nullptr);
    if (!placed.ok()) return placed.status();
    if (trace) {
      trace->constraints = std::move(this_one.constraints);
      trace->instances.push_back(std::move(this_one.instances.front()));
      trace->tasks.push_back(std::move(this_one.tasks.front()));
    }
    const auto& p = placed->front();
    if (!p.placed) {
      ++state_.placements.failures[std::string(FailureReasonText(p.failure.reason))];
      out.failures.push_back({ci->arn, std::string(FailureReasonText(p.failure.reason)), ""});
      continue;
    }
    ++state_.placements.placed;
    slots.push_back({ci, p});
  }
  if (trace) out.placement_trace = RecordTrace(ctx, launch, in, std::move(combined));
  return slots;
}

int64_t TaskLauncher::RecordTrace(const RequestContext& ctx, const LaunchPlan& launch,
                                  const RunTaskInput& in, scheduler::PlacementTrace trace) {
  PlacementTraceRecord r;
  r.tenant = ctx.tenant;
  r.cluster = launch.cluster->name;
  r.operation = launch.start_task ? "StartTask" : in.is_service ? "service" : "RunTask";
  r.service_name = in.service_name;
  r.group = launch.demand.group;
  r.task_definition_arn = launch.def->reg.arn;
  r.at = state_.Now();
  r.trace = std::move(trace);
  return state_.placement_traces.Add(std::move(r)).id;
}

void TaskLauncher::BuildContainers(const RequestContext& ctx, const LaunchPlan& launch,
                                   const RunTaskInput& in, const Slot& slot, model::Task& t) {
  size_t dyn_tcp = 0, dyn_udp = 0;
  const auto& dynamic_tcp = slot.placement.dynamic_tcp_ports;
  const auto& dynamic_udp = slot.placement.dynamic_udp_ports;
  for (const taskdef::ContainerSpec& spec : launch.def->spec->containers) {
    model::ContainerState c;
    c.arn = ArnPrefix(ctx.tenant) + "container/" + t.cluster + "/" + t.id + "/" + state_.ids.Uuid();
    c.name = spec.name;
    c.image = spec.image;
    c.essential = spec.essential;
    // What the simulated agent needs (scheduler/container_agent.h), fixed for the task's life.
    c.health_check = spec.health_check;
    c.depends_on = spec.depends_on;
    if (spec.stop_timeout) c.stop_timeout = *spec.stop_timeout * 1000;
    if (spec.start_timeout) c.start_timeout = *spec.start_timeout * 1000;
    // What it is scripted to do: its labels, then the rules armed now (for this tenant).
    const scheduler::ContainerFacts facts{spec.image, launch.def->spec->family,
                                          launch.def->reg.revision, spec.name};
    c.behavior =
        scheduler::ResolveBehavior(spec.label_behavior, state_.BehaviorRulesOf(ctx.tenant), facts);
    const ContainerOverrideInput* o = OverrideFor(in, spec.name);
    c.cpu = std::to_string(o && o->cpu ? *o->cpu : spec.cpu);
    auto memory = o && o->memory ? o->memory : spec.memory;
    auto reservation = o && o->memory_reservation ? o->memory_reservation : spec.memory_reservation;
    if (memory) c.memory = std::to_string(*memory);
    if (reservation) c.memory_reservation = std::to_string(*reservation);
    for (const auto& pm : spec.port_mappings) {
      if (launch.awsvpc || pm.range_first != 0) continue;
      model::NetworkBinding b;
      b.container_port = pm.container_port;
      b.protocol = pm.protocol;
      if (pm.host_port != 0) {
        b.host_port = pm.host_port;
      } else if (pm.protocol == "udp" && dyn_udp < dynamic_udp.size()) {
        b.host_port = dynamic_udp[dyn_udp++];
      } else if (pm.protocol != "udp" && dyn_tcp < dynamic_tcp.size()) {
        b.host_port = dynamic_tcp[dyn_tcp++];
      }
      c.planned_bindings.push_back(b);
    }
    t.containers.push_back(std::move(c));
  }
}

model::EniAttachment TaskLauncher::BuildEni(const RequestContext& ctx, const std::string& subnet) {
  const uint64_t h = state_.ids.Next();
  model::EniAttachment eni;
  eni.id = state_.ids.Uuid();
  eni.status = model::AttachmentStatus::kPrecreated;
  eni.subnet_id = subnet;
  eni.eni_id = "eni-" + state_.ids.Hex32().substr(0, 17);
  eni.mac_address = PseudoMac(h);
  eni.private_ip = PseudoIp(h >> 16);
  std::string dashed = eni.private_ip;
  std::replace(dashed.begin(), dashed.end(), '.', '-');
  const std::string& region = ctx.tenant.region;
  eni.private_dns_name =
      "ip-" + dashed + "." +
      (region == "us-east-1" ? std::string("ec2.internal") : region + ".compute.internal");
  return eni;
}

model::Task TaskLauncher::BuildOne(const RequestContext& ctx, const LaunchPlan& launch,
                                   const RunTaskInput& in, const Slot& slot, size_t index) {
  const Millis now = state_.Now();
  const auto& spec = *launch.def->spec;
  const scheduler::TaskDemand& demand = launch.demand;
  model::Task t;
  t.tenant = ctx.tenant;
  t.cluster = launch.cluster->name;
  t.id = state_.ids.Hex32();
  t.arn = ArnPrefix(ctx.tenant) + "task/" + t.cluster + "/" + t.id;
  t.seq = state_.NextSeq();
  t.task_definition_arn = launch.def->reg.arn;
  t.family = spec.family;
  t.launch_type = launch.launch_type;
  if (!slot.provider.empty()) {
    t.capacity_provider_name = slot.provider;
  } else if (index < launch.providers.size()) {
    t.capacity_provider_name = launch.providers[index];
  }
  if (IsManagedInstancesProvider(ctx.tenant, t.capacity_provider_name)) {
    t.launch_type = model::LaunchType::kManagedInstances;
  }
  t.network_mode = spec.network_mode;
  t.group = demand.group;
  t.started_by = in.started_by;
  t.service_name = in.service_name;
  t.client_token = in.client_token;
  t.request_fingerprint = launch.fingerprint;
  t.enable_execute_command = in.enable_execute_command;
  t.created_at = now;
  t.cpu = std::to_string(demand.cpu);
  t.memory = std::to_string(demand.memory);
  const std::string subnet =
      in.network ? in.network->subnets[index % in.network->subnets.size()] : "";
  if (launch.fargate) {
    t.platform_version = "1.4.0";
    std::vector<std::string> azs;
    azs.reserve(state_.options.az_suffixes.size());
    for (const auto& s : state_.options.az_suffixes) azs.push_back(ctx.tenant.region + s);
    t.availability_zone = azs[std::hash<std::string>{}(subnet) % azs.size()];
  } else if (slot.instance) {
    AssignInstance(demand, slot, t);
  } else {
    // Waits for its Auto Scaling group provider's capacity, placed later by these.
    t.placement_constraints = in.constraints;
    t.placement_strategy = in.strategies;
  }
  BuildContainers(ctx, launch, in, slot, t);
  t.overrides = in.overrides;
  if (launch.awsvpc) t.eni = BuildEni(ctx, subnet);
  const bool attaches = launch.awsvpc || launch.fargate;
  const bool waits = !launch.fargate && !slot.instance;  // in PROVISIONING, until placed
  t.last_status = attaches || waits ? model::TaskState::kProvisioning : model::TaskState::kPending;
  if (LogEnabled(LogLevel::kDebug)) LogPlaced(t);
  if (waits) return t;  // nothing scheduled: PlaceWaiting moves it on
  if (!attaches) t.pull_started_at = now;
  const LifecycleConfig& lc = state_.options.lifecycle;
  t.next_transition_at = now + StepDelay(state_, attaches ? lc.provisioning : lc.pending);
  return t;
}

std::vector<model::Task> TaskLauncher::Build(const RequestContext& ctx, const LaunchPlan& launch,
                                             const RunTaskInput& in,
                                             const std::vector<Slot>& slots) {
  std::vector<model::Task> created;
  created.reserve(slots.size());
  for (size_t i = 0; i < slots.size(); ++i)
    created.push_back(BuildOne(ctx, launch, in, slots[i], i));
  return created;
}

model::TagList TaskLauncher::TagsFor(const LaunchPlan& launch, const RunTaskInput& in) const {
  // The request's tags, the definition's when propagated, ECS-managed ones when asked.
  model::TagList tags = in.tags;
  if (in.propagate_tags == model::PropagateTags::kTaskDefinition) {
    for (const auto& tag : state_.tags.Of(launch.def->reg.arn)) tags.push_back(tag);
  }
  if (in.enable_ecs_managed_tags) {
    tags.push_back({"aws:ecs:clusterName", launch.cluster->name});
    if (!in.service_name.empty()) tags.push_back({"aws:ecs:serviceName", in.service_name});
  }
  return tags;
}

Result<RunTaskOutput> TaskLauncher::Launch(const RequestContext& ctx, const model::Cluster& cluster,
                                           const RunTaskInput& in, storage::ChangeSet& changes) {
  auto launch = Validate(ctx, cluster, in);
  if (!launch.ok()) return launch.status();
  ClusterState& cs = state_.index.GetCluster(ctx.tenant, cluster.name);
  if (auto replay = Replay(ctx, cs, launch->token_key, launch->fingerprint)) return *replay;
  launch->demand = Demand(*launch, in);
  RunTaskOutput out;
  auto slots = Place(ctx, cs, *launch, in, out);
  if (!slots.ok()) return slots.status();
  std::vector<model::Task> created = Build(ctx, *launch, in, *slots);
  const model::TagList tags = TagsFor(*launch, in);
  TenantState& ts = state_.index.GetTenant(ctx.tenant);
  for (auto& t : created) {
    changes.PutTask(t);
    if (!tags.empty()) changes.PutTags(t.arn, tags);  // a new task has no tag row yet
    model::Task& slot = state_.index.AddTask(cs, std::move(t));
    if (!tags.empty()) state_.tags.Set(slot.arn, tags);
    if (!launch->token_key.empty()) {
      ts.client_tokens[launch->token_key].push_back(launch->fingerprint + "|" + slot.id);
    }
    out.tasks.push_back(&slot);
  }
  if (PlacementTraceRecord* r = state_.placement_traces.FindId(out.placement_trace)) {
    for (const model::Task* t : out.tasks) r->task_arns.push_back(t->arn);
  }
  return out;
}

}  // namespace ecs::control

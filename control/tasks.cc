// RunTask / StartTask / StopTask / DescribeTasks / ListTasks: resolving the definition, what a
// task reserves, placement through scheduler/, and the task records themselves.
#include <algorithm>
#include <cstdio>
#include <functional>
#include <span>

#include "common/json.h"
#include "common/pagination.h"
#include "control/control_plane.h"
#include "scheduler/placement.h"

namespace ecs::control {

namespace {

std::string LaunchTypeFor(const RunTaskInput& in, const model::Cluster& cluster) {
  if (!in.launch_type.empty()) return in.launch_type;
  if (!in.capacity_provider_strategy.empty()) {
    const std::string& cp = in.capacity_provider_strategy.front().capacity_provider;
    return cp == "FARGATE" || cp == "FARGATE_SPOT" ? "FARGATE" : "EC2";
  }
  // The cluster's default strategy decides when the request names neither.
  if (cluster.default_capacity_provider_strategy_json.find("\"FARGATE") != std::string::npos) {
    return "FARGATE";
  }
  return "EC2";
}

std::string CapacityProviderFor(const RunTaskInput& in, const model::Cluster& cluster) {
  if (!in.launch_type.empty()) return "";
  if (!in.capacity_provider_strategy.empty()) {
    return in.capacity_provider_strategy.front().capacity_provider;
  }
  size_t pos = cluster.default_capacity_provider_strategy_json.find("\"capacityProvider\":\"");
  if (pos == std::string::npos) return "";
  pos += 20;
  size_t end = cluster.default_capacity_provider_strategy_json.find('"', pos);
  return cluster.default_capacity_provider_strategy_json.substr(pos, end - pos);
}

// A stable fingerprint of the parameters that make two RunTask calls "the same" for clientToken.
std::string RequestFingerprint(const RunTaskInput& in) {
  std::string s = in.task_definition + "|" + std::to_string(in.count) + "|" + in.group + "|" +
                  in.started_by + "|" + in.launch_type + "|" + in.overrides_json;
  for (const auto& [t, e] : in.constraints) s += "|c:" + t + ":" + e;
  for (const auto& [t, f] : in.strategies) s += "|s:" + t + ":" + f;
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

// The task's `overrides` as ECS shows them: the request's TaskOverride with one
// containerOverrides entry per container of the definition (request entries kept as sent,
// the others just {"name"}), in definition order, and inferenceAcceleratorOverrides present.
std::string MergedOverrides(const std::string& request_json, const TaskDefinitionSpec& spec) {
  rapidjson::Document doc;
  if (request_json.empty() || doc.Parse(request_json.c_str()).HasParseError() || !doc.IsObject()) {
    doc.SetObject();
  }
  auto& alloc = doc.GetAllocator();
  rapidjson::Value given(rapidjson::kArrayType);
  if (auto it = doc.FindMember("containerOverrides");
      it != doc.MemberEnd() && it->value.IsArray()) {
    given = std::move(it->value);
    doc.RemoveMember("containerOverrides");
  }
  rapidjson::Value merged(rapidjson::kArrayType);
  for (const auto& cspec : spec.containers) {
    bool found = false;
    for (auto& e : given.GetArray()) {
      if (!e.IsObject()) continue;
      auto name = e.FindMember("name");
      if (name != e.MemberEnd() && name->value.IsString() &&
          cspec.name == name->value.GetString()) {
        merged.PushBack(rapidjson::Value(e, alloc), alloc);
        found = true;
        break;
      }
    }
    if (!found) {
      rapidjson::Value entry(rapidjson::kObjectType);
      entry.AddMember("name", rapidjson::Value(cspec.name.c_str(), alloc), alloc);
      merged.PushBack(std::move(entry), alloc);
    }
  }
  doc.AddMember("containerOverrides", std::move(merged), alloc);
  if (!doc.HasMember("inferenceAcceleratorOverrides")) {
    doc.AddMember("inferenceAcceleratorOverrides", rapidjson::Value(rapidjson::kArrayType), alloc);
  }
  return ToJson(doc);
}

}  // namespace

model::Task* ControlPlane::FindTask(ClusterState& cs, std::string_view identifier) {
  auto it = cs.tasks.find(std::string(LastSegment(identifier)));
  return it == cs.tasks.end() ? nullptr : &it->second;
}

Result<RunTaskOutput> ControlPlane::RunTask(const RequestContext& ctx, RunTaskInput in) {
  const bool start_task = !in.container_instances.empty();
  auto cluster = FindCluster(ctx, in.cluster, /*require_active=*/true);
  if (!cluster.ok()) return cluster.status();
  const model::Cluster& c = **cluster;
  // The service scheduler places a whole batch at once (one placement pass); callers of the API
  // are held to ECS's 10.
  if (!start_task && (in.count < 1 || (in.count > 10 && !in.is_service))) {
    return Status::InvalidParameter("count must be between 1 and 10, but was " +
                                    std::to_string(in.count) + ".");
  }
  if (start_task && in.container_instances.size() > 10) {
    return Status::InvalidParameter("containerInstances can have at most 10 items.");
  }
  if (!in.launch_type.empty() && !in.capacity_provider_strategy.empty()) {
    return Status::InvalidParameter(
        "Specifying both a launch type and capacity provider strategy is not supported. Remove "
        "one and try again.");
  }
  auto td_ref = ParseTaskDefinitionRef(in.task_definition);
  if (!td_ref)
    return Status::InvalidParameter("Invalid revision number. Number: " + in.task_definition);
  auto td = task_definitions_.Resolve(ctx.tenant, in.task_definition);
  if (!td.ok()) return Status::Client("TaskDefinition not found.");
  const TaskDefinitionRecord& def = **td;
  if (def.reg.status != "ACTIVE") return Status::InvalidParameter("TaskDefinition is inactive");
  const TaskDefinitionSpec& spec = def.spec;

  std::string launch_type = start_task ? "EC2" : LaunchTypeFor(in, c);
  std::string capacity_provider = start_task ? "" : CapacityProviderFor(in, c);
  auto compatible = [&](const std::string& lt) {
    return std::find(spec.compatibilities.begin(), spec.compatibilities.end(), lt) !=
           spec.compatibilities.end();
  };
  if (!compatible(launch_type)) {
    return Status::InvalidParameter("Task definition does not support launch_type " + launch_type +
                                    ".");
  }
  const bool fargate = launch_type == "FARGATE";
  const bool awsvpc = spec.network_mode == "awsvpc";
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
  if (fargate && (!in.constraints.empty() || !in.strategies.empty())) {
    return Status::InvalidParameter(
        "Task placement constraints and strategies are not supported for tasks using the Fargate "
        "launch type.");
  }
  if (in.propagate_tags == "SERVICE" && !in.is_service) {
    return Status::InvalidParameter(
        "The SERVICE value for propagateTags is only valid for "
        "tasks launched by a service.");
  }
  if (in.constraints.size() + spec.member_of_expressions.size() > 10) {
    return Status::InvalidParameter(
        "A task can have at most 10 placement constraints, counting "
        "the task definition's.");
  }
  ECS_RETURN_IF_ERROR(ValidateTags(in.tags));
  for (const auto& o : in.container_overrides) {
    bool known = std::any_of(spec.containers.begin(), spec.containers.end(),
                             [&](const ContainerSpec& cs) { return cs.name == o.name; });
    if (!known) {
      return Status::InvalidParameter("Override for container named " + o.name +
                                      " is not a container in the TaskDefinition.");
    }
  }

  TenantState& ts = StateFor(ctx.tenant);
  ClusterState& cs = *FindClusterState(ctx.tenant, c.name);
  const std::string fingerprint = RequestFingerprint(in);
  std::string token_key;
  if (!in.client_token.empty()) {
    token_key = c.name + "|" + in.client_token;
    auto it = ts.client_tokens.find(token_key);
    if (it != ts.client_tokens.end()) {
      RunTaskOutput out;
      std::vector<std::string> arns;
      bool same = true;
      for (const auto& entry : it->second) {
        size_t bar = entry.find('|');
        same = same && entry.substr(0, bar) == fingerprint;
        model::Task* t = FindTask(cs, entry.substr(bar + 1));
        if (t) {
          out.tasks.push_back(t);
          arns.push_back(t->arn);
        }
      }
      if (!same) {
        Status conflict(ErrorCode::kConflictException,
                        "The clientToken was already used with different parameters.");
        conflict.resource_ids = arns;
        return conflict;
      }
      return out;
    }
  }

  // What one task reserves (scheduling.md §2), with overrides applied.
  auto override_for = [&](const std::string& name) -> const ContainerOverrideInput* {
    for (const auto& o : in.container_overrides) {
      if (o.name == name) return &o;
    }
    return nullptr;
  };
  int64_t sum_cpu = 0, sum_memory = 0;
  for (const auto& cspec : spec.containers) {
    const ContainerOverrideInput* o = override_for(cspec.name);
    sum_cpu += o && o->cpu ? *o->cpu : cspec.cpu;
    std::optional<int64_t> reservation =
        o && o->memory_reservation ? o->memory_reservation : cspec.memory_reservation;
    std::optional<int64_t> hard = o && o->memory ? o->memory : cspec.memory;
    sum_memory += reservation.value_or(hard.value_or(0));
  }
  std::optional<int64_t> task_cpu = spec.cpu, task_memory = spec.memory;
  if (in.task_cpu_override) task_cpu = ParseTaskCpu(*in.task_cpu_override);
  if (in.task_memory_override) task_memory = ParseTaskMemory(*in.task_memory_override);
  scheduler::TaskDemand demand;
  demand.cpu = task_cpu.value_or(sum_cpu);
  demand.memory = task_memory.value_or(sum_memory);
  demand.awsvpc = awsvpc;
  demand.group = in.group.empty() ? "family:" + spec.family : in.group;
  demand.launch_type = start_task                  ? scheduler::LaunchType::kAny
                       : launch_type == "EXTERNAL" ? scheduler::LaunchType::kExternal
                                                   : scheduler::LaunchType::kEc2;
  for (const auto& cspec : spec.containers) {
    demand.gpus += cspec.gpu_count;
    for (const auto& pm : cspec.port_mappings) {
      if (awsvpc || pm.range_first != 0) continue;  // ports live on the task's ENI
      bool udp = pm.protocol == "udp";
      if (pm.host_port != 0) {
        (udp ? demand.static_udp_ports : demand.static_tcp_ports).push_back(pm.host_port);
      } else {
        ++(udp ? demand.dynamic_udp_ports : demand.dynamic_tcp_ports);
      }
    }
  }
  for (const auto& name : spec.requires_attributes) {
    demand.required_attributes.push_back({name, std::nullopt});
  }

  // Placement: one decision per task (Fargate needs none).
  struct Slot {
    const model::ContainerInstance* instance = nullptr;
    scheduler::TaskPlacement placement;
  };
  std::vector<Slot> slots;
  RunTaskOutput out;
  if (fargate) {
    slots.resize(static_cast<size_t>(in.count));
  } else {
    scheduler::PlacementRequest req;
    req.demand = demand;
    req.is_service = in.is_service;
    req.seed = ids_.Next();
    for (const auto& expr : spec.member_of_expressions) {
      auto pc = scheduler::MakePlacementConstraint("memberOf", expr);
      if (!pc.ok()) return pc.status();
      req.constraints.push_back(std::move(*pc));
    }
    if (!start_task) {
      for (const auto& [type, expr] : in.constraints) {
        auto pc = scheduler::MakePlacementConstraint(type, expr);
        if (!pc.ok()) return pc.status();
        req.constraints.push_back(std::move(*pc));
      }
      for (const auto& [type, field] : in.strategies) {
        auto ps = scheduler::MakePlacementStrategy(type, field);
        if (!ps.ok()) return ps.status();
        req.strategies.push_back(std::move(*ps));
      }
    }
    if (start_task) {
      // StartTask: exactly one task per named instance, resources checked, no strategies.
      for (const auto& id : in.container_instances) {
        const model::ContainerInstance* ci = FindInstance(cs, id);
        std::string arn = id.starts_with("arn:") ? id
                                                 : ArnPrefix(ctx.tenant) + "container-instance/" +
                                                       c.name + "/" + std::string(LastSegment(id));
        if (!ci) {
          out.failures.push_back({arn, "MISSING", ""});
          continue;
        }
        if (ci->status == "INACTIVE") {
          out.failures.push_back({ci->arn, "INACTIVE", ""});
          continue;
        }
        if (ci->status != "ACTIVE") {
          // A DRAINING instance takes no new tasks, named or placed.
          out.failures.push_back(
              {ci->arn, ci->status,
               "The container instance is " + ci->status + ": no new tasks are placed on it."});
          continue;
        }
        // Earlier tasks of this StartTask call are already reserved on the views.
        const scheduler::InstanceView* view = &cs.views.at(ci->id);
        scheduler::PlacementRequest one = req;
        one.count = 1;
        auto placed =
            scheduler::PlaceTasks(std::span<const scheduler::InstanceView* const>(&view, 1), one);
        if (!placed.ok()) return placed.status();
        const auto& p = placed->front();
        if (!p.placed) {
          out.failures.push_back({ci->arn, std::string(FailureReasonText(p.failure.reason)), ""});
          continue;
        }
        slots.push_back({ci, p});
      }
    } else {
      if (cs.candidates_stale) {
        cs.candidate_views.clear();
        cs.candidate_instances.clear();
        for (const auto& [id, ci] : cs.instances) {
          if (ci.status == "INACTIVE") continue;
          cs.candidate_views.push_back(&cs.views.at(id));
          cs.candidate_instances.push_back(&ci);
        }
        cs.candidates_stale = false;
      }
      const auto& views = cs.candidate_views;
      const auto& instances = cs.candidate_instances;
      bool any_active = std::any_of(instances.begin(), instances.end(),
                                    [](const auto* ci) { return ci->status == "ACTIVE"; });
      if (!any_active) {
        return Status::InvalidParameter("No Container Instances were found in your cluster.");
      }
      req.count = static_cast<int32_t>(in.count);
      auto placed =
          scheduler::PlaceTasks(std::span<const scheduler::InstanceView* const>(views), req);
      if (!placed.ok()) return placed.status();
      for (const auto& p : *placed) {
        if (p.placed) {
          slots.push_back({instances[p.instance_index], p});
        } else {
          out.failures.push_back({p.failure.arn.empty() ? c.arn : p.failure.arn,
                                  std::string(FailureReasonText(p.failure.reason)), ""});
        }
      }
    }
  }

  // Build the task records.
  Millis now = Now();
  const std::string overrides_json = MergedOverrides(in.overrides_json, spec);
  std::vector<model::Task> created;
  std::vector<std::string> azs;
  for (const auto& s : options_.az_suffixes) azs.push_back(ctx.tenant.region + s);
  for (size_t i = 0; i < slots.size(); ++i) {
    const Slot& slot = slots[i];
    model::Task t;
    t.tenant = ctx.tenant;
    t.cluster = c.name;
    t.id = ids_.Hex32();
    t.arn = ArnPrefix(ctx.tenant) + "task/" + c.name + "/" + t.id;
    t.seq = NextSeq();
    t.task_definition_arn = def.reg.arn;
    t.family = spec.family;
    t.launch_type = launch_type;
    t.capacity_provider_name = capacity_provider;
    t.network_mode = spec.network_mode;
    t.group = demand.group;
    t.started_by = in.started_by;
    t.service_name = in.service_name;
    t.client_token = in.client_token;
    t.request_fingerprint = fingerprint;
    t.enable_execute_command = in.enable_execute_command;
    t.created_at = now;
    t.cpu = std::to_string(demand.cpu);
    t.memory = std::to_string(demand.memory);
    if (fargate) {
      t.platform_version = "1.4.0";
      t.availability_zone =
          azs[std::hash<std::string>{}(in.network->subnets[i % in.network->subnets.size()]) %
              azs.size()];
    } else {
      t.container_instance_id = slot.instance->id;
      t.ec2_instance_id = slot.instance->ec2_instance_id;
      t.availability_zone = slot.instance->availability_zone();
      t.reserved_cpu = demand.cpu;
      t.reserved_memory = demand.memory;
      t.reserved_tcp_ports =
          std::vector<int>(demand.static_tcp_ports.begin(), demand.static_tcp_ports.end());
      t.reserved_udp_ports =
          std::vector<int>(demand.static_udp_ports.begin(), demand.static_udp_ports.end());
      t.dynamic_tcp_ports = std::vector<int>(slot.placement.dynamic_tcp_ports.begin(),
                                             slot.placement.dynamic_tcp_ports.end());
      t.dynamic_udp_ports = std::vector<int>(slot.placement.dynamic_udp_ports.begin(),
                                             slot.placement.dynamic_udp_ports.end());
    }
    size_t dyn_tcp = 0, dyn_udp = 0;
    for (const auto& cspec : spec.containers) {
      model::ContainerState cont;
      cont.arn = ArnPrefix(ctx.tenant) + "container/" + c.name + "/" + t.id + "/" + ids_.Uuid();
      cont.name = cspec.name;
      cont.image = cspec.image;
      cont.essential = cspec.essential;
      const ContainerOverrideInput* o = override_for(cspec.name);
      cont.cpu = std::to_string(o && o->cpu ? *o->cpu : cspec.cpu);
      auto mem = o && o->memory ? o->memory : cspec.memory;
      auto res = o && o->memory_reservation ? o->memory_reservation : cspec.memory_reservation;
      if (mem) cont.memory = std::to_string(*mem);
      if (res) cont.memory_reservation = std::to_string(*res);
      cont.health_status = "UNKNOWN";  // no health checks are simulated
      for (const auto& pm : cspec.port_mappings) {
        if (awsvpc || pm.range_first != 0) continue;
        model::NetworkBinding b;
        b.container_port = pm.container_port;
        b.protocol = pm.protocol;
        if (pm.host_port != 0) {
          b.host_port = pm.host_port;
        } else if (pm.protocol == "udp" && dyn_udp < slot.placement.dynamic_udp_ports.size()) {
          b.host_port = slot.placement.dynamic_udp_ports[dyn_udp++];
        } else if (pm.protocol != "udp" && dyn_tcp < slot.placement.dynamic_tcp_ports.size()) {
          b.host_port = slot.placement.dynamic_tcp_ports[dyn_tcp++];
        }
        cont.planned_bindings.push_back(b);
      }
      t.containers.push_back(std::move(cont));
    }
    t.overrides_json = overrides_json;
    if (awsvpc) {
      uint64_t h = ids_.Next();
      model::EniAttachment eni;
      eni.id = ids_.Uuid();
      eni.status = "PRECREATED";
      eni.subnet_id = in.network->subnets[i % in.network->subnets.size()];
      eni.eni_id = "eni-" + ids_.Hex32().substr(0, 17);
      eni.mac_address = PseudoMac(h);
      eni.private_ip = PseudoIp(h >> 16);
      std::string dashed = eni.private_ip;
      std::replace(dashed.begin(), dashed.end(), '.', '-');
      eni.private_dns_name =
          "ip-" + dashed + "." +
          (ctx.tenant.region == "us-east-1" ? std::string("ec2.internal")
                                            : ctx.tenant.region + ".compute.internal");
      t.eni = std::move(eni);
    }
    t.last_status =
        awsvpc || fargate ? model::TaskState::kProvisioning : model::TaskState::kPending;
    if (t.last_status == model::TaskState::kPending) t.pull_started_at = now;
    t.next_transition_at =
        now + (t.last_status == model::TaskState::kProvisioning ? options_.lifecycle.provisioning
                                                                : options_.lifecycle.pending);
    created.push_back(std::move(t));
  }

  // Tags: the request's, the definition's when propagated, ECS-managed ones when asked.
  model::TagList task_tags = in.tags;
  if (in.propagate_tags == "TASK_DEFINITION") {
    for (const auto& tag : TagsOf(def.reg.arn)) task_tags.push_back(tag);
  }
  if (in.enable_ecs_managed_tags) {
    task_tags.push_back({"aws:ecs:clusterName", c.name});
    if (!in.service_name.empty()) task_tags.push_back({"aws:ecs:serviceName", in.service_name});
  }

  storage::ChangeSet changes;
  for (const auto& t : created) {
    PersistTask(changes, t);
    if (!task_tags.empty()) changes.PutTags(t.arn, task_tags);  // a new task has no tag row yet
  }
  ECS_RETURN_IF_ERROR(Commit(changes));
  for (auto& t : created) {
    std::string id = t.id;
    model::Task& slot = cs.tasks.emplace(id, std::move(t)).first->second;
    cs.tasks_by_seq[slot.seq] = &slot;
    if (!slot.service_name.empty()) cs.service_tasks[slot.service_name].insert(&slot);
    Reserve(cs, slot);
    Schedule(slot, slot.next_transition_at);
    if (!task_tags.empty()) tags_[slot.arn] = task_tags;
    if (!token_key.empty()) ts.client_tokens[token_key].push_back(fingerprint + "|" + slot.id);
    out.tasks.push_back(&slot);
  }
  return out;
}

Result<const model::Task*> ControlPlane::StopTask(const RequestContext& ctx,
                                                  const std::string& cluster,
                                                  const std::string& task,
                                                  const std::string& reason,
                                                  const std::string& stop_code) {
  auto c = FindCluster(ctx, cluster, /*require_active=*/false);
  if (!c.ok()) return c.status();
  ClusterState& cs = *FindClusterState(ctx.tenant, (*c)->name);
  model::Task* t = FindTask(cs, task);
  if (!t) return Status::InvalidParameter("The referenced task was not found.");
  if (t->desired_status == "STOPPED") return t;  // already stopping or stopped: unchanged
  storage::ChangeSet changes;
  RequestStop(cs, *t, stop_code, reason.empty() ? "Task stopped by user" : reason, Now(), changes);
  // ECS deletes a task's tags when it is stopped.
  changes.PutTags(t->arn, {});
  ECS_RETURN_IF_ERROR(Commit(changes));
  tags_.erase(t->arn);
  return t;
}

Status ControlPlane::DescribeTasks(const RequestContext& ctx, const std::string& cluster,
                                   const std::vector<std::string>& ids,
                                   std::vector<const model::Task*>* found,
                                   std::vector<DescribeFailure>* failures) const {
  if (ids.empty()) return Status::InvalidParameter("Tasks cannot be empty.");
  if (ids.size() > 100) return Status::InvalidParameter("tasks can have at most 100 items.");
  auto c = FindCluster(ctx, cluster, /*require_active=*/false);
  if (!c.ok()) return c.status();
  const ClusterState* cs = FindClusterState(ctx.tenant, (*c)->name);
  for (const auto& id : ids) {
    const model::Task* t = nullptr;
    if (cs) {
      auto it = cs->tasks.find(std::string(LastSegment(id)));
      if (it != cs->tasks.end()) t = &it->second;
    }
    if (t) {
      if (std::find(found->begin(), found->end(), t) == found->end()) found->push_back(t);
    } else {
      failures->push_back(
          {id.starts_with("arn:") ? id : ArnPrefix(ctx.tenant) + "task/" + (*c)->name + "/" + id,
           "MISSING", ""});
    }
  }
  return Status::Ok();
}

Result<ControlPlane::TaskPage> ControlPlane::ListTaskPage(const RequestContext& ctx,
                                                          const ListTasksInput& in) const {
  auto c = FindCluster(ctx, in.cluster, /*require_active=*/false);
  if (!c.ok()) return c.status();
  auto size = ResolvePageSize(in.max_results, 100, 100);
  if (!size.ok()) return size.status();
  if (!in.started_by.empty() && (!in.container_instance.empty() || !in.family.empty() ||
                                 !in.service_name.empty() || !in.launch_type.empty())) {
    return Status::InvalidParameter(
        "When you specify startedBy as the filter, it must be the "
        "only filter that you use.");
  }
  if (!in.service_name.empty() && !ServiceExists(ctx, (*c)->name, in.service_name)) {
    return Status(ErrorCode::kServiceNotFoundException, "Service not found.");
  }
  std::string scope = TenantScope(ctx.tenant, "ListTasks") + "|" + (*c)->name + "|" +
                      in.container_instance + "|" + in.family + "|" + in.started_by + "|" +
                      in.service_name + "|" + in.desired_status + "|" + in.launch_type;
  int64_t after = 0;
  if (in.next_token) {
    auto cursor = DecodePageToken(*in.next_token, scope);
    if (!cursor.ok()) return cursor.status();
    after = std::atoll(cursor->c_str());
  }
  TaskPage page;
  const ClusterState* cs = FindClusterState(ctx.tenant, (*c)->name);
  if (!cs || in.desired_status == "PENDING") return page;  // ECS never sets PENDING as desired
  std::string instance_id(LastSegment(in.container_instance));
  page.tasks.reserve(static_cast<size_t>(*size));
  int64_t last_seq = 0;
  for (auto it = cs->tasks_by_seq.upper_bound(after); it != cs->tasks_by_seq.end(); ++it) {
    const model::Task& t = *it->second;
    if (t.desired_status != in.desired_status) continue;
    if (!instance_id.empty() && t.container_instance_id != instance_id) continue;
    if (!in.family.empty() && t.family != in.family) continue;
    if (!in.started_by.empty() && t.started_by != in.started_by) continue;
    if (!in.service_name.empty() && t.service_name != std::string(LastSegment(in.service_name))) {
      continue;
    }
    if (!in.launch_type.empty() && t.launch_type != in.launch_type) continue;
    if (static_cast<int>(page.tasks.size()) == *size) {
      page.next_token = EncodePageToken(scope, std::to_string(last_seq));
      break;
    }
    page.tasks.push_back(&t);
    last_seq = t.seq;
  }
  return page;
}

Result<Page> ControlPlane::ListTasks(const RequestContext& ctx, const ListTasksInput& in) const {
  auto tasks = ListTaskPage(ctx, in);
  if (!tasks.ok()) return tasks.status();
  Page page;
  page.arns.reserve(tasks->tasks.size());
  for (const auto* t : tasks->tasks) page.arns.push_back(t->arn);
  page.next_token = std::move(tasks->next_token);
  return page;
}

}  // namespace ecs::control

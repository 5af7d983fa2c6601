// RunTask / StartTask / StopTask / DescribeTasks / ListTasks, and the agent's state-change
// calls. Launching is TaskLauncher; the state machine is TaskLifecycle.
#include <algorithm>

#include "common/arn_check.h"
#include "common/pagination.h"
#include "control/control_plane.h"

namespace ecs::control {

Result<RunTaskOutput> ControlPlane::RunTask(const RequestContext& ctx, const RunTaskInput& in) {
  auto cluster = FindCluster(ctx, in.cluster, /*require_active=*/true);
  if (!cluster.ok()) return cluster.status();
  storage::ChangeSet changes = state_.NewChanges();
  auto out = launcher_.Launch(ctx, **cluster, in, changes);
  if (!out.ok()) return out.status();
  ECS_RETURN_IF_ERROR(Commit(changes));
  return out;
}

Result<const model::Task*> ControlPlane::StopTask(const RequestContext& ctx,
                                                  const std::string& cluster,
                                                  const std::string& task,
                                                  const std::string& reason, model::StopCode code) {
  auto c = ResolveCluster(ctx, cluster, /*require_active=*/false);
  if (!c.ok()) return c.status();
  ECS_RETURN_IF_ERROR(CheckArnArgument(ctx.tenant, task, ArnResource::kTask, c->cluster->name));
  model::Task* t = c->state->FindTask(task);
  if (!t) return Status::InvalidParameter("The referenced task was not found.");
  if (!t->wants_running()) return t;  // already stopping or stopped: unchanged
  storage::ChangeSet changes = state_.NewChanges();
  lifecycle_.RequestStop(*c->state, *t, code, reason.empty() ? "Task stopped by user" : reason,
                         Now(), changes);
  // ECS deletes a task's tags when it is stopped.
  changes.PutTags(t->arn, {});
  state_.tags.Erase(t->arn);
  ECS_RETURN_IF_ERROR(Commit(changes));
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
  // Not the cluster: in a Describe, a task of another cluster is a MISSING failure, as a
  // service is (docs/operations.md, DescribeServices).
  ECS_RETURN_IF_ERROR(CheckArnArguments(ctx.tenant, ids, ArnResource::kTask));
  const ClusterState* cs = state_.index.FindCluster(ctx.tenant, (*c)->name);
  for (const auto& id : ids) {
    const model::Task* t = cs ? cs->FindTask(id) : nullptr;
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

namespace {

bool Matches(const model::Task& t, const ListTasksInput& in, const std::string& instance_id) {
  if (t.desired_status != *in.desired_status) return false;
  if (!instance_id.empty() && t.container_instance_id != instance_id) return false;
  if (!in.family.empty() && t.family != in.family) return false;
  if (!in.started_by.empty() && t.started_by != in.started_by) return false;
  if (!in.service_name.empty() && t.service_name != LastSegment(in.service_name)) return false;
  if (!in.daemon_name.empty() && t.group != model::DaemonTaskGroup(LastSegment(in.daemon_name)))
    return false;
  return !in.launch_type || t.launch_type == *in.launch_type;
}

std::string ListTasksScope(const Tenant& tenant, const std::string& cluster,
                           const ListTasksInput& in) {
  return TenantScope(tenant, "ListTasks") + "|" + cluster + "|" + in.container_instance + "|" +
         in.family + "|" + in.started_by + "|" + in.service_name + "|" + in.daemon_name + "|" +
         std::string(in.desired_status ? model::ToString(*in.desired_status) : "PENDING") + "|" +
         std::string(in.launch_type ? model::ToString(*in.launch_type) : "");
}

}  // namespace

Result<TaskPage> ControlPlane::ListTaskPage(const RequestContext& ctx,
                                            const ListTasksInput& in) const {
  auto c = FindCluster(ctx, in.cluster, /*require_active=*/false);
  if (!c.ok()) return c.status();
  auto size = ResolvePageSize(in.max_results, 100, 100);
  if (!size.ok()) return size.status();
  if (!in.started_by.empty() && (!in.container_instance.empty() || !in.family.empty() ||
                                 !in.service_name.empty() || in.launch_type)) {
    return Status::InvalidParameter(
        "When you specify startedBy as the filter, it must be the "
        "only filter that you use.");
  }
  const ClusterState* cs = state_.index.FindCluster(ctx.tenant, (*c)->name);
  if (!in.service_name.empty()) {
    const model::Service* s = cs ? cs->FindService(in.service_name) : nullptr;
    if (!s || s->status == model::ServiceStatus::kInactive) {
      return Status(ErrorCode::kServiceNotFoundException, "Service not found.");
    }
  }
  const std::string scope = ListTasksScope(ctx.tenant, (*c)->name, in);
  int64_t after = 0;
  if (in.next_token) {
    auto cursor = DecodePageToken(*in.next_token, scope);
    if (!cursor.ok()) return cursor.status();
    after = std::atoll(cursor->c_str());
  }
  TaskPage page;
  if (!cs || !in.desired_status) return page;  // ECS never sets PENDING as desired
  const std::string instance_id(LastSegment(in.container_instance));
  page.tasks.reserve(static_cast<size_t>(*size));
  int64_t last_seq = 0;
  for (auto it = cs->tasks_by_seq.upper_bound(after); it != cs->tasks_by_seq.end(); ++it) {
    const model::Task& t = *it->second;
    if (!Matches(t, in, instance_id)) continue;
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

Result<std::string> ControlPlane::SubmitTaskStateChange(const RequestContext& ctx,
                                                        const TaskStateChangeInput& in) {
  auto c = ResolveCluster(ctx, in.cluster, /*require_active=*/false);
  if (!c.ok()) return c.status();
  ECS_RETURN_IF_ERROR(CheckArnArgument(ctx.tenant, in.task, ArnResource::kTask, c->cluster->name));
  model::Task* t = c->state->FindTask(in.task);
  if (!t) return Status::InvalidParameter("The referenced task was not found.");
  storage::ChangeSet changes = state_.NewChanges();
  ECS_RETURN_IF_ERROR(lifecycle_.ApplyStateChange(*c->state, *t, in, Now(), changes));
  ECS_RETURN_IF_ERROR(Commit(changes));
  return std::string("ACK");
}

Result<std::string> ControlPlane::SubmitAttachmentStateChanges(
    const RequestContext& ctx, const std::string& cluster,
    const std::vector<std::pair<std::string, std::string>>& attachments) {
  auto c = ResolveCluster(ctx, cluster, /*require_active=*/false);
  if (!c.ok()) return c.status();
  // Every attachment is found and every status known before anything changes.
  std::vector<std::pair<model::Task*, model::AttachmentStatus>> updates;
  for (const auto& [arn, status] : attachments) {
    const std::string id(LastSegment(arn));
    const auto parsed = model::Parse<model::AttachmentStatus>(status);
    if (!parsed) return Status::InvalidParameter("Invalid attachment status " + status + ".");
    bool found = false;
    for (auto& [tid, t] : c->state->tasks) {
      if (t.eni && t.eni->id == id) {
        updates.emplace_back(&t, *parsed);
        found = true;
      }
    }
    if (!found) return Status::InvalidParameter("Attachment " + arn + " was not found.");
  }
  storage::ChangeSet changes = state_.NewChanges();
  for (auto [t, status] : updates) {
    state_.index.UpdateTask(*c->state, *t, [status = status](model::Task& task) {
      if (task.eni) task.eni->status = status;  // found above by its ENI
      ++task.version;
    });
    changes.PutTask(*t);
  }
  ECS_RETURN_IF_ERROR(Commit(changes));
  return std::string("ACK");
}

}  // namespace ecs::control

// CreateDaemon, UpdateDaemon, DeleteDaemon, DescribeDaemon, ListDaemons,
// DescribeDaemonDeployments, ListDaemonDeployments and DescribeDaemonRevisions (docs/operations.md
// §B7). Each of Create, Update and Delete records a revision (not Delete) and starts a daemon
// deployment; the reconciler rolls it out (daemon_scheduler.cc).
//
// Identifiers: daemons, deployments and revisions are named by ARN, as the model's members are
// (daemonArn, daemonDeploymentArns, daemonRevisionArns); capacity providers by ARN or name.
#include <algorithm>
#include <cmath>
#include <functional>
#include <map>

#include "common/arn_check.h"
#include "common/pagination.h"
#include "control/control_plane.h"
#include "control/tags.h"

namespace ecs::control {

namespace {

using model::DaemonDeploymentStatus;
using model::DaemonStatus;

Status DaemonNotFound(const std::string& arn) {
  return {ErrorCode::kDaemonNotFoundException, "The daemon " + arn + " was not found."};
}

// daemonName: up to 255 letters, numbers, underscores and hyphens (the model's doc string).
Status CheckDaemonName(const std::string& name) {
  const bool valid =
      !name.empty() && name.size() <= 255 && std::all_of(name.begin(), name.end(), [](char c) {
        return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-';
      });
  if (valid) return Status::Ok();
  return Status::InvalidParameter(
      "daemonName must be 1 to 255 letters (uppercase and lowercase), numbers, underscores and "
      "hyphens.");
}

// drainPercent 0.0-100.0 (the model's range); bakeTimeInMinutes not negative.
Status CheckDaemonDeploymentConfig(const model::DaemonDeploymentConfig& c) {
  if (!(c.drain_percent >= 0.0 && c.drain_percent <= 100.0)) {
    return Status::InvalidParameter(
        "deploymentConfiguration.drainPercent must be between 0.0 and 100.0.");
  }
  if (c.bake_time_minutes < 0) {
    return Status::InvalidParameter(
        "deploymentConfiguration.bakeTimeInMinutes must not be negative.");
  }
  if (c.alarms_enabled && c.alarm_names.empty()) {
    return Status::InvalidParameter("deploymentConfiguration.alarms.alarmNames is required.");
  }
  if (c.alarm_names.size() > 10) {
    return Status::InvalidParameter("deploymentConfiguration.alarms can name at most 10 alarms.");
  }
  return Status::Ok();
}

// The parameters that make two CreateDaemon calls with one clientToken "the same".
std::string DaemonFingerprint(const DaemonInput& in) {
  std::string s = in.name + "|" + in.cluster + "|" + in.task_definition;
  for (const auto& p : in.capacity_providers) s += "|p:" + p;
  if (in.config) {
    s += "|c:" + std::to_string(in.config->drain_percent) + ":" +
         std::to_string(in.config->bake_time_minutes) + ":" +
         std::to_string(in.config->alarms_enabled);
    for (const auto& a : in.config->alarm_names) s += ":" + a;
  }
  auto flag = [](const std::optional<bool>& b) { return b ? (*b ? "1" : "0") : "-"; };
  s += std::string("|f:") + flag(in.propagate_tags) + flag(in.managed_tags) +
       flag(in.execute_command);
  for (const auto& t : in.tags) s += "|t:" + t.key + "=" + t.value;
  return std::to_string(std::hash<std::string>{}(s));
}

// "<cluster>/<daemon>/<id>" of a deployment or revision ARN -> the daemon's ARN.
std::string DaemonArnOfPart(const Tenant& t, std::string_view arn) {
  ParsedArn parsed;
  if (!ParseEcsArn(arn, &parsed)) return "";
  const size_t last = parsed.resource.rfind('/');
  if (last == std::string::npos) return "";
  return ArnPrefix(t) + "daemon/" + parsed.resource.substr(0, last);
}

// DescribeDaemonDeployments / DescribeDaemonRevisions: 1 to 20 ARNs of `type` (the caller's),
// each found by `find` in the daemon its ARN names, or a MISSING failure.
template <typename Ref, typename Find>
Status DescribeDaemonParts(const Tenant& t, const std::map<std::string, model::Daemon>& daemons,
                           const std::vector<std::string>& arns, ArnResource type,
                           const char* member, Find find, std::vector<Ref>* found,
                           std::vector<DescribeFailure>* failures) {
  if (arns.empty() || arns.size() > 20) {
    return Status::InvalidParameter(std::string(member) + " must name 1 to 20 ARNs.");
  }
  ECS_RETURN_IF_ERROR(CheckArnArguments(t, arns, type));
  for (const std::string& arn : arns) {
    auto it = daemons.find(DaemonArnOfPart(t, arn));
    const auto* part =
        it != daemons.end() && it->second.tenant == t ? find(it->second, arn) : nullptr;
    if (part) {
      found->push_back({&it->second, part});
    } else {
      failures->push_back({arn, "MISSING", ""});
    }
  }
  return Status::Ok();
}

}  // namespace

Result<model::Daemon*> ControlPlane::ChangeableDaemon(const RequestContext& ctx,
                                                      const std::string& arn) {
  ECS_RETURN_IF_ERROR(CheckArnArgument(ctx.tenant, arn, ArnResource::kDaemon));
  auto it = state_.daemons.find(arn);
  if (it == state_.daemons.end() || it->second.tenant != ctx.tenant || it->second.deleted) {
    return DaemonNotFound(arn);
  }
  if (it->second.status != DaemonStatus::kActive) {
    return Status(ErrorCode::kDaemonNotActiveException,
                  "The daemon " + arn + " is not ACTIVE: it is being deleted.");
  }
  return &it->second;
}

Result<model::DaemonRevision> ControlPlane::NewDaemonRevision(const RequestContext& ctx,
                                                              const model::Daemon& d,
                                                              const DaemonInput& in,
                                                              const model::DaemonRevision* base) {
  ECS_RETURN_IF_ERROR(
      CheckArnArgument(ctx.tenant, in.task_definition, ArnResource::kDaemonTaskDefinition));
  auto td = state_.daemon_task_definitions.Resolve(ctx.tenant, in.task_definition);
  if (!td.ok()) return td.status();
  if (!(*td)->is_active()) {
    return Status::InvalidParameter("The daemon task definition " + (*td)->reg.arn +
                                    " is not ACTIVE.");
  }
  model::DaemonRevision rev;
  rev.arn = ArnPrefix(ctx.tenant) + "daemon-revision/" + d.cluster + "/" + d.name + "/" +
            state_.ids.Hex32().substr(0, 20);
  rev.task_definition_arn = (*td)->reg.arn;
  if (in.capacity_providers.empty()) {
    return Status::InvalidParameter("capacityProviderArns must name at least one provider.");
  }
  for (const std::string& id : in.capacity_providers) {
    ECS_RETURN_IF_ERROR(CheckArnArgument(ctx.tenant, id, ArnResource::kCapacityProvider));
    const std::string name(LastSegment(id));
    const model::CapacityProvider* cp = state_.FindCapacityProvider(ctx.tenant, name);
    // "ECS Managed Daemons is only supported for Amazon ECS Managed Instances Capacity
    // Providers" (the model's CreateDaemon doc string).
    if (!cp || !cp->is_managed_instances() || cp->cluster != d.cluster ||
        cp->status != model::CapacityProviderStatus::kActive) {
      return Status::InvalidParameter(
          "The capacity provider " + id +
          " is not an ACTIVE Managed Instances capacity provider "
          "of cluster " +
          d.cluster + ": daemons run only on Managed Instances capacity providers.");
    }
    if (std::find(rev.capacity_providers.begin(), rev.capacity_providers.end(), name) ==
        rev.capacity_providers.end()) {
      rev.capacity_providers.push_back(name);
    }
  }
  for (const taskdef::ContainerSpec& c : (*td)->spec->containers) {
    rev.images.push_back({c.name, c.image});
  }
  // What Update does not name stays as it was.
  rev.propagate_tags = in.propagate_tags.value_or(base && base->propagate_tags);
  rev.managed_tags = in.managed_tags.value_or(base && base->managed_tags);
  rev.execute_command = in.execute_command.value_or(base && base->execute_command);
  rev.created_at = Now();
  return rev;
}

void ControlPlane::StartDaemonDeployment(model::Daemon& d, const std::string& target_revision,
                                         const model::DaemonDeploymentConfig& config, Millis now) {
  model::DaemonDeployment dep;
  dep.id = state_.ids.Hex32().substr(0, 20);
  dep.arn = ArnPrefix(d.tenant) + "daemon-deployment/" + d.cluster + "/" + d.name + "/" + dep.id;
  dep.target_revision_arn = target_revision;
  dep.config = config;
  dep.created_at = now;
  if (!d.deployments.empty()) {
    model::DaemonDeployment& last = d.latest();
    if (!last.finished()) {
      last.status = DaemonDeploymentStatus::kStopped;
      last.status_reason = "Replaced by deployment " + dep.arn + ".";
      last.stopped_at = now;
    }
    // The revisions the instances run now: every one the earlier deployments moved them to.
    for (const auto& r : d.revisions) {
      if (r.arn != target_revision) dep.source_revision_arns.push_back(r.arn);
    }
  }
  d.deployments.push_back(std::move(dep));
  d.updated_at = now;
}

Result<const model::Daemon*> ControlPlane::CreateDaemon(const RequestContext& ctx,
                                                        const DaemonInput& in) {
  ECS_RETURN_IF_ERROR(CheckDaemonName(in.name));
  auto c = ResolveCluster(ctx, in.cluster.empty() ? "default" : in.cluster, true);
  if (!c.ok()) return c.status();
  const std::string arn = ArnPrefix(ctx.tenant) + "daemon/" + c->cluster->name + "/" + in.name;
  if (auto it = state_.daemons.find(arn); it != state_.daemons.end() && !it->second.deleted) {
    const model::Daemon& existing = it->second;
    if (!in.client_token.empty() && existing.client_token == in.client_token &&
        existing.request_fingerprint == DaemonFingerprint(in)) {
      return &existing;  // a retry of the call that made it
    }
    return Status::InvalidParameter("A daemon named " + in.name + " already exists in cluster " +
                                    c->cluster->name + ".");
  }
  const model::DaemonDeploymentConfig config = in.config.value_or(model::DaemonDeploymentConfig{});
  ECS_RETURN_IF_ERROR(CheckDaemonDeploymentConfig(config));
  ECS_RETURN_IF_ERROR(ValidateTags(in.tags));
  if (in.client_token.size() > 36) {
    return Status::InvalidParameter("clientToken must be at most 36 characters.");
  }
  const Millis now = Now();
  model::Daemon d;
  d.tenant = ctx.tenant;
  d.cluster = c->cluster->name;
  d.name = in.name;
  d.arn = arn;
  d.created_at = now;
  d.client_token = in.client_token;
  d.request_fingerprint = DaemonFingerprint(in);
  auto rev = NewDaemonRevision(ctx, d, in, nullptr);
  if (!rev.ok()) return rev.status();
  d.seq = state_.NextSeq();
  d.revisions.push_back(std::move(*rev));
  StartDaemonDeployment(d, d.revisions.back().arn, config, now);
  storage::ChangeSet changes = state_.NewChanges();
  changes.PutDaemon(d);
  changes.PutTags(d.arn, in.tags);
  state_.tags.Set(d.arn, in.tags);
  model::Daemon& slot = state_.daemons.insert_or_assign(arn, std::move(d)).first->second;
  ECS_RETURN_IF_ERROR(Commit(changes));
  return &slot;
}

Result<const model::Daemon*> ControlPlane::UpdateDaemon(const RequestContext& ctx,
                                                        const DaemonInput& in) {
  auto found = ChangeableDaemon(ctx, in.daemon_arn);
  if (!found.ok()) return found.status();
  model::Daemon& d = **found;
  const model::DaemonDeploymentConfig config = in.config.value_or(d.latest().config);
  ECS_RETURN_IF_ERROR(CheckDaemonDeploymentConfig(config));
  const model::DaemonRevision* base = d.FindRevision(d.latest().target_revision_arn);
  auto rev = NewDaemonRevision(ctx, d, in, base);
  if (!rev.ok()) return rev.status();
  d.revisions.push_back(std::move(*rev));
  StartDaemonDeployment(d, d.revisions.back().arn, config, Now());
  storage::ChangeSet changes = state_.NewChanges();
  changes.PutDaemon(d);
  ECS_RETURN_IF_ERROR(Commit(changes));
  return &d;
}

Result<const model::Daemon*> ControlPlane::DeleteDaemon(const RequestContext& ctx,
                                                        const std::string& arn) {
  auto found = ChangeableDaemon(ctx, arn);
  if (!found.ok()) return found.status();
  model::Daemon& d = **found;
  d.status = DaemonStatus::kDeleteInProgress;
  // Its deployment drains and replaces every instance that runs a daemon task of it.
  StartDaemonDeployment(d, "", d.latest().config, Now());
  storage::ChangeSet changes = state_.NewChanges();
  changes.PutDaemon(d);
  ECS_RETURN_IF_ERROR(Commit(changes));
  return &d;
}

Result<const model::Daemon*> ControlPlane::DescribeDaemon(const RequestContext& ctx,
                                                          const std::string& arn) const {
  ECS_RETURN_IF_ERROR(CheckArnArgument(ctx.tenant, arn, ArnResource::kDaemon));
  auto it = state_.daemons.find(arn);
  if (it == state_.daemons.end() || it->second.tenant != ctx.tenant || it->second.deleted) {
    return DaemonNotFound(arn);
  }
  return &it->second;
}

Result<std::vector<const model::Daemon*>> ControlPlane::ListDaemons(
    const RequestContext& ctx, const ListDaemonsInput& in, std::optional<std::string>* next) const {
  std::string cluster;
  if (!in.cluster.empty()) {
    auto c = FindCluster(ctx, in.cluster, false);
    if (!c.ok()) return c.status();
    cluster = (*c)->name;
  }
  ECS_RETURN_IF_ERROR(
      CheckArnArguments(ctx.tenant, in.capacity_providers, ArnResource::kCapacityProvider));
  auto size = ResolvePageSize(in.page.max_results, 100, 100);
  if (!size.ok()) return size.status();
  std::string scope = TenantScope(ctx.tenant, "ListDaemons") + "|" + cluster;
  for (const auto& p : in.capacity_providers) scope += "|" + std::string(LastSegment(p));
  std::string after;
  if (in.page.next_token) {
    auto cursor = DecodePageToken(*in.page.next_token, scope);
    if (!cursor.ok()) return cursor.status();
    after = *cursor;
  }
  auto on_providers = [&](const model::Daemon& d) {
    if (in.capacity_providers.empty()) return true;
    const model::DaemonRevision* rev = d.FindRevision(d.latest().target_revision_arn);
    if (!rev) rev = &d.revisions.back();
    return std::any_of(
        in.capacity_providers.begin(), in.capacity_providers.end(), [&](const std::string& p) {
          return std::count(rev->capacity_providers.begin(), rev->capacity_providers.end(),
                            std::string(LastSegment(p))) > 0;
        });
  };
  std::vector<const model::Daemon*> all;
  for (const auto& [arn, d] : state_.daemons) {
    if (d.tenant != ctx.tenant || d.deleted || (!cluster.empty() && d.cluster != cluster)) continue;
    if (on_providers(d) && SeqCursor(d.seq) > after) all.push_back(&d);
  }
  std::sort(all.begin(), all.end(), [](auto* a, auto* b) { return a->seq < b->seq; });
  if (all.size() > static_cast<size_t>(*size)) {
    all.resize(static_cast<size_t>(*size));
    *next = EncodePageToken(scope, SeqCursor(all.back()->seq));
  }
  return all;
}

Status ControlPlane::DescribeDaemonDeployments(const RequestContext& ctx,
                                               const std::vector<std::string>& arns,
                                               std::vector<DaemonDeploymentRef>* found,
                                               std::vector<DescribeFailure>* failures) const {
  return DescribeDaemonParts(
      ctx.tenant, state_.daemons, arns, ArnResource::kDaemonDeployment, "daemonDeploymentArns",
      [](const model::Daemon& d, const std::string& arn) -> const model::DaemonDeployment* {
        for (const auto& dep : d.deployments) {
          if (dep.arn == arn) return &dep;
        }
        return nullptr;
      },
      found, failures);
}

Result<std::vector<DaemonDeploymentRef>> ControlPlane::ListDaemonDeployments(
    const RequestContext& ctx, const ListDaemonDeploymentsInput& in,
    std::optional<std::string>* next) const {
  ECS_RETURN_IF_ERROR(CheckArnArgument(ctx.tenant, in.daemon_arn, ArnResource::kDaemon));
  auto it = state_.daemons.find(in.daemon_arn);
  if (it == state_.daemons.end() || it->second.tenant != ctx.tenant) {
    // The model lists no DaemonNotFoundException for this operation.
    return Status::Client("The daemon " + in.daemon_arn + " was not found.");
  }
  auto size = ResolvePageSize(in.page.max_results, 20, 100);
  if (!size.ok()) return size.status();
  std::string scope = TenantScope(ctx.tenant, "ListDaemonDeployments") + "|" + in.daemon_arn;
  for (const auto s : in.statuses) scope += "|" + std::string(model::ToString(s));
  if (in.created_after) scope += "|a" + std::to_string(*in.created_after);
  if (in.created_before) scope += "|b" + std::to_string(*in.created_before);
  // Newest first: the cursor counts deployments from the newest.
  size_t skip = 0;
  if (in.page.next_token) {
    auto cursor = DecodePageToken(*in.page.next_token, scope);
    if (!cursor.ok()) return cursor.status();
    skip = static_cast<size_t>(std::stoll(*cursor));
  }
  const model::Daemon& d = it->second;
  std::vector<DaemonDeploymentRef> out;
  size_t index = 0;
  for (auto dep = d.deployments.rbegin(); dep != d.deployments.rend(); ++dep, ++index) {
    const bool status_ok =
        in.statuses.empty() || std::count(in.statuses.begin(), in.statuses.end(), dep->status) > 0;
    const bool time_ok = (!in.created_after || dep->created_at >= *in.created_after) &&
                         (!in.created_before || dep->created_at <= *in.created_before);
    if (index < skip || !status_ok || !time_ok) continue;
    if (out.size() == static_cast<size_t>(*size)) {
      *next = EncodePageToken(scope, SeqCursor(static_cast<int64_t>(index)));
      break;
    }
    out.push_back({&d, &*dep});
  }
  return out;
}

Status ControlPlane::DescribeDaemonRevisions(const RequestContext& ctx,
                                             const std::vector<std::string>& arns,
                                             std::vector<DaemonRevisionRef>* found,
                                             std::vector<DescribeFailure>* failures) const {
  return DescribeDaemonParts(
      ctx.tenant, state_.daemons, arns, ArnResource::kDaemonRevision, "daemonRevisionArns",
      [](const model::Daemon& d, const std::string& arn) { return d.FindRevision(arn); }, found,
      failures);
}

}  // namespace ecs::control

#include "control/task_definition_registry.h"

#include <algorithm>

#include "common/arn_check.h"
#include "taskdef/reference.h"

namespace ecs::control {

const TaskDefinitionRecord* TaskDefinitionRegistry::Find(const Tenant& t, const std::string& family,
                                                         int64_t revision) const {
  auto ti = families_.find(t);
  if (ti == families_.end()) return nullptr;
  auto fi = ti->second.find(family);
  if (fi == ti->second.end()) return nullptr;
  auto ri = fi->second.find(revision);
  return ri == fi->second.end() ? nullptr : &ri->second;
}

const TaskDefinitionRecord* TaskDefinitionRegistry::FindArn(const Tenant& t,
                                                            std::string_view arn) const {
  auto ref = taskdef::ParseTaskDefinitionRef(arn);
  if (!ref || !ref->revision) return nullptr;
  const TaskDefinitionRecord* r = Find(t, ref->family, *ref->revision);
  return r && r->reg.arn == arn ? r : nullptr;
}

Result<const TaskDefinitionRecord*> TaskDefinitionRegistry::Resolve(
    const Tenant& t, std::string_view identifier) const {
  ECS_RETURN_IF_ERROR(CheckArnArgument(t, identifier, ArnResource::kTaskDefinition));
  const Status not_found = Status::Client("Unable to describe task definition.");
  auto ref = taskdef::ParseTaskDefinitionRef(identifier);
  if (!ref) return not_found;
  if (ref->revision) {
    const TaskDefinitionRecord* r = Find(t, ref->family, *ref->revision);
    if (!r) return not_found;
    return r;
  }
  const auto* families = FamiliesOf(t);
  if (!families) return not_found;
  auto fi = families->find(ref->family);
  if (fi == families->end()) return not_found;
  for (auto it = fi->second.rbegin(); it != fi->second.rend(); ++it) {
    if (it->second.is_active()) return &it->second;
  }
  return not_found;
}

const std::map<std::string, TaskDefinitionRegistry::Family>* TaskDefinitionRegistry::FamiliesOf(
    const Tenant& t) const {
  auto it = families_.find(t);
  return it == families_.end() ? nullptr : &it->second;
}

std::shared_ptr<const taskdef::TaskDefinitionSpec> TaskDefinitionRegistry::Intern(
    const Tenant& t, taskdef::TaskDefinitionSpec spec) const {
  const TaskDefinitionRecord* latest = nullptr;
  if (const auto* families = FamiliesOf(t)) {
    auto fi = families->find(spec.family);
    if (fi != families->end() && !fi->second.empty()) latest = &fi->second.rbegin()->second;
  }
  if (latest && *latest->spec == spec) return latest->spec;
  if (latest) {
    spec.body = PackedText::Near(latest->spec->body, spec.body.text());
    const taskdef::TaskDefinitionSpec& before = *latest->spec;
    spec.requires_attributes.ShareIfEqual(before.requires_attributes);
    spec.member_of_expressions.ShareIfEqual(before.member_of_expressions);
    for (size_t i = 0; i < spec.containers.size() && i < before.containers.size(); ++i) {
      spec.containers[i].ShareIfEqual(before.containers[i]);
    }
  }
  return std::make_shared<const taskdef::TaskDefinitionSpec>(std::move(spec));
}

const TaskDefinitionRecord& TaskDefinitionRegistry::Put(TaskDefinitionRecord record) {
  RaiseLastRevision(record.tenant, record.spec->family, record.reg.revision);
  Family& family = families_[record.tenant][record.spec->family];
  const int64_t revision = record.reg.revision;
  return family.insert_or_assign(revision, std::move(record)).first->second;
}

void TaskDefinitionRegistry::Erase(const Tenant& t, const std::string& family, int64_t revision) {
  auto ti = families_.find(t);
  if (ti == families_.end()) return;
  auto fi = ti->second.find(family);
  if (fi == ti->second.end()) return;
  fi->second.erase(revision);
  if (fi->second.empty()) ti->second.erase(fi);
}

int64_t TaskDefinitionRegistry::LastRevision(const Tenant& t, const std::string& family) const {
  auto it = last_revision_.find({t, family});
  return it == last_revision_.end() ? 0 : it->second;
}

void TaskDefinitionRegistry::RaiseLastRevision(const Tenant& t, const std::string& family,
                                               int64_t revision) {
  int64_t& last = last_revision_[{t, family}];
  last = std::max(last, revision);
}

}  // namespace ecs::control

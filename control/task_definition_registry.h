// The task-definition registry: every revision of every family, per tenant, plus the per-family
// revision counters (revisions are never reused, also after deregistration and deletion).
// Owned by the control plane's State; THREADING: state strand only, like all of control/.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <utility>

#include "common/status.h"
#include "common/tenant.h"
#include "model/task_definition.h"
#include "taskdef/spec.h"

namespace ecs::control {

struct TaskDefinitionRecord {
  Tenant tenant;
  int64_t seq = 0;
  // spec->family is the family. Never null; made by TaskDefinitionRegistry::Intern.
  std::shared_ptr<const taskdef::TaskDefinitionSpec> spec;
  model::TaskDefinitionRegistration reg;  // arn, revision, status, timestamps

  bool is_active() const { return reg.status == model::TaskDefinitionStatus::kActive; }
};

class TaskDefinitionRegistry {
 public:
  // family -> (revision -> record), per tenant.
  using Family = std::map<int64_t, TaskDefinitionRecord>;

  // "family" (latest ACTIVE revision), "family:rev" or a full ARN with revision. An unknown
  // definition or a family without ACTIVE revisions -> ClientException "Unable to describe task
  // definition." (callers that need another text map it).
  Result<const TaskDefinitionRecord*> Resolve(const Tenant& t, std::string_view identifier) const;
  const TaskDefinitionRecord* Find(const Tenant& t, const std::string& family,
                                   int64_t revision) const;
  // The record an ARN (with revision) names, or nullptr.
  const TaskDefinitionRecord* FindArn(const Tenant& t, std::string_view arn) const;

  const std::map<std::string, Family>* FamiliesOf(const Tenant& t) const;
  // The definition a new revision of spec.family keeps. A pipeline that registers on every
  // deploy makes revisions equal to the family's latest: they share its definition. Others keep
  // their body as what differs from the latest's (common/packed_text.h) when that is small.
  // A changed one also shares the latest's requiresAttributes, memberOf expressions and each
  // container that is equal. Memory per revision, unchanged 6.2 -> 1.1 KiB, changed (one of two
  // containers with a new image tag and environment value) 5.8 -> 3.7 -> 1.9 KiB
  // (bench/scale.py --revisions-only, 2026-12-06).
  std::shared_ptr<const taskdef::TaskDefinitionSpec> Intern(const Tenant& t,
                                                            taskdef::TaskDefinitionSpec spec) const;
  // Inserts or replaces a revision (the family's counter moves up to it).
  const TaskDefinitionRecord& Put(TaskDefinitionRecord record);
  // Drops one revision, and its family once no revision is left (the counter stays).
  void Erase(const Tenant& t, const std::string& family, int64_t revision);

  // Highest revision ever registered in (tenant, family); 0 when none.
  int64_t LastRevision(const Tenant& t, const std::string& family) const;
  void RaiseLastRevision(const Tenant& t, const std::string& family, int64_t revision);

  const std::map<Tenant, std::map<std::string, Family>>& all() const { return families_; }
  const std::map<std::pair<Tenant, std::string>, int64_t>& last_revisions() const {
    return last_revision_;
  }

  void Clear() {
    families_.clear();
    last_revision_.clear();
  }

 private:
  std::map<Tenant, std::map<std::string, Family>> families_;
  std::map<std::pair<Tenant, std::string>, int64_t> last_revision_;
};

}  // namespace ecs::control

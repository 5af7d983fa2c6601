// The daemon task-definition registry: every revision of every daemon task-definition family,
// per tenant. Revisions are never removed (a DELETED one is still described by family:revision
// or ARN), so a family's highest revision is its last one and numbers are never reused.
// Owned by the control plane's State; THREADING: state strand only, like all of control/.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "common/tenant.h"
#include "model/daemon_task_definition.h"
#include "taskdef/spec.h"

namespace ecs::control {

struct DaemonTaskDefinitionRecord {
  Tenant tenant;
  int64_t seq = 0;
  // spec->family is the family; shared with the records its daemon tasks launch from. Never null.
  std::shared_ptr<const taskdef::TaskDefinitionSpec> spec;
  model::DaemonTaskDefinitionRegistration reg;  // arn, revision, status, timestamps

  bool is_active() const { return reg.status == model::DaemonTaskDefinitionStatus::kActive; }
};

// ListDaemonTaskDefinitions' filters (the model's ListDaemonTaskDefinitionsRequest).
struct ListDaemonTaskDefinitionsInput {
  std::string family_prefix;     // families that start with it
  std::string family;            // exactly this family
  bool last_registered = false;  // revision LAST_REGISTERED: each family's highest revision
  // nullopt: ALL (DELETED ones too); the model's default is ACTIVE.
  std::optional<model::DaemonTaskDefinitionStatus> status =
      model::DaemonTaskDefinitionStatus::kActive;
  bool descending = false;  // sort DESC: by family, then revision, both descending
  std::optional<int64_t> max_results;
  std::optional<std::string> next_token;
};

struct DaemonTaskDefinitionPage {
  std::vector<const DaemonTaskDefinitionRecord*> items;
  std::optional<std::string> next_token;
};

class DaemonTaskDefinitionRegistry {
 public:
  using Family = std::map<int64_t, DaemonTaskDefinitionRecord>;  // by revision

  // "family" (latest ACTIVE revision), "family:rev" or a daemon-task-definition ARN. An ARN of
  // another tenant or type -> InvalidParameterException; an unknown definition or a family
  // without ACTIVE revisions -> ClientException.
  Result<const DaemonTaskDefinitionRecord*> Resolve(const Tenant& t,
                                                    std::string_view identifier) const;
  const DaemonTaskDefinitionRecord* Find(const Tenant& t, const std::string& family,
                                         int64_t revision) const;
  // The record an ARN names, or nullptr.
  const DaemonTaskDefinitionRecord* FindArn(const Tenant& t, std::string_view arn) const;
  const std::map<std::string, Family>* FamiliesOf(const Tenant& t) const;
  // Highest revision ever registered in (tenant, family); 0 when none.
  int64_t LastRevision(const Tenant& t, const std::string& family) const;

  // Inserts or replaces a revision.
  const DaemonTaskDefinitionRecord& Put(DaemonTaskDefinitionRecord record);

  const std::map<Tenant, std::map<std::string, Family>>& all() const { return families_; }
  void Clear() { families_.clear(); }

 private:
  std::map<Tenant, std::map<std::string, Family>> families_;
};

}  // namespace ecs::control

// The task-definition registry: every revision of every family, per tenant, plus the per-family
// revision counters (revisions are never reused, also after deregistration and deletion).
// Owned by ControlPlane; THREADING: state strand only, like all of control/.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "common/status.h"
#include "common/tenant.h"
#include "control/task_definition_rules.h"

namespace ecs::control {

struct TaskDefinitionRecord {
  Tenant tenant;
  int64_t seq = 0;
  TaskDefinitionSpec spec;         // spec.family is the family
  TaskDefinitionRegistration reg;  // arn, revision, status, timestamps
  // RenderTaskDefinition(spec.body_json, reg), the `taskDefinition` object every operation
  // returns: rendered whenever reg changes, so DescribeTaskDefinition is a lookup and a copy.
  std::string rendered;
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

  std::map<Tenant, std::map<std::string, Family>>& families() { return families_; }
  const std::map<Tenant, std::map<std::string, Family>>& families() const { return families_; }
  // Highest revision ever registered per (tenant, family); survives deletion.
  std::map<std::pair<Tenant, std::string>, int64_t>& last_revision() { return last_revision_; }
  const std::map<std::pair<Tenant, std::string>, int64_t>& last_revision() const {
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

// Splits "family:rev" / ARN forms. revision is nullopt for a bare family.
struct TaskDefinitionRef {
  std::string family;
  std::optional<int64_t> revision;
};
std::optional<TaskDefinitionRef> ParseTaskDefinitionRef(std::string_view identifier);

}  // namespace ecs::control

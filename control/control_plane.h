// The control plane: the ECS rules and the single owner of state.
//
// THREADING: every method runs on the state strand (server/ hops there before calling). Nothing
// here locks. A mutating method validates, builds a storage::ChangeSet, commits it, and only then
// changes the in-memory indexes, so a failed commit leaves memory and disk unchanged and a reply
// is only written after its change is durable.
//
// One file per resource family implements the methods (clusters.cc, tags.cc, ...).
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "common/clock.h"
#include "common/ids.h"
#include "common/status.h"
#include "common/tenant.h"
#include "model/cluster.h"
#include "model/tag.h"
#include "storage/store.h"

namespace ecs::control {

// Who is calling, from where: derived by api/ from the SigV4 scope and access key.
struct RequestContext {
  Tenant tenant;
  std::string principal_arn() const { return PrincipalArn(tenant); }
};

// --- Cluster operation inputs (decoded and type-checked by api/) ---
struct ClusterFields {
  std::optional<std::vector<model::NameValue>> settings;
  std::optional<std::string> configuration_json;
  std::optional<std::string> service_connect_namespace;  // "" removes the defaults
};

struct CreateClusterInput {
  std::string cluster_name;  // "" -> default
  model::TagList tags;
  ClusterFields fields;
  std::vector<std::string> capacity_providers;
  struct StrategyItem {
    std::string capacity_provider;
    int64_t weight = 0;
    int64_t base = 0;
  };
  std::vector<StrategyItem> default_strategy;
};

// Live counters derived from the indexes (later resource families add to them).
struct ClusterCounts {
  int64_t registered_container_instances = 0;
  int64_t running_tasks = 0;
  int64_t pending_tasks = 0;
  int64_t active_services = 0;
  int64_t draining_services = 0;
  int64_t running_ec2_tasks = 0, running_fargate_tasks = 0;
  int64_t pending_ec2_tasks = 0, pending_fargate_tasks = 0;
  int64_t active_ec2_services = 0, active_fargate_services = 0;
  int64_t draining_ec2_services = 0, draining_fargate_services = 0;
};

struct Page {
  std::vector<std::string> arns;
  std::optional<std::string> next_token;
};

struct DescribeFailure {
  std::string arn;
  std::string reason;
  std::string detail;
};

class ControlPlane {
 public:
  ControlPlane(storage::Store* store, const Clock* clock, IdGenerator ids);

  // Rebuilds every index from the store (start-up).
  Status Load();
  // Wipes all state, on disk and in memory (POST /_emulator/reset).
  Status Reset();

  const Clock& clock() const { return *clock_; }
  Millis Now() const { return clock_->Now(); }

  // --- Clusters (clusters.cc) ---
  Result<const model::Cluster*> CreateCluster(const RequestContext& ctx, CreateClusterInput in);
  // Resolves names and ARNs; a missing cluster becomes a MISSING failure.
  void DescribeClusters(const RequestContext& ctx, const std::vector<std::string>& identifiers,
                        std::vector<const model::Cluster*>* found,
                        std::vector<DescribeFailure>* failures) const;
  Result<Page> ListClusters(const RequestContext& ctx, std::optional<int64_t> max_results,
                            const std::optional<std::string>& next_token) const;
  Result<const model::Cluster*> DeleteCluster(const RequestContext& ctx,
                                              const std::string& identifier);
  Result<const model::Cluster*> UpdateCluster(const RequestContext& ctx,
                                              const std::string& identifier, ClusterFields in);
  ClusterCounts CountsFor(const model::Cluster& c) const;

  // Cluster lookup with the ECS errors: unknown -> ClusterNotFoundException "Cluster not found.";
  // with require_active, INACTIVE -> "The referenced cluster was inactive.".
  Result<const model::Cluster*> FindCluster(const RequestContext& ctx,
                                            const std::string& identifier,
                                            bool require_active) const;

  // --- Tags (tags.cc); generic over every taggable resource type ---
  Status TagResource(const RequestContext& ctx, const std::string& arn,
                     const model::TagList& tags);
  Status UntagResource(const RequestContext& ctx, const std::string& arn,
                       const std::vector<std::string>& keys);
  Result<model::TagList> ListTagsForResource(const RequestContext& ctx,
                                             const std::string& arn) const;
  // Tags of a resource; empty list when none.
  const model::TagList& TagsOf(const std::string& arn) const;
  // ECS tag rules for a request's tag list (count, key/value length, charset, aws: prefix).
  static Status ValidateTags(const model::TagList& tags);

 private:
  struct TenantState {
    std::map<std::string, model::Cluster> clusters;  // by name
  };

  TenantState& StateFor(const Tenant& t) { return tenants_[t]; }
  const TenantState* FindState(const Tenant& t) const;
  Status Commit(const storage::ChangeSet& changes) { return store_->Commit(changes); }
  int64_t NextSeq() { return next_seq_++; }
  // Why a resource ARN can't be tagged right now (unknown, inactive, ...), or Ok.
  Status CheckTaggable(const RequestContext& ctx, const std::string& arn) const;

  storage::Store* store_;
  const Clock* clock_;
  IdGenerator ids_;
  std::map<Tenant, TenantState> tenants_;
  std::map<std::string, model::TagList> tags_;  // by resource ARN
  int64_t next_seq_ = 1;
};

}  // namespace ecs::control

// A daemon (CreateDaemon, docs/operations.md §B7): one task of a daemon task definition on every
// container instance of some Managed Instances capacity providers, rolled out by daemon
// deployments. Revisions are immutable snapshots of the daemon's configuration, one per
// deployment; deployments keep their history. Rolled out by control/daemons.cc with the pure
// rules of scheduler/daemon_rollout.h. Plain data; persisted as one row (storage/codec_daemons.cc).
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/clock.h"
#include "common/tenant.h"
#include "model/wire_enum.h"

namespace ecs::model {

// A daemon's tasks are in the task group daemon:<name> (docs/operations.md §B7 [I]): the one
// place that spells it.
inline constexpr std::string_view kDaemonGroupPrefix = "daemon:";
inline std::string DaemonTaskGroup(std::string_view daemon_name) {
  return std::string(kDaemonGroupPrefix) + std::string(daemon_name);
}
inline bool IsDaemonGroup(std::string_view group) { return group.starts_with(kDaemonGroupPrefix); }

// The model's DaemonStatus.
enum class DaemonStatus { kActive, kDeleteInProgress };
template <>
struct WireNames<DaemonStatus> {
  static constexpr std::array<std::string_view, 2> kNames = {"ACTIVE", "DELETE_IN_PROGRESS"};
};

// The model's DaemonDeploymentStatus.
enum class DaemonDeploymentStatus {
  kPending,
  kSuccessful,
  kStopped,
  kStopRequested,
  kInProgress,
  kRollbackInProgress,
  kRollbackSuccessful,
  kRollbackFailed,
};
template <>
struct WireNames<DaemonDeploymentStatus> {
  static constexpr std::array<std::string_view, 8> kNames = {"PENDING",
                                                             "SUCCESSFUL",
                                                             "STOPPED",
                                                             "STOP_REQUESTED",
                                                             "IN_PROGRESS",
                                                             "ROLLBACK_IN_PROGRESS",
                                                             "ROLLBACK_SUCCESSFUL",
                                                             "ROLLBACK_FAILED"};
};

// DaemonDeploymentConfiguration with its documented defaults filled in (drainPercent 25.0: the
// developer guide's "Daemon deployments"; bakeTimeInMinutes 0: the model).
struct DaemonDeploymentConfig {
  double drain_percent = 25.0;
  int64_t bake_time_minutes = 0;
  std::vector<std::string> alarm_names;
  bool alarms_enabled = false;
  bool operator==(const DaemonDeploymentConfig&) const = default;
};

struct DaemonContainerImage {
  std::string container_name;
  std::string image;
  bool operator==(const DaemonContainerImage&) const = default;
};

// DescribeDaemonRevisions' DaemonRevision, plus the providers it runs on (names).
struct DaemonRevision {
  std::string arn;
  std::string task_definition_arn;
  std::vector<std::string> capacity_providers;
  std::vector<DaemonContainerImage> images;
  bool propagate_tags = false;  // propagateTags DAEMON
  bool managed_tags = false;
  bool execute_command = false;
  Millis created_at = 0;
  bool operator==(const DaemonRevision&) const = default;
};

// What ends a deployment early: its circuit breaker (daemon tasks of the target revision that
// failed) or one of its alarms.
struct DaemonRollback {
  std::string reason;
  Millis started_at = 0;
  std::string target_revision_arn;
  bool operator==(const DaemonRollback&) const = default;
};

struct DaemonDeployment {
  std::string arn;
  std::string id;  // the ARN's last segment; the daemon tasks' startedBy
  DaemonDeploymentStatus status = DaemonDeploymentStatus::kPending;
  std::string status_reason;
  std::string target_revision_arn;  // "" for the deployment of a DeleteDaemon
  std::vector<std::string> source_revision_arns;
  DaemonDeploymentConfig config;
  Millis created_at = 0;
  std::optional<Millis> started_at, finished_at, stopped_at;
  // Progress: whether a batch is draining, and the end of the bake after the last one.
  bool batch_open = false;
  Millis bake_until = 0;
  int64_t failure_count = 0;  // circuit breaker: target-revision daemon tasks that failed
  std::vector<std::string> triggered_alarms;
  std::optional<DaemonRollback> rollback;

  bool finished() const {
    return status != DaemonDeploymentStatus::kPending &&
           status != DaemonDeploymentStatus::kInProgress &&
           status != DaemonDeploymentStatus::kRollbackInProgress;
  }
  // The revision instances are moved to: the rollback's target while rolling back.
  const std::string& EffectiveTarget() const {
    return rollback ? rollback->target_revision_arn : target_revision_arn;
  }
  bool operator==(const DaemonDeployment&) const = default;
};

struct Daemon {
  Tenant tenant;
  std::string cluster;  // name
  std::string name;
  std::string arn;
  int64_t seq = 0;
  DaemonStatus status = DaemonStatus::kActive;
  // DeleteDaemon finished: not described or listed any more, but its deployments and revisions
  // still are, and the name is free again.
  bool deleted = false;
  Millis created_at = 0, updated_at = 0;
  std::string client_token;
  std::string request_fingerprint;  // CreateDaemon's parameters, to tell a retry from a conflict
  std::vector<DaemonRevision> revisions;      // oldest first
  std::vector<DaemonDeployment> deployments;  // oldest first; never empty
  // Container instances (ids) this daemon drained to replace them, until they are deregistered;
  // and the EC2 ids of the replacements launched for them, until they join.
  std::vector<std::string> replacing;
  std::vector<std::string> replacements;

  const DaemonDeployment& latest() const { return deployments.back(); }
  DaemonDeployment& latest() { return deployments.back(); }
  const DaemonRevision* FindRevision(const std::string& revision_arn) const {
    for (const auto& r : revisions) {
      if (r.arn == revision_arn) return &r;
    }
    return nullptr;
  }
  std::string task_group() const { return DaemonTaskGroup(name); }
  bool operator==(const Daemon&) const = default;
};

}  // namespace ecs::model

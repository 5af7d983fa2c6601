// A service, its deployments and its events, as the control plane stores them. Members that the
// control plane only echoes are kept as the JSON the client sent (validated on the way in).
#pragma once

#include <cstdint>
#include <deque>
#include <string>
#include <vector>

#include "common/clock.h"
#include "common/tenant.h"

namespace ecs::model {

struct ServiceEvent {
  std::string id;  // UUID
  Millis created_at = 0;
  std::string message;
};

// One rollout of a service configuration. Also the source of the 2024+ ServiceDeployment and
// ServiceRevision records: the revision shares the deployment id's 19 digits.
struct Deployment {
  std::string id;      // ecs-svc/<19 digits>
  std::string status;  // PRIMARY, ACTIVE, INACTIVE
  std::string task_definition_arn;
  int64_t desired_count = 0;
  int64_t failed_tasks = 0;
  bool ever_running = false;  // some task of this deployment reached RUNNING
  Millis created_at = 0;
  Millis updated_at = 0;
  std::string launch_type;
  std::string capacity_provider_strategy_json;  // "" = none
  std::string platform_version;
  std::string network_configuration_json;  // "" = none
  std::string rollout_state;               // IN_PROGRESS, COMPLETED, FAILED
  std::string rollout_state_reason;
  // ServiceDeployment view.
  std::string service_deployment_id;  // 21 alphanumerics
  std::string deployment_status;      // PENDING, IN_PROGRESS, SUCCESSFUL, STOPPED, ROLLBACK_*
  std::string status_reason;
  Millis started_at = 0;
  Millis finished_at = 0;
  Millis stopped_at = 0;
  std::string source_revision_id;      // the revision it replaces ("" for the first)
  bool is_rollback = false;            // this deployment was made PRIMARY again by a rollback
  std::string circuit_breaker_status;  // DISABLED, MONITORING, TRIGGERED, MONITORING_COMPLETE
  // Set on a deployment that was rolled back: the deployment made PRIMARY again, and when.
  std::string rolled_back_to;
  Millis rollback_started_at = 0;

  std::string revision_number() const { return id.substr(id.find('/') + 1); }
};

struct Service {
  Tenant tenant;
  std::string cluster;
  std::string name;
  std::string arn;
  int64_t seq = 0;
  std::string status = "ACTIVE";  // ACTIVE, DRAINING, INACTIVE
  int64_t desired_count = 0;
  std::string task_definition_arn;
  std::string launch_type;                      // "" when a strategy is used
  std::string capacity_provider_strategy_json;  // "" = none
  std::string platform_version;
  std::string scheduling_strategy = "REPLICA";
  int minimum_healthy_percent = 100;
  int maximum_percent = 200;
  bool circuit_breaker_enable = false;
  bool circuit_breaker_rollback = false;
  std::string alarms_json;  // DeploymentAlarms as shown
  std::string deployment_controller = "ECS";
  std::string placement_constraints_json = "[]";
  std::string placement_strategy_json = "[]";
  std::vector<std::pair<std::string, std::string>> placement_constraints;  // (type, expression)
  std::vector<std::pair<std::string, std::string>> placement_strategy;     // (type, field)
  std::string network_configuration_json;                                  // "" = none
  std::string load_balancers_json = "[]";
  std::string service_registries_json = "[]";
  std::string service_connect_namespace;  // for ListServicesByNamespace
  std::string service_connect_configuration_json;
  int64_t health_check_grace_period_seconds = -1;  // -1 = not set
  std::string propagate_tags = "NONE";
  bool enable_ecs_managed_tags = false;
  bool enable_execute_command = false;
  std::string availability_zone_rebalancing = "ENABLED";
  std::string role_arn;
  std::string client_token;
  Millis created_at = 0;
  std::string created_by;
  // PRIMARY first, then the older ones still draining (ACTIVE), then INACTIVE history (newest
  // first, bounded). A rollback moves an older deployment back to the front.
  std::vector<Deployment> deployments;
  std::deque<ServiceEvent> events;  // newest first, at most 100
  // The API encoding of `events` (a JSON array), kept because describes far outnumber events;
  // "" = not encoded yet. Whoever changes `events` clears it (ControlPlane::AddEvent).
  mutable std::string events_json;

  // Runtime only (not persisted; a restart at worst repeats one event or one launch attempt).
  Millis next_launch_at = 0;                // launch back-off (nothing placeable, start failures)
  int64_t start_failures = 0;               // tasks that stopped before RUNNING since one last ran
  bool placement_failure_reported = false;  // "unable to place" said once until placement works
  bool throttle_reported = false;           // "unable to consistently start" said once
  // The reconciler skips a settled service (steady, nothing to do) until one of its tasks changes,
  // the service is updated, or the cluster's instances change (instances_signature).
  bool dirty = true;
  bool settled = false;
  uint64_t instances_signature = 0;
};

}  // namespace ecs::model

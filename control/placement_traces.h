// The placement traces of the last placement decisions (RunTask, StartTask, the service
// scheduler), for GET /_emulator/placement/...: a bounded ring in memory, newest last. Not
// persisted and not in snapshots (a trace explains a past decision; a restart makes new ones).
// When the capacity is 0 nothing is traced and placement runs exactly as untraced.
//
// THREADING: state strand only, like the rest of State.
#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>
#include <string>
#include <string_view>
#include <vector>

#include "common/clock.h"
#include "common/tenant.h"
#include "control/requests.h"
#include "scheduler/placement_trace.h"

namespace ecs::control {

struct PlacementTraceRecord {
  int64_t id = 0;  // 1, 2, ... in decision order since start-up; never reused
  Tenant tenant;
  std::string cluster;       // name
  std::string operation;     // "RunTask", "StartTask" or "service" (the service scheduler)
  std::string service_name;  // service tasks
  std::string group;         // the task group: "service:web", "family:web", ...
  std::string task_definition_arn;
  Millis at = 0;                       // simulated time of the decision
  std::vector<std::string> task_arns;  // the tasks placed
  scheduler::PlacementTrace trace;
};

class PlacementTraceLog {
 public:
  // `capacity` decisions are kept (ControlOptions::placement_traces; 0: tracing is off).
  explicit PlacementTraceLog(size_t capacity) : capacity_(capacity) {}

  bool enabled() const { return capacity_ > 0; }
  size_t capacity() const { return capacity_; }

  // Keeps `record` (assigning its id), forgetting the oldest beyond the capacity.
  // REQUIRES: enabled().
  PlacementTraceRecord& Add(PlacementTraceRecord record);

  // The decision `key` names: a decision id (of any tenant: ids are unique), or the newest
  // decision of `tenant` that placed a task (its id or ARN), of a service (its name or ARN) or
  // of a task group ("family:web", "service:web").
  const PlacementTraceRecord* Find(const Tenant& tenant, std::string_view key) const;
  PlacementTraceRecord* FindId(int64_t id);

  const std::deque<PlacementTraceRecord>& records() const { return records_; }

  // POST /_emulator/reset: the decisions of the tenants it wipes go with them.
  void Forget(const StateScope& scope);

 private:
  size_t capacity_;
  int64_t next_id_ = 1;
  std::deque<PlacementTraceRecord> records_;
};

}  // namespace ecs::control

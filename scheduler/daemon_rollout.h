// The rules of a daemon deployment (the developer guide's "Daemon deployments", docs/operations.md
// §B7): one daemon task on every container instance of the daemon's capacity providers, rolled
// out by drain-provision-replace. An instance that runs another revision (or none, when it was
// there before the deployment) is drained and replaced by a new instance that starts the target
// revision's task when it joins, in batches of drainPercent of the instances (at least one). The
// next batch waits until the last one is over (its instances gone, its replacements running the
// daemon) and bakeTimeInMinutes have passed; the deployment is over after the last batch's bake.
// An instance that joined after the deployment started gets its daemon task in place, before any
// other task. A daemon task that stopped on its own drains and replaces its instance at once.
//
// Pure functions over plain values; thread-compatible.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "common/clock.h"

namespace ecs::scheduler {

// One ACTIVE container instance of a provider the daemon runs on (or ran on), as the rollout
// sees it.
struct DaemonInstance {
  std::string id;
  std::string provider;
  bool joined_after_start = false;  // registered after the deployment was created
  std::string revision;             // the revision of its live daemon task; "" for none
  bool running = false;             // that task is RUNNING
  bool lost_its_task = false;       // no live daemon task, and one stopped on it on its own
};

struct DaemonRollout {
  std::string target;  // the revision to run; "" when the daemon is being deleted
  std::vector<std::string> target_providers;
  double drain_percent = 25.0;
  bool rolling = false;     // the deployment is in progress (else only starts and repairs)
  bool batch_open = false;  // a batch was drained and has not finished
  int64_t in_flight = 0;    // instances of the batch not gone yet, replacements not joined yet
  Millis bake_until = 0;
};

struct DaemonRolloutStep {
  std::vector<std::string> start;    // start the target's daemon task here (fresh instances)
  std::vector<std::string> repair;   // drain and replace now: their daemon task stopped
  std::vector<std::string> replace;  // drain and replace now: the next batch
  bool batch_done = false;           // the open batch is over: its bake starts now
  bool complete = false;             // every instance runs what it should, the bake is over
};

// The batch size: drainPercent of `instances`, rounded up, at least one.
int64_t DaemonBatchSize(double drain_percent, int64_t instances);

// What to do now. `instances` are the ACTIVE instances, in a stable order (oldest first).
DaemonRolloutStep PlanDaemonRollout(std::span<const DaemonInstance> instances,
                                    const DaemonRollout& rollout, Millis now);

// The deployment circuit breaker's threshold for `instances` instances: half of them, at least 3
// and at most 200 (the service circuit breaker's rule [I]: no daemon threshold is documented).
int64_t DaemonFailureThreshold(int64_t instances);

}  // namespace ecs::scheduler

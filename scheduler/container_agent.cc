#include "scheduler/container_agent.h"

#include <algorithm>
#include <map>
#include <set>

#include "common/int_math.h"

namespace ecs::scheduler {

namespace {

using model::ContainerStatus;
using model::HealthStatus;

void KeepEarliest(std::optional<Millis>& due, std::optional<Millis> candidate) {
  if (candidate && (!due || *candidate < *due)) due = candidate;
}

bool Started(const model::ContainerState& c) { return c.started_at.has_value(); }

const model::ContainerState* Find(const std::vector<model::ContainerState>& containers,
                                  const std::string& name) {
  for (const auto& c : containers) {
    if (c.name == name) return &c;
  }
  return nullptr;
}

// Where one dependency stands at `now`.
enum class DependencyState { kHolds, kWaiting, kImpossible, kTimedOut };

DependencyState Evaluate(const model::ContainerDependency& d, const model::ContainerState& dep,
                         Millis now) {
  using model::DependencyCondition;
  const bool stopped = dep.last_status == ContainerStatus::kStopped;
  switch (d.condition) {
    case DependencyCondition::kStart:
      if (Started(dep)) return DependencyState::kHolds;
      return stopped ? DependencyState::kImpossible : DependencyState::kWaiting;
    case DependencyCondition::kComplete:
      if (stopped) return DependencyState::kHolds;
      break;
    case DependencyCondition::kSuccess:
      if (stopped) {
        return dep.exit_code == 0 ? DependencyState::kHolds : DependencyState::kImpossible;
      }
      break;
    case DependencyCondition::kHealthy:
      if (stopped) return DependencyState::kImpossible;
      if (dep.health_status == HealthStatus::kHealthy) return DependencyState::kHolds;
      break;
  }
  if (dep.start_timeout && dep.started_at && now >= *dep.started_at + *dep.start_timeout) {
    return DependencyState::kTimedOut;
  }
  return DependencyState::kWaiting;
}

// When a dependency still waiting might change on its own (always after `now`, or at `now` for
// the scripted exit of a container that started at `now`): its scripted exit, its next health
// change, its start timeout.
std::optional<Millis> WaitingUntil(const model::ContainerState& dep, Millis now) {
  std::optional<Millis> due;
  if (!dep.started_at) return due;
  if (dep.behavior.exit_code) KeepEarliest(due, *dep.started_at + dep.behavior.exit_after);
  if (dep.health_check) {
    KeepEarliest(
        due,
        ContainerHealthAt(*dep.health_check, *dep.started_at, FailingFrom(dep), now).next_change);
  }
  if (dep.start_timeout) KeepEarliest(due, *dep.started_at + *dep.start_timeout);
  return due;
}

// The agent's text for a dependency that will not hold (amazon-ecs-agent dependencygraph).
std::string DependencyFailure(const model::ContainerDependency& d, const std::string& target,
                              DependencyState state) {
  const std::string which = "[" + d.container + "] for target [" + target + "]";
  if (state == DependencyState::kTimedOut) {
    return "dependency graph: container ordering dependency " + which + " has timed out.";
  }
  if (d.condition == model::DependencyCondition::kSuccess) {
    return "dependency graph: failed to resolve container ordering dependency " + which +
           " as dependency did not exit successfully.";
  }
  return "dependency graph: failed to resolve the container ordering dependency " + which;
}

// Containers already running at the start of a step: scripted exits, then health.
void RunningStep(std::vector<model::ContainerState>& containers, Millis now, ContainerStep& out) {
  for (auto& c : containers) {
    if (c.last_status != ContainerStatus::kRunning || !c.started_at) continue;
    if (c.behavior.exit_code) {
      const Millis exit_at = *c.started_at + c.behavior.exit_after;
      if (now >= exit_at) {
        c.last_status = ContainerStatus::kStopped;
        c.exit_code = c.behavior.exit_code;
        c.stopped_at = now;
        out.changed = true;
        continue;
      }
      KeepEarliest(out.next_due, exit_at);
    }
    if (c.health_check) {
      const HealthAt h = ContainerHealthAt(*c.health_check, *c.started_at, FailingFrom(c), now);
      if (h.status != c.health_status) {
        c.health_status = h.status;
        out.changed = true;
      }
      KeepEarliest(out.next_due, h.next_change);
    }
  }
}

// Tries to start one pending container; true when it changed.
bool TryStart(std::vector<model::ContainerState>& containers, size_t i, Millis now,
              std::set<size_t>& started_now, std::optional<Millis>& waiting) {
  model::ContainerState& c = containers[i];
  bool holds = true;
  for (const auto& d : c.depends_on) {
    const model::ContainerState* dep = Find(containers, d.container);
    if (!dep) continue;  // the definition was validated; a missing name cannot block
    const DependencyState state = Evaluate(d, *dep, now);
    if (state == DependencyState::kImpossible || state == DependencyState::kTimedOut) {
      c.last_status = ContainerStatus::kStopped;
      c.reason = DependencyFailure(d, c.name, state);
      c.stopped_at = now;
      return true;
    }
    if (state == DependencyState::kWaiting) {
      holds = false;
      KeepEarliest(waiting, WaitingUntil(*dep, now));
    }
  }
  if (!holds) return false;
  if (!c.behavior.fail_to_start.empty()) {
    c.last_status = ContainerStatus::kStopped;
    c.reason = c.behavior.fail_to_start;
    c.stopped_at = now;
    return true;
  }
  c.last_status = ContainerStatus::kRunning;
  c.started_at = now;
  started_now.insert(i);
  return true;
}

// The earliest reason the task must stop, essential containers only.
void DecideStop(const std::vector<model::ContainerState>& containers, ContainerStep& out) {
  for (const auto& c : containers) {
    if (!c.essential || c.last_status != ContainerStatus::kStopped) continue;
    if (!Started(c)) {
      out.stop = model::StopCode::kTaskFailedToStart;
      out.stop_reason = c.reason.empty() ? "Task failed to start" : c.reason;
      return;  // a start failure says more than an exit
    }
    if (!out.stop) {
      out.stop = model::StopCode::kEssentialContainerExited;
      out.stop_reason = "Essential container in task exited";
    }
  }
}

}  // namespace

HealthAt ContainerHealthAt(const model::HealthCheckConfig& check, Millis started_at,
                           std::optional<Millis> failing_from, Millis now) {
  const Millis interval = std::max<Millis>(check.interval, 1);
  const int retries = std::max(check.retries, 1);
  auto check_at = [&](Millis k) { return started_at + k * interval; };
  // The first check that fails, and whether any passed before it.
  std::optional<Millis> unhealthy_at;
  std::optional<Millis> healthy_at;
  if (!failing_from || *failing_from > check_at(1)) healthy_at = check_at(1);
  if (failing_from) {
    const Millis first_fail = std::max<Millis>(1, CeilDiv(*failing_from - started_at, interval));
    // Never healthy yet: failures inside the start period do not count.
    const Millis first_counted =
        healthy_at
            ? first_fail
            : std::max(first_fail, std::max<Millis>(1, CeilDiv(check.start_period, interval)));
    unhealthy_at = check_at(first_counted + retries - 1);
  }
  HealthAt out;
  if (healthy_at && now >= *healthy_at) out.status = HealthStatus::kHealthy;
  if (unhealthy_at && now >= *unhealthy_at) out.status = HealthStatus::kUnhealthy;
  if (healthy_at && now < *healthy_at) {
    out.next_change = healthy_at;
  } else if (unhealthy_at && now < *unhealthy_at) {
    out.next_change = unhealthy_at;
  }
  return out;
}

std::optional<Millis> FailingFrom(const model::ContainerState& c) {
  if (!c.started_at || !c.behavior.unhealthy_after) return std::nullopt;
  return *c.started_at + *c.behavior.unhealthy_after;
}

model::HealthStatus AggregateHealth(const std::vector<model::ContainerState>& containers) {
  bool any = false, unknown = false;
  for (const auto& c : containers) {
    if (!c.essential || !c.health_check) continue;
    any = true;
    if (c.health_status == HealthStatus::kUnhealthy) return HealthStatus::kUnhealthy;
    if (c.health_status == HealthStatus::kUnknown) unknown = true;
  }
  return any && !unknown ? HealthStatus::kHealthy : HealthStatus::kUnknown;
}

ContainerStep AdvanceContainers(std::vector<model::ContainerState>& containers, Millis now) {
  ContainerStep out;
  RunningStep(containers, now, out);
  // Starts cascade: a container that starts may let one that depends on it start at once. What
  // the last round still waits for is when to look again.
  std::set<size_t> started_now;
  std::optional<Millis> waiting;
  for (bool progress = true; progress;) {
    progress = false;
    waiting.reset();
    for (size_t i = 0; i < containers.size(); ++i) {
      if (containers[i].last_status != ContainerStatus::kPending) continue;
      if (TryStart(containers, i, now, started_now, waiting)) progress = out.changed = true;
    }
  }
  KeepEarliest(out.next_due, waiting);
  // Containers started now report their health (UNKNOWN until the first check) and exit later.
  for (size_t i : started_now) {
    const model::ContainerState& c = containers[i];
    if (c.behavior.exit_code) KeepEarliest(out.next_due, *c.started_at + c.behavior.exit_after);
    if (c.health_check) {
      KeepEarliest(
          out.next_due,
          ContainerHealthAt(*c.health_check, *c.started_at, FailingFrom(c), now).next_change);
    }
  }
  out.all_started = std::all_of(containers.begin(), containers.end(), [](const auto& c) {
    return Started(c) || c.last_status == ContainerStatus::kStopped;
  });
  DecideStop(containers, out);
  return out;
}

namespace {

// When container `i` has exited, counted from the stop signal: after every container that
// depends on it, plus its own time.
Millis FinishOf(const std::vector<model::ContainerState>& containers, size_t i,
                std::map<size_t, Millis>& memo, std::set<size_t>& visiting) {
  if (auto it = memo.find(i); it != memo.end()) return it->second;
  if (!visiting.insert(i).second) return 0;  // a cycle: ECS rejects those; end it here
  const model::ContainerState& c = containers[i];
  Millis after = 0;
  for (size_t j = 0; j < containers.size(); ++j) {
    for (const auto& d : containers[j].depends_on) {
      if (d.container == c.name) after = std::max(after, FinishOf(containers, j, memo, visiting));
    }
  }
  const bool running = c.last_status == ContainerStatus::kRunning;
  const Millis own = running ? std::min(c.behavior.stop_takes, c.stop_timeout) : 0;
  visiting.erase(i);
  return memo[i] = after + own;
}

}  // namespace

Millis StopDuration(const std::vector<model::ContainerState>& containers) {
  std::map<size_t, Millis> memo;
  std::set<size_t> visiting;
  Millis longest = 0;
  for (size_t i = 0; i < containers.size(); ++i) {
    longest = std::max(longest, FinishOf(containers, i, memo, visiting));
  }
  return longest;
}

}  // namespace ecs::scheduler

// GET /metrics: what server/ measures (ApiOptions::server_metrics), then what the control plane
// holds, read on the state strand when scraped: resources by state, deployments by rollout
// state and status, placement outcomes. Gauges are summed per account and region.
#include <map>
#include <tuple>

#include "api/admin.h"
#include "common/metrics.h"
#include "model/wire_enum.h"

namespace ecs::api {

namespace {

// (account, region, state) -> count.
using Counts = std::map<std::tuple<std::string, std::string, std::string>, int64_t>;

struct StateCounts {
  Counts clusters, instances, tasks, services, deployments;
};

StateCounts CountState(const control::ControlPlane& control) {
  StateCounts c;
  for (const auto& entry : control.tenants()) {
    const Tenant& tenant = entry.first;
    const control::TenantState& ts = entry.second;
    auto key = [&tenant](std::string_view state) {
      return std::make_tuple(tenant.account, tenant.region, std::string(state));
    };
    for (const auto& [name, cluster] : ts.clusters)
      ++c.clusters[key(model::ToString(cluster.status))];
    for (const auto& [name, cs] : ts.cluster_state) {
      for (const auto& [id, ci] : cs.instances) ++c.instances[key(model::ToString(ci.status))];
      for (const auto& [id, t] : cs.tasks) ++c.tasks[key(model::ToString(t.last_status))];
      for (const auto& [svc_name, svc] : cs.services) {
        ++c.services[key(model::ToString(svc.status))];
        for (const auto& d : svc.deployments) {
          ++c.deployments[key(std::string(model::ToString(d.status)) + "/" +
                              std::string(model::ToString(d.rollout_state)))];
        }
      }
    }
  }
  return c;
}

void WriteGauge(PrometheusWriter& w, std::string_view name, std::string_view help,
                std::string_view state_label, const Counts& counts) {
  w.Family(name, "gauge", help);
  for (const auto& [key, n] : counts) {
    const auto& [account, region, state] = key;
    if (state_label == "status/rollout_state") {
      const size_t slash = state.find('/');
      w.Sample(name,
               {{"account", account},
                {"region", region},
                {"status", state.substr(0, slash)},
                {"rollout_state", state.substr(slash + 1)}},
               static_cast<double>(n));
      continue;
    }
    w.Sample(name, {{"account", account}, {"region", region}, {state_label, state}},
             static_cast<double>(n));
  }
}

}  // namespace

HttpReply MetricsRoute(PreparedCall&, AdminContext& admin) {
  PrometheusWriter w;
  const StateCounts c = CountState(admin.control);
  WriteGauge(w, "ecs_emulator_clusters", "Clusters, by status.", "status", c.clusters);
  WriteGauge(w, "ecs_emulator_container_instances", "Container instances, by status.", "status",
             c.instances);
  WriteGauge(w, "ecs_emulator_tasks", "Tasks held (STOPPED ones until they expire), by lastStatus.",
             "last_status", c.tasks);
  WriteGauge(w, "ecs_emulator_services", "Services, by status.", "status", c.services);
  WriteGauge(w, "ecs_emulator_deployments",
             "Service deployments, by status (PRIMARY, ACTIVE, INACTIVE) and rolloutState.",
             "status/rollout_state", c.deployments);
  const auto& placements = admin.control.placement_counters();
  w.Family("ecs_emulator_placements_total", "counter", "Tasks placed on a container instance.");
  w.Sample("ecs_emulator_placements_total", {}, static_cast<double>(placements.placed));
  w.Family("ecs_emulator_placement_failures_total", "counter",
           "Tasks that could not be placed, by reason (RESOURCE:CPU, ...).");
  for (const auto& [reason, n] : placements.failures) {
    w.Sample("ecs_emulator_placement_failures_total", {{"reason", reason}}, static_cast<double>(n));
  }
  w.Family("ecs_emulator_simulated_clock_seconds", "gauge", "The simulated clock (epoch seconds).");
  w.Sample("ecs_emulator_simulated_clock_seconds", {},
           static_cast<double>(admin.time.clock().Now()) / 1000.0);
  std::string text = admin.options.server_metrics ? admin.options.server_metrics() : "";
  text += w.Take();
  HttpReply r = AdminJson(200, std::move(text));
  r.content_type = "text/plain; version=0.0.4; charset=utf-8";
  return r;
}

}  // namespace ecs::api

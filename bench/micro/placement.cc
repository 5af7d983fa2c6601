// Micro-benchmark of the placement engine alone (no HTTP, no SQLite): PlaceTasks over 1,000
// container instances with ~10,000 running tasks' worth of usage, for RunTask-sized requests
// (count 1 and 10, default and binpack strategies), untraced and traced, alternating so a noisy
// machine hits both alike. Prints microseconds per call, best of 7 rounds.
//
//   build/bench/ecs-bench-placement [calls per round]
//
// Built with -DECS_BENCH_BEFORE_TRACES it measures the untraced placement alone and compiles
// against a placement engine that predates traces (the A/B of bench/RESULTS.md, 2026-12-05).
#include "scheduler/placement.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <string>
#include <vector>

namespace {

using ecs::scheduler::InstanceView;
using ecs::scheduler::PlacementRequest;
using ecs::scheduler::PlacementStrategy;
#ifndef ECS_BENCH_BEFORE_TRACES
using ecs::scheduler::PlacementTrace;
#endif

std::vector<InstanceView> Fleet(int n) {
  const char* zones[] = {"us-east-1a", "us-east-1b", "us-east-1c"};
  std::vector<InstanceView> out;
  for (int i = 0; i < n; ++i) {
    InstanceView v;
    char id[33];
    std::snprintf(id, sizeof id, "%032x", i * 2654435761U);
    v.arn = std::string("arn:aws:ecs:us-east-1:000000000000:container-instance/bench/") + id;
    v.ec2_instance_id = "i-" + std::to_string(i);
    v.agent_version = "1.89.1";
    v.remaining_cpu = 2048 - 10 * 128 + (i % 5) * 16;  // ~10 tasks each, slightly uneven
    v.remaining_memory = 8192 - 10 * 256 + (i % 7) * 64;
    v.reserved_tcp_ports = {22, 2375, 2376, 51678, 51679};
    v.attributes = {{"ecs.availability-zone", zones[i % 3]}, {"ecs.instance-type", "m5.large"}};
    v.task_group_counts["family:bench"] = 10;
    ecs::scheduler::SyncHotAttributes(&v);
    out.push_back(std::move(v));
  }
  return out;
}

// Best-of-rounds µs per call of the untraced and the traced placement, rounds interleaved.
void Measure(const char* name, const std::vector<InstanceView>& fleet, PlacementRequest request,
             int calls) {
  double best[2] = {1e300, 1e300};
  size_t sink = 0;
#ifdef ECS_BENCH_BEFORE_TRACES
  constexpr int kModes = 1;
#else
  constexpr int kModes = 2;
#endif
  for (int round = 0; round < 7; ++round) {
    for (int traced = 0; traced < kModes; ++traced) {
      auto start = std::chrono::steady_clock::now();
      for (int i = 0; i < calls; ++i) {
        request.seed = static_cast<uint64_t>(i);
#ifdef ECS_BENCH_BEFORE_TRACES
        auto placed = ecs::scheduler::PlaceTasks(std::span(fleet), request);
        sink += placed.ok() ? placed->size() : 0;
#else
        PlacementTrace trace;
        auto placed =
            ecs::scheduler::PlaceTasks(std::span(fleet), request, traced ? &trace : nullptr);
        sink += placed.ok() ? placed->size() + trace.instances.size() : 0;
#endif
      }
      std::chrono::duration<double, std::micro> took = std::chrono::steady_clock::now() - start;
      best[traced] = std::min(best[traced], took.count() / calls);
    }
  }
  if (kModes == 1) {
    std::printf("| %s | %.1f |\n", name, best[0]);
  } else {
    std::printf("| %s | %.1f | %.1f | %.2f |\n", name, best[0], best[1], best[1] / best[0]);
  }
  if (sink == 0) std::printf("(nothing placed)\n");
}

}  // namespace

int main(int argc, char** argv) {
  const int calls = argc > 1 ? std::stoi(argv[1]) : 300;
  const std::vector<InstanceView> fleet = Fleet(1000);
  PlacementRequest request;
  request.demand.cpu = 128;
  request.demand.memory = 256;
  request.demand.group = "family:bench";
  std::printf("| 1,000 instances | untraced µs/call | traced µs/call | traced/untraced |\n");
  std::printf("|---|---|---|---|\n");
  request.count = 1;
  Measure("RunTask count 1, default (random)", fleet, request, calls);
  request.count = 10;
  Measure("RunTask count 10, default (random)", fleet, request, calls);
  request.strategies = {PlacementStrategy::Binpack(PlacementStrategy::Field::kMemory)};
  Measure("RunTask count 10, binpack(memory)", fleet, request, calls);
  request.strategies = {};
  request.is_service = true;
  Measure("service count 10, spread(zone), spread(instanceId)", fleet, request, calls);
  return 0;
}

#include "scheduler/managed_instances.h"

#include <algorithm>
#include <tuple>

namespace ecs::scheduler {

namespace {

bool Contains(const std::vector<std::string>& list, std::string_view value) {
  return std::find(list.begin(), list.end(), value) != list.end();
}

// EC2's instance-type patterns: * matches any run of characters ("m5.*", "*.large").
bool GlobMatch(std::string_view pattern, std::string_view name) {
  const size_t star = pattern.find('*');
  if (star == std::string_view::npos) return pattern == name;
  const std::string_view head = pattern.substr(0, star);
  if (!name.starts_with(head)) return false;
  const std::string_view rest = pattern.substr(star + 1);
  for (size_t at = head.size(); at <= name.size(); ++at) {
    if (GlobMatch(rest, name.substr(at))) return true;
  }
  return false;
}

bool AnyMatch(const std::vector<std::string>& patterns, std::string_view name) {
  return std::any_of(patterns.begin(), patterns.end(),
                     [&](const std::string& p) { return GlobMatch(p, name); });
}

bool Burstable(const InstanceTypeOption& t) { return t.name.starts_with("t"); }
bool HasGpu(const InstanceTypeOption& t) {
  return t.name.starts_with("g") || t.name.starts_with("p");
}
bool PreviousGeneration(const InstanceTypeOption& t) { return t.name.starts_with("t2."); }

bool InRange(int64_t value, int64_t min, std::optional<int64_t> max) {
  return value >= min && (!max || value <= *max);
}

// The members other than the vCPU and memory ranges.
bool MatchesFamilyRules(const InstanceTypeOption& t, const model::InstanceRequirements& r) {
  if (!r.allowed_instance_types.empty() && !AnyMatch(r.allowed_instance_types, t.name)) {
    return false;
  }
  if (AnyMatch(r.excluded_instance_types, t.name)) return false;
  if (!r.cpu_manufacturers.empty()) {
    const char* maker = t.architecture == "arm64" ? "amazon-web-services" : "intel";
    if (!Contains(r.cpu_manufacturers, maker)) return false;
  }
  if (r.burstable_performance == "excluded" && Burstable(t)) return false;
  if (r.burstable_performance == "required" && !Burstable(t)) return false;
  if (!r.instance_generations.empty() &&
      !Contains(r.instance_generations, PreviousGeneration(t) ? "previous" : "current")) {
    return false;
  }
  return HasGpu(t) == Contains(r.accelerator_types, "gpu");
}

}  // namespace

bool MatchesRequirements(const InstanceTypeOption& type,
                         const std::optional<model::InstanceRequirements>& req) {
  if (!req) return !HasGpu(type);
  return InRange(type.vcpus, req->vcpu_min, req->vcpu_max) &&
         InRange(type.memory_mib, req->memory_mib_min, req->memory_mib_max) &&
         MatchesFamilyRules(type, *req);
}

std::vector<InstanceTypeOption> AllowedInstanceTypes(
    std::span<const InstanceTypeOption> catalog,
    const std::optional<model::InstanceRequirements>& req) {
  std::vector<InstanceTypeOption> out;
  for (const auto& t : catalog) {
    if (MatchesRequirements(t, req)) out.push_back(t);
  }
  std::sort(out.begin(), out.end(), [](const InstanceTypeOption& a, const InstanceTypeOption& b) {
    return std::tie(a.vcpus, a.memory_mib, a.name) < std::tie(b.vcpus, b.memory_mib, b.name);
  });
  return out;
}

std::vector<std::string> PlanInstanceLaunches(std::span<const WaitingDemand> waiting,
                                              std::span<const WaitingDemand> launching,
                                              std::span<const InstanceTypeOption> allowed) {
  std::vector<WaitingDemand> sorted(waiting.begin(), waiting.end());
  // Largest first (memory, then CPU): the classic first-fit-decreasing order.
  std::sort(sorted.begin(), sorted.end(), [](const WaitingDemand& a, const WaitingDemand& b) {
    return std::tie(a.memory, a.cpu) > std::tie(b.memory, b.cpu);
  });
  std::vector<WaitingDemand> free(launching.begin(), launching.end());
  std::vector<std::string> launches;
  for (const auto& t : sorted) {
    auto fits = [&](const WaitingDemand& f) { return t.cpu <= f.cpu && t.memory <= f.memory; };
    auto bin = std::find_if(free.begin(), free.end(), fits);
    if (bin == free.end()) {
      auto type = std::find_if(allowed.begin(), allowed.end(), [&](const InstanceTypeOption& o) {
        return t.cpu <= o.registered_cpu && t.memory <= o.registered_memory;
      });
      if (type == allowed.end()) continue;  // no allowed type runs it: it keeps waiting
      launches.push_back(type->name);
      bin = free.insert(free.end(), {type->registered_cpu, type->registered_memory});
    }
    bin->cpu -= t.cpu;
    bin->memory -= t.memory;
  }
  return launches;
}

std::optional<Millis> RetireAt(Millis idle_since, std::optional<int64_t> scale_in_after) {
  const int64_t seconds = scale_in_after.value_or(kDefaultScaleInAfterSeconds);
  if (seconds < 0) return std::nullopt;
  return idle_since + seconds * 1000;
}

}  // namespace ecs::scheduler

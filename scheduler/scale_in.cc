#include "scheduler/scale_in.h"

#include <algorithm>
#include <array>
#include <optional>
#include <random>
#include <string_view>
#include <unordered_map>

#include "scheduler/tie_break.h"

namespace ecs::scheduler {
namespace {

// The instance a task runs on, with what stopping tasks there has freed so far.
struct HostState {
  const InstanceView* view = nullptr;  // null when the instance is not in the snapshot
  int64_t task_count = 0;
  int64_t freed_cpu = 0;
  int64_t freed_memory = 0;
};

// The per-task inputs of the selection, resolved once.
struct Victim {
  const ScaleInTask* task = nullptr;
  int32_t host = -1;  // index into hosts, -1 without an instance
  std::array<int32_t, kMaxPlacementStrategies> buckets{};  // per strategy (spread attribute)
  bool taken = false;
  bool preferred = false;  // not yet RUNNING, or unhealthy: stopped first
  uint64_t arn_hash = 0;
};

class ScaleInRun {
 public:
  ScaleInRun(std::span<const ScaleInTask> tasks, std::span<const InstanceView* const> instances,
             const ScaleInRequest& request)
      : strategies_(request.strategies.empty() ? DefaultStrategies(/*is_service=*/true)
                                               : request.strategies),
        rng_(request.seed) {
    auto random = std::find_if(strategies_.begin(), strategies_.end(), [](const auto& s) {
      return s.type == PlacementStrategy::Type::kRandom;
    });
    strategies_.erase(random, strategies_.end());
    // ECS allows 5 strategies; the key array has room for that many.
    if (strategies_.size() > kMaxPlacementStrategies) strategies_.resize(kMaxPlacementStrategies);

    std::unordered_map<std::string_view, const InstanceView*> by_arn;
    for (const InstanceView* v : instances) by_arn.emplace(v->arn, v);
    std::unordered_map<std::string_view, int32_t> host_ids;
    bucket_counts_.resize(strategies_.size());
    std::vector<std::unordered_map<std::string_view, int32_t>> bucket_ids(strategies_.size());

    victims_.reserve(tasks.size());
    for (const ScaleInTask& task : tasks) {
      Victim v;
      v.task = &task;
      v.arn_hash = HashArn(task.arn);
      v.preferred = task.last_status != model::TaskState::kRunning || !task.healthy;
      const InstanceView* instance = nullptr;
      if (!task.instance_arn.empty()) {
        auto [it, inserted] =
            host_ids.try_emplace(task.instance_arn, static_cast<int32_t>(hosts_.size()));
        if (inserted) {
          auto found = by_arn.find(task.instance_arn);
          hosts_.push_back({found == by_arn.end() ? nullptr : found->second, 0, 0, 0});
        }
        v.host = it->second;
        hosts_[v.host].task_count += 1;
        instance = hosts_[v.host].view;
      }
      v.buckets.fill(-1);
      for (size_t s = 0; s < strategies_.size(); ++s) {
        if (strategies_[s].field != PlacementStrategy::Field::kAttribute) continue;
        // Tasks lacking the attribute share one bucket keyed by a value no attribute can have.
        std::string_view value = "\x01missing";
        if (auto found = AttributeOf(task, instance, strategies_[s].attribute)) value = *found;
        auto [it, inserted] =
            bucket_ids[s].try_emplace(value, static_cast<int32_t>(bucket_counts_[s].size()));
        if (inserted) bucket_counts_[s].push_back(0);
        v.buckets[s] = it->second;
        bucket_counts_[s][it->second] += 1;
      }
      victims_.push_back(v);
    }
  }

  std::vector<size_t> Run(int32_t count) {
    std::vector<size_t> picked;
    for (int32_t n = 0; n < count; ++n) {
      const int best = PickBest(rng_());
      if (best < 0) break;
      Take(static_cast<size_t>(best));
      picked.push_back(static_cast<size_t>(best));
    }
    return picked;
  }

 private:
  static std::optional<std::string_view> AttributeOf(const ScaleInTask& task,
                                                     const InstanceView* instance,
                                                     const std::string& name) {
    if (name == kAvailabilityZoneAttribute) {
      // The task's own AZ is authoritative (it survives the instance leaving the snapshot).
      if (!task.availability_zone.empty()) return task.availability_zone;
      if (instance == nullptr || instance->availability_zone.empty()) return std::nullopt;
      return std::string_view(instance->availability_zone);
    }
    if (instance == nullptr) return std::nullopt;
    auto it = instance->attributes.find(name);
    if (it == instance->attributes.end() || !it->second) return std::nullopt;
    return std::string_view(*it->second);
  }

  using KeyArray = std::array<int64_t, kMaxPlacementStrategies + 1>;

  // Keys for victim i, lower = stop first. Key 0: not-yet-running or unhealthy tasks first.
  void Keys(size_t i, KeyArray* keys) const {
    const Victim& v = victims_[i];
    const ScaleInTask& task = *v.task;
    (*keys)[0] = v.preferred ? 0 : 1;
    const HostState* host = v.host >= 0 ? &hosts_[v.host] : nullptr;
    for (size_t s = 0; s < strategies_.size(); ++s) {
      int64_t key = 0;
      switch (strategies_[s].field) {
        case PlacementStrategy::Field::kCpu:  // binpack: most remaining after the stop
          if (host != nullptr) {
            key = (host->view ? host->view->remaining_cpu : 0) + host->freed_cpu;
          }
          key = -(key + task.cpu);
          break;
        case PlacementStrategy::Field::kMemory:
          if (host != nullptr) {
            key = (host->view ? host->view->remaining_memory : 0) + host->freed_memory;
          }
          key = -(key + task.memory);
          break;
        case PlacementStrategy::Field::kInstanceId:  // spread: the fullest instance
          key = host != nullptr ? -host->task_count : 0;
          break;
        case PlacementStrategy::Field::kAttribute:
          key = -bucket_counts_[s][v.buckets[s]];
          break;
        case PlacementStrategy::Field::kNone:
          break;
      }
      (*keys)[s + 1] = key;
    }
  }

  // Lexicographic keys, then the seeded tie score (computed only on ties), then the ARN.
  int PickBest(uint64_t salt) {
    int best = -1;
    bool best_scored = false;
    uint64_t best_score = 0;
    KeyArray keys{};
    KeyArray best_keys{};
    for (size_t i = 0; i < victims_.size(); ++i) {
      const Victim& v = victims_[i];
      if (v.taken || !v.task->stoppable) continue;
      Keys(i, &keys);
      if (best >= 0) {
        if (keys > best_keys) continue;
        if (keys == best_keys) {
          if (!best_scored) {
            best_score = TieScore(victims_[best].arn_hash, salt);
            best_scored = true;
          }
          const uint64_t score = TieScore(v.arn_hash, salt);
          if (score > best_score ||
              (score == best_score && v.task->arn > victims_[best].task->arn)) {
            continue;
          }
          best_score = score;
        } else {
          best_scored = false;
        }
      }
      best = static_cast<int>(i);
      best_keys = keys;
    }
    return best;
  }

  void Take(size_t i) {
    Victim& v = victims_[i];
    v.taken = true;
    if (v.host >= 0) {
      HostState& host = hosts_[v.host];
      host.task_count -= 1;
      host.freed_cpu += v.task->cpu;
      host.freed_memory += v.task->memory;
    }
    for (size_t s = 0; s < strategies_.size(); ++s) {
      if (v.buckets[s] >= 0) bucket_counts_[s][v.buckets[s]] -= 1;
    }
  }

  std::vector<PlacementStrategy> strategies_;
  std::mt19937_64 rng_;
  std::vector<HostState> hosts_;
  std::vector<Victim> victims_;
  std::vector<std::vector<int64_t>> bucket_counts_;  // [strategy][bucket] tasks still running
};

}  // namespace

std::vector<size_t> PickTasksToStop(std::span<const ScaleInTask> tasks,
                                    std::span<const InstanceView* const> instances,
                                    const ScaleInRequest& request) {
  if (request.count <= 0) return {};
  return ScaleInRun(tasks, instances, request).Run(request.count);
}

std::vector<size_t> PickTasksToStop(std::span<const ScaleInTask> tasks,
                                    std::span<const InstanceView> instances,
                                    const ScaleInRequest& request) {
  std::vector<const InstanceView*> pointers;
  pointers.reserve(instances.size());
  for (const InstanceView& v : instances) pointers.push_back(&v);
  return PickTasksToStop(tasks, std::span<const InstanceView* const>(pointers), request);
}

}  // namespace ecs::scheduler

#include "scheduler/placement.h"

#include <algorithm>
#include <array>
#include <iterator>
#include <limits>
#include <optional>
#include <random>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>

#include "scheduler/known_attributes.h"
#include "scheduler/tie_break.h"

namespace ecs::scheduler {
namespace {

// Pipeline stages in the order docs/scheduling.md §4 checks them. An instance's stage is the first
// check it fails; the "closest" instance of a failed placement is the one with the highest stage.
// Constraint i is stage kFirstConstraint + i, so passing more constraints also counts as closer.
enum Stage : int {
  kStageAgent = 0,
  kStageAttribute,
  kStageLocation,
  kStageCpu,
  kStageMemory,
  kStagePorts,
  kStagePortsUdp,
  kStageGpu,
  kStageEni,
  kFirstConstraint,
};
constexpr int kPassed = std::numeric_limits<int>::max();

constexpr int64_t kDynamicRangeSize = kLastDynamicPort - kFirstDynamicPort + 1;

bool Contains(const std::vector<int32_t>& v, int32_t x) {
  return std::find(v.begin(), v.end(), x) != v.end();
}

bool InDynamicRange(int32_t port) { return port >= kFirstDynamicPort && port <= kLastDynamicPort; }

// One pool instance plus what this request has added to it so far (the overlay).
struct Candidate {
  const InstanceView* view = nullptr;
  size_t index = 0;         // position in the caller's list
  int64_t group_count = 0;  // tasks of the request's group, this request's included
  int64_t added_tasks = 0;
  int64_t used_cpu = 0;
  int64_t used_memory = 0;
  int64_t used_gpus = 0;
  int64_t used_enis = 0;
  std::vector<int32_t> added_tcp_ports;  // static and dynamic host ports taken by this request
  std::vector<int32_t> added_udp_ports;
  size_t added_reserved_tcp = 0;  // of which static (they count toward the 100-port limit)
  size_t added_reserved_udp = 0;
  int stage = kStageAgent;
  bool hashed = false;
  uint64_t arn_hash = 0;
};

// The protocol-specific slice of an instance and its overlay.
struct PortView {
  const std::vector<int32_t>& reserved;
  const std::vector<int32_t>& dynamic;
  const std::vector<int32_t>& added;
  size_t added_reserved;
};

PortView Ports(const Candidate& c, bool udp) {
  const InstanceView& v = *c.view;
  return udp ? PortView{v.reserved_udp_ports, v.dynamic_udp_ports, c.added_udp_ports,
                        c.added_reserved_udp}
             : PortView{v.reserved_tcp_ports, v.dynamic_tcp_ports, c.added_tcp_ports,
                        c.added_reserved_tcp};
}

bool PortBusy(const PortView& p, int32_t port) {
  return Contains(p.reserved, port) || Contains(p.dynamic, port) || Contains(p.added, port);
}

// The sorted, distinct busy ports of the ephemeral range (the task's own static ports included).
std::vector<int32_t> BusyDynamicPorts(const PortView& p, const std::vector<int32_t>& statics) {
  std::vector<int32_t> busy;
  for (const auto* list : {&p.reserved, &p.dynamic, &p.added, &statics}) {
    std::copy_if(list->begin(), list->end(), std::back_inserter(busy), InDynamicRange);
  }
  std::sort(busy.begin(), busy.end());
  busy.erase(std::unique(busy.begin(), busy.end()), busy.end());
  return busy;
}

bool PortsFit(const PortView& p, const std::vector<int32_t>& statics, int32_t dynamic_count,
              bool udp) {
  if (!statics.empty()) {
    if (p.reserved.size() + p.added_reserved + statics.size() > kMaxReservedPorts) return false;
    for (int32_t port : statics) {
      if (!udp && port == kAlwaysRefusedStaticPort) return false;
      if (PortBusy(p, port)) return false;
    }
  }
  if (dynamic_count > 0) {
    // Every listed port, in the range or not, bounds the busy ones from above: when even that
    // leaves room (practically always: the range is 16k wide), no list needs reading.
    const auto listed = static_cast<int64_t>(p.reserved.size() + p.dynamic.size() + p.added.size() +
                                             statics.size());
    if (kDynamicRangeSize - listed >= dynamic_count) return true;
    // Counting without de-duplication over-estimates the busy ports, so when that cheap count
    // says "full" recount exactly.
    int64_t busy = 0;
    for (const auto* list : {&p.reserved, &p.dynamic, &p.added, &statics}) {
      busy += std::count_if(list->begin(), list->end(), InDynamicRange);
    }
    if (kDynamicRangeSize - busy < dynamic_count) {
      std::vector<int32_t> distinct = BusyDynamicPorts(p, statics);
      if (kDynamicRangeSize - static_cast<int64_t>(distinct.size()) < dynamic_count) return false;
    }
  }
  return true;
}

// The lowest free ports of the ephemeral range, like Docker's allocator on a fresh daemon.
std::vector<int32_t> PickDynamicPorts(const PortView& p, const std::vector<int32_t>& statics,
                                      int32_t count) {
  const std::vector<int32_t> busy = BusyDynamicPorts(p, statics);
  std::vector<int32_t> picked;
  auto next_busy = busy.begin();
  for (int32_t port = kFirstDynamicPort;
       port <= kLastDynamicPort && static_cast<int32_t>(picked.size()) < count; ++port) {
    while (next_busy != busy.end() && *next_busy < port) ++next_busy;
    if (next_busy != busy.end() && *next_busy == port) continue;
    picked.push_back(port);
  }
  return picked;
}

// Per spread-by-attribute strategy: the bucket (attribute value) of each candidate and the task
// count of each bucket.
struct SpreadBuckets {
  std::vector<int32_t> bucket_of;
  std::vector<int64_t> counts;
};

Status ValidateRequest(const PlacementRequest& request) {
  const TaskDemand& d = request.demand;
  if (request.count < 0) return Status::InvalidParameter("count must not be negative.");
  if (d.cpu < 0 || d.memory < 0 || d.gpus < 0 || d.dynamic_tcp_ports < 0 ||
      d.dynamic_udp_ports < 0) {
    return Status::InvalidParameter("Task resource requirements must not be negative.");
  }
  if (request.strategies.size() > kMaxPlacementStrategies) {
    return Status::InvalidParameter("The maximum number of placement strategies is 5.");
  }
  if (request.constraints.size() > kMaxPlacementConstraints) {
    return Status::InvalidParameter("The maximum number of placement constraints is 10.");
  }
  for (const PlacementConstraint& c : request.constraints) {
    if (c.type == PlacementConstraint::Type::kMemberOf && c.expression.empty()) {
      return Status::InvalidParameter("A memberOf placement constraint requires an expression.");
    }
  }
  for (const PlacementStrategy& s : request.strategies) {
    if (s.field == PlacementStrategy::Field::kAttribute && s.attribute.empty()) {
      return Status::InvalidParameter("A spread placement strategy needs an attribute name.");
    }
  }
  return Status::Ok();
}

class PlacementRun {
 public:
  PlacementRun(std::span<const InstanceView* const> instances, const PlacementRequest& request,
               PlacementTrace* trace)
      : request_(request),
        demand_(request.demand),
        strategies_(request.strategies.empty() ? DefaultStrategies(request.is_service)
                                               : request.strategies),
        instances_(instances),
        rng_(request.seed),
        trace_(trace) {
    // Strategies after `random` can never order anything: random already picked.
    auto random = std::find_if(strategies_.begin(), strategies_.end(), [](const auto& s) {
      return s.type == PlacementStrategy::Type::kRandom;
    });
    strategies_.erase(random, strategies_.end());
    // Group counts feed spread and distinctInstance only; skipping the lookup otherwise keeps a
    // plain RunTask's pass over the cluster cheap.
    needs_group_count_ =
        std::any_of(strategies_.begin(), strategies_.end(),
                    [](const auto& s) { return s.type == PlacementStrategy::Type::kSpread; }) ||
        std::any_of(request.constraints.begin(), request.constraints.end(), [](const auto& c) {
          return c.type == PlacementConstraint::Type::kDistinctInstance;
        });
    SplitRequiredAttributes();
    needs_tcp_ports_ = !demand_.static_tcp_ports.empty() || demand_.dynamic_tcp_ports > 0;
    needs_udp_ports_ = !demand_.static_udp_ports.empty() || demand_.dynamic_udp_ports > 0;
    memo_.resize(request.constraints.size());
    for (size_t i = 0; i < request.constraints.size(); ++i) {
      memo_[i].usable = request.constraints[i].type == PlacementConstraint::Type::kMemberOf &&
                        ReadsOnlyZoneAndType(request.constraints[i].expression);
    }
    // Random alone samples instances (PickRandom) and builds the pool only if sampling misses;
    // every other strategy, and a trace, compares every candidate from the start.
    random_only_ = strategies_.empty();
    if (!random_only_ || trace_) BuildPool();
    if (trace_) TraceInstances(instances);
  }

  std::vector<TaskPlacement> Run() {
    std::vector<TaskPlacement> out(static_cast<size_t>(request_.count));
    for (size_t t = 0; t < out.size(); ++t) {
      const uint64_t salt = rng_();
      const int best = random_only_ ? PickRandom(salt) : PickBest(salt);
      if (trace_) TraceTask(best);
      if (best < 0) {
        TaskPlacement failed;
        failed.failure = Closest();
        std::fill(out.begin() + static_cast<std::ptrdiff_t>(t), out.end(), failed);
        break;
      }
      out[t] = Commit(static_cast<size_t>(best));
    }
    return out;
  }

 private:
  // Valueless requirements on names the known-attribute table holds become one mask test per
  // candidate (scheduler/known_attributes.h); the rest keep the map lookup.
  void SplitRequiredAttributes() {
    for (const RequiredAttribute& required : demand_.required_attributes) {
      const int id = required.value ? -1 : KnownAttributeId(required.name);
      if (id >= 0) {
        required_known_.set(static_cast<size_t>(id));
      } else {
        required_by_name_.push_back(&required);
      }
    }
  }

  // The instance, as a candidate with its verdict, if the request's launch type and capacity
  // provider admit it; DRAINING/INACTIVE/REGISTERING instances never take tasks.
  std::optional<Candidate> MakeCandidate(size_t i) const {
    const InstanceView& v = *instances_[i];
    if (v.status != model::InstanceStatus::kActive) return std::nullopt;
    if (demand_.launch_type != LaunchType::kAny &&
        v.external != (demand_.launch_type == LaunchType::kExternal)) {
      return std::nullopt;
    }
    if (!demand_.capacity_provider.empty() &&
        v.capacity_provider_name != demand_.capacity_provider) {
      return std::nullopt;
    }
    Candidate c;
    c.view = &v;
    c.index = i;
    if (needs_group_count_) {
      if (auto g = v.task_group_counts.find(demand_.group); g != v.task_group_counts.end()) {
        c.group_count = std::max<int64_t>(0, g->second);
      }
    }
    c.stage = Evaluate(c);
    return c;
  }

  // Every admitted instance as a candidate. Candidates this request already reserved on while
  // sampling (PickRandom) keep their reservations.
  void BuildPool() {
    std::vector<Candidate> sampled = std::move(pool_);
    pool_.clear();
    pool_.reserve(instances_.size());
    if (random_only_) pool_index_.assign(instances_.size(), -1);
    for (size_t i = 0; i < instances_.size(); ++i) {
      std::optional<Candidate> c = MakeCandidate(i);
      if (!c) continue;
      if (random_only_) pool_index_[i] = static_cast<int32_t>(pool_.size());
      pool_.push_back(std::move(*c));
    }
    for (Candidate& c : sampled) pool_[static_cast<size_t>(pool_index_[c.index])] = std::move(c);
    pool_built_ = true;
    buckets_.resize(strategies_.size());
    for (size_t s = 0; s < strategies_.size(); ++s) {
      if (strategies_[s].field == PlacementStrategy::Field::kAttribute) BuildBuckets(s);
    }
  }

  void BuildBuckets(size_t s) {
    const std::string& name = strategies_[s].attribute;
    const bool is_az = name == kAvailabilityZoneAttribute;
    SpreadBuckets& b = buckets_[s];
    b.bucket_of.resize(pool_.size());
    // Bucket ids by value: a linear scan while there are few values (zones, instance types),
    // which beats hashing every instance's value; a hash map once there are many.
    constexpr size_t kLinearLimit = 16;
    std::vector<std::pair<std::string_view, int32_t>> values;
    std::unordered_map<std::string_view, int32_t> ids;
    // Instances lacking the attribute share one bucket of their own, distinct from value "".
    int32_t missing = -1;
    auto new_bucket = [&b] {
      b.counts.push_back(0);
      return static_cast<int32_t>(b.counts.size() - 1);
    };
    for (size_t i = 0; i < pool_.size(); ++i) {
      const Candidate& c = pool_[i];
      std::optional<std::string_view> found;
      if (is_az) {
        if (!c.view->availability_zone.empty()) found = c.view->availability_zone;
      } else if (auto it = c.view->attributes.find(name);
                 it != c.view->attributes.end() && it->second) {
        found = *it->second;
      }
      int32_t id = -1;
      if (!found) {
        if (missing < 0) missing = new_bucket();
        id = missing;
      } else if (const std::string_view value = *found; ids.empty()) {
        auto known = std::find_if(values.begin(), values.end(),
                                  [&](const auto& entry) { return entry.first == value; });
        if (known != values.end()) {
          id = known->second;
        } else {
          id = new_bucket();
          values.emplace_back(value, id);
          if (values.size() > kLinearLimit) ids.insert(values.begin(), values.end());
        }
      } else {
        auto [slot, inserted] = ids.try_emplace(value, -1);
        if (inserted) slot->second = new_bucket();
        id = slot->second;
      }
      b.bucket_of[i] = id;
      b.counts[static_cast<size_t>(id)] += c.group_count;
    }
  }

  int Evaluate(const Candidate& c) const {
    const InstanceView& v = *c.view;
    if (!v.agent_connected) return kStageAgent;
    if ((v.known_attributes & required_known_) != required_known_) return kStageAttribute;
    for (const RequiredAttribute* required : required_by_name_) {
      auto it = v.attributes.find(required->name);
      if (it == v.attributes.end()) return kStageAttribute;
      if (required->value && it->second != required->value) return kStageAttribute;
    }
    if (demand_.awsvpc && !demand_.subnet_availability_zones.empty() && !InSubnetZone(v)) {
      return kStageLocation;
    }
    if (v.remaining_cpu - c.used_cpu < demand_.cpu) return kStageCpu;
    if (v.remaining_memory - c.used_memory < demand_.memory) return kStageMemory;
    // A task without host ports or GPUs skips those checks: they cannot fail for it, and a
    // plain RunTask at 5,000 instances spent a fifth of its instructions on them.
    if (needs_tcp_ports_ &&
        !PortsFit(Ports(c, false), demand_.static_tcp_ports, demand_.dynamic_tcp_ports, false)) {
      return kStagePorts;
    }
    if (needs_udp_ports_ &&
        !PortsFit(Ports(c, true), demand_.static_udp_ports, demand_.dynamic_udp_ports, true)) {
      return kStagePortsUdp;
    }
    if (demand_.gpus > 0 &&
        static_cast<int64_t>(v.available_gpu_ids.size()) - c.used_gpus < demand_.gpus) {
      return kStageGpu;
    }
    if (demand_.awsvpc && v.remaining_eni_slots >= 0 && v.remaining_eni_slots - c.used_enis < 1) {
      return kStageEni;
    }
    for (size_t i = 0; i < request_.constraints.size(); ++i) {
      const PlacementConstraint& constraint = request_.constraints[i];
      bool ok;
      if (constraint.type == PlacementConstraint::Type::kDistinctInstance) {
        ok = c.group_count == 0 && c.added_tasks == 0;
      } else {
        ok = MatchesMemberOf(i, v, PendingTasks{c.added_tasks, demand_.group});
      }
      if (!ok) return kFirstConstraint + static_cast<int>(i);
    }
    return kPassed;
  }

  // memberOf constraint i on `v`. An expression that reads only the zone and the instance type
  // (the common `attribute:ecs.instance-type =~ t2.*`) is evaluated once per distinct pair: a
  // fleet of thousands has a handful, and evaluating it per candidate was a third of a RunTask's
  // instructions at 5,000 instances (bench/RESULTS.md, 2026-12-06).
  bool MatchesMemberOf(size_t i, const InstanceView& v, const PendingTasks& pending) const {
    const Expression& expression = request_.constraints[i].expression;
    if (!memo_[i].usable || v.availability_zone.empty() || v.instance_type.empty()) {
      return Matches(expression, v, pending);
    }
    std::vector<MemoEntry>& entries = memo_[i].entries;
    for (const MemoEntry& e : entries) {
      if (e.zone == v.availability_zone && e.type == v.instance_type) return e.matches;
    }
    const bool matches = Matches(expression, v, pending);
    if (entries.size() < kMaxMemoEntries) {
      entries.push_back({v.availability_zone, v.instance_type, matches});
    }
    return matches;
  }

  bool InSubnetZone(const InstanceView& v) const {
    const auto& zones = demand_.subnet_availability_zones;
    return !v.availability_zone.empty() &&
           std::find(zones.begin(), zones.end(), v.availability_zone) != zones.end();
  }

  // Strategy s's preference key for candidate i: lower is better.
  int64_t Key(size_t i, size_t s) const {
    const Candidate& c = pool_[i];
    const PlacementStrategy& strategy = strategies_[s];
    switch (strategy.field) {
      case PlacementStrategy::Field::kCpu:  // binpack: least remaining that still fits
        return c.view->remaining_cpu - c.used_cpu;
      case PlacementStrategy::Field::kMemory:
        return c.view->remaining_memory - c.used_memory;
      case PlacementStrategy::Field::kInstanceId:  // spread: fewest tasks of the group
        return c.group_count;
      case PlacementStrategy::Field::kAttribute:
        return buckets_[s].counts[buckets_[s].bucket_of[i]];
      case PlacementStrategy::Field::kNone:
        return 0;
    }
    return 0;
  }

  uint64_t Score(size_t i, uint64_t salt) {
    Candidate& c = pool_[i];
    if (!c.hashed) {
      c.arn_hash = c.view->arn_hash != 0 ? c.view->arn_hash : HashArn(c.view->arn);
      c.hashed = true;
    }
    return TieScore(c.arn_hash, salt);
  }

  // Random alone (RunTask's default): instances drawn from the caller's list with the seeded
  // generator until one passes, which is uniform over those that pass, as the full pass's seeded
  // pick is. It costs a few evaluations where most instances pass, instead of one per instance:
  // a RunTask at 5,000 instances spent 95 % of its instructions evaluating all of them
  // (bench/RESULTS.md, 2026-12-06). After kRandomProbes misses (few pass) it falls back to the
  // full pass. The pool, once built, answers the same draws the same way, so a traced placement
  // decides as an untraced one does.
  int PickRandom(uint64_t salt) {
    static constexpr int kRandomProbes = 32;
    // Past this many reservations (a service placing hundreds of tasks at once) looking a draw
    // up among them would cost more than the pool.
    static constexpr size_t kMaxSampled = 64;
    if (!pool_built_ && pool_.size() >= kMaxSampled) BuildPool();
    const size_t n = instances_.size();
    for (int k = 0; n > 0 && k < kRandomProbes; ++k) {
      const size_t i = static_cast<size_t>(rng_() % n);
      const int found = pool_built_ ? PooledAt(i) : SampleAt(i);
      if (found >= 0) return found;
    }
    if (!pool_built_) BuildPool();
    return PickBest(salt);
  }

  // The pool position of instance i if it passes, else -1.
  int PooledAt(size_t i) const {
    const int32_t p = pool_index_[i];
    return p >= 0 && pool_[static_cast<size_t>(p)].stage == kPassed ? p : -1;
  }

  // Before the pool is built, pool_ holds only the candidates this request reserved on.
  int SampleAt(size_t i) {
    for (size_t p = 0; p < pool_.size(); ++p) {
      if (pool_[p].index == i) return pool_[p].stage == kPassed ? static_cast<int>(p) : -1;
    }
    std::optional<Candidate> c = MakeCandidate(i);
    if (!c || c->stage != kPassed) return -1;
    pool_.push_back(std::move(*c));
    return static_cast<int>(pool_.size() - 1);
  }

  // One pass: lexicographic strategy keys, then the seeded tie score, then the ARN. Scores (and
  // so ARN hashes) are only computed for candidates that tie on every key.
  int PickBest(uint64_t salt) {
    int best = -1;
    std::array<int64_t, kMaxPlacementStrategies> best_keys{};
    std::array<int64_t, kMaxPlacementStrategies> keys{};
    bool best_scored = false;
    uint64_t best_score = 0;
    const size_t n_keys = strategies_.size();
    for (size_t i = 0; i < pool_.size(); ++i) {
      if (pool_[i].stage != kPassed) continue;
      int cmp = best < 0 ? -1 : 0;
      for (size_t s = 0; s < n_keys; ++s) {
        keys[s] = Key(i, s);
        if (cmp == 0 && keys[s] != best_keys[s]) cmp = keys[s] < best_keys[s] ? -1 : 1;
      }
      if (cmp > 0) continue;
      if (cmp == 0) {
        if (!best_scored) {
          best_score = Score(static_cast<size_t>(best), salt);
          best_scored = true;
        }
        const uint64_t score = Score(i, salt);
        if (score > best_score ||
            (score == best_score && pool_[i].view->arn > pool_[best].view->arn)) {
          continue;
        }
        best_score = score;
      } else {
        best_scored = false;
      }
      best = static_cast<int>(i);
      best_keys = keys;
    }
    return best;
  }

  PlacementFailure Closest() const {
    PlacementFailure failure;
    if (pool_.empty()) return failure;  // kNoContainerInstances
    const Candidate* closest = &pool_.front();
    for (const Candidate& c : pool_) {
      if (c.stage > closest->stage ||
          (c.stage == closest->stage && c.view->arn < closest->view->arn)) {
        closest = &c;
      }
    }
    failure.arn = closest->view->arn;
    failure.reason = ReasonOf(closest->stage);
    return failure;
  }

  // The failure reason of a pipeline stage (constraint stages: the constraint's type).
  FailureReason ReasonOf(int stage) const {
    static constexpr std::array<FailureReason, kFirstConstraint> kStageReasons = {
        FailureReason::kAgent,
        FailureReason::kAttribute,
        FailureReason::kLocation,
        FailureReason::kResourceCpu,
        FailureReason::kResourceMemory,
        FailureReason::kResourcePorts,
        FailureReason::kResourcePortsUdp,
        FailureReason::kResourceGpu,
        FailureReason::kResourceEni,
    };
    if (stage < kFirstConstraint) return kStageReasons[stage];
    const auto& constraint = request_.constraints[stage - kFirstConstraint];
    return constraint.type == PlacementConstraint::Type::kDistinctInstance
               ? FailureReason::kDistinctInstance
               : FailureReason::kMemberOf;
  }

  // ---- Tracing (only with a trace: none of this runs on an untraced placement) ----

  void TraceInstances(std::span<const InstanceView* const> instances) {
    for (const PlacementConstraint& c : request_.constraints) {
      trace_->constraints.push_back(c.type == PlacementConstraint::Type::kDistinctInstance
                                        ? "distinctInstance"
                                        : "memberOf(" + c.expression.DebugString() + ")");
    }
    for (const PlacementStrategy& s : strategies_) trace_->strategies.push_back(StrategyText(s));
    const size_t listed = std::min(instances.size(), kMaxTracedInstances);
    trace_->instances_omitted = instances.size() - listed;
    trace_->instances.reserve(listed);
    size_t next = 0;  // pool_ keeps the caller's order, so one cursor finds each candidate
    for (size_t i = 0; i < listed; ++i) {
      PlacementTrace::Instance row;
      row.arn = instances[i]->arn;
      if (next < pool_.size() && pool_[next].index == i) {
        const Candidate& c = pool_[next];
        if (c.stage == kPassed) {
          for (size_t s = 0; s < strategies_.size(); ++s) row.keys.push_back(Key(next, s));
        } else {
          row.filter = StageFilter(c.stage);
          row.detail = StageDetail(c, c.stage);
        }
        ++next;
      } else {
        NotCandidate(*instances[i], &row);
      }
      trace_->instances.push_back(std::move(row));
    }
  }

  // Why BuildPool left an instance out.
  void NotCandidate(const InstanceView& v, PlacementTrace::Instance* row) const {
    if (v.status != model::InstanceStatus::kActive) {
      row->filter = "STATUS";
      row->detail = "the instance is " +
                    std::string(model::WireNames<model::InstanceStatus>::kNames.at(
                        static_cast<size_t>(v.status))) +
                    ": only ACTIVE instances take tasks";
    } else if (demand_.launch_type != LaunchType::kAny &&
               v.external != (demand_.launch_type == LaunchType::kExternal)) {
      row->filter = "LAUNCH_TYPE";
      row->detail = v.external ? "an EXTERNAL instance; the task's launch type is EC2"
                               : "an EC2 instance; the task's launch type is EXTERNAL";
    } else {
      row->filter = "CAPACITY_PROVIDER";
      row->detail = "belongs to capacity provider '" + v.capacity_provider_name +
                    "'; the task uses '" + demand_.capacity_provider + "'";
    }
  }

  std::string StageFilter(int stage) const {
    if (stage < kFirstConstraint) return std::string(FailureReasonText(ReasonOf(stage)));
    return request_.constraints[stage - kFirstConstraint].type ==
                   PlacementConstraint::Type::kDistinctInstance
               ? "distinctInstance"
               : "memberOf";
  }

  std::string StageDetail(const Candidate& c, int stage) const {
    const InstanceView& v = *c.view;
    auto need = [](int64_t n, std::string_view what, int64_t have, std::string_view left) {
      return "needs " + std::to_string(n) + " " + std::string(what) + ", " + std::to_string(have) +
             " " + std::string(left);
    };
    switch (stage) {
      case kStageAgent:
        return "the container agent is disconnected";
      case kStageAttribute:
        return MissingAttribute(v);
      case kStageLocation:
        return "in zone '" + v.availability_zone + "', outside the zones of the task's subnets";
      case kStageCpu:
        return need(demand_.cpu, "CPU units", v.remaining_cpu - c.used_cpu, "remaining");
      case kStageMemory:
        return need(demand_.memory, "MiB of memory", v.remaining_memory - c.used_memory,
                    "remaining");
      case kStagePorts:
      case kStagePortsUdp:
        return std::string("a static ") + (stage == kStagePorts ? "TCP" : "UDP") +
               " host port the task maps is in use or reserved, or no ephemeral port is free";
      case kStageGpu:
        return need(demand_.gpus, "GPUs",
                    static_cast<int64_t>(v.available_gpu_ids.size()) - c.used_gpus, "free");
      case kStageEni:
        return "needs an ENI slot (awsvpc), none free";
      default:
        break;
    }
    const PlacementConstraint& constraint = request_.constraints[stage - kFirstConstraint];
    if (constraint.type == PlacementConstraint::Type::kDistinctInstance) {
      return "already runs " + std::to_string(c.group_count) + " task(s) of group '" +
             demand_.group + "'";
    }
    return "does not match " + constraint.expression.DebugString();
  }

  std::string MissingAttribute(const InstanceView& v) const {
    for (const RequiredAttribute& required : demand_.required_attributes) {
      auto it = v.attributes.find(required.name);
      if (it == v.attributes.end()) return "lacks the required attribute '" + required.name + "'";
      if (required.value && it->second != required.value) {
        return "attribute '" + required.name + "' is not '" + *required.value + "'";
      }
    }
    return "lacks a required attribute";
  }

  static std::string StrategyText(const PlacementStrategy& s) {
    switch (s.field) {
      case PlacementStrategy::Field::kCpu:
        return "binpack(cpu)";
      case PlacementStrategy::Field::kMemory:
        return "binpack(memory)";
      case PlacementStrategy::Field::kInstanceId:
        return "spread(instanceId)";
      case PlacementStrategy::Field::kAttribute:
        return "spread(attribute:" + s.attribute + ")";
      case PlacementStrategy::Field::kNone:
        break;
    }
    return "random";
  }

  // One task's decision, before Commit changes the chosen instance: how many candidates each
  // strategy step kept (the lowest key among those still tied), and the choice.
  void TraceTask(int best) {
    PlacementTrace::Task task;
    std::vector<size_t> tied;
    for (size_t i = 0; i < pool_.size(); ++i) {
      if (pool_[i].stage == kPassed) tied.push_back(i);
    }
    task.candidates = tied.size();
    if (best < 0) {
      const PlacementFailure failure = Closest();
      task.instance_arn = failure.arn;
      task.failure = FailureReasonText(failure.reason);
      trace_->tasks.push_back(std::move(task));
      return;
    }
    for (size_t s = 0; s < strategies_.size(); ++s) {
      int64_t lowest = std::numeric_limits<int64_t>::max();
      for (size_t i : tied) lowest = std::min(lowest, Key(i, s));
      std::erase_if(tied, [&](size_t i) { return Key(i, s) != lowest; });
      task.steps.push_back({StrategyText(strategies_[s]), lowest, tied.size()});
    }
    task.placed = true;
    task.instance_arn = pool_[static_cast<size_t>(best)].view->arn;
    task.tied = tied.size();
    trace_->tasks.push_back(std::move(task));
  }

  // Reserves the task on pool_[i] and returns its placement.
  TaskPlacement Commit(size_t i) {
    Candidate& c = pool_[i];
    const InstanceView& v = *c.view;
    TaskPlacement p;
    p.placed = true;
    p.instance_index = c.index;
    p.instance_arn = v.arn;
    if (demand_.dynamic_tcp_ports > 0) {
      p.dynamic_tcp_ports =
          PickDynamicPorts(Ports(c, false), demand_.static_tcp_ports, demand_.dynamic_tcp_ports);
    }
    if (demand_.dynamic_udp_ports > 0) {
      p.dynamic_udp_ports =
          PickDynamicPorts(Ports(c, true), demand_.static_udp_ports, demand_.dynamic_udp_ports);
    }
    for (int64_t g = 0; g < demand_.gpus; ++g) {
      p.gpu_ids.push_back(v.available_gpu_ids[static_cast<size_t>(c.used_gpus + g)]);
    }

    c.used_cpu += demand_.cpu;
    c.used_memory += demand_.memory;
    c.used_gpus += demand_.gpus;
    c.used_enis += demand_.awsvpc ? 1 : 0;
    auto append = [](std::vector<int32_t>* to, const std::vector<int32_t>& from) {
      to->insert(to->end(), from.begin(), from.end());
    };
    append(&c.added_tcp_ports, demand_.static_tcp_ports);
    append(&c.added_tcp_ports, p.dynamic_tcp_ports);
    append(&c.added_udp_ports, demand_.static_udp_ports);
    append(&c.added_udp_ports, p.dynamic_udp_ports);
    c.added_reserved_tcp += demand_.static_tcp_ports.size();
    c.added_reserved_udp += demand_.static_udp_ports.size();
    c.added_tasks += 1;
    c.group_count += 1;
    for (SpreadBuckets& b : buckets_) {
      if (!b.bucket_of.empty()) b.counts[b.bucket_of[i]] += 1;
    }
    // Only this instance changed, so only its verdict needs recomputing.
    c.stage = Evaluate(c);
    return p;
  }

  const PlacementRequest& request_;
  const TaskDemand& demand_;
  std::vector<PlacementStrategy> strategies_;
  std::span<const InstanceView* const> instances_;
  std::mt19937_64 rng_;
  bool random_only_ = false;
  bool pool_built_ = false;
  std::vector<int32_t> pool_index_;  // random only: instance position → pool position, or -1
  bool needs_group_count_ = false;
  bool needs_tcp_ports_ = false;
  bool needs_udp_ports_ = false;
  KnownAttributeSet required_known_;
  // Per constraint: memberOf answers by (zone, instance type), when the expression reads only
  // those. Views outlive the run, so the entries borrow their strings.
  struct MemoEntry {
    std::string_view zone;
    std::string_view type;
    bool matches = false;
  };
  struct Memo {
    bool usable = false;
    std::vector<MemoEntry> entries;
  };
  static constexpr size_t kMaxMemoEntries = 64;  // past this many pairs, evaluate each time
  mutable std::vector<Memo> memo_;
  std::vector<const RequiredAttribute*> required_by_name_;
  std::vector<Candidate> pool_;
  std::vector<SpreadBuckets> buckets_;  // indexed like strategies_; empty unless spread attribute
  PlacementTrace* trace_ = nullptr;     // null: nothing is traced
};

}  // namespace

Result<std::vector<TaskPlacement>> PlaceTasks(std::span<const InstanceView* const> instances,
                                              const PlacementRequest& request,
                                              PlacementTrace* trace) {
  ECS_RETURN_IF_ERROR(ValidateRequest(request));
  return PlacementRun(instances, request, trace).Run();
}

Result<std::vector<TaskPlacement>> PlaceTasks(std::span<const InstanceView> instances,
                                              const PlacementRequest& request,
                                              PlacementTrace* trace) {
  std::vector<const InstanceView*> pointers;
  pointers.reserve(instances.size());
  for (const InstanceView& v : instances) pointers.push_back(&v);
  return PlaceTasks(std::span<const InstanceView* const>(pointers), request, trace);
}

}  // namespace ecs::scheduler

// EncodeCache: API encodings kept until what they encode changes — a task's JSON (tasks are
// described far more often than they change; DescribeTasks of 100 tasks would otherwise spend
// most of its time re-escaping the same ARNs) and a service's events array. A task's entry is
// keyed by its generation, a service's by ARN and checked against its newest event, so a stale
// entry is never served. Bounded by bytes: cleared whole, between requests (Trim), when it
// outgrows its budget; within a request every entry stays where it is, so a reply may hold
// views of several. The budget is in bytes, not entries: entries of purged tasks and superseded
// generations are never asked for again, and 200,000 of them (the old entry limit) held
// ~350 MiB under a RunTask/StopTask churn (bench/soak.py).
//
// THREADING: state strand only (it is used while reading control/'s structs in place).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <unordered_map>

#include "model/service.h"
#include "model/task.h"

namespace ecs::api {

class EncodeCache {
 public:
  static constexpr size_t kDefaultMaxBytes = size_t{32} << 20;  // ~18,000 tasks' encodings
  explicit EncodeCache(size_t max_bytes = kDefaultMaxBytes) : max_bytes_(max_bytes) {}

  // The task's cached JSON (without tags) when current, else nullptr. Keyed by the task's
  // generation alone: generations are never reused (control/cluster_index.h), so no ARN needs
  // hashing or comparing. A task outside the index (generation 0) is never cached.
  const std::string* FindTask(const model::Task& t) const;
  const std::string& PutTask(const model::Task& t, std::string json);  // generation > 0
  // The service's cached events array when current, else nullptr.
  const std::string* FindEvents(const model::Service& s) const;
  const std::string& PutEvents(const model::Service& s, std::string json);
  // Between requests: drops everything once over the budget.
  void Trim();
  size_t bytes() const { return bytes_; }  // what the entries hold, estimated

 private:
  struct Events {
    std::string newest_event;  // id of the newest event
    size_t event_count = 0;
    std::string json;
  };

  // A map node, its key and a string's header, besides the text itself.
  static constexpr size_t kEntryOverhead = 96;
  size_t max_bytes_;
  size_t bytes_ = 0;
  // Node-based maps: what a reply already points at stays put as others are added.
  std::unordered_map<uint64_t, std::string> tasks_;  // by generation
  std::unordered_map<std::string, Events> events_;   // by service ARN
};

}  // namespace ecs::api

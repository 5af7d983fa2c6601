// EncodeCache: API encodings kept until what they encode changes — a task's JSON (tasks are
// described far more often than they change; DescribeTasks of 100 tasks would otherwise spend
// most of its time re-escaping the same ARNs) and a service's events array. Keyed by ARN and
// checked against the resource's change marker (a task's generation, a service's newest event),
// so a stale entry is never served. Bounded: cleared whole when it outgrows its limit.
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
  explicit EncodeCache(size_t max_entries = 200'000) : max_entries_(max_entries) {}

  // The task's cached JSON (without tags) when current, else nullptr.
  const std::string* FindTask(const model::Task& t) const;
  const std::string& PutTask(const model::Task& t, std::string json);
  // The service's cached events array when current, else nullptr.
  const std::string* FindEvents(const model::Service& s) const;
  const std::string& PutEvents(const model::Service& s, std::string json);

 private:
  struct Entry {
    uint64_t generation = 0;   // tasks
    std::string newest_event;  // services: id of the newest event
    size_t event_count = 0;
    std::string json;
  };
  Entry& Slot(std::unordered_map<std::string, Entry>& map, const std::string& arn);

  size_t max_entries_;
  std::unordered_map<std::string, Entry> tasks_;
  std::unordered_map<std::string, Entry> events_;
};

}  // namespace ecs::api

#include "control/placement_traces.h"

#include <algorithm>
#include <charconv>
#include <utility>

namespace ecs::control {

PlacementTraceRecord& PlacementTraceLog::Add(PlacementTraceRecord record) {
  record.id = next_id_++;
  while (records_.size() >= capacity_ && !records_.empty()) records_.pop_front();
  records_.push_back(std::move(record));
  return records_.back();
}

namespace {

bool NamesRecord(const PlacementTraceRecord& r, std::string_view key) {
  ParsedArn arn;
  if (ParseEcsArn(key, &arn)) {
    if (arn.resource_type == "task") {
      return std::find(r.task_arns.begin(), r.task_arns.end(), key) != r.task_arns.end();
    }
    // service/<cluster>/<name> (the old format, service/<name>, names no cluster)
    if (arn.resource_type != "service" || r.service_name.empty()) return false;
    const std::string_view rest = arn.resource;
    const size_t slash = rest.find('/');
    return LastSegment(rest) == r.service_name &&
           (slash == std::string_view::npos || rest.substr(0, slash) == r.cluster);
  }
  if (key == r.service_name || key == r.group) return true;
  return std::any_of(r.task_arns.begin(), r.task_arns.end(),
                     [key](const std::string& t) { return LastSegment(t) == key; });
}

}  // namespace

const PlacementTraceRecord* PlacementTraceLog::Find(const Tenant& tenant,
                                                    std::string_view key) const {
  int64_t id = 0;
  const auto [end, error] = std::from_chars(key.data(), key.data() + key.size(), id);
  const bool is_id = error == std::errc() && end == key.data() + key.size();
  for (auto it = records_.rbegin(); it != records_.rend(); ++it) {
    if (is_id ? it->id == id : it->tenant == tenant && NamesRecord(*it, key)) return &*it;
  }
  return nullptr;
}

PlacementTraceRecord* PlacementTraceLog::FindId(int64_t id) {
  // Ids are ascending: the newest are at the back, where the caller's usually is.
  if (id <= 0) return nullptr;
  for (auto it = records_.rbegin(); it != records_.rend(); ++it) {
    if (it->id == id) return &*it;
    if (it->id < id) break;
  }
  return nullptr;
}

void PlacementTraceLog::Forget(const StateScope& scope) {
  std::erase_if(records_,
                [&scope](const PlacementTraceRecord& r) { return scope.Covers(r.tenant); });
}

}  // namespace ecs::control

#include "api/encode_cache.h"

namespace ecs::api {

EncodeCache::Entry& EncodeCache::Slot(std::unordered_map<std::string, Entry>& map,
                                      const std::string& arn) {
  // Entries of purged tasks and deleted services are never asked for again: dropping everything
  // now and then keeps them from piling up, at the cost of re-encoding the live ones once.
  if (map.size() >= max_entries_ && !map.contains(arn)) map.clear();
  return map[arn];
}

const std::string* EncodeCache::FindTask(const model::Task& t) const {
  auto it = tasks_.find(t.arn);
  return it != tasks_.end() && it->second.generation == t.generation ? &it->second.json : nullptr;
}

const std::string& EncodeCache::PutTask(const model::Task& t, std::string json) {
  Entry& e = Slot(tasks_, t.arn);
  e.generation = t.generation;
  e.json = std::move(json);
  return e.json;
}

const std::string* EncodeCache::FindEvents(const model::Service& s) const {
  auto it = events_.find(s.arn);
  if (it == events_.end() || s.events.empty()) return nullptr;
  // Events are only ever added at the front (the oldest drop off the back at the same time):
  // the newest event and the count identify the list.
  const Entry& e = it->second;
  return e.newest_event == s.events.front().id && e.event_count == s.events.size() ? &e.json
                                                                                   : nullptr;
}

const std::string& EncodeCache::PutEvents(const model::Service& s, std::string json) {
  Entry& e = Slot(events_, s.arn);
  e.newest_event = s.events.empty() ? "" : s.events.front().id;
  e.event_count = s.events.size();
  e.json = std::move(json);
  return e.json;
}

}  // namespace ecs::api

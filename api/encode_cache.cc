#include "api/encode_cache.h"

namespace ecs::api {

void EncodeCache::Trim() {
  // Superseded task generations, purged tasks and deleted services are never asked for again:
  // dropping everything
  // now and then keeps them from piling up, at the cost of re-encoding the live ones once.
  if (tasks_.size() >= max_entries_) tasks_.clear();
  if (events_.size() >= max_entries_) events_.clear();
}

const std::string* EncodeCache::FindTask(const model::Task& t) const {
  if (t.generation == 0) return nullptr;
  auto it = tasks_.find(t.generation);
  return it != tasks_.end() ? &it->second : nullptr;
}

const std::string& EncodeCache::PutTask(const model::Task& t, std::string json) {
  std::string& slot = tasks_[t.generation];
  slot = std::move(json);
  return slot;
}

const std::string* EncodeCache::FindEvents(const model::Service& s) const {
  auto it = events_.find(s.arn);
  if (it == events_.end() || s.events.empty()) return nullptr;
  // Events are only ever added at the front (the oldest drop off the back at the same time):
  // the newest event and the count identify the list.
  const Events& e = it->second;
  return e.newest_event == s.events.front().id && e.event_count == s.events.size() ? &e.json
                                                                                   : nullptr;
}

const std::string& EncodeCache::PutEvents(const model::Service& s, std::string json) {
  Events& e = events_[s.arn];
  e.newest_event = s.events.empty() ? "" : s.events.front().id;
  e.event_count = s.events.size();
  e.json = std::move(json);
  return e.json;
}

}  // namespace ecs::api

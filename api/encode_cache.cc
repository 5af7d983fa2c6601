#include "api/encode_cache.h"

namespace ecs::api {

void EncodeCache::Trim() {
  // Superseded task generations, purged tasks and deleted services are never asked for again:
  // dropping everything now and then keeps them from piling up, at the cost of re-encoding the
  // live ones once.
  if (bytes_ < max_bytes_) return;
  tasks_.clear();
  events_.clear();
  bytes_ = 0;
}

const std::string* EncodeCache::FindTask(const model::Task& t) const {
  if (t.generation == 0) return nullptr;
  auto it = tasks_.find(t.generation);
  return it != tasks_.end() ? &it->second : nullptr;
}

const std::string& EncodeCache::PutTask(const model::Task& t, std::string json) {
  auto [it, added] = tasks_.try_emplace(t.generation);
  if (added) bytes_ += kEntryOverhead;
  bytes_ = bytes_ - it->second.size() + json.size();
  it->second = std::move(json);
  return it->second;
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
  auto [it, added] = events_.try_emplace(s.arn);
  Events& e = it->second;
  if (added) bytes_ += kEntryOverhead + s.arn.size();
  bytes_ -= e.newest_event.size() + e.json.size();
  e.newest_event = s.events.empty() ? "" : s.events.front().id;
  e.event_count = s.events.size();
  e.json = std::move(json);
  bytes_ += e.newest_event.size() + e.json.size();
  return e.json;
}

}  // namespace ecs::api

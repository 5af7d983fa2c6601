#include <charconv>

#include "control/task_definitions.h"

namespace ecs::control {

std::optional<TaskDefinitionRef> ParseTaskDefinitionRef(std::string_view id) {
  if (id.starts_with("arn:")) {
    size_t pos = id.find(":task-definition/");
    if (pos == std::string_view::npos) return std::nullopt;
    id = id.substr(pos + 17);
    if (id.find(':') == std::string_view::npos) return std::nullopt;  // ARNs need the revision
  }
  TaskDefinitionRef ref;
  size_t colon = id.find(':');
  ref.family = std::string(id.substr(0, colon));
  if (ref.family.empty()) return std::nullopt;
  if (colon != std::string_view::npos) {
    std::string_view rev = id.substr(colon + 1);
    int64_t n = 0;
    auto [p, ec] = std::from_chars(rev.data(), rev.data() + rev.size(), n);
    if (ec != std::errc() || p != rev.data() + rev.size() || n < 1) return std::nullopt;
    ref.revision = n;
  }
  return ref;
}

const TaskDefinitionRecord* TaskDefinitionRegistry::Find(const Tenant& t, const std::string& family,
                                                         int64_t revision) const {
  auto ti = families_.find(t);
  if (ti == families_.end()) return nullptr;
  auto fi = ti->second.find(family);
  if (fi == ti->second.end()) return nullptr;
  auto ri = fi->second.find(revision);
  return ri == fi->second.end() ? nullptr : &ri->second;
}

Result<const TaskDefinitionRecord*> TaskDefinitionRegistry::Resolve(
    const Tenant& t, std::string_view identifier) const {
  const Status not_found = Status::Client("Unable to describe task definition.");
  auto ref = ParseTaskDefinitionRef(identifier);
  if (!ref) return not_found;
  if (ref->revision) {
    const TaskDefinitionRecord* r = Find(t, ref->family, *ref->revision);
    if (!r) return not_found;
    return r;
  }
  auto ti = families_.find(t);
  if (ti == families_.end()) return not_found;
  auto fi = ti->second.find(ref->family);
  if (fi == ti->second.end()) return not_found;
  for (auto it = fi->second.rbegin(); it != fi->second.rend(); ++it) {
    if (it->second.reg.status == "ACTIVE") return &it->second;
  }
  return not_found;
}

}  // namespace ecs::control

#include "taskdef/reference.h"

#include <charconv>
#include <string>

namespace ecs::taskdef {

std::optional<TaskDefinitionRef> ParseTaskDefinitionRef(std::string_view id,
                                                        std::string_view arn_type) {
  if (id.starts_with("arn:")) {
    const std::string marker = ":" + std::string(arn_type) + "/";
    size_t pos = id.find(marker);
    if (pos == std::string_view::npos) return std::nullopt;
    id = id.substr(pos + marker.size());
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

}  // namespace ecs::taskdef

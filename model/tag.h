// Tags: plain data shared by every taggable resource.
#pragma once

#include <string>
#include <vector>

namespace ecs::model {

struct Tag {
  std::string key;
  std::string value;
  bool operator==(const Tag&) const = default;
};

using TagList = std::vector<Tag>;

}  // namespace ecs::model

// Tags of every taggable resource, by ARN, and ECS's rules for a tag list. Owned by the control
// plane's State; THREADING: state strand only.
#pragma once

#include <map>
#include <string>

#include "common/status.h"
#include "model/tag.h"

namespace ecs::control {

class TagIndex {
 public:
  // Tags of a resource; an empty list when it has none.
  const model::TagList& Of(const std::string& arn) const;
  // Replaces a resource's tags (an empty list removes them).
  void Set(const std::string& arn, model::TagList tags);
  void Erase(const std::string& arn) { by_arn_.erase(arn); }
  void Clear() { by_arn_.clear(); }
  const std::map<std::string, model::TagList>& all() const { return by_arn_; }

 private:
  std::map<std::string, model::TagList> by_arn_;
};

// ECS tag rules for a request's tag list (count, key/value length, charset, aws: prefix).
Status ValidateTags(const model::TagList& tags);

}  // namespace ecs::control

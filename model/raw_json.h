// RawJson: a JSON value the control plane stores and hands back without looking inside — the
// members ECS only echoes (loadBalancers, serviceRegistries, a cluster's configuration, ...).
// api/ makes one from a request member it has already type-checked and writes it back verbatim;
// storage/ persists its text. Nothing else reads the text.
#pragma once

#include <string>
#include <utility>

namespace ecs::model {

class RawJson {
 public:
  RawJson() = default;
  // REQUIRES: `text` is one complete, valid JSON value.
  static RawJson FromText(std::string text) {
    RawJson r;
    r.text_ = std::move(text);
    return r;
  }

  bool empty() const { return text_.empty(); }  // not set
  const std::string& text() const { return text_; }
  bool operator==(const RawJson&) const = default;

 private:
  std::string text_;
};

}  // namespace ecs::model

// PackedText: an immutable text kept either as itself or, when it begins and ends like another
// text, as only what differs between those common ends. Revisions of one task-definition family
// are such texts: a new image tag and environment value change a few hundred bytes of ~2 KB.
// The text another is kept against is shared, and never itself kept that way, so reading one
// back is one concatenation. Thread-safe (immutable).
#pragma once

#include <cstddef>
#include <memory>
#include <string>

namespace ecs {

class PackedText {
 public:
  PackedText() = default;
  static PackedText FromText(std::string text);
  // `text`, kept against the text `near` is (or is kept against) when what differs between
  // their common beginning and end is at most a quarter of `text`; otherwise as itself.
  static PackedText Near(const PackedText& near, std::string text);

  std::string text() const;
  size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }
  bool is_difference() const { return difference_; }
  size_t held_bytes() const { return difference_ ? middle_.size() : size_; }

  friend bool operator==(const PackedText& a, const PackedText& b);

 private:
  std::shared_ptr<const std::string> base_;  // the text itself, or the one it shares its ends with
  std::string middle_;                       // what lies between the shared ends
  size_t prefix_ = 0;                        // bytes the text shares with base_'s beginning
  size_t suffix_ = 0;                        // and with its end
  size_t size_ = 0;
  bool difference_ = false;
};

}  // namespace ecs

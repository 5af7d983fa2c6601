#include "common/packed_text.h"

#include <algorithm>
#include <utility>

namespace ecs {

PackedText PackedText::FromText(std::string text) {
  PackedText p;
  p.size_ = text.size();
  p.base_ = std::make_shared<const std::string>(std::move(text));
  return p;
}

PackedText PackedText::Near(const PackedText& near, std::string text) {
  if (!near.base_) return FromText(std::move(text));
  const std::string& base = *near.base_;
  const size_t most = std::min(base.size(), text.size());
  const size_t prefix = static_cast<size_t>(
      std::mismatch(text.begin(), text.begin() + static_cast<ptrdiff_t>(most), base.begin()).first -
      text.begin());
  const size_t suffix = static_cast<size_t>(
      std::mismatch(text.rbegin(), text.rbegin() + static_cast<ptrdiff_t>(most - prefix),
                    base.rbegin())
          .first -
      text.rbegin());
  const size_t middle = text.size() - prefix - suffix;
  if (middle * 4 > text.size()) return FromText(std::move(text));
  PackedText p;
  p.size_ = text.size();
  p.base_ = near.base_;
  p.prefix_ = prefix;
  p.suffix_ = suffix;
  p.middle_ = text.substr(prefix, middle);
  p.difference_ = true;
  return p;
}

std::string PackedText::text() const {
  if (!base_) return {};
  if (!difference_) return *base_;
  std::string out;
  out.reserve(size_);
  out.append(*base_, 0, prefix_).append(middle_).append(*base_, base_->size() - suffix_, suffix_);
  return out;
}

bool operator==(const PackedText& a, const PackedText& b) {
  if (a.size_ != b.size_) return false;
  if (!a.difference_ && !b.difference_) return a.base_ == b.base_ || *a.base_ == *b.base_;
  if (a.base_ == b.base_ && a.prefix_ == b.prefix_ && a.suffix_ == b.suffix_) {
    return a.middle_ == b.middle_;
  }
  return a.text() == b.text();
}

}  // namespace ecs

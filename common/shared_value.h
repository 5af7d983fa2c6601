// SharedValue<T>: an immutable T that copies share, compared by value. Revisions of one
// task-definition family mostly repeat parts of the one before (its requiresAttributes: ~14
// names, ~1.3 KB as heap strings; the containers whose image did not change); ShareIfEqual lets
// a new revision point at the same copy.
// Thread-safe (immutable).
#pragma once

#include <memory>
#include <utility>

namespace ecs {

template <typename T>
class SharedValue {
 public:
  SharedValue() = default;  // T{}, without allocating
  SharedValue(T value)      // NOLINT(google-explicit-constructor): stands for the T it holds
      : value_(std::make_shared<const T>(std::move(value))) {}

  const T& get() const { return value_ ? *value_ : Empty(); }
  const T& operator*() const { return get(); }
  operator const T&() const { return get(); }  // NOLINT(google-explicit-constructor): as above
  const T* operator->() const { return &get(); }

  // From now on holds `other`'s copy, when the two are equal.
  void ShareIfEqual(const SharedValue& other) {
    if (value_ != other.value_ && get() == other.get()) value_ = other.value_;
  }
  bool shares(const SharedValue& other) const { return value_ == other.value_; }

  friend bool operator==(const SharedValue& a, const SharedValue& b) {
    return a.value_ == b.value_ || a.get() == b.get();
  }

 private:
  static const T& Empty() {
    static const T kEmpty{};
    return kEmpty;
  }
  std::shared_ptr<const T> value_;  // null: T{}
};

}  // namespace ecs

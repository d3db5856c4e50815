// The bytes of request bodies held in memory at once, across every connection: a counting
// semaphore that refuses (rather than waits) when a body would not fit, so a burst of large API
// requests is answered 503 instead of exhausting memory. Thread-safe (one atomic counter).
#pragma once

#include <atomic>
#include <cstdint>
#include <optional>
#include <utility>

namespace flyte::server {

class BodyBudget {
 public:
  explicit BodyBudget(int64_t capacity) : capacity_(capacity) {}

  // Bytes taken from the budget; given back when destroyed.
  class Lease {
   public:
    Lease(BodyBudget& budget, int64_t bytes) : budget_(&budget), bytes_(bytes) {}
    Lease(Lease&& other) noexcept : budget_(std::exchange(other.budget_, nullptr)), bytes_(other.bytes_) {}
    Lease& operator=(Lease&&) = delete;
    ~Lease() {
      if (budget_ != nullptr) budget_->used_ -= bytes_;
    }

   private:
    BodyBudget* budget_;
    int64_t bytes_;
  };

  // nullopt when `bytes` more would exceed the capacity.
  std::optional<Lease> TryTake(int64_t bytes) {
    int64_t used = used_.load();
    do {
      if (used + bytes > capacity_) return std::nullopt;
    } while (!used_.compare_exchange_weak(used, used + bytes));
    return std::optional<Lease>(std::in_place, *this, bytes);
  }

 private:
  const int64_t capacity_;
  std::atomic<int64_t> used_{0};
};

}  // namespace flyte::server

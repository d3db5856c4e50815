// A Clock the test moves by hand.
#pragma once

#include "common/clock.h"

namespace flyte::testing {

class FakeClock final : public Clock {
 public:
  explicit FakeClock(int64_t unix_millis = 1'700'000'000'000) : now_(std::chrono::milliseconds(unix_millis)) {}
  std::chrono::system_clock::time_point Now() const override { return now_; }
  void Advance(std::chrono::milliseconds by) { now_ += by; }

 private:
  std::chrono::system_clock::time_point now_;
};

}  // namespace flyte::testing

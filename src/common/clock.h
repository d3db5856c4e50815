// The clock seam: everything that stamps or compares times asks a Clock, so tests use a fake.
#pragma once

#include <chrono>
#include <cstdint>

namespace flyte {

class Clock {
 public:
  virtual ~Clock() = default;
  virtual std::chrono::system_clock::time_point Now() const = 0;

  int64_t NowMillis() const {
    return std::chrono::duration_cast<std::chrono::milliseconds>(Now().time_since_epoch()).count();
  }
};

// The process-wide wall clock.
Clock& SystemClock();

}  // namespace flyte

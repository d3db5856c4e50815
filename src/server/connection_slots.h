// The listener's connections, from accept until they close (gRPC ones too): how many there are
// and which have not yet sent enough to be routed, oldest first. A full listener closes the
// silent one held longest rather than turning a real client away (idle sockets are cheap to
// open and would otherwise crowd the port). Thread-safe: the io_context's threads share it.
#pragma once

#include <absl/base/thread_annotations.h>
#include <absl/synchronization/mutex.h>

#include <cstdint>
#include <functional>
#include <map>

namespace flyte::server {

class ConnectionSlots {
 public:
  // At least `capacity` connections are counted.
  bool Full(int capacity) const;
  // Counts a new, still silent connection; `hang_up` closes it (called at most once, from any
  // thread). Returns the id that Spoke and Release take.
  uint64_t Open(std::function<void()> hang_up);
  // The connection has been routed: no longer closed to make room.
  void Spoke(uint64_t id);
  // The connection is gone. Also fine after it was hung up.
  void Release(uint64_t id);
  // Hangs up the silent connection opened first and stops counting it; false when none is silent.
  bool HangUpOldestSilent();

 private:
  struct Entry {
    std::function<void()> hang_up;  // empty once the connection has spoken
  };

  mutable absl::Mutex mu_;
  uint64_t next_id_ ABSL_GUARDED_BY(mu_) = 0;
  std::map<uint64_t, Entry> open_ ABSL_GUARDED_BY(mu_);  // ids grow: oldest first
};

}  // namespace flyte::server

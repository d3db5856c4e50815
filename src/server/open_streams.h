// The Connect streams open right now, so that a graceful shutdown can end them (a parent task's
// watch stays open for hours) and /metrics can count them (flyte_connect_open_streams).
// Thread-safe.
#pragma once

#include <absl/base/thread_annotations.h>
#include <absl/synchronization/mutex.h>

#include <cstdint>
#include <functional>
#include <map>

namespace flyte::server {

class OpenStreams {
 public:
  // Registers an open stream; `stop` asks it to end (from the shutting-down thread: it must post
  // to the stream's own executor). Returns its id for Remove; when shutdown has begun, `stop` is
  // called at once.
  uint64_t Add(std::function<void()> stop);
  void Remove(uint64_t id);
  // Asks every open stream, and any opened from now on, to end.
  void StopAll();
  size_t count() const;

 private:
  mutable absl::Mutex mu_;
  std::map<uint64_t, std::function<void()>> stops_ ABSL_GUARDED_BY(mu_);
  uint64_t next_id_ ABSL_GUARDED_BY(mu_) = 0;
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
};

}  // namespace flyte::server

#include "server/connection_slots.h"

namespace flyte::server {

bool ConnectionSlots::Full(int capacity) const {
  absl::MutexLock lock(&mu_);
  return static_cast<int64_t>(open_.size()) >= capacity;
}

uint64_t ConnectionSlots::Open(std::function<void()> hang_up) {
  absl::MutexLock lock(&mu_);
  const uint64_t id = next_id_++;
  open_.emplace(id, Entry{std::move(hang_up)});
  return id;
}

void ConnectionSlots::Spoke(uint64_t id) {
  absl::MutexLock lock(&mu_);
  if (auto it = open_.find(id); it != open_.end()) it->second.hang_up = nullptr;
}

void ConnectionSlots::Release(uint64_t id) {
  absl::MutexLock lock(&mu_);
  open_.erase(id);
}

bool ConnectionSlots::HangUpOldestSilent() {
  std::function<void()> hang_up;
  {
    absl::MutexLock lock(&mu_);
    for (auto it = open_.begin(); it != open_.end(); ++it) {
      if (!it->second.hang_up) continue;
      hang_up = std::move(it->second.hang_up);
      open_.erase(it);
      break;
    }
  }
  if (!hang_up) return false;
  hang_up();  // outside the lock: it may post to the connection's strand
  return true;
}

}  // namespace flyte::server

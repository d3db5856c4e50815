#include "plugins/http_client.h"

#include <sys/socket.h>
#include <sys/time.h>

#include "plugins/http_exchange.h"

namespace flyte::plugins {

void Cancellation::Cancel() {
  absl::MutexLock lock(&mu_);
  cancelled_ = true;
  if (fd_ >= 0) ::shutdown(fd_, SHUT_RDWR);
}

bool Cancellation::cancelled() const {
  absl::MutexLock lock(&mu_);
  return cancelled_;
}

bool Cancellation::Enter(int fd) {
  absl::MutexLock lock(&mu_);
  if (cancelled_) return false;
  fd_ = fd;
  return true;
}

void Cancellation::Leave() {
  absl::MutexLock lock(&mu_);
  fd_ = -1;  // before the socket closes: Cancel never shuts a reused descriptor down
}

void SetSocketTimeouts(int fd, std::chrono::milliseconds timeout) {
  if (timeout.count() <= 0) return;
  timeval value{};
  value.tv_sec = static_cast<time_t>(timeout.count() / 1000);
  value.tv_usec = static_cast<suseconds_t>((timeout.count() % 1000) * 1000);
  ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &value, sizeof value);
  ::setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &value, sizeof value);
}

}  // namespace flyte::plugins

#include "server/open_streams.h"

#include <vector>

#include "common/metrics.h"

namespace flyte::server {
namespace {

metrics::Gauge& OpenStreamsGauge() {
  static metrics::Gauge& gauge =
      metrics::Default()
          .AddGauge("flyte_connect_open_streams",
                    "Connect server streams (Flyte 2 watches) open right now, across clients.")
          .With({});
  return gauge;
}

}  // namespace

uint64_t OpenStreams::Add(std::function<void()> stop) {
  bool stop_now = false;
  uint64_t id = 0;
  {
    absl::MutexLock lock(&mu_);
    id = next_id_++;
    stops_.emplace(id, stop);
    stop_now = stopping_;
  }
  OpenStreamsGauge().Add(1);
  if (stop_now) stop();
  return id;
}

void OpenStreams::Remove(uint64_t id) {
  absl::MutexLock lock(&mu_);
  if (stops_.erase(id) > 0) OpenStreamsGauge().Add(-1);
}

void OpenStreams::StopAll() {
  std::vector<std::function<void()>> stops;
  {
    absl::MutexLock lock(&mu_);
    stopping_ = true;
    for (const auto& entry : stops_) stops.push_back(entry.second);
  }
  for (const auto& stop : stops) stop();
}

size_t OpenStreams::count() const {
  absl::MutexLock lock(&mu_);
  return stops_.size();
}

}  // namespace flyte::server

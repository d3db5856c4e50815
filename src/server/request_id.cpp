#include "server/request_id.h"

#include <atomic>
#include <cstdint>

#include "common/digest.h"

namespace flyte::server {
namespace {

constexpr size_t kMaxClientIdBytes = 128;

// A client's id goes into log lines and a header as it is: only characters that need no quoting.
bool IsSane(std::string_view id) {
  if (id.empty() || id.size() > kMaxClientIdBytes) return false;
  for (char c : id) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
                    c == '_' || c == '.' || c == ':';
    if (!ok) return false;
  }
  return true;
}

}  // namespace

std::string RequestIdFor(std::string_view from_client) {
  if (IsSane(from_client)) return std::string(from_client);
  // Random per process (ids of two runs do not collide), then a counter: no entropy per call.
  static const std::string prefix = HexEncode(RandomBytes(6)) + "-";
  static std::atomic<uint64_t> next{1};
  return prefix + std::to_string(next.fetch_add(1, std::memory_order_relaxed));
}

}  // namespace flyte::server

#include "plugins/container/log_stream.h"

#include <algorithm>

namespace flyte::plugins {
namespace {

constexpr size_t kHeaderSize = 8;

}  // namespace

void MultiplexedStreamDecoder::Feed(std::string_view bytes) {
  while (!bytes.empty()) {
    if (remaining_ > 0) {
      const size_t take = std::min<size_t>(remaining_, bytes.size());
      output_(stream_, bytes.substr(0, take));
      remaining_ -= static_cast<uint32_t>(take);
      bytes.remove_prefix(take);
      continue;
    }
    const size_t take = std::min(kHeaderSize - header_.size(), bytes.size());
    header_.append(bytes.substr(0, take));
    bytes.remove_prefix(take);
    if (header_.size() < kHeaderSize) return;
    const auto byte = [this](size_t i) { return static_cast<uint32_t>(static_cast<unsigned char>(header_[i])); };
    stream_ = static_cast<int>(byte(0));
    remaining_ = byte(4) << 24 | byte(5) << 16 | byte(6) << 8 | byte(7);
    header_.clear();
  }
}

}  // namespace flyte::plugins

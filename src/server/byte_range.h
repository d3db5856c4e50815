// The one Range a file reply honours (RFC 9110 §14): "bytes=first-last", "bytes=first-" or
// "bytes=-suffix". Several ranges, or a header that does not parse, are ignored (the whole file),
// as the RFC allows.
#pragma once

#include <cstdint>
#include <string_view>

namespace flyte::server {

struct ByteRange {
  enum class Kind { kWhole, kPart, kUnsatisfiable };
  Kind kind = Kind::kWhole;
  int64_t first = 0;
  int64_t length = 0;
};

// `header` is the Range header's value (empty when absent); `size` the file's.
ByteRange ParseByteRange(std::string_view header, int64_t size);

}  // namespace flyte::server

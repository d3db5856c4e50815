// What a listing or a HEAD says of an object: its key, size, modification time and the tag its
// writer gave it (the S3 endpoint's ETag, kept as an extended attribute beside the bytes).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "store/open_beneath.h"

namespace flyte::store {

struct ObjectInfo {
  std::string key;
  int64_t size = 0;
  int64_t modified_ns = 0;  // since the epoch
  std::string tag;          // empty when the writer gave none, or the bytes changed since
};

// The extended attribute a tag is kept in: "<modification time in ns> <tag>", so a tag outlived
// by a write in place (the time moves) is not believed.
inline constexpr char kTagAttribute[] = "user.flyte.tag";

// Describes the file `fd` (open, or O_PATH) named `key`.
ObjectInfo DescribeFile(int fd, std::string key);

}  // namespace flyte::store

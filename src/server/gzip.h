// gzip bodies as Connect clients send them (the Flyte 2 SDK compresses every request).
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "common/status.h"

namespace flyte::server {

// Inflates `gzipped`: RESOURCE_EXHAUSTED past `max_bytes` inflated, INVALID_ARGUMENT when it is
// not gzip.
StatusOr<std::string> Gunzip(std::string_view gzipped, size_t max_bytes);

// Whether `bytes` start with gzip's magic bytes.
bool LooksGzipped(std::string_view bytes);

}  // namespace flyte::server

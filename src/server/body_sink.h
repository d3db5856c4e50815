// Where a request body streamed off the network goes, piece by piece: a /data/ upload, an S3
// object or part. Called on the handlers' thread pool (blocking disk I/O), one call at a time.
#pragma once

#include <string_view>

#include "common/status.h"

namespace flyte::server {

class BodySink {
 public:
  virtual ~BodySink() = default;
  virtual Status Append(std::string_view bytes) = 0;
};

}  // namespace flyte::server

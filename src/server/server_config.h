// What the transports read from the sandbox's configuration; app/ fills it from the YAML file.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>

namespace flyte::server {

struct ServerConfig {
  std::string bind_address = "127.0.0.1";
  int port = 30080;  // 0: any free port
  // Host and port clients use to reach us (signed URLs, client config); empty = localhost:<port>.
  std::string public_address;
  // Largest upload through a signed URL (streamed to disk, never held in memory).
  int64_t max_request_bytes = int64_t{512} << 20;
  // Largest body of any other request (the /api/v1 JSON gateway), held in memory while served.
  int64_t max_api_request_bytes = int64_t{64} << 20;
  // All such bodies in memory at once, across connections; beyond it requests get 503.
  int64_t max_buffered_request_bytes = int64_t{256} << 20;
  std::chrono::seconds shutdown_grace{10};

  // Host:port clients should dial, e.g. "localhost:30080".
  std::string ClientAddress() const;
};

}  // namespace flyte::server

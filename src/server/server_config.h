// What the transports read from the sandbox's configuration; app/ fills it from the YAML file.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>

namespace flyte::server {

struct ServerConfig {
  std::string bind_address = "127.0.0.1";
  int port = 30080;  // 0: any free port
  // Host and port clients use to reach us (signed URLs, token issuer, client config); empty =
  // <bind_address>:<port> when bound to one address beyond loopback, else localhost:<port>.
  std::string public_address;
  int64_t max_request_bytes = int64_t{512} << 20;
  std::chrono::seconds shutdown_grace{10};

  // Host:port clients should dial, e.g. "localhost:30080".
  std::string ClientAddress() const;
};

}  // namespace flyte::server

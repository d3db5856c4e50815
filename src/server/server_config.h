// What the transports read from the sandbox's configuration; app/ fills it from the YAML file.
#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace flyte::server {

// Bounds on what the gRPC half may take. gRPC 1.51 has no rapid-reset mitigation and no bound
// on replies held for clients that never read, so the listener's HTTP/2 front enforces the
// per-connection ones (src/server/README.md has the figures).
struct GrpcLimits {
  // Per connection, advertised in SETTINGS by gRPC; a client that opens more is disconnected.
  int max_concurrent_streams = 100;
  // Streams a client may reset within stream_reset_window before it is disconnected
  // (GOAWAY ENHANCE_YOUR_CALM): each reset call still runs in gRPC.
  int max_stream_resets = 200;
  std::chrono::seconds stream_reset_window{10};
  // A client that takes none of its pending replies for this long (TCP not read, or no HTTP/2
  // flow-control window granted) is disconnected, so gRPC drops what it holds for it.
  std::chrono::seconds send_timeout{30};
  // Whole requests handed to gRPC and not yet answered, across every connection (the front's
  // CallBudget): past it the front reads no more calls from any client until some are answered,
  // which bounds gRPC's queue, threads and memory however many clients flood it.
  int max_calls_in_flight = 256;
  // flytekit accepts replies up to 20 MiB and FlyteAdmin refuses larger requests than that.
  int64_t max_message_bytes = int64_t{20} << 20;
  int64_t memory_bytes = int64_t{512} << 20;  // gRPC's resource quota
  int max_threads = 512;                      // handler and poller threads, at most
  // A connection without a call for this long is sent GOAWAY (clients reconnect when they need to).
  std::chrono::seconds max_connection_idle{300};
};

// The S3-compatible endpoint over the object store (src/server/s3/README.md): its own port on the
// same address, path-style, every request signed (SigV4) with these keys. The defaults are
// MinIO's in `flytectl demo start`, which flytekit's sandbox configuration already uses.
struct S3Config {
  bool enabled = true;
  int port = 30002;  // 0: any free port
  std::string access_key_id = "minio";
  std::string secret_access_key = "miniostorage";
};

struct ServerConfig {
  std::string bind_address = "127.0.0.1";
  int port = 30080;  // 0: any free port
  // Host and port clients use to reach us (signed URLs, token issuer, client config); empty =
  // <bind_address>:<port> when bound to one address beyond loopback, else localhost:<port>.
  std::string public_address;
  // Largest upload through a signed URL (streamed to disk, never held in memory).
  int64_t max_request_bytes = int64_t{512} << 20;
  // Largest body of any other request (the /api/v1 JSON gateway), held in memory while served.
  int64_t max_api_request_bytes = int64_t{64} << 20;
  // All such bodies in memory at once, across connections; beyond it requests get 503.
  int64_t max_buffered_request_bytes = int64_t{256} << 20;
  std::chrono::seconds shutdown_grace{10};
  // Connections the listener holds at once (lowered to fit the open-file limit); when full, the
  // one silent the longest is closed for a new one.
  int max_connections = 1000;
  // How long a new connection may take to send the bytes that tell HTTP from HTTP/2 (the whole
  // 24-byte preface for HTTP/2); then it is closed.
  std::chrono::seconds idle_timeout{10};
  // How long an HTTP request's header may take to arrive once its first byte has: a client that
  // sends a byte and stalls, or trickles (slowloris), is closed then, not at the keep-alive
  // timeout (120 s) of a connection waiting for its next request.
  std::chrono::seconds header_timeout{10};
  GrpcLimits grpc;
  S3Config s3;
  // Host names (IPv6 in brackets) HTTP requests may carry in their Host header besides localhost,
  // 127.0.0.1, [::1], the bind address and the host of ClientAddress(); any port.
  std::vector<std::string> allowed_hosts;
  // Serve the web console's files from this folder (console development, `node web/build.mjs
  // --watch --out DIR`) instead of those compiled into the binary; empty = compiled in.
  std::filesystem::path console_dir;

  // Host:port clients should dial, e.g. "localhost:30080".
  std::string ClientAddress() const;
  // Whether the bind address (or name) is loopback: 127.0.0.0/8, ::1, localhost. Anything else may
  // be reachable from the network.
  bool BindsLoopback() const;
};

}  // namespace flyte::server

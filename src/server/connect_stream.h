// Writes one Connect server stream on an HTTP/1.1 connection: HTTP 200 with a chunked body, each
// batch of messages flushed as the stream produces it, then the end-of-stream envelope (the
// call's error, if any, goes there). The stream stays open as long as its call does (hours, for
// a parent task's watch); it ends early when the client goes (the socket is watched for its
// close), when connect-timeout-ms passes (deadline_exceeded), or at a graceful shutdown
// (unavailable, which clients retry).
#pragma once

// Boost 1.74's awaitable.hpp uses std::exchange without including <utility>.
#include <utility>

#include <boost/asio/awaitable.hpp>
#include <boost/asio/thread_pool.hpp>
#include <string>

#include "server/connect.h"
#include "server/http_body.h"
#include "server/http_exchange.h"
#include "server/open_streams.h"

namespace flyte::server {

struct ConnectStreamDeps {
  const ConnectRouter& router;
  OpenStreams& open_streams;
  boost::asio::thread_pool& blocking;  // the stream's store reads run here
  size_t max_body_bytes;
};

// Serves `request` (IsConnectStream; `timeout_ms`: its connect-timeout-ms header, may be empty).
// Returns whether the connection may carry another request.
boost::asio::awaitable<bool> ServeConnectStream(HttpStream& stream, const ConnectRequest& request,
                                                const std::string& timeout_ms, const ConnectStreamDeps& deps,
                                                HttpExchange& exchange, bool keep_alive);

}  // namespace flyte::server

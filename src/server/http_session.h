// One HTTP/1.1 connection: reads requests (keep-alive), dispatches each by path prefix
// (/healthz, /api/v1/ gateway, /data/ object store) once the request guard lets it through,
// writes the replies. A coroutine on the
// io_context; blocking work is sent to the handlers' thread pool.
#pragma once

// Boost 1.74's awaitable.hpp uses std::exchange without including <utility>.
#include <utility>

#include <atomic>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/thread_pool.hpp>
#include <cstdint>
#include <memory>

#include "auth/auth.h"
#include "server/data_endpoint.h"
#include "server/gateway.h"
#include "server/request_guard.h"

namespace flyte::server {

// What a session serves with; the listener hands a copy to every session.
struct HttpHandlers {
  const RequestGuard& guard;  // checks every request before it is dispatched
  Gateway& gateway;
  DataEndpoint& data;
  LogEndpoint& logs;
  const auth::Authenticator& auth;
  boost::asio::thread_pool& blocking;  // disk I/O runs here, never on the network threads
  int64_t max_body_bytes;
};

boost::asio::awaitable<void> ServeHttp(boost::asio::ip::tcp::socket socket, HttpHandlers handlers,
                                       std::shared_ptr<std::atomic<int>> in_flight);

}  // namespace flyte::server

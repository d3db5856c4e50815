// One HTTP/1.1 connection: reads requests (keep-alive), dispatches each by path prefix
// (/healthz, /api/v1/ gateway, /data/ object store), writes the replies. A coroutine on the
// io_context; blocking work is sent to the handlers' thread pool.
#pragma once

// Boost 1.74's awaitable.hpp uses std::exchange without including <utility>.
#include <utility>

#include <atomic>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <memory>

#include "server/listener.h"

namespace flyte::server {

boost::asio::awaitable<void> ServeHttp(boost::asio::ip::tcp::socket socket, HttpHandlers handlers,
                                       std::shared_ptr<std::atomic<int>> in_flight);

}  // namespace flyte::server

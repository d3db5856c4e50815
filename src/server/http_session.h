// One HTTP/1.1 connection: reads requests (keep-alive), dispatches each by path prefix
// (/healthz, /api/v1/ gateway, /flyteidl2.* Connect, /data/ object store, /logs/, /console) once the request guard and
// auth let it through, writes the replies. A coroutine on the io_context; blocking work is sent to the handlers' thread
// pool. Object and log bodies are streamed (http_body.h); other bodies are read whole within the BodyBudget.
#pragma once

// Boost 1.74's awaitable.hpp uses std::exchange without including <utility>.
#include <utility>

#include <atomic>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/thread_pool.hpp>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "admin/admin.h"
#include "auth/auth.h"
#include "server/body_budget.h"
#include "server/connect.h"
#include "server/console_assets.h"
#include "server/data_endpoint.h"
#include "server/gateway.h"
#include "server/http_body.h"
#include "server/open_streams.h"
#include "server/request_guard.h"

namespace flyte::server {

// What a session serves with; the listener hands a copy to every session.
struct HttpHandlers {
  const RequestGuard& guard;  // checks every request before it is dispatched
  Gateway& gateway;
  const ConnectRouter& connect;  // Flyte 2's services
  OpenStreams& open_streams;     // their server streams, ended at shutdown
  DataEndpoint& data;
  LogEndpoint& logs;
  const ConsoleAssets& console;  // /console and the redirect of /
  const auth::Authenticator& auth;
  admin::Admin& admin;                 // the sandbox's own routes (schedules)
  boost::asio::thread_pool& blocking;  // disk I/O runs here, never on the network threads
  BodyBudget& buffered;                // request bodies held in memory, across connections
  int64_t max_upload_bytes;            // a /data/ PUT, streamed to disk
  int64_t max_api_body_bytes;          // any other request body, held in memory
};

// Serves one request whose header has been read (its body, if any, not yet): reads the body,
// writes the reply. Returns whether the connection may carry another request.
using HttpRequestServer =
    std::function<boost::asio::awaitable<bool>(HttpStream&, boost::beast::flat_buffer&, HeaderParser&, HttpExchange&)>;

// What an HTTP/1.1 port serves: the main port's routes, or the S3 endpoint's.
struct HttpService {
  HttpRequestServer serve;
  std::chrono::seconds header_timeout;  // a request's header, from its first byte to its end
  std::string metrics_route;            // every request's route label; empty: the main port's, by path
};

// The main port's routes: the request guard and auth, then /healthz, /metrics, the gateway,
// /data/, /logs/, the console.
HttpRequestServer MainRoutes(HttpHandlers handlers);

// Reads requests off one connection (keep-alive, the header within header_timeout, a malformed
// one answered 400) and hands each to the service; logs and counts each.
boost::asio::awaitable<void> ServeHttp(boost::asio::ip::tcp::socket socket, const HttpService& service,
                                       std::shared_ptr<std::atomic<int>> in_flight);

}  // namespace flyte::server

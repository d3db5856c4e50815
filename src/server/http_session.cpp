#include "server/http_session.h"

#include <boost/asio/async_result.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <functional>

#include "server/status_mapping.h"
#include "server/auth_http.h"

namespace flyte::server {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;

using Request = http::request<http::string_body>;

// Bytes read but not yet parsed: a request's header, a chunk header, a trailer.
constexpr size_t kMaxUnparsedBytes = 32 * 1024;

// Starts work that reports an HttpReply exactly once, from any thread.
using ReplyStarter = std::function<void(std::function<void(HttpReply)>)>;

// Awaits the reply of `start`, resuming on this coroutine's executor. Lambdas are named locals
// rather than temporaries inside the co_await expression: GCC 12 destroys such temporaries twice.
asio::awaitable<HttpReply> AwaitReply(ReplyStarter start) {
  auto initiation = [&start](auto handler) {
    auto shared = std::make_shared<decltype(handler)>(std::move(handler));
    start([shared](HttpReply reply) {
      auto executor = asio::get_associated_executor(*shared);
      asio::post(executor, [shared, reply = std::move(reply)]() mutable { (*shared)(std::move(reply)); });
    });
  };
  HttpReply reply =
      co_await asio::async_initiate<decltype(asio::use_awaitable), void(HttpReply)>(initiation, asio::use_awaitable);
  co_return reply;
}

std::string Header(const Request& request, http::field field) {
  auto it = request.find(field);
  return it == request.end() ? std::string() : std::string(it->value());
}

// The bearer FlyteAdmin's clients send: `flyte-authorization` first, else `authorization`.
std::string Authorization(const Request& request) {
  auto it = request.find(std::string(auth::kFlyteAuthorizationKey));
  return it != request.end() ? std::string(it->value()) : Header(request, http::field::authorization);
}

asio::awaitable<HttpReply> Dispatch(Request& request, const HttpHandlers& handlers) {
  const std::string target(request.target());
  const std::string verb(request.method_string());
  const std::string host = Header(request, http::field::host);
  const std::string origin = Header(request, http::field::origin);
  const std::string content_type = Header(request, http::field::content_type);
  if (auto refused = handlers.guard.Check({verb, target, host, origin, content_type, !request.body().empty()})) {
    co_return *refused;
  }
  const std::string authorization = Authorization(request);
  if (auto rejected = RejectUnauthenticated(handlers.auth, target, authorization)) co_return *rejected;
  if (target == "/healthz" || target.rfind("/healthz?", 0) == 0) {
    co_return HttpReply{200, "text/plain", "ok\n"};
  }
  if (IsTokenPath(target)) co_return HandleTokenRequest(handlers.auth, verb, authorization, request.body());
  if (target.rfind("/api/v1/", 0) == 0 || IsAuthMetadataPath(target)) {
    auto call = std::make_shared<GatewayRequest>(
        GatewayRequest{verb, target, content_type, Header(request, http::field::accept), std::move(request.body()),
                       authorization});
    Gateway& gateway = handlers.gateway;
    ReplyStarter start = [&gateway, call](std::function<void(HttpReply)> done) {
      gateway.Handle(std::move(*call), std::move(done));
    };
    HttpReply reply = co_await AwaitReply(start);
    co_return reply;
  }
  if (target.rfind("/data/", 0) == 0) {
    auto data = std::make_shared<DataRequest>(
        DataRequest{verb, target, Header(request, http::field::content_md5), std::move(request.body())});
    const DataEndpoint& endpoint = handlers.data;
    asio::thread_pool& pool = handlers.blocking;
    ReplyStarter start = [&endpoint, &pool, data](std::function<void(HttpReply)> done) {
      asio::post(pool, [&endpoint, data, done = std::move(done)] { done(endpoint.Handle(*data)); });
    };
    HttpReply reply = co_await AwaitReply(start);
    co_return reply;
  }
  if (target.rfind("/logs/", 0) == 0) {
    const LogEndpoint& endpoint = handlers.logs;
    asio::thread_pool& pool = handlers.blocking;
    ReplyStarter start = [&endpoint, &pool, target](std::function<void(HttpReply)> done) {
      asio::post(pool, [&endpoint, target, done = std::move(done)] { done(endpoint.Handle(target)); });
    };
    HttpReply reply = co_await AwaitReply(start);
    co_return reply;
  }
  co_return Gateway::ErrorReply(5, "nothing is served at " + Echo(target));
}

http::response<http::string_body> ToResponse(HttpReply reply, unsigned version, bool keep_alive) {
  http::response<http::string_body> response{static_cast<http::status>(reply.status), version};
  response.set(http::field::server, "flyte-sandbox");
  response.set(http::field::content_type, reply.content_type);
  for (const auto& [name, value] : reply.headers) response.set(name, value);
  response.keep_alive(keep_alive);
  response.body() = std::move(reply.body);
  response.prepare_payload();
  return response;
}

// Whether a failed read still has a client to answer (not gone, not timed out).
bool ClientStillThere(const boost::system::error_code& ec) {
  return ec != http::error::end_of_stream && ec != http::error::partial_message && ec != beast::error::timeout &&
         ec != asio::error::eof && ec != asio::error::connection_reset && ec != asio::error::operation_aborted;
}

// Answers a request that cannot be parsed with 400 and ends the connection. The unread rest is
// drained for a moment before closing, since closing over unread bytes sends a reset that can
// destroy the reply before the client reads it.
asio::awaitable<void> RefuseMalformed(beast::tcp_stream& stream, const boost::system::error_code& why) {
  if (!ClientStillThere(why)) co_return;
  auto response = ToResponse(Gateway::ErrorReply(3, "malformed HTTP request: " + why.message()), 11, false);
  boost::system::error_code ec;
  stream.expires_after(std::chrono::seconds(5));
  co_await http::async_write(stream, response, asio::redirect_error(asio::use_awaitable, ec));
  if (ec) co_return;
  stream.socket().shutdown(asio::ip::tcp::socket::shutdown_send, ec);
  char discard[16384];
  for (size_t drained = 0; !ec && drained < (size_t{1} << 20);) {
    drained += co_await stream.async_read_some(asio::buffer(discard), asio::redirect_error(asio::use_awaitable, ec));
  }
}

}  // namespace

asio::awaitable<void> ServeHttp(asio::ip::tcp::socket socket, HttpHandlers handlers,
                                std::shared_ptr<std::atomic<int>> in_flight) {
  beast::tcp_stream stream(std::move(socket));
  // Bounded: Beast 1.74 limits a request's header but not a chunked body's trailer, whose fields
  // it throws on past 64 KiB; a bounded buffer ends such a request with an error first.
  beast::flat_buffer buffer(kMaxUnparsedBytes);
  while (true) {
    stream.expires_after(std::chrono::seconds(120));
    http::request_parser<http::string_body> parser;
    parser.body_limit(static_cast<uint64_t>(handlers.max_body_bytes));
    boost::system::error_code ec;
    co_await http::async_read(stream, buffer, parser, asio::redirect_error(asio::use_awaitable, ec));
    if (ec == http::error::body_limit) {
      http::response<http::string_body> too_large{http::status::payload_too_large, 11};
      too_large.set(http::field::content_type, "application/json");
      too_large.body() = R"({"code":8,"message":"request body is larger than server.max_request_mb","details":[]})";
      too_large.prepare_payload();
      too_large.keep_alive(false);
      co_await http::async_write(stream, too_large, asio::redirect_error(asio::use_awaitable, ec));
      break;
    }
    if (ec) {
      co_await RefuseMalformed(stream, ec);
      break;
    }
    Request request = parser.release();
    ++*in_flight;
    HttpReply reply = co_await Dispatch(request, handlers);
    auto response = ToResponse(std::move(reply), request.version(), request.keep_alive());
    stream.expires_after(std::chrono::seconds(120));
    co_await http::async_write(stream, response, asio::redirect_error(asio::use_awaitable, ec));
    --*in_flight;
    if (ec || !response.keep_alive()) break;
  }
  boost::system::error_code ignored;
  stream.socket().shutdown(asio::ip::tcp::socket::shutdown_send, ignored);
}

}  // namespace flyte::server

#include "server/http_session.h"

#include <boost/asio/async_result.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <ctime>
#include <functional>
#include <limits>

#include "common/log.h"
#include "common/metrics.h"
#include "server/auth_http.h"
#include "server/connect_stream.h"
#include "server/http_body.h"
#include "server/http_metrics.h"
#include "server/offload.h"
#include "server/schedules_endpoint.h"
#include "server/status_mapping.h"

namespace flyte::server {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;

using Request = http::request<http::string_body>;

// Bytes read but not yet parsed: a request's header, a chunk header, a trailer.
constexpr size_t kMaxUnparsedBytes = 32 * 1024;
// How long a kept-alive connection may wait for its next request, and a reply for its reader.
constexpr auto kKeepAliveTimeout = std::chrono::seconds(120);

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

// `name`: an http::field or a header's name.
template <class Message, class Name>
std::string Header(const Message& message, Name name) {
  auto it = message.find(name);
  return it == message.end() ? std::string() : std::string(it->value());
}

// The bearer FlyteAdmin's clients send: `flyte-authorization` first, else `authorization`.
template <class Message>
std::string Authorization(const Message& message) {
  auto it = message.find(std::string(auth::kFlyteAuthorizationKey));
  return it != message.end() ? std::string(it->value()) : Header(message, http::field::authorization);
}

// RESOURCE_EXHAUSTED with the HTTP status that says which limit: 413 (this body) or 503 (all
// bodies in memory right now).
HttpReply LimitReply(int http_status, const std::string& message) {
  HttpReply reply = Gateway::ErrorReply(8, message);
  reply.status = http_status;
  return reply;
}

HttpReply TooLarge(const std::string& limit_key) { return LimitReply(413, "request body is larger than " + limit_key); }

http::response<http::string_body> ToResponse(HttpReply reply, HttpExchange& exchange, bool keep_alive) {
  http::response<http::string_body> response{static_cast<http::status>(reply.status), exchange.version};
  response.set(http::field::server, "flyte-sandbox");
  response.set(http::field::content_type, reply.content_type);
  if (reply.status == 503) response.set(http::field::retry_after, "1");
  for (const auto& [name, value] : reply.headers) response.set(name, value);
  response.keep_alive(keep_alive);
  response.body() = std::move(reply.body);
  response.prepare_payload();
  exchange.Stamp(response);
  return response;
}

// Writes a reply held in memory; returns whether the connection may carry another request.
asio::awaitable<bool> WriteReply(HttpStream& stream, HttpReply reply, HttpExchange& exchange, bool keep_alive) {
  if (exchange.connect) reply = AsConnectError(std::move(reply));
  auto response = ToResponse(std::move(reply), exchange, keep_alive);
  stream.expires_after(kKeepAliveTimeout);
  boost::system::error_code ec;
  co_await http::async_write(stream, response, asio::redirect_error(asio::use_awaitable, ec));
  co_return !ec && keep_alive;
}

// Whether a failed read still has a client to answer (not gone, not timed out).
bool ClientStillThere(const boost::system::error_code& ec) {
  return ec != http::error::end_of_stream && ec != http::error::partial_message && ec != beast::error::timeout &&
         ec != asio::error::eof && ec != asio::error::connection_reset && ec != asio::error::operation_aborted;
}

// Answers a request that cannot be parsed with 400 and ends the connection. The unread rest is
// drained for a moment before closing, since closing over unread bytes sends a reset that can
// destroy the reply before the client reads it.
asio::awaitable<void> RefuseMalformed(HttpStream& stream, const boost::system::error_code& why) {
  if (!ClientStillThere(why)) co_return;
  HttpExchange exchange{.request_id = RequestIdFor("")};
  log::Debug("http", "malformed request", {{"request_id", exchange.request_id}, {"error", why.message()}});
  auto response = ToResponse(Gateway::ErrorReply(3, "malformed HTTP request: " + why.message()), exchange, false);
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

bool IsUnder(const std::string& target, std::string_view prefix) { return target.rfind(prefix, 0) == 0; }

// Requests answered from memory: health, metrics, the token endpoint, the gateway (and AuthMetadataService's
// HTTP routes), the console. The guard and auth have let the request through.
asio::awaitable<HttpReply> Dispatch(Request& request, const HttpHandlers& handlers, const std::string& request_id) {
  const std::string target(request.target());
  const std::string verb(request.method_string());
  if (target == "/healthz" || target.rfind("/healthz?", 0) == 0) {
    co_return HttpReply{200, "text/plain", "ok\n"};
  }
  if (IsMetricsPath(target)) {
    if (verb != "GET" && verb != "HEAD") co_return Gateway::ErrorReply(12, "use GET on /metrics", 405);
    co_return HttpReply{200, metrics::kContentType, metrics::Default().Text()};
  }
  const std::string authorization = Authorization(request);
  if (IsTokenPath(target)) co_return HandleTokenRequest(handlers.auth, verb, authorization, request.body());
  if (target == kSchedulesPath && verb == "GET") {
    admin::Admin& admin = handlers.admin;
    const std::function<HttpReply()> schedules = [&admin] { return SchedulesReply(admin, std::time(nullptr)); };
    co_return co_await Offload(handlers.blocking, schedules);
  }
  if (IsConnectPath(target)) {
    if (request.method() != http::verb::post) {
      co_return ConnectError(absl::UnimplementedError("Connect calls are POST requests"));
    }
    const auto call = std::make_shared<ConnectRequest>(
        ConnectRequest{target.substr(0, target.find('?')), Header(request, http::field::content_type),
                       Header(request, http::field::content_encoding), std::move(request.body())});
    const ConnectRouter& router = handlers.connect;
    const auto limit = static_cast<size_t>(handlers.max_api_body_bytes);
    const std::function<HttpReply()> handle = [&router, call, limit] { return router.Handle(*call, limit); };
    co_return co_await Offload(handlers.blocking, handle);  // handlers read and write the registry
  }
  if (target.rfind("/api/v1/", 0) == 0 || IsAuthMetadataPath(target)) {
    auto call = std::make_shared<GatewayRequest>(
        GatewayRequest{verb, target, Header(request, http::field::content_type), Header(request, http::field::accept),
                       std::move(request.body()), authorization, request_id});
    Gateway& gateway = handlers.gateway;
    ReplyStarter start = [&gateway, call](std::function<void(HttpReply)> done) {
      gateway.Handle(std::move(*call), std::move(done));
    };
    HttpReply reply = co_await AwaitReply(start);
    co_return reply;
  }
  if (ConsoleAssets::Serves(target)) {
    if (request.method() != http::verb::get) {
      co_return HttpReply{405, "text/plain; charset=utf-8", "the console answers GET only\n", {{"Allow", "GET"}}};
    }
    const std::string accept_encoding = Header(request, http::field::accept_encoding);
    const std::string if_none_match = Header(request, http::field::if_none_match);
    const ConsoleRequest page{target, accept_encoding, if_none_match};
    const ConsoleAssets& console = handlers.console;
    const std::function<HttpReply()> serve = [&console, &page] { return console.Serve(page); };
    HttpReply reply = co_await Offload(handlers.blocking, serve);  // console.dir reads the disk
    co_return reply;
  }
  co_return Gateway::ErrorReply(5, "nothing is served at " + Echo(target));
}

// Requests whose bodies are held in memory (the gateway's JSON): each within
// max_api_body_bytes, all together within the BodyBudget.
asio::awaitable<bool> ServeBuffered(HttpStream& stream, beast::flat_buffer& buffer, HeaderParser& header,
                                    const HttpHandlers& handlers, HttpExchange& exchange) {
  const auto length = header.content_length();
  const int64_t limit = handlers.max_api_body_bytes;
  if (length && *length > static_cast<uint64_t>(limit)) {
    co_return co_await WriteReply(stream, TooLarge("server.max_api_request_mb"), exchange, false);
  }
  // A chunked body's size is known only once read: it may take up to the limit.
  auto lease = handlers.buffered.TryTake(length ? static_cast<int64_t>(*length) : header.chunked() ? limit : 0);
  if (!lease) {
    co_return co_await WriteReply(
        stream,
        LimitReply(503, "the server holds too many request bodies in memory (server.max_buffered_mb); retry later"),
        exchange, false);
  }
  http::request_parser<http::string_body> parser(std::move(header));
  parser.body_limit(static_cast<uint64_t>(limit));
  boost::system::error_code ec;
  co_await http::async_read(stream, buffer, parser, asio::redirect_error(asio::use_awaitable, ec));
  if (ec == http::error::body_limit) {
    co_return co_await WriteReply(stream, TooLarge("server.max_api_request_mb"), exchange, false);
  }
  if (ec) {
    co_await RefuseMalformed(stream, ec);
    co_return false;
  }
  Request request = parser.release();
  const std::string content_type = Header(request, http::field::content_type);
  if (exchange.connect && request.method() == http::verb::post && IsConnectStream(content_type)) {
    lease.reset();
    const std::string target(request.target());
    const ConnectRequest call{target.substr(0, target.find('?')), content_type,
                              Header(request, http::field::content_encoding), std::move(request.body()),
                              Header(request, "connect-content-encoding")};
    const ConnectStreamDeps deps{handlers.connect, handlers.open_streams, handlers.blocking,
                                 static_cast<size_t>(limit)};
    co_return co_await ServeConnectStream(stream, call, Header(request, "connect-timeout-ms"), deps, exchange,
                                          request.keep_alive());
  }
  HttpReply reply = co_await Dispatch(request, handlers, exchange.request_id);
  lease.reset();
  co_return co_await WriteReply(stream, std::move(reply), exchange, request.keep_alive());
}

// PUT /data/<key>: the body goes to the object store as it arrives.
asio::awaitable<bool> ServeUpload(HttpStream& stream, beast::flat_buffer& buffer, HeaderParser& header,
                                  const HttpHandlers& handlers, HttpExchange& exchange) {
  const auto& message = header.get();
  const bool keep_alive = message.keep_alive();
  const auto length = header.content_length();
  if (length && *length > static_cast<uint64_t>(handlers.max_upload_bytes)) {
    co_return co_await WriteReply(stream, TooLarge("server.max_request_mb"), exchange, false);
  }
  const DataRequest request{std::string(message.method_string()), std::string(message.target()),
                            Header(message, http::field::content_md5)};
  const DataEndpoint& endpoint = handlers.data;
  const std::function<StatusOr<std::unique_ptr<DataUpload>>()> begin = [&endpoint, &request] {
    return endpoint.BeginPut(request);
  };
  StatusOr<std::unique_ptr<DataUpload>> upload = co_await Offload(handlers.blocking, begin);
  const bool expects_continue = beast::iequals(Header(message, http::field::expect), "100-continue");
  if (!upload.ok()) {
    // A client waiting for "100 Continue" has not sent the body: answer and close. Otherwise the
    // body is read and dropped, so the reply is not lost to a reset of unread data.
    if (expects_continue) co_return co_await WriteReply(stream, StatusReply(upload.status()), exchange, false);
    BodyOutcome drained = co_await DiscardBody(stream, buffer, header, handlers.max_upload_bytes);
    if (!drained.connection_ok) co_return false;
    co_return co_await WriteReply(stream, StatusReply(upload.status()), exchange, keep_alive);
  }
  if (expects_continue) {
    http::response<http::empty_body> proceed{http::status::continue_, exchange.version};
    boost::system::error_code ec;
    co_await http::async_write(stream, proceed, asio::redirect_error(asio::use_awaitable, ec));
    if (ec) co_return false;
  }
  BodyOutcome outcome =
      co_await ReadBodyInto(stream, buffer, header, handlers.max_upload_bytes, **upload, handlers.blocking);
  if (!outcome.connection_ok) {
    if (absl::IsResourceExhausted(outcome.status)) {
      co_await WriteReply(stream, TooLarge("server.max_request_mb"), exchange, false);
    }
    co_return false;
  }
  std::unique_ptr<DataUpload>& taken = *upload;
  const std::function<Status()> finish = [&taken, &outcome] {
    Status status = outcome.status.ok() ? taken->Finish() : outcome.status;
    taken.reset();  // an upload not committed is gone before the reply says so
    return status;
  };
  outcome.status = co_await Offload(handlers.blocking, finish);
  HttpReply reply = outcome.status.ok() ? HttpReply{200, "application/json", "{}"} : StatusReply(outcome.status);
  co_return co_await WriteReply(stream, std::move(reply), exchange, keep_alive);
}

// GET /data/<key> and /logs/...: the file is sent from disk, in part when a Range asks.
asio::awaitable<bool> ServeFile(HttpStream& stream, beast::flat_buffer& buffer, HeaderParser& header,
                                const HttpHandlers& handlers, HttpExchange& exchange) {
  const auto& message = header.get();
  const bool keep_alive = message.keep_alive();
  const std::string target(message.target());
  const std::string range = Header(message, http::field::range);
  const bool is_log = IsUnder(target, "/logs/");
  const DataRequest request{std::string(message.method_string()), target, ""};
  // A GET carries no body; should one come, it is dropped (within the API limit) to stay in step.
  BodyOutcome drained = co_await DiscardBody(stream, buffer, header, handlers.max_api_body_bytes);
  if (!drained.connection_ok) co_return false;
  const DataEndpoint& data = handlers.data;
  const LogEndpoint& logs = handlers.logs;
  const std::function<StatusOr<store::ReadableFile>()> open = [&] {
    return is_log ? logs.Open(target) : data.OpenForGet(request);
  };
  StatusOr<store::ReadableFile> file = co_await Offload(handlers.blocking, open);
  if (!file.ok()) co_return co_await WriteReply(stream, StatusReply(file.status()), exchange, keep_alive);
  // Named, not a temporary inside the co_await: GCC 12 destroyed that temporary twice (a double
  // free after an S3 GET).
  const FileHeaders headers = HeadersForFile(target);
  co_return co_await SendFile(stream, *file, range, headers, exchange, keep_alive, handlers.blocking);
}

// Routes a request whose header has been read; returns whether the connection may carry another.
asio::awaitable<bool> ServeRequest(HttpStream& stream, beast::flat_buffer& buffer, HeaderParser& header,
                                   const HttpHandlers& handlers, HttpExchange& exchange) {
  const auto& message = header.get();
  const std::string target(message.target());
  const http::verb verb = message.method();
  exchange.connect = IsConnectPath(target);
  // The guard (Host, Origin, content type) and auth see every request before its route does; a
  // refused request's body is read and dropped so the reply is not lost to a reset.
  const std::string host = Header(message, http::field::host);
  const std::string origin = Header(message, http::field::origin);
  const std::string content_type = Header(message, http::field::content_type);
  const bool has_body = header.chunked() || header.content_length().value_or(0) > 0;
  std::optional<HttpReply> refused =
      handlers.guard.Check({std::string(message.method_string()), target, host, origin, content_type, has_body});
  if (!refused) refused = RejectUnauthenticated(handlers.auth, target, Authorization(message));
  if (refused) {
    const bool keep_alive = message.keep_alive();
    BodyOutcome drained = co_await DiscardBody(stream, buffer, header, handlers.max_api_body_bytes);
    if (!drained.connection_ok) co_return false;
    co_return co_await WriteReply(stream, *std::move(refused), exchange, keep_alive);
  }
  if (IsUnder(target, "/logs/") || (IsUnder(target, "/data/") && verb == http::verb::get)) {
    co_return co_await ServeFile(stream, buffer, header, handlers, exchange);
  }
  if (IsUnder(target, "/data/") && verb == http::verb::put) {
    co_return co_await ServeUpload(stream, buffer, header, handlers, exchange);
  }
  if (IsUnder(target, "/data/")) {
    const bool keep_alive = header.get().keep_alive();
    BodyOutcome drained = co_await DiscardBody(stream, buffer, header, handlers.max_api_body_bytes);
    if (!drained.connection_ok) co_return false;
    co_return co_await WriteReply(
        stream, {405, "application/json", "{\"code\":12,\"message\":\"use PUT or GET on /data/\",\"details\":[]}"},
        exchange, keep_alive);
  }
  co_return co_await ServeBuffered(stream, buffer, header, handlers, exchange);
}

// One line per request: at debug, or warn when the sandbox failed it (500). The path goes without
// its query string, where a signed URL keeps its signature.
void LogRequest(std::string_view method, std::string_view target, const HttpExchange& exchange,
                std::chrono::steady_clock::time_point started) {
  const log::Level level = exchange.status == 500 ? log::Level::kWarn : log::Level::kDebug;
  if (!log::Enabled(level)) return;
  const double duration_ms =
      std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - started).count();
  log::Event(level, "http", "request",
             {{"request_id", exchange.request_id},
              {"method", method},
              {"path", target.substr(0, target.find('?'))},
              {"status", exchange.status},
              {"duration_ms", duration_ms}});
}

}  // namespace

HttpRequestServer MainRoutes(HttpHandlers handlers) {
  // Not a coroutine itself: the awaitable it returns refers to the captured handlers, which live
  // as long as the service does.
  return [handlers](HttpStream& stream, beast::flat_buffer& buffer, HeaderParser& header, HttpExchange& exchange) {
    return ServeRequest(stream, buffer, header, handlers, exchange);
  };
}

asio::awaitable<void> ServeHttp(asio::ip::tcp::socket socket, const HttpService& service,
                                std::shared_ptr<std::atomic<int>> in_flight) {
  beast::tcp_stream stream(std::move(socket));
  // Bounded: Beast 1.74 limits a request's header but not a chunked body's trailer, whose fields
  // it throws on past 64 KiB; a bounded buffer ends such a request with an error first.
  beast::flat_buffer buffer(kMaxUnparsedBytes);
  while (true) {
    boost::system::error_code ec;
    if (buffer.size() == 0) {
      // Waiting for the next request: its first byte may take the keep-alive time.
      stream.expires_after(kKeepAliveTimeout);
      const size_t read = co_await stream.async_read_some(buffer.prepare(kMaxUnparsedBytes),
                                                          asio::redirect_error(asio::use_awaitable, ec));
      buffer.commit(read);
      if (ec) break;
    }
    // Then the whole header within header_timeout (the stream's deadline holds across the reads).
    stream.expires_after(service.header_timeout);
    HeaderParser header;
    // Each route sets its own limit once it knows the target. Not boost::none: Boost 1.74 compares
    // a Content-Length against an empty limit as if the limit were smaller.
    header.body_limit(std::numeric_limits<uint64_t>::max());
    co_await http::async_read_header(stream, buffer, header, asio::redirect_error(asio::use_awaitable, ec));
    if (ec) {
      co_await RefuseMalformed(stream, ec);
      break;
    }
    ++*in_flight;
    const auto started = std::chrono::steady_clock::now();
    // Kept now: serving the request moves the parser, and its header with it.
    const std::string method(header.get().method_string());
    const std::string target(header.get().target());
    HttpExchange exchange{header.get().version(), RequestIdFor(Header(header.get(), kRequestIdHeader))};
    HttpRequestLabels labels = LabelsOf(header.get().method(), target);
    if (!service.metrics_route.empty()) labels.route = service.metrics_route;
    const bool keep_going = co_await service.serve(stream, buffer, header, exchange);
    LogRequest(method, target, exchange, started);
    if (exchange.status != 0) RecordHttpRequest(labels, exchange.status, started);
    --*in_flight;
    if (!keep_going) break;
  }
  boost::system::error_code ignored;
  stream.socket().shutdown(asio::ip::tcp::socket::shutdown_send, ignored);
}

}  // namespace flyte::server

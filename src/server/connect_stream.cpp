#include "server/connect_stream.h"

#include <sys/socket.h>

#include <algorithm>
#include <boost/asio/post.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/http.hpp>
#include <cerrno>
#include <charconv>
#include <chrono>
#include <functional>
#include <memory>
#include <optional>

#include "common/log.h"
#include "server/connect_envelope.h"
#include "server/offload.h"

namespace flyte::server {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using Clock = std::chrono::steady_clock;

// How long one write may wait for a client that does not read.
constexpr auto kWriteTimeout = std::chrono::seconds(60);

// What the stream's loop waits for; touched only on the connection's strand (the session's
// executor), where every signal is posted.
struct Signals {
  explicit Signals(const asio::any_io_executor& executor) : timer(executor) {}
  asio::steady_timer timer;  // the loop sleeps on it; a signal cancels it
  bool due = true;           // the stream has messages to read (at first: what is already there)
  bool client_gone = false;
  bool stopping = false;  // graceful shutdown

  void Raise(bool Signals::*flag) {
    this->*flag = true;
    timer.cancel();
  }
};

// A signal from any thread, posted to the strand; dropped once the stream has ended.
std::function<void()> Poster(const asio::any_io_executor& executor, const std::shared_ptr<Signals>& signals,
                             bool Signals::*flag) {
  return [executor, weak = std::weak_ptr<Signals>(signals), flag] {
    asio::post(executor, [weak, flag] {
      if (auto alive = weak.lock()) alive->Raise(flag);
    });
  };
}

// The client closing its end makes the socket readable with nothing to read (or reset). A
// client that sends a further request instead (pipelining) is left to the session.
void WatchForClose(asio::ip::tcp::socket& socket, const std::shared_ptr<Signals>& signals) {
  socket.async_wait(asio::ip::tcp::socket::wait_read,
                    [&socket, weak = std::weak_ptr<Signals>(signals)](const boost::system::error_code& ec) {
                      auto alive = weak.lock();
                      if (!alive) return;  // the stream has ended; the socket may be gone
                      char byte = 0;
                      const ssize_t peeked =
                          ec ? -1 : ::recv(socket.native_handle(), &byte, 1, MSG_PEEK | MSG_DONTWAIT);
                      const bool closed = ec || peeked == 0 || (peeked < 0 && errno != EAGAIN && errno != EWOULDBLOCK);
                      if (closed) alive->Raise(&Signals::client_gone);
                    });
}

// connect-timeout-ms: at most 10 digits (the Connect spec); anything else means no deadline.
std::optional<Clock::time_point> DeadlineOf(const std::string& timeout_ms) {
  int64_t ms = 0;
  const char* end = timeout_ms.data() + timeout_ms.size();
  if (timeout_ms.empty() || timeout_ms.size() > 10 || std::from_chars(timeout_ms.data(), end, ms).ptr != end) {
    return std::nullopt;
  }
  return Clock::now() + std::chrono::milliseconds(ms);
}

asio::awaitable<bool> WriteChunk(HttpStream& stream, const std::string& bytes) {
  boost::system::error_code ec;
  stream.expires_after(kWriteTimeout);
  co_await asio::async_write(stream, http::make_chunk(asio::buffer(bytes)),
                             asio::redirect_error(asio::use_awaitable, ec));
  co_return !ec;
}

}  // namespace

asio::awaitable<bool> ServeConnectStream(HttpStream& stream, const ConnectRequest& request,
                                         const std::string& timeout_ms, const ConnectStreamDeps& deps,
                                         HttpExchange& exchange, bool keep_alive) {
  const asio::any_io_executor executor = stream.get_executor();
  const auto signals = std::make_shared<Signals>(executor);
  const ConnectRouter& router = deps.router;
  const size_t limit = deps.max_body_bytes;
  const std::function<void()> wake = Poster(executor, signals, &Signals::due);
  const std::function<StatusOr<ConnectStreamCall>()> open = [&router, &request, limit, &wake] {
    return router.OpenStream(request, limit, wake);
  };
  StatusOr<ConnectStreamCall> call = co_await Offload(deps.blocking, open);  // may read the store

  http::response<http::empty_body> response{http::status::ok, exchange.version};
  response.set(http::field::server, "flyte-sandbox");
  const bool json = request.content_type.find("+json") != std::string::npos;
  response.set(http::field::content_type, json ? "application/connect+json" : "application/connect+proto");
  response.chunked(true);
  response.keep_alive(keep_alive);
  exchange.Stamp(response);
  http::response_serializer<http::empty_body> header{response};
  boost::system::error_code ec;
  stream.expires_after(kWriteTimeout);
  co_await http::async_write_header(stream, header, asio::redirect_error(asio::use_awaitable, ec));
  if (ec) co_return false;

  Status ended = call.status();
  if (call.ok()) {
    const uint64_t id = deps.open_streams.Add(Poster(executor, signals, &Signals::stopping));
    WatchForClose(stream.socket(), signals);
    const std::optional<Clock::time_point> deadline = DeadlineOf(timeout_ms);
    bool complete = false;
    while (!complete) {
      if (signals->client_gone) break;
      if (signals->stopping) {
        ended = absl::UnavailableError("the sandbox is shutting down");
        break;
      }
      if (deadline && Clock::now() >= *deadline) {
        ended = absl::DeadlineExceededError("connect-timeout-ms passed");
        break;
      }
      if (signals->due) {
        signals->due = false;
        std::string envelopes;
        const std::function<Status()> next = [&call, &envelopes, &complete] {
          return call->NextEnvelopes(&envelopes, &complete);
        };
        ended = co_await Offload(deps.blocking, next);
        if (!ended.ok()) break;
        if (envelopes.empty()) continue;
        const bool written = co_await WriteChunk(stream, envelopes);
        if (!written) signals->client_gone = true;
        continue;
      }
      Clock::time_point wait_until = deadline.value_or(Clock::time_point::max());
      const std::chrono::milliseconds poll = call->poll_interval();
      if (poll.count() > 0) wait_until = std::min(wait_until, Clock::now() + poll);
      signals->timer.expires_at(wait_until);
      co_await signals->timer.async_wait(asio::redirect_error(asio::use_awaitable, ec));
      // A polling stream is asked again after each wait, whatever ended it (an extra call finds
      // nothing new); the checks above come first.
      if (poll.count() > 0) signals->due = true;
    }
    deps.open_streams.Remove(id);
    if (signals->client_gone) {
      log::Debug("connect", "stream client gone", {{"request_id", exchange.request_id}, {"path", request.path}});
      co_return false;
    }
  }
  const bool end_written = co_await WriteChunk(stream, EndStreamEnvelope(ended));
  if (!end_written) co_return false;
  stream.expires_after(kWriteTimeout);
  co_await asio::async_write(stream, http::make_chunk_last(), asio::redirect_error(asio::use_awaitable, ec));
  co_return !ec && keep_alive;
}

}  // namespace flyte::server

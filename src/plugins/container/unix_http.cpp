#include "plugins/container/unix_http.h"

#include <sys/socket.h>
#include <sys/time.h>

#include <array>
#include <boost/asio/io_context.hpp>
#include <boost/asio/local/stream_protocol.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http.hpp>
#include <cstdint>
#include <limits>

namespace flyte::plugins {
namespace {

namespace beast = boost::beast;
namespace http = beast::http;
using Socket = boost::asio::local::stream_protocol::socket;

void SetTimeouts(int fd, std::chrono::milliseconds timeout) {
  if (timeout.count() <= 0) return;
  timeval value{};
  value.tv_sec = static_cast<time_t>(timeout.count() / 1000);
  value.tv_usec = static_cast<suseconds_t>((timeout.count() % 1000) * 1000);
  ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &value, sizeof value);
  ::setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &value, sizeof value);
}

// Leaves the cancellation's bookkeeping whichever way the exchange ends.
class Registration {
 public:
  explicit Registration(Cancellation* cancellation) : cancellation_(cancellation) {}
  ~Registration() {
    if (entered_) cancellation_->Leave();
  }
  Registration(const Registration&) = delete;
  Registration& operator=(const Registration&) = delete;
  bool Enter(int fd) {
    if (cancellation_ == nullptr) return true;
    entered_ = cancellation_->Enter(fd);
    return entered_;
  }

 private:
  Cancellation* cancellation_;
  bool entered_ = false;
};

Status Broken(const std::string& socket_path, const HttpOptions& options, std::string_view step,
              const beast::error_code& error) {
  if (options.cancellation != nullptr && options.cancellation->cancelled()) {
    return absl::CancelledError("the request was cancelled");
  }
  return absl::UnavailableError("container engine at " + socket_path + ": " + std::string(step) + ": " +
                                error.message());
}

}  // namespace

void Cancellation::Cancel() {
  absl::MutexLock lock(&mu_);
  cancelled_ = true;
  if (fd_ >= 0) ::shutdown(fd_, SHUT_RDWR);
}

bool Cancellation::cancelled() const {
  absl::MutexLock lock(&mu_);
  return cancelled_;
}

bool Cancellation::Enter(int fd) {
  absl::MutexLock lock(&mu_);
  if (cancelled_) return false;
  fd_ = fd;
  return true;
}

void Cancellation::Leave() {
  absl::MutexLock lock(&mu_);
  fd_ = -1;  // before the socket closes: Cancel never shuts a reused descriptor down
}

StatusOr<HttpResponse> UnixHttp(const std::string& socket_path, const HttpRequest& request, const HttpOptions& options,
                                const BodySink& sink) {
  boost::asio::io_context io;
  Socket socket(io);
  beast::error_code error;
  socket.connect(Socket::endpoint_type(socket_path), error);
  if (error) return Broken(socket_path, options, "connect", error);
  SetTimeouts(socket.native_handle(), options.io_timeout);
  Registration registration(options.cancellation);
  if (!registration.Enter(socket.native_handle())) return absl::CancelledError("the request was cancelled");

  const auto verb = http::string_to_verb(request.method);
  http::request<http::string_body> message{verb, request.target, 11};
  message.set(http::field::host, "docker");  // any name: the socket is the address
  if (!request.body.empty()) message.set(http::field::content_type, "application/json");
  message.body() = request.body;
  message.prepare_payload();
  http::write(socket, message, error);
  if (error) return Broken(socket_path, options, "sending the request", error);

  beast::flat_buffer buffer;
  http::response_parser<http::buffer_body> parser;
  parser.body_limit(std::numeric_limits<std::uint64_t>::max());  // a log stream has no bound
  if (verb == http::verb::head) parser.skip(true);
  http::read_header(socket, buffer, parser, error);
  if (error) return Broken(socket_path, options, "reading the response", error);
  HttpResponse response;
  response.status = static_cast<int>(parser.get().result_int());
  const bool streamed = sink && response.status / 100 == 2;
  std::array<char, 16384> piece{};
  while (!parser.is_done()) {
    parser.get().body().data = piece.data();
    parser.get().body().size = piece.size();
    // read_some: what has come so far goes to the sink now (http::read would wait for the piece to
    // fill, and a followed log's lines would reach the attempt's log only with 16 KiB more).
    http::read_some(socket, buffer, parser, error);
    if (error == http::error::need_buffer) error = {};
    if (error) return Broken(socket_path, options, "reading the response", error);
    const size_t got = piece.size() - parser.get().body().size;
    if (got == 0) continue;
    if (streamed) {
      sink(std::string_view(piece.data(), got));
    } else {
      response.body.append(piece.data(), got);
    }
  }
  return response;
}

}  // namespace flyte::plugins

#include "plugins/container/unix_http.h"

#include <boost/asio/io_context.hpp>
#include <boost/asio/local/stream_protocol.hpp>

#include "plugins/http_exchange.h"

namespace flyte::plugins {

StatusOr<HttpResponse> UnixHttp(const std::string& socket_path, const HttpRequest& request, const HttpOptions& options,
                                const BodySink& sink) {
  const auto broken = [&](std::string_view step, const boost::beast::error_code& error) -> Status {
    if (options.cancellation != nullptr && options.cancellation->cancelled()) {
      return absl::CancelledError("the request was cancelled");
    }
    return absl::UnavailableError("container engine at " + socket_path + ": " + std::string(step) + ": " +
                                  error.message());
  };
  using Socket = boost::asio::local::stream_protocol::socket;
  boost::asio::io_context io;
  Socket socket(io);
  boost::beast::error_code error;
  socket.connect(Socket::endpoint_type(socket_path), error);
  if (error) return broken("connect", error);
  SetSocketTimeouts(socket.native_handle(), options.io_timeout);
  CancellationEntry entry(options.cancellation);
  if (!entry.Enter(socket.native_handle())) return absl::CancelledError("the request was cancelled");
  return Exchange(socket, request, "docker", sink, broken);  // any Host: the socket is the address
}

}  // namespace flyte::plugins

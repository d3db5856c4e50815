// One HTTP/1.1 exchange over a connected Beast stream (a unix socket, TCP, TLS), for the clients of
// http_client.h: the request written, the response read with its body kept or streamed to a sink
// as each piece arrives, the socket registered with the request's Cancellation meanwhile.
// Private to the clients' .cpp files (it brings Beast's headers with it).
#pragma once

#include <array>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http.hpp>
#include <cstdint>
#include <limits>
#include <string>
#include <string_view>

#include "common/status.h"
#include "plugins/http_client.h"

namespace flyte::plugins {

// Sets SO_RCVTIMEO and SO_SNDTIMEO on a blocking socket (nothing for a zero timeout).
void SetSocketTimeouts(int fd, std::chrono::milliseconds timeout);

// How a client names a broken exchange: `step` ("connect", "sending the request"...) and the error.
using DescribeBroken = std::function<Status(std::string_view step, const boost::beast::error_code& error)>;

// Registers a socket with a request's Cancellation for as long as it lives.
class CancellationEntry {
 public:
  explicit CancellationEntry(Cancellation* cancellation) : cancellation_(cancellation) {}
  ~CancellationEntry() {
    if (entered_) cancellation_->Leave();
  }
  CancellationEntry(const CancellationEntry&) = delete;
  CancellationEntry& operator=(const CancellationEntry&) = delete;
  // False when the request was cancelled already.
  bool Enter(int fd) {
    if (cancellation_ == nullptr) return true;
    entered_ = cancellation_->Enter(fd);
    return entered_;
  }

 private:
  Cancellation* cancellation_;
  bool entered_ = false;
};

// Writes `request` (Host: `host`) on `stream` and reads the response. With a `sink`, a 2xx body
// goes to it piece by piece and the response's body stays empty.
template <class Stream>
StatusOr<HttpResponse> Exchange(Stream& stream, const HttpRequest& request, std::string_view host, const BodySink& sink,
                                const DescribeBroken& broken) {
  namespace http = boost::beast::http;
  boost::beast::error_code error;
  const auto verb = http::string_to_verb(request.method);
  http::request<http::string_body> message{verb, request.target, 11};
  message.set(http::field::host, std::string(host));
  for (const auto& [name, value] : request.headers) message.set(name, value);
  if (!request.body.empty()) message.set(http::field::content_type, request.content_type);
  message.body() = request.body;
  message.prepare_payload();
  http::write(stream, message, error);
  if (error) return broken("sending the request", error);

  boost::beast::flat_buffer buffer;
  http::response_parser<http::buffer_body> parser;
  parser.body_limit(std::numeric_limits<std::uint64_t>::max());  // a log or watch stream has no bound
  if (verb == http::verb::head) parser.skip(true);
  http::read_header(stream, buffer, parser, error);
  if (error) return broken("reading the response", error);
  HttpResponse response;
  response.status = static_cast<int>(parser.get().result_int());
  const bool streamed = sink && response.status / 100 == 2;
  std::array<char, 16384> piece{};
  while (!parser.is_done()) {
    parser.get().body().data = piece.data();
    parser.get().body().size = piece.size();
    // read_some: what has come so far goes to the sink now (http::read would wait for the piece to
    // fill, and a followed log's lines would reach the attempt's log only with 16 KiB more).
    http::read_some(stream, buffer, parser, error);
    if (error == http::error::need_buffer) error = {};
    if (error) return broken("reading the response", error);
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

#include "server/http_body.h"

#include <unistd.h>

#include <algorithm>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <cerrno>
#include <chrono>
#include <functional>
#include <vector>

#include "server/byte_range.h"
#include "server/offload.h"

namespace flyte::server {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;

// Bytes read from the network or a file at a time: the memory one streamed body holds.
constexpr size_t kChunkBytes = size_t{256} << 10;
constexpr std::chrono::seconds kIoTimeout{120};

Status BodyTooLarge() { return absl::ResourceExhaustedError("request body is larger than server.max_request_mb"); }

// Reads the body chunk by chunk, handing each to `sink` (nullptr: dropped).
asio::awaitable<BodyOutcome> ReadChunks(HttpStream& stream, beast::flat_buffer& buffer, HeaderParser& header,
                                        int64_t limit, const std::function<Status(std::string_view)>* sink,
                                        asio::thread_pool* pool) {
  http::request_parser<http::buffer_body> parser(std::move(header));
  parser.body_limit(static_cast<uint64_t>(limit));
  std::vector<char> chunk(kChunkBytes);
  Status status;
  while (!parser.is_done()) {
    parser.get().body().data = chunk.data();
    parser.get().body().size = chunk.size();
    boost::system::error_code ec;
    stream.expires_after(kIoTimeout);
    co_await http::async_read(stream, buffer, parser, asio::redirect_error(asio::use_awaitable, ec));
    if (ec == http::error::need_buffer) ec = {};
    if (ec == http::error::body_limit) co_return BodyOutcome{BodyTooLarge(), false};
    if (ec) co_return BodyOutcome{absl::UnavailableError("reading the request body: " + ec.message()), false};
    const std::string_view bytes(chunk.data(), chunk.size() - parser.get().body().size);
    if (sink == nullptr || bytes.empty() || !status.ok()) continue;
    const std::function<Status()> write = [sink, bytes] { return (*sink)(bytes); };
    status = co_await Offload(*pool, write);
  }
  co_return BodyOutcome{status, true};
}

// The `bytes` of `fd` from `offset`; fewer only at the end of the file, negative on error.
ssize_t ReadAt(int fd, char* bytes, size_t size, int64_t offset) {
  while (true) {
    const ssize_t n = ::pread(fd, bytes, size, static_cast<off_t>(offset));
    if (n >= 0 || errno != EINTR) return n;
  }
}

}  // namespace

asio::awaitable<BodyOutcome> ReadBodyInto(HttpStream& stream, beast::flat_buffer& buffer, HeaderParser& parser,
                                          int64_t limit, BodySink& sink, asio::thread_pool& pool) {
  const std::function<Status(std::string_view)> append = [&sink](std::string_view bytes) { return sink.Append(bytes); };
  BodyOutcome outcome = co_await ReadChunks(stream, buffer, parser, limit, &append, &pool);
  co_return outcome;
}

asio::awaitable<BodyOutcome> DiscardBody(HttpStream& stream, beast::flat_buffer& buffer, HeaderParser& parser,
                                         int64_t limit) {
  BodyOutcome outcome = co_await ReadChunks(stream, buffer, parser, limit, nullptr, nullptr);
  co_return outcome;
}

asio::awaitable<bool> SendFile(HttpStream& stream, const store::ReadableFile& file, std::string_view range_header,
                               const FileHeaders& headers, HttpExchange& exchange, bool keep_alive,
                               asio::thread_pool& pool) {
  const ByteRange range = ParseByteRange(range_header, file.size);
  const bool unsatisfiable = range.kind == ByteRange::Kind::kUnsatisfiable;
  http::response<http::buffer_body> response{unsatisfiable ? http::status::range_not_satisfiable
                                             : range.kind == ByteRange::Kind::kPart ? http::status::partial_content
                                                                                    : http::status::ok,
                                             exchange.version};
  response.set(http::field::server, "flyte-sandbox");
  response.set(http::field::content_type, headers.content_type);
  for (const auto& [name, value] : headers.extra) response.set(name, value);
  response.set(http::field::accept_ranges, "bytes");
  if (unsatisfiable) {
    response.set(http::field::content_range, "bytes */" + std::to_string(file.size));
  } else if (range.kind == ByteRange::Kind::kPart) {
    response.set(http::field::content_range, "bytes " + std::to_string(range.first) + "-" +
                                                 std::to_string(range.first + range.length - 1) + "/" +
                                                 std::to_string(file.size));
  }
  response.content_length(range.length);
  response.keep_alive(keep_alive);
  exchange.Stamp(response);
  response.body().data = nullptr;
  response.body().more = true;
  http::response_serializer<http::buffer_body> serializer{response};
  boost::system::error_code ec;
  stream.expires_after(kIoTimeout);
  co_await http::async_write_header(stream, serializer, asio::redirect_error(asio::use_awaitable, ec));
  if (ec) co_return false;

  std::vector<char> chunk(static_cast<size_t>(std::clamp<int64_t>(range.length, 1, kChunkBytes)));
  int64_t offset = range.first;
  int64_t remaining = range.length;
  while (remaining > 0) {
    const size_t want = static_cast<size_t>(std::min<int64_t>(remaining, static_cast<int64_t>(chunk.size())));
    const std::function<ssize_t()> read = [&file, &chunk, want, offset] {
      return ReadAt(file.fd.get(), chunk.data(), want, offset);
    };
    const ssize_t n = co_await Offload(pool, read);
    // The file shrank or failed after the length was sent: the reply cannot be completed.
    if (n <= 0) co_return false;
    offset += n;
    remaining -= n;
    response.body().data = chunk.data();
    response.body().size = static_cast<size_t>(n);
    response.body().more = true;
    stream.expires_after(kIoTimeout);
    co_await http::async_write(stream, serializer, asio::redirect_error(asio::use_awaitable, ec));
    if (ec == http::error::need_buffer) ec = {};
    if (ec) co_return false;
  }
  response.body().data = nullptr;
  response.body().size = 0;
  response.body().more = false;
  co_await http::async_write(stream, serializer, asio::redirect_error(asio::use_awaitable, ec));
  co_return !ec && keep_alive;
}

}  // namespace flyte::server

// Request and response bodies that never sit whole in memory: an upload read in chunks into the
// object store, a file sent in chunks (with Range), a body read only to be dropped. Coroutines on
// the session's executor; disk I/O is offloaded to the handlers' thread pool.
#pragma once

// Boost 1.74's awaitable.hpp uses std::exchange without including <utility>.
#include <utility>

#include <boost/asio/awaitable.hpp>
#include <boost/asio/thread_pool.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "server/body_sink.h"
#include "server/file_headers.h"
#include "server/http_exchange.h"
#include "store/open_beneath.h"

namespace flyte::server {

using HttpStream = boost::beast::tcp_stream;
// A request whose header has been read and whose body has not.
using HeaderParser = boost::beast::http::request_parser<boost::beast::http::empty_body>;

// What a streamed body comes to. `connection_ok` is false when the connection must close (a
// network error, or a body too large to read on).
struct BodyOutcome {
  Status status;
  bool connection_ok = true;
};

// Reads the body (at most `limit` bytes) into `sink` chunk by chunk, on `pool`; after a failed
// write the rest is read and dropped so the reply stays in step.
boost::asio::awaitable<BodyOutcome> ReadBodyInto(HttpStream& stream, boost::beast::flat_buffer& buffer,
                                                 HeaderParser& parser, int64_t limit, BodySink& sink,
                                                 boost::asio::thread_pool& pool);

// Reads the body (at most `limit` bytes) and drops it.
boost::asio::awaitable<BodyOutcome> DiscardBody(HttpStream& stream, boost::beast::flat_buffer& buffer,
                                                HeaderParser& parser, int64_t limit);

using HeaderList = std::vector<std::pair<std::string, std::string>>;

// Sends `file` (or the part `range_header` asks for: 206, or 416 when unsatisfiable) as the reply
// of `exchange`, with `headers`' type and extra headers. Returns whether the connection may carry
// another request.
boost::asio::awaitable<bool> SendFile(HttpStream& stream, const store::ReadableFile& file,
                                      std::string_view range_header, const FileHeaders& headers, HttpExchange& exchange,
                                      bool keep_alive, boost::asio::thread_pool& pool);

}  // namespace flyte::server

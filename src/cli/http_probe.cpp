#include "cli/http_probe.h"

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

namespace flyte::cli {

bool ProbeHttp(const std::string& host, int port, const std::string& path, std::chrono::milliseconds timeout) {
  namespace beast = boost::beast;
  namespace http = beast::http;
  boost::asio::io_context io;
  beast::tcp_stream stream(io);
  stream.expires_after(timeout);
  bool ok = false;
  boost::asio::ip::tcp::endpoint endpoint(boost::asio::ip::make_address(host), static_cast<unsigned short>(port));
  http::request<http::empty_body> request{http::verb::get, path, 11};
  request.set(http::field::host, host);
  beast::flat_buffer buffer;
  http::response<http::string_body> response;
  stream.async_connect(endpoint, [&](beast::error_code ec) {
    if (ec) return;
    http::async_write(stream, request, [&](beast::error_code write_ec, size_t) {
      if (write_ec) return;
      http::async_read(stream, buffer, response, [&](beast::error_code read_ec, size_t) {
        ok = !read_ec && response.result() == http::status::ok;
      });
    });
  });
  io.run();
  return ok;
}

}  // namespace flyte::cli

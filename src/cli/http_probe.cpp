#include "cli/http_probe.h"

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

namespace flyte::cli {

std::optional<HttpAnswer> HttpGet(const std::string& host, int port, const std::string& path,
                                  std::chrono::milliseconds timeout, const std::string& bearer) {
  namespace beast = boost::beast;
  namespace http = beast::http;
  boost::asio::io_context io;
  beast::tcp_stream stream(io);
  stream.expires_after(timeout);
  std::optional<HttpAnswer> answer;
  boost::asio::ip::tcp::endpoint endpoint(boost::asio::ip::make_address(host), static_cast<unsigned short>(port));
  http::request<http::empty_body> request{http::verb::get, path, 11};
  request.set(http::field::host, host);
  if (!bearer.empty()) request.set(http::field::authorization, "Bearer " + bearer);
  beast::flat_buffer buffer;
  http::response<http::string_body> response;
  stream.async_connect(endpoint, [&](beast::error_code ec) {
    if (ec) return;
    http::async_write(stream, request, [&](beast::error_code write_ec, size_t) {
      if (write_ec) return;
      http::async_read(stream, buffer, response, [&](beast::error_code read_ec, size_t) {
        if (!read_ec) answer = HttpAnswer{static_cast<int>(response.result_int()), std::move(response.body())};
      });
    });
  });
  io.run();
  return answer;
}

bool ProbeHttp(const std::string& host, int port, const std::string& path, std::chrono::milliseconds timeout) {
  const std::optional<HttpAnswer> answer = HttpGet(host, port, path, timeout);
  return answer && answer->status == 200;
}

}  // namespace flyte::cli

#include "server/listener.h"

#include <grpcpp/server_posix.h>
#include <sys/socket.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <cstring>

namespace flyte::server {
namespace {

namespace asio = boost::asio;
using asio::ip::tcp;

constexpr std::string_view kHttp2Preface = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n";

enum class Protocol { kGrpc, kHttp, kClosed };

// Waits until the first bytes tell the protocol apart; never consumes them.
asio::awaitable<Protocol> Sniff(tcp::socket& socket) {
  char peek[kHttp2Preface.size()];
  for (int attempt = 0; attempt < 50; ++attempt) {
    boost::system::error_code ec;
    co_await socket.async_wait(tcp::socket::wait_read, asio::redirect_error(asio::use_awaitable, ec));
    if (ec) co_return Protocol::kClosed;
    ssize_t n = ::recv(socket.native_handle(), peek, sizeof(peek), MSG_PEEK | MSG_DONTWAIT);
    if (n == 0) co_return Protocol::kClosed;
    if (n < 0) {
      if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR) continue;
      co_return Protocol::kClosed;
    }
    const auto got = static_cast<size_t>(n);
    if (std::memcmp(peek, kHttp2Preface.data(), got) != 0) co_return Protocol::kHttp;
    if (got == kHttp2Preface.size()) co_return Protocol::kGrpc;
    // A prefix of the preface so far: wait for the rest.
  }
  co_return Protocol::kHttp;
}

asio::awaitable<void> Route(tcp::socket socket, grpc::Server* grpc_server, HttpHandlers handlers,
                            std::shared_ptr<std::atomic<int>> in_flight) {
  switch (co_await Sniff(socket)) {
    case Protocol::kGrpc: {
      boost::system::error_code ec;
      socket.set_option(tcp::no_delay(true), ec);
      int fd = socket.release(ec);
      if (!ec) grpc::AddInsecureChannelFromFd(grpc_server, fd);
      co_return;
    }
    case Protocol::kHttp:
      co_await ServeHttp(std::move(socket), handlers, std::move(in_flight));
      co_return;
    case Protocol::kClosed:
      co_return;
  }
}

asio::awaitable<void> AcceptLoop(tcp::acceptor& acceptor, grpc::Server* grpc_server, HttpHandlers handlers,
                                 std::shared_ptr<std::atomic<int>> in_flight) {
  while (acceptor.is_open()) {
    boost::system::error_code ec;
    tcp::socket socket = co_await acceptor.async_accept(asio::redirect_error(asio::use_awaitable, ec));
    if (ec) {
      if (ec == asio::error::operation_aborted) co_return;
      continue;  // e.g. EMFILE: keep serving the connections we have
    }
    asio::co_spawn(acceptor.get_executor(), Route(std::move(socket), grpc_server, handlers, in_flight), asio::detached);
  }
}

}  // namespace

StatusOr<std::unique_ptr<Listener>> Listener::Bind(asio::io_context& io, const std::string& address, int port) {
  boost::system::error_code ec;
  auto ip = asio::ip::make_address(address, ec);
  if (ec) return absl::InvalidArgumentError("bad bind address \"" + address + "\"");
  tcp::endpoint endpoint(ip, static_cast<unsigned short>(port));
  tcp::acceptor acceptor(io);
  acceptor.open(endpoint.protocol(), ec);
  if (!ec) acceptor.set_option(asio::socket_base::reuse_address(true), ec);
  if (!ec) acceptor.bind(endpoint, ec);
  if (!ec) acceptor.listen(asio::socket_base::max_listen_connections, ec);
  if (ec) {
    if (ec == asio::error::address_in_use) {
      return absl::FailedPreconditionError("port " + std::to_string(port) + " on " + address +
                                           " is already in use (is another sandbox running? try --port)");
    }
    return absl::FailedPreconditionError("cannot listen on " + address + ":" + std::to_string(port) + ": " +
                                         ec.message());
  }
  const int bound = acceptor.local_endpoint().port();
  return std::unique_ptr<Listener>(new Listener(io, std::move(acceptor), bound));
}

void Listener::Start(grpc::Server* grpc_server, HttpHandlers handlers) {
  asio::co_spawn(io_, AcceptLoop(acceptor_, grpc_server, handlers, in_flight_), asio::detached);
}

void Listener::Close() {
  asio::post(io_, [this] {
    boost::system::error_code ec;
    acceptor_.close(ec);
  });
}

}  // namespace flyte::server

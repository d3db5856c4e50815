#include "server/listener.h"

#include <sys/resource.h>
#include <sys/socket.h>

#include <algorithm>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <cstring>

#include "common/log.h"

#include "server/grpc_front.h"
#include "server/h2_frames.h"

namespace flyte::server {
namespace {

namespace asio = boost::asio;
using asio::ip::tcp;

using h2::kConnectionPreface;
// How often a connection that has sent part of the preface is looked at again (readiness would
// fire at once for the bytes already there).
constexpr auto kPrefacePoll = std::chrono::milliseconds(10);
// How long accepting rests after a failed accept (out of file descriptors, memory) or while
// every connection is busy: retrying at once would spin on the same error.
constexpr auto kAcceptPause = std::chrono::milliseconds(100);

enum class Protocol { kGrpc, kHttp, kClosed };

// A connection not yet routed. The deadline and a hang-up from a full listener close its socket
// on its strand, which also runs the sniff.
struct PendingConnection {
  explicit PendingConnection(tcp::socket s) : socket(std::move(s)), deadline(socket.get_executor()) {}
  tcp::socket socket;
  asio::steady_timer deadline;
};

void CloseOnItsStrand(const std::weak_ptr<PendingConnection>& weak) {
  auto pending = weak.lock();
  if (!pending) return;
  asio::post(pending->deadline.get_executor(), [weak] {
    if (auto alive = weak.lock()) {
      boost::system::error_code ignored;
      alive->socket.close(ignored);
    }
  });
}

// What the routed connections are handed to; shared by every connection.
struct Routes {
  Routes(grpc::Server* grpc, const GrpcLimits& grpc_bounds, std::shared_ptr<CallBudget> calls, HttpService http,
         std::shared_ptr<std::atomic<int>> requests, ConnectionLimits bounds)
      : grpc_server(grpc),
        grpc_limits(grpc_bounds),
        grpc_calls(std::move(calls)),
        http_service(std::move(http)),
        in_flight(std::move(requests)),
        limits(bounds) {}

  grpc::Server* grpc_server;
  GrpcLimits grpc_limits;
  std::shared_ptr<CallBudget> grpc_calls;  // every gRPC connection's
  HttpService http_service;
  std::shared_ptr<std::atomic<int>> in_flight;
  ConnectionLimits limits;
  ConnectionSlots slots;
};

// The listener's share of the open-file limit, read at each accept (prlimit can change it): the
// rest of the sandbox (database, blobs, task pipes, gRPC's own connections) keeps an eighth of
// it, at least 64.
int Capacity(int configured) {
  rlimit files{};
  if (::getrlimit(RLIMIT_NOFILE, &files) != 0 || files.rlim_cur == RLIM_INFINITY) return configured;
  const auto limit = static_cast<int64_t>(files.rlim_cur);
  const int64_t share = limit - std::max<int64_t>(64, limit / 8);
  return static_cast<int>(std::clamp<int64_t>(share, 1, configured));
}

asio::awaitable<void> Pause(asio::steady_timer& timer, std::chrono::milliseconds how_long) {
  timer.expires_after(how_long);
  boost::system::error_code ignored;
  co_await timer.async_wait(asio::redirect_error(asio::use_awaitable, ignored));
}

// Waits until the first bytes tell the protocol apart (all 24 bytes of the preface for HTTP/2,
// however they are split into packets); never consumes them. Ends when the socket is closed
// under it (deadline, hang-up).
asio::awaitable<Protocol> Sniff(tcp::socket& socket) {
  char peek[kConnectionPreface.size()];
  asio::steady_timer poll(socket.get_executor());
  while (true) {
    boost::system::error_code ec;
    co_await socket.async_wait(tcp::socket::wait_read, asio::redirect_error(asio::use_awaitable, ec));
    if (ec || !socket.is_open()) co_return Protocol::kClosed;
    ssize_t n = ::recv(socket.native_handle(), peek, sizeof(peek), MSG_PEEK | MSG_DONTWAIT);
    if (n == 0) co_return Protocol::kClosed;
    if (n < 0) {
      if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR) continue;
      co_return Protocol::kClosed;
    }
    const auto got = static_cast<size_t>(n);
    if (std::memcmp(peek, kConnectionPreface.data(), got) != 0) co_return Protocol::kHttp;
    if (got == kConnectionPreface.size()) co_return Protocol::kGrpc;
    co_await Pause(poll, kPrefacePoll);  // a prefix of the preface so far: wait for the rest
  }
}

// Gives the listener's slot back however the connection's coroutine ends.
struct SlotRelease {
  ConnectionSlots& slots;
  uint64_t id;
  ~SlotRelease() { slots.Release(id); }
};

asio::awaitable<void> RouteConnection(std::shared_ptr<PendingConnection> pending, uint64_t slot,
                                      std::shared_ptr<Routes> routes) {
  SlotRelease release{routes->slots, slot};
  pending->deadline.expires_after(routes->limits.idle_timeout);
  pending->deadline.async_wait([weak = std::weak_ptr(pending)](boost::system::error_code ec) {
    if (ec) return;  // routed in time
    if (auto alive = weak.lock()) alive->socket.close(ec);
  });
  const Protocol protocol = co_await Sniff(pending->socket);
  pending->deadline.cancel();
  routes->slots.Spoke(slot);
  switch (protocol) {
    case Protocol::kGrpc: {
      if (routes->grpc_server == nullptr) co_return;
      boost::system::error_code ec;
      pending->socket.set_option(tcp::no_delay(true), ec);
      co_await ServeGrpc(std::move(pending->socket), *routes->grpc_server, routes->grpc_limits, routes->grpc_calls);
      co_return;
    }
    case Protocol::kHttp: {
      // A file reply goes out as a header write and then body writes: with Nagle's algorithm a
      // small body waited for the client's delayed ACK, 40 ms a request (S3 GETs of 4 KiB ran
      // at 22/s).
      boost::system::error_code ec;
      pending->socket.set_option(tcp::no_delay(true), ec);
      co_await ServeHttp(std::move(pending->socket), routes->http_service, routes->in_flight);
      co_return;
    }
    case Protocol::kClosed:
      co_return;
  }
}

asio::awaitable<void> AcceptLoop(asio::io_context& io, tcp::acceptor& acceptor, std::shared_ptr<Routes> routes) {
  asio::steady_timer pause(acceptor.get_executor());
  while (acceptor.is_open()) {
    if (routes->slots.Full(Capacity(routes->limits.max_connections)) && !routes->slots.HangUpOldestSilent()) {
      co_await Pause(pause, kAcceptPause);  // every slot serves someone: new ones wait in the backlog
      continue;
    }
    boost::system::error_code ec;
    tcp::socket socket =
        co_await acceptor.async_accept(asio::make_strand(io), asio::redirect_error(asio::use_awaitable, ec));
    if (ec == asio::error::operation_aborted) co_return;
    if (ec == asio::error::connection_aborted) continue;  // that client gave up; the next may be there
    if (ec) {
      // Out of file descriptors (or memory): make room, and let the backlog wait meanwhile.
      routes->slots.HangUpOldestSilent();
      co_await Pause(pause, kAcceptPause);
      continue;
    }
    auto pending = std::make_shared<PendingConnection>(std::move(socket));
    const uint64_t slot = routes->slots.Open([weak = std::weak_ptr(pending)] { CloseOnItsStrand(weak); });
    asio::co_spawn(pending->deadline.get_executor(), RouteConnection(pending, slot, routes), ReportConnectionFailure);
  }
}

}  // namespace

void ReportConnectionFailure(std::exception_ptr error) {
  if (!error) return;
  try {
    std::rethrow_exception(error);
  } catch (const std::exception& e) {
    log::Error("http", "a connection failed", {{"error", e.what()}});
  } catch (...) {
    log::Error("http", "a connection failed");
  }
}

StatusOr<std::unique_ptr<Listener>> Listener::Bind(asio::io_context& io, const std::string& address, int port) {
  boost::system::error_code ec;
  auto ip = asio::ip::make_address(address, ec);
  if (ec) return absl::InvalidArgumentError("bad bind address \"" + address + "\"");
  tcp::endpoint endpoint(ip, static_cast<unsigned short>(port));
  tcp::acceptor acceptor(asio::make_strand(io));
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

void Listener::Start(grpc::Server* grpc_server, const GrpcLimits& grpc_limits, std::shared_ptr<CallBudget> grpc_calls,
                     HttpService http, ConnectionLimits limits) {
  auto routes =
      std::make_shared<Routes>(grpc_server, grpc_limits, std::move(grpc_calls), std::move(http), in_flight_, limits);
  asio::co_spawn(acceptor_.get_executor(), AcceptLoop(io_, acceptor_, std::move(routes)), ReportConnectionFailure);
}

void Listener::Close() {
  asio::post(acceptor_.get_executor(), [this] {
    boost::system::error_code ec;
    acceptor_.close(ec);
  });
}

}  // namespace flyte::server

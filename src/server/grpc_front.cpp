#include "server/grpc_front.h"

#include <grpcpp/server.h>
#include <grpcpp/server_posix.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/local/stream_protocol.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <chrono>
#include <memory>
#include <optional>
#include <string>

#include "server/h2_frames.h"
#include "server/h2_guard.h"
#include "server/listener.h"

namespace flyte::server {
namespace {

namespace asio = boost::asio;
using asio::ip::tcp;
using Unix = asio::local::stream_protocol;
using Clock = std::chrono::steady_clock;

// What each direction reads and forwards at a time: all the front holds for a connection.
constexpr size_t kChunkBytes = 32 * 1024;
using Chunk = std::array<char, kChunkBytes>;
// How long a call gRPC will never answer on the wire (reset by its client, or left behind by a
// closed connection) keeps its share of the CallBudget: gRPC still runs it. Such calls are then
// admitted at most max_calls_in_flight per hold (1,024/s by default), less than gRPC 1.51 runs
// on loopback, so its queue cannot outgrow the budget however fast clients reset or reconnect.
// Past the hold, the shares stay held while gRPC runs as many calls as the budget (on a loaded
// machine, or under a sanitizer, it runs them slower than the hold assumes), checked this often.
constexpr auto kUnseenCallHold = std::chrono::milliseconds(250);
constexpr auto kBusyGrpcRecheck = std::chrono::milliseconds(25);

// One relayed connection. Its three coroutines (client → gRPC, gRPC → client, the watchdog) run
// on the connection's strand, so they share this without locks.
struct Front {
  Front(tcp::socket client_socket, Unix::socket grpc_socket, const GrpcLimits& grpc_limits,
        std::shared_ptr<CallBudget> calls)
      : client(std::move(client_socket)),
        grpc(std::move(grpc_socket)),
        limits(grpc_limits),
        budget(std::move(calls)),
        guard(grpc_limits),
        watchdog(client.get_executor()),
        admission(client.get_executor()),
        helpers_done(client.get_executor()) {}

  // Ends the connection both ways; gRPC sees its end closed and drops the connection's calls.
  void Close() {
    boost::system::error_code ignored;
    client.close(ignored);
    grpc.close(ignored);
    watchdog.cancel();
  }

  tcp::socket client;
  Unix::socket grpc;
  const GrpcLimits limits;
  const std::shared_ptr<CallBudget> budget;
  h2::ConnectionGuard guard;
  h2::FrameScanner from_client{h2::kConnectionPreface.size()};
  h2::FrameScanner from_server;
  std::optional<h2::Violation> violation;          // the limit the client broke, if any
  std::optional<Clock::time_point> sending_since;  // a write to the client is under way
  asio::steady_timer watchdog;
  asio::steady_timer admission;  // the client's chunk waits on it for its calls' share of the budget
  bool admitted = false;
  bool resets = false;  // the client has reset a call: it waits behind others for the budget
  int helpers = 0;      // coroutines running beside ServeGrpc's own
  asio::steady_timer helpers_done;
};

// Writes to the client, noting how long the write waits (the watchdog ends one that waits too long).
asio::awaitable<bool> SendToClient(Front& front, const char* data, size_t size) {
  boost::system::error_code ec;
  front.sending_since = Clock::now();
  co_await asio::async_write(front.client, asio::buffer(data, size), asio::redirect_error(asio::use_awaitable, ec));
  front.sending_since.reset();
  co_return !ec;
}

// Returns `calls` to the budget once `timer` expires and gRPC runs fewer calls than the budget.
void ReturnWhenGrpcHasRoom(std::shared_ptr<asio::steady_timer> timer, std::shared_ptr<CallBudget> budget, int calls) {
  timer->async_wait([timer, budget, calls](const boost::system::error_code& ec) {
    if (!ec && budget->GrpcAtLimit()) {
      timer->expires_after(kBusyGrpcRecheck);
      ReturnWhenGrpcHasRoom(timer, budget, calls);
      return;
    }
    budget->Return(calls);
  });
}

// Returns `calls`, which gRPC will never answer on the wire, after kUnseenCallHold at the least.
void ReturnLater(Front& front, int calls) {
  if (calls == 0) return;
  ReturnWhenGrpcHasRoom(std::make_shared<asio::steady_timer>(front.client.get_executor(), kUnseenCallHold),
                        front.budget, calls);
}

// Waits until the budget has taken `calls` for this connection: nothing of the chunk that makes
// them whole reaches gRPC before. Only the grant ends the wait (the budget is taken then).
asio::awaitable<void> Admit(const std::shared_ptr<Front>& front, int calls) {
  if (calls == 0) co_return;
  front->admitted = false;
  const bool taken = front->budget->TakeOrQueue(calls, front->resets, [front] {
    asio::post(front->client.get_executor(), [front] {
      front->admitted = true;
      front->admission.cancel();
    });
  });
  while (!taken && !front->admitted) {
    boost::system::error_code ignored;
    front->admission.expires_at(Clock::time_point::max());
    co_await front->admission.async_wait(asio::redirect_error(asio::use_awaitable, ignored));
  }
}

// Client → gRPC: every frame is judged before it passes; a violation stops at that frame.
asio::awaitable<void> Upstream(std::shared_ptr<Front> front) {
  auto chunk = std::make_unique<Chunk>();
  Clock::time_point now;
  const h2::FrameVisitor judge = [&front, &now](const h2::FrameHeader& frame, std::string_view payload) {
    return front->guard.FromClient(frame, payload, now);
  };
  while (true) {
    boost::system::error_code ec;
    const size_t got =
        co_await front->client.async_read_some(asio::buffer(*chunk), asio::redirect_error(asio::use_awaitable, ec));
    if (ec) break;
    now = Clock::now();
    h2::ScanResult scan = front->from_client.Scan({chunk->data(), got}, front->guard.max_client_frame_size(), judge);
    const h2::CallChanges calls = front->guard.TakeCallChanges();
    front->resets = front->resets || calls.abandoned > 0;
    co_await Admit(front, calls.whole);
    ReturnLater(*front, calls.abandoned);
    if (scan.pass > 0) {
      co_await asio::async_write(front->grpc, asio::buffer(chunk->data(), scan.pass),
                                 asio::redirect_error(asio::use_awaitable, ec));
      if (ec) break;
    }
    if (scan.violation) {
      front->violation = std::move(scan.violation);
      // gRPC drops the connection's calls at once; the downstream sends the GOAWAY.
      front->grpc.close(ec);
      co_return;
    }
  }
  // The client is done sending: gRPC sees the end, answers what it still owes, and closes.
  boost::system::error_code ignored;
  front->grpc.shutdown(Unix::socket::shutdown_send, ignored);
}

// The GOAWAY that tells a client which limit it broke, sent only if it fits in the socket's
// buffer now (a client that broke a limit is not waited for) and only between gRPC's frames.
void SendGoaway(Front& front) {
  if (!front.from_server.AtFrameBoundary() || !front.client.is_open()) return;
  const std::string goaway = h2::GoawayFrame(front.guard.last_client_stream(), *front.violation);
  [[maybe_unused]] const ssize_t sent =
      ::send(front.client.native_handle(), goaway.data(), goaway.size(), MSG_DONTWAIT | MSG_NOSIGNAL);
  boost::system::error_code ignored;
  front.client.shutdown(tcp::socket::shutdown_send, ignored);
}

// gRPC → client, one chunk at a time: while the client does not take a chunk, nothing more is
// read from gRPC.
asio::awaitable<void> Downstream(std::shared_ptr<Front> front) {
  auto chunk = std::make_unique<Chunk>();
  Clock::time_point now;
  const h2::FrameVisitor note = [&front, &now](const h2::FrameHeader& frame, std::string_view payload) {
    front->guard.FromServer(frame, payload, now);
    return std::optional<h2::Violation>();
  };
  while (!front->violation) {
    boost::system::error_code ec;
    const size_t got =
        co_await front->grpc.async_read_some(asio::buffer(*chunk), asio::redirect_error(asio::use_awaitable, ec));
    if (ec) break;
    now = Clock::now();
    front->from_server.Scan({chunk->data(), got}, h2::kLargestFrameSize, note);
    front->budget->Return(front->guard.TakeCallChanges().answered);
    if (!co_await SendToClient(*front, chunk->data(), got)) break;
  }
  if (front->violation) SendGoaway(*front);
}

// Ends a connection whose client has taken nothing for send_timeout: a write to it waiting, or
// gRPC left without flow-control window to send on.
asio::awaitable<void> Watchdog(std::shared_ptr<Front> front) {
  const auto timeout = front->limits.send_timeout;
  const auto period = std::max<Clock::duration>(std::chrono::seconds(1), timeout / 4);
  while (true) {
    boost::system::error_code ec;
    front->watchdog.expires_after(period);
    co_await front->watchdog.async_wait(asio::redirect_error(asio::use_awaitable, ec));
    if (ec) co_return;  // the connection ended
    const auto now = Clock::now();
    const auto waited_too_long = [&](const std::optional<Clock::time_point>& since) {
      return since && now - *since >= timeout;
    };
    if (waited_too_long(front->sending_since) || waited_too_long(front->guard.starved_since())) {
      front->Close();
      co_return;
    }
  }
}

void SpawnHelper(const std::shared_ptr<Front>& front, asio::awaitable<void> helper) {
  ++front->helpers;
  asio::co_spawn(front->client.get_executor(), std::move(helper), [front](std::exception_ptr error) {
    ReportConnectionFailure(error);
    if (--front->helpers == 0) front->helpers_done.cancel();
  });
}

}  // namespace

asio::awaitable<void> ServeGrpc(tcp::socket client, grpc::Server& server, const GrpcLimits& limits,
                                std::shared_ptr<CallBudget> budget) {
  int pair[2];
  // Out of descriptors: the client's socket closes as this returns.
  if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0, pair) != 0) co_return;
  boost::system::error_code ec;
  Unix::socket grpc_end(client.get_executor());
  grpc_end.assign(Unix(), pair[0], ec);
  if (ec) {
    ::close(pair[0]);
    ::close(pair[1]);
    co_return;
  }
  grpc::AddInsecureChannelFromFd(&server, pair[1]);
  auto front = std::make_shared<Front>(std::move(client), std::move(grpc_end), limits, std::move(budget));
  SpawnHelper(front, Upstream(front));
  SpawnHelper(front, Watchdog(front));
  co_await Downstream(front);
  front->Close();
  // The listener's slot is held until every coroutine of the connection is done.
  while (front->helpers > 0) {
    front->helpers_done.expires_at(Clock::time_point::max());
    co_await front->helpers_done.async_wait(asio::redirect_error(asio::use_awaitable, ec));
  }
  // gRPC drops the calls of a closed connection, but those it queued still run.
  const h2::CallChanges last = front->guard.TakeCallChanges();
  front->budget->Return(last.answered);
  ReturnLater(*front, last.abandoned + front->guard.unanswered_calls());
}

}  // namespace flyte::server

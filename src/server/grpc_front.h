// The gRPC half's HTTP/2 front. gRPC 1.51 (Debian's) cannot protect itself from rapid reset,
// clients that ignore its stream limit or never read, or CONTINUATION floods, so it never sees
// a client's socket: the front keeps it and relays bytes to gRPC over a socketpair, judging
// every frame on the way (h2_guard) and ending the connection with GOAWAY past a limit. Each
// direction holds at most one chunk; a client that stops taking replies is disconnected.
#pragma once

// Boost 1.74's awaitable.hpp uses std::exchange without including <utility>.
#include <utility>

#include <boost/asio/awaitable.hpp>
#include <boost/asio/ip/tcp.hpp>

#include <memory>

#include "server/call_budget.h"
#include "server/server_config.h"

namespace grpc {
class Server;
}  // namespace grpc

namespace flyte::server {

// Serves one connection whose first bytes (not yet read) are the HTTP/2 preface, on the
// socket's strand, until either side ends it. `server` must outlive the connection; `budget` is
// shared by every connection.
boost::asio::awaitable<void> ServeGrpc(boost::asio::ip::tcp::socket client, grpc::Server& server,
                                       const GrpcLimits& limits, std::shared_ptr<CallBudget> budget);

}  // namespace flyte::server

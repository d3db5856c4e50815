// The one port: accepts TCP connections, peeks at the first bytes, and hands HTTP/2 (gRPC, h2c
// with prior knowledge) to the gRPC front and everything else to the HTTP/1.1 sessions.
// Owned by the Server; runs on the io_context's threads, each connection on its own strand.
#pragma once

#include <grpcpp/server.h>

#include <atomic>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <chrono>
#include <exception>
#include <memory>
#include <string>

#include "common/status.h"
#include "server/call_budget.h"
#include "server/connection_slots.h"
#include "server/http_session.h"
#include "server/server_config.h"

namespace flyte::server {

// How many connections the listener holds and how long one may stay silent (ServerConfig).
struct ConnectionLimits {
  int max_connections;  // lowered at each accept to fit the open-file limit
  std::chrono::seconds idle_timeout;
};

// Logs an exception that ended a connection (a library's, never ours: Beast's parser throws on
// some input); that connection is lost, the others go on. Null: nothing happened.
void ReportConnectionFailure(std::exception_ptr error);

class Listener {
 public:
  // Binds and listens; FAILED_PRECONDITION with a clear message when the address is taken.
  static StatusOr<std::unique_ptr<Listener>> Bind(boost::asio::io_context& io, const std::string& address, int port);

  // Starts accepting. `grpc_server` (and `grpc_calls`, its budget) must outlive the listener; null:
  // HTTP/1.1 only (the S3 port), where a connection opening with HTTP/2's preface is closed.
  void Start(grpc::Server* grpc_server, const GrpcLimits& grpc_limits, std::shared_ptr<CallBudget> grpc_calls,
             HttpService http, ConnectionLimits limits);
  // Stops accepting new connections (in-flight requests go on).
  void Close();

  int port() const { return port_; }
  // HTTP requests being handled right now (for graceful shutdown).
  int in_flight() const { return in_flight_->load(); }

 private:
  Listener(boost::asio::io_context& io, boost::asio::ip::tcp::acceptor acceptor, int port)
      : io_(io), acceptor_(std::move(acceptor)), port_(port) {}

  boost::asio::io_context& io_;
  boost::asio::ip::tcp::acceptor acceptor_;  // on its own strand: Close may come from any thread
  int port_;
  std::shared_ptr<std::atomic<int>> in_flight_ = std::make_shared<std::atomic<int>>(0);
};

}  // namespace flyte::server

#include "server/server.h"

#include <boost/asio/io_context.hpp>
#include <boost/asio/thread_pool.hpp>
#include <thread>
#include <vector>

#include "server/body_budget.h"
#include "server/connect_services.h"
#include "server/data_endpoint.h"
#include "server/gateway.h"
#include "server/grpc_server.h"
#include "server/listener.h"
#include "server/request_guard.h"
#include "server/s3/endpoint.h"

namespace flyte::server {
namespace {

// The JSON gateway's routes: every HTTP-annotated method of the served services.
RouteTable ServedRoutes() { return RouteTable::FromServices(ServedServiceDescriptors()); }

// An io_context thread: an exception from a handler (a library's: Beast's parsers throw on some
// input) loses that one connection, never the process.
void RunIo(boost::asio::io_context& io) {
  while (true) {
    try {
      io.run();
      return;
    } catch (...) {
      ReportConnectionFailure(std::current_exception());
    }
  }
}

// Threads: two io_context threads run the listener and the HTTP sessions, `blocking_` their disk
// I/O, gRPC its own pool; the control thread calls Serve and Shutdown.
class TransportServer final : public Server {
 public:
  explicit TransportServer(const ServerConfig& config) : config_(config) {}
  ~TransportServer() override { Shutdown(); }

  Status Bind() {
    ASSIGN_OR_RETURN(listener_, Listener::Bind(io_, config_.bind_address, config_.port));
    config_.port = listener_->port();  // resolves port 0
    if (config_.s3.enabled) {
      ASSIGN_OR_RETURN(s3_listener_, Listener::Bind(io_, config_.bind_address, config_.s3.port));
      config_.s3.port = s3_listener_->port();
    }
    return absl::OkStatus();
  }

  const ServerConfig& config() const override { return config_; }

  Status Serve(ServerDeps deps) override {
    ASSIGN_OR_RETURN(grpc_, GrpcServer::Start(deps.admin, deps.auth, config_.grpc));
    gateway_ = std::make_unique<Gateway>(grpc_->InProcessChannel(), ServedRoutes());
    connect_ = std::make_unique<ConnectRouter>(MakeConnectRouter(deps.admin));
    data_ = std::make_unique<DataEndpoint>(deps.signer, deps.blobs);
    logs_ = std::make_unique<LogEndpoint>(deps.logs_dir);
    console_ = config_.console_dir.empty() ? std::make_unique<ConsoleAssets>(EmbeddedConsoleAssets())
                                           : std::make_unique<ConsoleAssets>(config_.console_dir);
    const HttpHandlers handlers{guard_,
                                *gateway_,
                                *connect_,
                                open_streams_,
                                *data_,
                                *logs_,
                                *console_,
                                deps.auth,
                                deps.admin,
                                blocking_,
                                buffered_,
                                config_.max_request_bytes,
                                config_.max_api_request_bytes};
    listener_->Start(grpc_->server(), config_.grpc, grpc_->calls(), {MainRoutes(handlers), config_.header_timeout, ""},
                     {config_.max_connections, config_.idle_timeout});
    if (s3_listener_) {
      s3_objects_ = std::make_unique<s3::Objects>(deps.blobs);
      const s3::S3Service service{*s3_objects_, {config_.s3.access_key_id, config_.s3.secret_access_key}, blocking_};
      s3_listener_->Start(nullptr, config_.grpc, nullptr, {s3::S3Routes(service), config_.header_timeout, "s3"},
                          {config_.max_connections, config_.idle_timeout});
    }
    for (int i = 0; i < 2; ++i) io_threads_.emplace_back([this] { RunIo(io_); });
    return absl::OkStatus();
  }

  void Shutdown() override {
    if (stopped_ || !listener_) return;  // no listener: Bind failed, nothing runs
    stopped_ = true;
    listener_->Close();
    if (s3_listener_) s3_listener_->Close();
    open_streams_.StopAll();  // a watch would otherwise hold the shutdown for its whole grace
    const auto deadline = std::chrono::steady_clock::now() + config_.shutdown_grace;
    if (grpc_) grpc_->Shutdown(config_.shutdown_grace);
    auto in_flight = [this] { return listener_->in_flight() + (s3_listener_ ? s3_listener_->in_flight() : 0); };
    while (in_flight() > 0 && std::chrono::steady_clock::now() < deadline) {
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    io_.stop();
    for (auto& thread : io_threads_) thread.join();
    blocking_.join();
  }

 private:
  ServerConfig config_;
  const RequestGuard guard_{config_};  // declared after config_, which it is built from
  bool stopped_ = false;
  boost::asio::io_context io_;
  boost::asio::thread_pool blocking_{2};
  BodyBudget buffered_{config_.max_buffered_request_bytes};
  std::unique_ptr<Listener> listener_;
  std::unique_ptr<Listener> s3_listener_;  // null when s3.enabled is false
  std::unique_ptr<s3::Objects> s3_objects_;
  std::unique_ptr<GrpcServer> grpc_;
  std::unique_ptr<Gateway> gateway_;
  std::unique_ptr<ConnectRouter> connect_;
  OpenStreams open_streams_;
  std::unique_ptr<DataEndpoint> data_;
  std::unique_ptr<LogEndpoint> logs_;
  std::unique_ptr<ConsoleAssets> console_;
  std::vector<std::thread> io_threads_;
};

}  // namespace

std::string ServerConfig::ClientAddress() const {
  if (!public_address.empty()) return public_address;
  // Bound to one address beyond loopback, localhost would not reach us: that address does.
  boost::system::error_code ec;
  const auto bound = boost::asio::ip::make_address(bind_address, ec);
  if (ec || bound.is_loopback() || bound.is_unspecified()) return "localhost:" + std::to_string(port);
  const std::string host = bound.is_v6() ? "[" + bound.to_string() + "]" : bound.to_string();
  return host + ":" + std::to_string(port);
}

bool ServerConfig::BindsLoopback() const {
  if (bind_address == "localhost") return true;
  boost::system::error_code ec;
  const auto bound = boost::asio::ip::make_address(bind_address, ec);
  return !ec && bound.is_loopback();
}

StatusOr<std::unique_ptr<Server>> Server::Bind(const ServerConfig& config) {
  auto server = std::make_unique<TransportServer>(config);
  RETURN_IF_ERROR(server->Bind());
  return std::unique_ptr<Server>(std::move(server));
}

}  // namespace flyte::server

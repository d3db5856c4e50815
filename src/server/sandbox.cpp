#include "server/sandbox.h"

#include <fcntl.h>
#include <grpcpp/ext/proto_server_reflection_plugin.h>
#include <grpcpp/health_check_service_interface.h>
#include <grpcpp/server_builder.h>
#include <sys/file.h>
#include <unistd.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/thread_pool.hpp>
#include <fstream>
#include <thread>

#include "admin/admin.h"
#include "common/clock.h"
#include "common/digest.h"
#include "engine/engine.h"
#include "plugins/local_process_plugin.h"
#include "server/data_endpoint.h"
#include "server/gateway.h"
#include "server/grpc_services.h"
#include "server/listener.h"
#include "server/unimplemented_interceptor.h"

namespace flyte::server {
namespace {

namespace fs = std::filesystem;

// flytekit pings every 30 s without calls; gRPC's default policy would answer with GOAWAY.
void ConfigureKeepalive(grpc::ServerBuilder& builder) {
  builder.AddChannelArgument(GRPC_ARG_HTTP2_MIN_RECV_PING_INTERVAL_WITHOUT_DATA_MS, 10000);
  builder.AddChannelArgument(GRPC_ARG_HTTP2_MAX_PING_STRIKES, 0);
  builder.AddChannelArgument(GRPC_ARG_KEEPALIVE_PERMIT_WITHOUT_CALLS, 1);
  builder.SetMaxReceiveMessageSize(64 << 20);
  builder.SetMaxSendMessageSize(64 << 20);
}

Status PrepareStateDir(const fs::path& dir) {
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) return absl::FailedPreconditionError("cannot create state folder " + dir.string() + ": " + ec.message());
  if (::access(dir.c_str(), W_OK | X_OK) != 0) {
    return absl::FailedPreconditionError("state folder " + dir.string() + " is not writable");
  }
  return absl::OkStatus();
}

// One sandbox per state folder: an flock held for the life of the process.
StatusOr<int> LockStateDir(const fs::path& dir) {
  const fs::path lock = dir / "sandbox.lock";
  int fd = ::open(lock.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (fd < 0) return absl::FailedPreconditionError("cannot open " + lock.string() + ": " + std::strerror(errno));
  if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
    ::close(fd);
    return absl::FailedPreconditionError("another sandbox is already running with state folder " + dir.string() +
                                         " (see `flyte sandbox status`)");
  }
  return fd;
}

// The key that signs data URLs; kept so URLs stay valid across restarts.
StatusOr<std::string> LoadSigningKey(const fs::path& dir) {
  const fs::path file = dir / "signing.key";
  std::ifstream in(file, std::ios::binary);
  std::string key((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (key.size() == 32) return key;
  key = RandomBytes(32);
  int fd = ::open(file.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0 || ::write(fd, key.data(), key.size()) != static_cast<ssize_t>(key.size()) || ::close(fd) != 0) {
    return absl::FailedPreconditionError("cannot write " + file.string());
  }
  return key;
}

Status WriteFileAtomically(const fs::path& file, const std::string& text) {
  std::error_code ec;
  fs::create_directories(file.parent_path(), ec);
  const fs::path temp = file.string() + ".tmp";
  {
    std::ofstream out(temp, std::ios::trunc);
    out << text;
    if (!out) return absl::FailedPreconditionError("cannot write " + temp.string());
  }
  fs::rename(temp, file, ec);
  if (ec) return absl::FailedPreconditionError("cannot write " + file.string() + ": " + ec.message());
  return absl::OkStatus();
}

std::string ClientConfigText(const Config& config) {
  return "# Written by `flyte sandbox start`. Point flytectl and flytekit at the sandbox with:\n"
         "#   export FLYTECTL_CONFIG=" +
         config.client_config.string() +
         "\n"
         "admin:\n"
         "  endpoint: dns:///" +
         config.ClientAddress() +
         "\n"
         "  insecure: true\n"
         "console:\n"
         "  endpoint: http://" +
         config.ClientAddress() + "\n";
}

const google::protobuf::ServiceDescriptor* ServiceDescriptor(const char* full_name) {
  return google::protobuf::DescriptorPool::generated_pool()->FindServiceByName(full_name);
}

// Tasks run as local processes with the configured PATH and environment.
plugins::LocalProcessConfig LocalProcessConfigFor(const Config& config) {
  plugins::LocalProcessConfig local;
  for (const auto& folder : config.task_path) local.path_prefix += (local.path_prefix.empty() ? "" : ":") + folder;
  local.env = config.task_env;
  local.warm_python = config.warm_python;
  return local;
}

engine::EngineDeps EngineDepsFor(const Config& config, store::ExecutionStore& executions, store::BlobStore& blobs,
                                 store::CacheStore& cache, store::SignalStore& signals) {
  const plugins::LocalProcessConfig local = LocalProcessConfigFor(config);
  engine::EngineConfig engine_config;
  engine_config.logs_dir = config.state_dir / "logs";
  engine_config.logs_base_url = "http://" + config.ClientAddress() + "/logs";
  engine_config.max_system_failures = config.max_system_retries;
  return {executions,
          blobs,
          cache,
          signals,
          SystemClock(),
          [local](plugins::ChangeCallback on_change) {
            return plugins::MakeLocalProcessPlugin(local, std::move(on_change));
          },
          engine_config};
}

class RunningSandbox final : public Sandbox {
 public:
  ~RunningSandbox() override {
    Shutdown();
    if (lock_fd_ >= 0) ::close(lock_fd_);
  }

  int port() const override { return listener_->port(); }

  // Also cleans up after a failed Init, so every member may still be unset.
  void Shutdown() override {
    if (stopped_) return;
    stopped_ = true;
    if (listener_) listener_->Close();
    const auto deadline = std::chrono::steady_clock::now() + config_.shutdown_grace;
    if (grpc_server_) grpc_server_->Shutdown(std::chrono::system_clock::now() + config_.shutdown_grace);
    while (listener_ && listener_->in_flight() > 0 && std::chrono::steady_clock::now() < deadline) {
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    io_.stop();
    for (auto& thread : io_threads_) thread.join();
    // Running task processes are left alone: the next start re-attaches to them.
    if (engine_) engine_->Stop();
    blocking_.join();
    if (serving_) {
      std::error_code ec;
      fs::remove(config_.state_dir / kPidFile, ec);
    }
    // Members then go in reverse order: gRPC server, admin, and last the registry (closing SQLite).
  }

  Status Init(const Config& config) {
    config_ = config;
    RETURN_IF_ERROR(PrepareStateDir(config.state_dir));
    ASSIGN_OR_RETURN(lock_fd_, LockStateDir(config.state_dir));
    ASSIGN_OR_RETURN(listener_, Listener::Bind(io_, config.bind_address, config.port));
    config_.port = listener_->port();  // resolves port 0
    ASSIGN_OR_RETURN(store::SqliteStores stores, store::OpenSqliteStores(config.state_dir / "registry.db"));
    registry_ = std::move(stores.registry);
    executions_ = std::move(stores.executions);
    signals_ = std::move(stores.signals);
    cache_ = std::move(stores.cache);
    ASSIGN_OR_RETURN(blobs_, store::OpenLocalBlobStore(config.state_dir / "blobs"));
    ASSIGN_OR_RETURN(std::string key, LoadSigningKey(config.state_dir));
    signer_ = std::make_unique<admin::UrlSigner>(key, "http://" + config_.ClientAddress(), SystemClock());
    engine_ = engine::MakeEngine(EngineDepsFor(config_, *executions_, *blobs_, *cache_, *signals_));
    const admin::AdminConfig admin_config{config_.seed_projects, config_.domains, config_.signed_url_ttl};
    ASSIGN_OR_RETURN(admin_, admin::Admin::Create({*registry_, *executions_, *signals_, *engine_, *blobs_,
                                                   SystemClock(), *signer_, admin_config}));
    RETURN_IF_ERROR(engine_->Start(admin_->ControlPlane()));
    RETURN_IF_ERROR(StartGrpc());
    gateway_ = std::make_unique<Gateway>(
        grpc_server_->InProcessChannel(grpc::ChannelArguments()),
        RouteTable::FromServices({ServiceDescriptor(flyteidl::service::AdminService::service_full_name()),
                                  ServiceDescriptor(flyteidl::service::DataProxyService::service_full_name()),
                                  ServiceDescriptor(flyteidl::service::SignalService::service_full_name())}));
    data_ = std::make_unique<DataEndpoint>(*signer_, *blobs_);
    logs_ = std::make_unique<LogEndpoint>(config_.state_dir / "logs");
    listener_->Start(grpc_server_.get(), {*gateway_, *data_, *logs_, blocking_, config_.max_request_bytes});
    for (int i = 0; i < 2; ++i) io_threads_.emplace_back([this] { io_.run(); });
    serving_ = true;
    RETURN_IF_ERROR(WriteFileAtomically(config_.state_dir / kPidFile,
                                        std::to_string(::getpid()) + " " + std::to_string(port()) + "\n"));
    return WriteFileAtomically(config_.client_config, ClientConfigText(config_));
  }

 private:
  Status StartGrpc() {
    grpc::EnableDefaultHealthCheckService(true);
    grpc::reflection::InitProtoReflectionServerBuilderPlugin();
    admin_service_ = std::make_unique<AdminServiceImpl>(*admin_);
    data_proxy_service_ = std::make_unique<DataProxyServiceImpl>(*admin_);
    signal_service_ = std::make_unique<SignalServiceImpl>(*admin_);
    grpc::ServerBuilder builder;
    ConfigureKeepalive(builder);
    builder.RegisterService(admin_service_.get());
    builder.RegisterService(data_proxy_service_.get());
    builder.RegisterService(signal_service_.get());
    std::vector<std::unique_ptr<grpc::experimental::ServerInterceptorFactoryInterface>> interceptors;
    interceptors.push_back(MakeUnimplementedInterceptorFactory());
    builder.experimental().SetInterceptorCreators(std::move(interceptors));
    grpc_server_ = builder.BuildAndStart();
    if (!grpc_server_) return absl::InternalError("cannot start the gRPC server");
    return absl::OkStatus();
  }

  Config config_;
  bool stopped_ = false;
  bool serving_ = false;
  int lock_fd_ = -1;  // held until exit
  boost::asio::io_context io_;
  boost::asio::thread_pool blocking_{2};
  std::unique_ptr<Listener> listener_;
  std::unique_ptr<store::Registry> registry_;
  std::unique_ptr<store::ExecutionStore> executions_;
  std::unique_ptr<store::SignalStore> signals_;
  std::unique_ptr<store::CacheStore> cache_;
  std::unique_ptr<store::BlobStore> blobs_;
  std::unique_ptr<admin::UrlSigner> signer_;
  std::unique_ptr<engine::Engine> engine_;
  std::unique_ptr<admin::Admin> admin_;
  std::unique_ptr<AdminServiceImpl> admin_service_;
  std::unique_ptr<DataProxyServiceImpl> data_proxy_service_;
  std::unique_ptr<SignalServiceImpl> signal_service_;
  std::unique_ptr<grpc::Server> grpc_server_;
  std::unique_ptr<Gateway> gateway_;
  std::unique_ptr<DataEndpoint> data_;
  std::unique_ptr<LogEndpoint> logs_;
  std::vector<std::thread> io_threads_;
};

}  // namespace

StatusOr<std::string> PythonTaskEntryPoint(const Config& config) {
  return plugins::FlytekitEntryPoint(LocalProcessConfigFor(config));
}

StatusOr<std::unique_ptr<Sandbox>> Sandbox::Start(const Config& config) {
  auto sandbox = std::make_unique<RunningSandbox>();
  RETURN_IF_ERROR(sandbox->Init(config));
  return std::unique_ptr<Sandbox>(std::move(sandbox));
}

}  // namespace flyte::server

#include "app/sandbox.h"

#include <absl/strings/str_join.h>

#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include <boost/system/system_error.hpp>
#include <optional>
#include <system_error>

#include <absl/strings/str_cat.h>

#include "admin/admin.h"
#include "app/client_config.h"
#include "app/layer_configs.h"
#include "app/signing_key.h"
#include "app/state_dir.h"
#include "auth/auth.h"
#include "common/clock.h"
#include "common/digest.h"
#include "common/log.h"
#include "common/version.h"
#include "engine/engine.h"
#include "engine/v2/action_executor.h"
#include "plugins/builtin_plugins.h"
#include "plugins/local/local_process_plugin.h"
#include "plugins/router.h"
#include "plugins/shared_plugin.h"
#include "scheduler/scheduler.h"
#include "server/server.h"
#include "store/store.h"

namespace flyte::app {
namespace {

// The container engine, if there is one; the banner's line says which and what runs there, or why
// there is none.
// The admin section, with what admin/ learns from the rest of the config: which task types run as
// pods (their Flyte 2 runs keep data under s3:// URLs, when the S3 endpoint serves them).
admin::AdminConfig AdminConfigFor(const SandboxConfig& config) {
  admin::AdminConfig admin = config.admin;
  if (config.server.s3.enabled) admin.pod_task_types = PodTaskTypes(config);
  return admin;
}

std::optional<plugins::FoundEngine> ContainerEngineFor(const SandboxConfig& config, TaskRuntimes& runtimes) {
  StatusOr<plugins::FoundEngine> found = FindContainerEngine(config);
  if (!found.ok()) {
    log::Info("sandbox", "no container engine", {{"reason", std::string(found.status().message())}});
    runtimes.containers = std::string(found.status().message()) + "; raw-container tasks run as local processes";
    return std::nullopt;
  }
  log::Info("sandbox", "container engine found", {{"engine", found->Describe()}});
  std::string in_containers;
  for (const auto& [task_type, plugin] : PluginRoutesFor(config, true).plugin_for) {
    if (plugin == "container") in_containers += (in_containers.empty() ? "" : ", ") + task_type;
  }
  runtimes.containers = found->Describe() + (in_containers.empty() ? "; no task type runs in containers"
                                                                   : "; in containers: " + in_containers);
  return *std::move(found);
}

// The banner's line on the cluster: which, and what runs there, or why tasks sent there fail.
std::string KubernetesLine(const SandboxConfig& config, const plugins::KubernetesConnection& cluster) {
  const std::string pods = absl::StrJoin(PodTaskTypes(config), ", ");
  if (!cluster.api) return cluster.description + "; tasks sent to it (" + pods + ") fail to start";
  return cluster.description + "; as pods: " + pods;
}

// Each task type goes to the plugin tasks.plugins names; a name no plugin has fails the start. One
// instance serves the Flyte 1 engine and Flyte 2's executor (shared_plugin.h).
StatusOr<std::unique_ptr<plugins::SharedPlugin>> PluginsFor(const SandboxConfig& config,
                                                            const std::optional<plugins::FoundEngine>& container_engine,
                                                            TaskRuntimes& runtimes) {
  plugins::KubernetesConfig kubernetes = KubernetesConfigFor(config);
  plugins::KubernetesConnection cluster;
  if (UsesKubernetes(config)) {
    cluster = FindKubernetes(config, kubernetes);
    log::Info("sandbox", cluster.api ? "kubernetes cluster found" : "no kubernetes cluster",
              {{"cluster", cluster.description}});
    runtimes.kubernetes = KubernetesLine(config, cluster);
  }
  ASSIGN_OR_RETURN(
      const plugins::PluginFactory make,
      plugins::RoutingPluginFactory(plugins::BuiltinPlugins(PluginConfigsFor(
                                        config, container_engine, std::move(kubernetes), std::move(cluster))),
                                    PluginRoutesFor(config, container_engine.has_value())));
  return std::make_unique<plugins::SharedPlugin>(make, /*clients=*/2);
}

engine::EngineDeps EngineDepsFor(engine::EngineConfig engine_config, plugins::SharedPlugin& plugins,
                                 store::SqliteStores& stores, store::BlobStore& blobs) {
  return engine::EngineDeps{*stores.executions,      blobs,         *stores.cache,
                            *stores.signals,         SystemClock(), plugins.Factory(),
                            std::move(engine_config)};
}

// Flyte 2's executor: its attempts' logs beside v1's.
engine::v2::ActionExecutorDeps ActionExecutorDepsFor(const SandboxConfig& config,
                                                     const engine::EngineConfig& engine_config,
                                                     plugins::SharedPlugin& plugins, store::SqliteStores& stores,
                                                     store::BlobStore& blobs) {
  engine::v2::ActionAttemptConfig attempts;
  attempts.logs_dir = engine_config.logs_dir;
  attempts.endpoint = config.server.ClientAddress();
  for (const auto& folder : config.tasks.flyte2_path) {
    attempts.path_prefix += (attempts.path_prefix.empty() ? "" : ":") + folder;
  }
  attempts.buckets_dir = engine_config.buckets_dir;
  return engine::v2::ActionExecutorDeps{*stores.runs,
                                        blobs,
                                        *stores.cache,
                                        SystemClock(),
                                        plugins.Factory(),
                                        std::move(attempts),
                                        config.tasks.max_system_retries};
}

// Threads of the sandbox apart from gRPC's: HTTP, disk I/O, the engine, the plugins, the scheduler.
constexpr int64_t kOwnThreads = 16;

Status NoThreads(std::string_view why) {
  return absl::ResourceExhaustedError("cannot start the sandbox's threads (" + std::string(why) +
                                      "): raise the limit on processes (ulimit -u) or stop some");
}

// Fails fast when the limit on processes (threads count) leaves no room for the threads the
// sandbox starts: gRPC 1.51 aborts the process when it cannot create a worker thread later.
Status CheckThreadLimit(const SandboxConfig& config) {
  rlimit processes{};
  if (::getrlimit(RLIMIT_NPROC, &processes) != 0 || processes.rlim_cur == RLIM_INFINITY) return absl::OkStatus();
  const int64_t needed = config.server.grpc.max_threads + kOwnThreads + config.tasks.warm_python;
  if (static_cast<int64_t>(processes.rlim_cur) >= needed) return absl::OkStatus();
  return absl::ResourceExhaustedError("the limit on processes (ulimit -u: " + std::to_string(processes.rlim_cur) +
                                      ") is below the " + std::to_string(needed) +
                                      " threads the sandbox may start; raise it, or lower server.grpc.max_threads");
}

// A corrupt registry stops the start with what to do about it, not a bare SQLite message.
StatusOr<store::SqliteStores> OpenRegistry(const std::filesystem::path& file) {
  StatusOr<store::SqliteStores> stores = store::OpenSqliteStores(file);
  if (!absl::IsDataLoss(stores.status())) return stores;
  const std::string name = file.string();
  return absl::DataLossError(absl::StrCat(
      stores.status().message(), ". The sandbox cannot start on it. Move it aside (mv ", name, " ", name,
      ".corrupt, and its -wal and -shm files likewise) to start with an empty registry (registered entities and ",
      "executions are forgotten, blobs/ keeps the data), or put back a copy of it; `flyte sandbox teardown` deletes ",
      "the whole state folder."));
}

// The client config authenticates with the client secret file when auth is required and there is
// one; otherwise clients bring their own settings (a static token, say).
std::optional<ClientSecretAuth> ClientAuthFor(const SandboxConfig& config) {
  if (!config.auth.required || config.auth.client_id.empty() || config.auth_client_secret_file.empty()) {
    return std::nullopt;
  }
  return ClientSecretAuth{config.auth.client_id, std::filesystem::absolute(config.auth_client_secret_file)};
}

// Clients read s3:// data through the S3 endpoint when it is on.
std::optional<ClientS3> ClientS3For(const SandboxConfig& config) {
  if (!config.server.s3.enabled) return std::nullopt;
  return ClientS3{LocalS3Endpoint(config.server), config.server.s3.access_key_id, config.server.s3.secret_access_key};
}

// What the log must never show, wherever it would turn up: the credentials clients present and
// the key URLs and tokens are signed with.
void KeepSecretsOutOfTheLog(const auth::AuthConfig& auth, const server::S3Config& s3, const std::string& signing_key) {
  std::vector<std::string> secrets = auth.static_tokens;
  secrets.push_back(s3.secret_access_key);
  secrets.push_back(auth.client_secret);
  secrets.push_back(signing_key);
  secrets.push_back(HexEncode(signing_key));
  secrets.push_back(Base64Encode(signing_key));
  log::AddSecrets(secrets);
}

// Raw data under s3:// goes through the S3 endpoint into the bucket of that name, a folder of the
// store made here so that tasks' first writes find it.
Status PrepareRawDataBucket(const SandboxConfig& config, store::BlobStore& blobs) {
  const std::string bucket = RawDataBucket(config.raw_data_prefix);
  if (bucket.empty()) return absl::OkStatus();
  if (!config.server.s3.enabled) {
    return absl::FailedPreconditionError("storage.raw_data_prefix is " + config.raw_data_prefix +
                                         ", which tasks reach through the S3 endpoint, but s3.enabled is false");
  }
  const Status created = blobs.CreateFolder(bucket);
  return absl::IsAlreadyExists(created) ? absl::OkStatus() : created;
}

// Members are declared so that each goes before what it uses: the server and the scheduler (they
// call admin), admin, the engine, and last the store (closing SQLite).
class RunningSandbox final : public Sandbox {
 public:
  ~RunningSandbox() override {
    Shutdown();
    lock_.reset();
  }

  const SandboxConfig& config() const override { return config_; }
  const TaskRuntimes& runtimes() const override { return runtimes_; }

  // Also cleans up after a failed Init, so every member may still be unset.
  void Shutdown() override {
    if (stopped_) return;
    stopped_ = true;
    if (server_) server_->Shutdown();
    if (scheduler_) scheduler_->Stop();
    // Running task processes are left alone: the next start re-attaches to them.
    if (engine_) engine_->Stop();
    if (actions_) actions_->Stop();
    plugins_.reset();  // both clients are done with it
    if (pid_file_written_) RemovePidFile(config_.state.dir);
  }

  Status Init(const SandboxConfig& config) {
    config_ = config;
    // Everything the sandbox and its tasks create (SQLite's database, WAL and shared memory,
    // blobs, logs, the client config) is for the user alone, whatever umask the shell had.
    ::umask(077);
    RETURN_IF_ERROR(CheckThreadLimit(config_));
    ASSIGN_OR_RETURN(config_.auth, AuthConfigFor(config_));
    RETURN_IF_ERROR(PrepareStateDir(config_.state.dir));
    ASSIGN_OR_RETURN(lock_, StateDirLock::Acquire(config_.state.dir));
    ASSIGN_OR_RETURN(server_, server::Server::Bind(config_.server));
    config_.server = server_->config();  // resolves port 0
    const std::string address = config_.server.ClientAddress();
    ASSIGN_OR_RETURN(stores_, OpenRegistry(config_.state.dir / "registry.db"));
    ASSIGN_OR_RETURN(blobs_, store::OpenLocalBlobStore(config_.state.dir / "blobs"));
    RETURN_IF_ERROR(PrepareRawDataBucket(config_, *blobs_));
    ASSIGN_OR_RETURN(std::string key, LoadSigningKey(config_.state.dir));
    KeepSecretsOutOfTheLog(config_.auth, config_.server.s3, key);
    signer_ = std::make_unique<admin::UrlSigner>(key, "http://" + address, SystemClock());
    authenticator_ = std::make_unique<auth::Authenticator>(config_.auth, key, "http://" + address, SystemClock());
    const engine::EngineConfig engine_config = EngineConfigFor(config_, address);
    const std::optional<plugins::FoundEngine> container_engine = ContainerEngineFor(config_, runtimes_);
    ASSIGN_OR_RETURN(plugins_, PluginsFor(config_, container_engine, runtimes_));
    engine_ = engine::MakeEngine(EngineDepsFor(engine_config, *plugins_, stores_, *blobs_));
    actions_ =
        engine::v2::MakeActionExecutor(ActionExecutorDepsFor(config_, engine_config, *plugins_, stores_, *blobs_));
    ASSIGN_OR_RETURN(admin_, admin::Admin::Create({*stores_.registry, *stores_.executions, *stores_.signals,
                                                   *stores_.runs, *stores_.tasks, *engine_, *actions_, *blobs_,
                                                   SystemClock(), *signer_, AdminConfigFor(config_)}));
    RETURN_IF_ERROR(engine_->Start(admin_->ControlPlane()));
    RETURN_IF_ERROR(actions_->Start());
    // Both written before serving: a client that sees /healthz answer finds the client config in
    // place, and `sandbox status` and `stop` find this process.
    RETURN_IF_ERROR(
        WriteClientConfig(config_.state.client_config, address, ClientAuthFor(config_), ClientS3For(config_)));
    RETURN_IF_ERROR(WritePidFile(config_.state.dir, config_.server.port, runtimes_));
    pid_file_written_ = true;
    RETURN_IF_ERROR(server_->Serve({*admin_, *blobs_, *signer_, *authenticator_, engine_config.logs_dir}));
    scheduler_ = std::make_unique<scheduler::Scheduler>(*admin_, SystemClock(), config_.scheduler);
    scheduler_->Start();
    log::Info("sandbox", "serving",
              {{"version", kVersion},
               {"address", address},
               {"pid", ::getpid()},
               {"state_dir", config_.state.dir.string()},
               {"s3_port", config_.server.s3.enabled ? config_.server.s3.port : 0},
               {"auth", config_.auth.required}});
    return absl::OkStatus();
  }

 private:
  SandboxConfig config_;
  TaskRuntimes runtimes_;
  bool stopped_ = false;
  bool pid_file_written_ = false;
  std::optional<StateDirLock> lock_;  // held until exit
  store::SqliteStores stores_;
  std::unique_ptr<store::BlobStore> blobs_;
  std::unique_ptr<admin::UrlSigner> signer_;
  std::unique_ptr<auth::Authenticator> authenticator_;
  std::unique_ptr<plugins::SharedPlugin> plugins_;  // outlives both clients
  std::unique_ptr<engine::Engine> engine_;
  std::unique_ptr<engine::v2::ActionExecutor> actions_;
  std::unique_ptr<admin::Admin> admin_;
  std::unique_ptr<scheduler::Scheduler> scheduler_;
  std::unique_ptr<server::Server> server_;
};

}  // namespace

StatusOr<std::string> PythonTaskEntryPoint(const SandboxConfig& config) {
  return plugins::FlytekitEntryPoint(LocalProcessConfigFor(config));
}

std::string TaskConfinement(const SandboxConfig& config) {
  return plugins::DescribeConfinement(LocalProcessConfigFor(config).confinement);
}

StatusOr<std::unique_ptr<Sandbox>> Sandbox::Start(const SandboxConfig& config) {
  auto sandbox = std::make_unique<RunningSandbox>();
  // Every layer starts threads here; std::thread and Boost's thread pool throw when the system
  // refuses one (EAGAIN at the limit on processes). The half-started sandbox stops as Start returns.
  try {
    RETURN_IF_ERROR(sandbox->Init(config));
  } catch (const std::system_error& e) {
    return NoThreads(e.what());
  } catch (const boost::system::system_error& e) {
    return NoThreads(e.what());
  }
  return std::unique_ptr<Sandbox>(std::move(sandbox));
}

}  // namespace flyte::app

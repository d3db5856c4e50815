#include "app/sandbox.h"

#include <sys/stat.h>

#include <optional>

#include "admin/admin.h"
#include "app/client_config.h"
#include "app/layer_configs.h"
#include "app/signing_key.h"
#include "app/state_dir.h"
#include "common/clock.h"
#include "engine/engine.h"
#include "plugins/builtin_plugins.h"
#include "plugins/local/local_process_plugin.h"
#include "plugins/router.h"
#include "server/server.h"
#include "store/store.h"

namespace flyte::app {
namespace {

StatusOr<engine::EngineDeps> EngineDepsFor(const SandboxConfig& config, engine::EngineConfig engine_config,
                                           store::SqliteStores& stores, store::BlobStore& blobs) {
  // Each task type goes to the plugin tasks.plugins names; a name no plugin has fails the start.
  ASSIGN_OR_RETURN(
      plugins::PluginFactory make_plugin,
      plugins::RoutingPluginFactory(plugins::BuiltinPlugins({LocalProcessConfigFor(config)}), config.tasks.plugins));
  return engine::EngineDeps{*stores.executions,      blobs,         *stores.cache,
                            *stores.signals,         SystemClock(), std::move(make_plugin),
                            std::move(engine_config)};
}

// Members are declared so that each goes before what it uses: the server (it calls admin), admin,
// the engine, and last the store (closing SQLite).
class RunningSandbox final : public Sandbox {
 public:
  ~RunningSandbox() override {
    Shutdown();
    lock_.reset();
  }

  const SandboxConfig& config() const override { return config_; }

  // Also cleans up after a failed Init, so every member may still be unset.
  void Shutdown() override {
    if (stopped_) return;
    stopped_ = true;
    if (server_) server_->Shutdown();
    // Running task processes are left alone: the next start re-attaches to them.
    if (engine_) engine_->Stop();
    if (serving_) RemovePidFile(config_.state.dir);
  }

  Status Init(const SandboxConfig& config) {
    config_ = config;
    // Everything the sandbox and its tasks create (SQLite's database, WAL and shared memory,
    // blobs, logs, the client config) is for the user alone, whatever umask the shell had.
    ::umask(077);
    RETURN_IF_ERROR(PrepareStateDir(config_.state.dir));
    ASSIGN_OR_RETURN(lock_, StateDirLock::Acquire(config_.state.dir));
    ASSIGN_OR_RETURN(server_, server::Server::Bind(config_.server));
    config_.server = server_->config();  // resolves port 0
    const std::string address = config_.server.ClientAddress();
    ASSIGN_OR_RETURN(stores_, store::OpenSqliteStores(config_.state.dir / "registry.db"));
    ASSIGN_OR_RETURN(blobs_, store::OpenLocalBlobStore(config_.state.dir / "blobs"));
    ASSIGN_OR_RETURN(std::string key, LoadSigningKey(config_.state.dir));
    signer_ = std::make_unique<admin::UrlSigner>(key, "http://" + address, SystemClock());
    const engine::EngineConfig engine_config = EngineConfigFor(config_, address);
    ASSIGN_OR_RETURN(engine::EngineDeps engine_deps, EngineDepsFor(config_, engine_config, stores_, *blobs_));
    engine_ = engine::MakeEngine(std::move(engine_deps));
    ASSIGN_OR_RETURN(admin_, admin::Admin::Create({*stores_.registry, *stores_.executions, *stores_.signals, *engine_,
                                                   *blobs_, SystemClock(), *signer_, config_.admin}));
    RETURN_IF_ERROR(engine_->Start(admin_->ControlPlane()));
    // Written before serving: a client that sees /healthz answer finds the file in place.
    RETURN_IF_ERROR(WriteClientConfig(config_.state.client_config, address));
    RETURN_IF_ERROR(server_->Serve({*admin_, *blobs_, *signer_, engine_config.logs_dir}));
    serving_ = true;
    return WritePidFile(config_.state.dir, config_.server.port);
  }

 private:
  SandboxConfig config_;
  bool stopped_ = false;
  bool serving_ = false;
  std::optional<StateDirLock> lock_;  // held until exit
  store::SqliteStores stores_;
  std::unique_ptr<store::BlobStore> blobs_;
  std::unique_ptr<admin::UrlSigner> signer_;
  std::unique_ptr<engine::Engine> engine_;
  std::unique_ptr<admin::Admin> admin_;
  std::unique_ptr<server::Server> server_;
};

}  // namespace

StatusOr<std::string> PythonTaskEntryPoint(const SandboxConfig& config) {
  return plugins::FlytekitEntryPoint(LocalProcessConfigFor(config));
}

StatusOr<std::unique_ptr<Sandbox>> Sandbox::Start(const SandboxConfig& config) {
  auto sandbox = std::make_unique<RunningSandbox>();
  RETURN_IF_ERROR(sandbox->Init(config));
  return std::unique_ptr<Sandbox>(std::move(sandbox));
}

}  // namespace flyte::app

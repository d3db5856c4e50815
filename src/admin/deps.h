// What every admin service is built over: the stores, the engine, the clock, the URL signer and
// the admin configuration. The services keep a copy; the referenced objects must outlive them.
#pragma once

#include "admin/admin_config.h"
#include "admin/signed_urls.h"
#include "common/clock.h"
#include "engine/engine.h"
#include "engine/v2/action_executor.h"
#include "store/store.h"

namespace flyte::admin {

struct AdminDeps {
  store::Registry& registry;
  store::ExecutionStore& executions;
  store::SignalStore& signals;
  store::RunStore& runs;            // Flyte 2
  store::DeployedTaskStore& tasks;  // Flyte 2
  engine::Engine& engine;
  engine::v2::ActionExecutor& actions;  // Flyte 2
  store::BlobStore& blobs;
  const Clock& clock;
  const UrlSigner& signer;
  AdminConfig config;
};

}  // namespace flyte::admin

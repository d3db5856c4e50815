// Front header of the admin layer: FlyteAdmin's services (registration, projects, attributes,
// executions, data proxy, signals) as transport-free handlers over the store. Validates,
// compiles, persists, queries.
// Thread-safe: handlers run concurrently on the transport's threads; the store serialises writes.
#pragma once

#include <memory>

#include "admin/admin_config.h"
#include "admin/rpcs.h"
#include "admin/signed_urls.h"
#include "common/clock.h"
#include "common/status.h"
#include "engine/engine.h"
#include "store/store.h"

namespace flyte::admin {

struct AdminDeps {
  store::Registry& registry;
  store::ExecutionStore& executions;
  store::SignalStore& signals;
  engine::Engine& engine;
  store::BlobStore& blobs;
  const Clock& clock;
  const UrlSigner& signer;
  AdminConfig config;
};

class Admin {
 public:
  // Seeds the configured projects on first start.
  static StatusOr<std::unique_ptr<Admin>> Create(AdminDeps deps);

#define FLYTE_DECLARE_HANDLER(method, request_type, response_type) \
  Status method(const request_type& request, response_type* response);
  FLYTE_ADMIN_RPCS(FLYTE_DECLARE_HANDLER)
  FLYTE_DATA_PROXY_RPCS(FLYTE_DECLARE_HANDLER)
  FLYTE_SIGNAL_RPCS(FLYTE_DECLARE_HANDLER)
#undef FLYTE_DECLARE_HANDLER

  // For the engine: creates the child execution of a launch plan node; the interface of a
  // registered launch plan (a dynamic workflow calling it is compiled against it).
  Status LaunchChild(const engine::ChildLaunch& launch);
  StatusOr<engine::LaunchPlanInterface> LaunchPlanInterfaceOf(const flyteidl::core::Identifier& id);

 private:
  explicit Admin(AdminDeps deps) : deps_(std::move(deps)) {}
  Status SeedProjects();
  // INVALID_ARGUMENT unless the project is registered (and not archived) and the domain configured.
  Status CheckProjectDomain(const std::string& project, const std::string& domain);
  // The stored project with the configured domains attached.
  Status ProjectFromRow(const store::ProjectRow& row, flyteidl::admin::Project* project);
  // Matchable attributes at one scope (domain/workflow empty for wider scopes).
  Status PutAttributes(const store::AttributesKey& scope, const flyteidl::admin::MatchingAttributes& attributes);
  StatusOr<flyteidl::admin::MatchingAttributes> FetchAttributes(const store::AttributesKey& key);
  // A signed GET URL for the deck of a node execution; NOT_FOUND when it wrote none.
  Status DeckLink(const flyteidl::core::NodeExecutionIdentifier& id, const google::protobuf::Duration& ttl,
                  flyteidl::service::PreSignedURLs* out);
  // Keeps the description a task or workflow was registered with (first registration wins).
  // The request that launches execution `id` again under `name` (same launch plan, spec and
  // inputs), in `mode` with `id` as its reference execution.
  StatusOr<flyteidl::admin::ExecutionCreateRequest> LaunchAgain(const flyteidl::core::WorkflowExecutionIdentifier& id,
                                                                const std::string& name,
                                                                flyteidl::admin::ExecutionMetadata::ExecutionMode mode);
  Status StoreDescription(store::ResourceType type, const flyteidl::core::Identifier& id,
                          const flyteidl::admin::DescriptionEntity& description);

  AdminDeps deps_;
};

}  // namespace flyte::admin

// Front header of the transports: one port serving the admin layer over gRPC and HTTP (JSON
// gateway, signed /data/ URLs, /logs/, /healthz). Bind and Serve are two steps because the
// layers the server is given need its address (signed URLs, log links) before it serves.
// Bind, Serve and Shutdown are called from one control thread.
#pragma once

#include <filesystem>
#include <memory>

#include "admin/admin.h"
#include "admin/signed_urls.h"
#include "auth/auth.h"
#include "common/status.h"
#include "server/server_config.h"
#include "store/blob_store.h"

namespace flyte::server {

// What the server serves; everything must outlive it.
struct ServerDeps {
  admin::Admin& admin;
  store::BlobStore& blobs;          // read and written through signed /data/ URLs
  const admin::UrlSigner& signer;   // checks those URLs
  const auth::Authenticator& auth;  // who may call (every call passes when auth is off)
  std::filesystem::path logs_dir;   // served under /logs/
};

class Server {
 public:
  virtual ~Server() = default;

  // Binds the port; FAILED_PRECONDITION with a clear message when it is taken.
  static StatusOr<std::unique_ptr<Server>> Bind(const ServerConfig& config);

  // The configuration with the bound port (port 0 resolved).
  virtual const ServerConfig& config() const = 0;
  // Starts serving gRPC and HTTP on the bound port.
  virtual Status Serve(ServerDeps deps) = 0;
  // Stops accepting, lets in-flight requests finish (up to config.shutdown_grace), then stops
  // the transport threads. Also safe after a failed or missing Serve.
  virtual void Shutdown() = 0;
};

}  // namespace flyte::server

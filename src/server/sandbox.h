// Front header of the server: a running sandbox. Start() checks the state folder, binds the
// port, opens the store, builds the admin layer and serves gRPC + HTTP on one port until
// Shutdown(). Start and Shutdown are called from one control thread.
#pragma once

#include <memory>
#include <string>

#include "common/config.h"
#include "common/status.h"

namespace flyte::server {

class Sandbox {
 public:
  virtual ~Sandbox() = default;

  // Fails fast with one clear message: port taken, state folder unusable, registry unreadable.
  static StatusOr<std::unique_ptr<Sandbox>> Start(const Config& config);

  virtual int port() const = 0;
  // Stops accepting, lets in-flight requests finish (up to config.shutdown_grace), closes the store.
  virtual void Shutdown() = 0;
};

// The flytekit entry point (`pyflyte-execute`) Python tasks will run with: the tasks' PATH is
// tasks.path in front of this process's PATH. NOT_FOUND when there is none.
StatusOr<std::string> PythonTaskEntryPoint(const Config& config);

// Files in the state folder that the CLI reads too.
inline constexpr const char kPidFile[] = "sandbox.pid";  // "<pid> <port>\n" while serving
inline constexpr const char kLogFile[] = "sandbox.log";  // output of a --detach'ed sandbox

}  // namespace flyte::server

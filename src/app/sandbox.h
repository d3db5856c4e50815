// Front header of the composition root: a running sandbox. Start() takes the configuration to
// the running layers: state folder and lock, server port, store, plugins and engine, admin
// layer, client config, serving, pid file. Start and Shutdown are called from one control thread.
#pragma once

#include <memory>
#include <string>

#include "app/config.h"
#include "app/state_dir.h"
#include "common/status.h"

namespace flyte::app {

class Sandbox {
 public:
  virtual ~Sandbox() = default;

  // Fails fast with one clear message: port taken, state folder unusable, registry unreadable.
  static StatusOr<std::unique_ptr<Sandbox>> Start(const SandboxConfig& config);

  // The configuration with the bound port (port 0 resolved).
  virtual const SandboxConfig& config() const = 0;
  virtual const TaskRuntimes& runtimes() const = 0;
  // Stops accepting, lets in-flight requests finish (up to server.shutdown_grace), stops the
  // engine and closes the store.
  virtual void Shutdown() = 0;
};

// The flytekit entry point (`pyflyte-execute`) Python tasks will run with: the tasks' PATH is
// tasks.path in front of this process's PATH. NOT_FOUND when there is none.
StatusOr<std::string> PythonTaskEntryPoint(const SandboxConfig& config);

// How task processes are kept from the sandbox's own files (registry, signing key), for the banner.
std::string TaskConfinement(const SandboxConfig& config);

}  // namespace flyte::app

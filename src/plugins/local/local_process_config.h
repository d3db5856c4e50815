// The local process plugin's settings (from the sandbox config's `tasks` section).
#pragma once

#include <chrono>
#include <filesystem>
#include <map>
#include <string>

#include "plugins/local/confinement.h"

namespace flyte::plugins {

struct LocalProcessConfig {
  std::string path_prefix;                     // prepended to PATH, e.g. a venv's bin
  std::map<std::string, std::string> env;      // extra env for every task (platform defaults)
  std::chrono::milliseconds kill_grace{5000};  // Abort: SIGTERM, then SIGKILL this much later
  // Zygotes (python_worker.h) that may exist at once, one per distinct task environment; 0: none,
  // every Python task starts its own interpreter.
  int warm_python = 0;
  // A zygote given no job for this long exits (its memory is returned).
  std::chrono::milliseconds warm_python_idle{std::chrono::hours(1)};
  // The plugin's own files (the Python workers' program); under the state folder.
  std::filesystem::path files_dir;
  // What task processes may open in the state folder (Landlock, confinement.h).
  TaskConfinement confinement;
};

}  // namespace flyte::plugins

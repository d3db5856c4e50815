// The state folder: made usable at start-up, locked so only one sandbox uses it, and the pid
// file through which the CLI finds the sandbox serving from it.
#pragma once

#include <sys/types.h>

#include <filesystem>
#include <optional>
#include <utility>

#include "common/file_descriptor.h"
#include "common/status.h"

namespace flyte::app {

inline constexpr const char kLogFile[] = "sandbox.log";  // output of a --detach'ed sandbox

// Creates the folder if needed; FAILED_PRECONDITION when it cannot be made or written.
Status PrepareStateDir(const std::filesystem::path& dir);

// One sandbox per state folder: an flock on `sandbox.lock`, held while this object lives.
class StateDirLock {
 public:
  // FAILED_PRECONDITION naming the folder when another process holds it.
  static StatusOr<StateDirLock> Acquire(const std::filesystem::path& dir);

 private:
  explicit StateDirLock(FileDescriptor fd) : fd_(std::move(fd)) {}
  FileDescriptor fd_;  // held with flock until destroyed
};

// What the sandbox found to run tasks on when it started, for the banner.
struct TaskRuntimes {
  // The container engine and which task types run in containers, or why there is none.
  std::string containers;
  // The Kubernetes cluster and which task types run as pods, or why it cannot be used; empty when
  // tasks.plugins sends no task type to it.
  std::string kubernetes;
};

// Records this process, the port it serves on and what it runs tasks on in `<dir>/sandbox.pid`
// (a line each), so that `start` in the background prints what the sandbox found.
Status WritePidFile(const std::filesystem::path& dir, int port, const TaskRuntimes& runtimes);
void RemovePidFile(const std::filesystem::path& dir);

struct ServingProcess {
  pid_t pid = 0;
  int port = 0;
  TaskRuntimes runtimes;
};
// The sandbox the pid file records, if its process is alive.
std::optional<ServingProcess> FindServing(const std::filesystem::path& dir);

}  // namespace flyte::app

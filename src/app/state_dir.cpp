#include "app/state_dir.h"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <cstring>
#include <fstream>
#include <string>

#include "app/atomic_file.h"

namespace flyte::app {

namespace fs = std::filesystem;

constexpr const char kPidFile[] = "sandbox.pid";  // "<pid> <port>\n" from just before serving to the end

Status PrepareStateDir(const fs::path& dir) {
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) return absl::FailedPreconditionError("cannot create state folder " + dir.string() + ": " + ec.message());
  // Owner only, also when an older sandbox made it under a 022 umask: the registry, inputs,
  // uploads and logs in it are the user's alone.
  fs::permissions(dir, fs::perms::owner_all, fs::perm_options::replace, ec);
  if (ec) return absl::FailedPreconditionError("cannot restrict state folder " + dir.string() + ": " + ec.message());
  if (::access(dir.c_str(), W_OK | X_OK) != 0) {
    return absl::FailedPreconditionError("state folder " + dir.string() + " is not writable");
  }
  return absl::OkStatus();
}

StatusOr<StateDirLock> StateDirLock::Acquire(const fs::path& dir) {
  const fs::path lock = dir / "sandbox.lock";
  FileDescriptor fd(::open(lock.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600));
  if (fd.get() < 0) return absl::FailedPreconditionError("cannot open " + lock.string() + ": " + std::strerror(errno));
  if (::flock(fd.get(), LOCK_EX | LOCK_NB) != 0) {
    return absl::FailedPreconditionError("another sandbox is already running with state folder " + dir.string() +
                                         " (see `flyte sandbox status`)");
  }
  return StateDirLock(std::move(fd));
}

Status WritePidFile(const fs::path& dir, int port, const TaskRuntimes& runtimes) {
  return WriteFileAtomically(dir / kPidFile, std::to_string(::getpid()) + " " + std::to_string(port) + "\n" +
                                                 runtimes.containers + "\n" + runtimes.kubernetes + "\n");
}

void RemovePidFile(const fs::path& dir) {
  std::error_code ec;
  fs::remove(dir / kPidFile, ec);
}

std::optional<ServingProcess> FindServing(const fs::path& dir) {
  std::ifstream in(dir / kPidFile);
  ServingProcess serving;
  if (!(in >> serving.pid >> serving.port) || serving.pid <= 0) return std::nullopt;
  if (::kill(serving.pid, 0) != 0 && errno == ESRCH) return std::nullopt;
  std::string rest;
  std::getline(in, rest);  // the end of the first line
  std::getline(in, serving.runtimes.containers);
  std::getline(in, serving.runtimes.kubernetes);
  return serving;
}

}  // namespace flyte::app

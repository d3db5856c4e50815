#include "plugins/local/spawn.h"

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace flyte::plugins {
namespace {

namespace fs = std::filesystem;

bool IsExecutableFile(const fs::path& path) {
  struct stat info;
  return ::stat(path.c_str(), &info) == 0 && S_ISREG(info.st_mode) &&
         ::faccessat(AT_FDCWD, path.c_str(), X_OK, AT_EACCESS) == 0;
}

class SpawnFileActions {
 public:
  SpawnFileActions() { ::posix_spawn_file_actions_init(&actions_); }
  ~SpawnFileActions() { ::posix_spawn_file_actions_destroy(&actions_); }
  SpawnFileActions(const SpawnFileActions&) = delete;
  SpawnFileActions& operator=(const SpawnFileActions&) = delete;
  posix_spawn_file_actions_t* get() { return &actions_; }

 private:
  posix_spawn_file_actions_t actions_;
};

class SpawnAttributes {
 public:
  SpawnAttributes() { ::posix_spawnattr_init(&attributes_); }
  ~SpawnAttributes() { ::posix_spawnattr_destroy(&attributes_); }
  SpawnAttributes(const SpawnAttributes&) = delete;
  SpawnAttributes& operator=(const SpawnAttributes&) = delete;
  posix_spawnattr_t* get() { return &attributes_; }

 private:
  posix_spawnattr_t attributes_;
};

std::vector<char*> NullTerminated(std::vector<std::string>& strings) {
  std::vector<char*> pointers;
  pointers.reserve(strings.size() + 1);
  for (std::string& s : strings) pointers.push_back(s.data());
  pointers.push_back(nullptr);
  return pointers;
}

}  // namespace

StatusOr<std::string> ResolveExecutable(const std::string& name, std::string_view search_path,
                                        const fs::path& work_dir) {
  if (name.find('/') != std::string::npos) return name;
  for (size_t start = 0;;) {
    const size_t end = search_path.find(':', start);
    const std::string_view dir = search_path.substr(start, end == std::string_view::npos ? end : end - start);
    fs::path candidate = fs::path(dir.empty() ? "." : std::string(dir)) / name;
    if (candidate.is_relative()) candidate = work_dir / candidate;
    if (IsExecutableFile(candidate)) return candidate.string();
    if (end == std::string_view::npos) break;
    start = end + 1;
  }
  return absl::NotFoundError(name + ": not found on PATH " + std::string(search_path));
}

StatusOr<int> MoveAboveStandardStreams(int fd) {
  if (fd > STDERR_FILENO) return fd;
  const int moved = ::fcntl(fd, F_DUPFD_CLOEXEC, STDERR_FILENO + 1);
  const int saved_errno = errno;
  ::close(fd);
  if (moved < 0)
    return absl::InternalError("cannot duplicate a descriptor: " + std::string(std::strerror(saved_errno)));
  return moved;
}

std::string_view SearchPath(const Environment& env) {
  const auto path = env.find("PATH");
  return path != env.end() ? std::string_view(path->second) : kDefaultSearchPath;
}

StatusOr<pid_t> SpawnInGroup(const std::string& executable, std::vector<std::string> argv, const Environment& env,
                             const fs::path& work_dir, StandardStreams streams, const TaskConfinement& confinement,
                             const fs::path& started_marker) {
  SpawnFileActions actions;
  SpawnAttributes attributes;
  int error = 0;
  auto check = [&error](int result) {
    if (error == 0) error = result;
  };
  // Both descriptors are above stderr (the callers make sure), so no dup2 clobbers the other.
  if (streams.input < 0) {
    check(::posix_spawn_file_actions_addopen(actions.get(), STDIN_FILENO, "/dev/null", O_RDONLY, 0));
  } else {
    check(::posix_spawn_file_actions_adddup2(actions.get(), streams.input, STDIN_FILENO));
  }
  check(::posix_spawn_file_actions_adddup2(actions.get(), streams.output, STDOUT_FILENO));
  check(::posix_spawn_file_actions_adddup2(actions.get(), streams.output, STDERR_FILENO));
  // Before anything that may wait on the disk: until the exec, the child holds a copy of every
  // descriptor of the server, its listening sockets too, and outlives a kill -9 of the server. A
  // child slow to create its marker would keep the port bound, and the restarted server could not
  // bind it.
#if defined(__GLIBC__) && (__GLIBC__ > 2 || (__GLIBC__ == 2 && __GLIBC_MINOR__ >= 34))
  check(::posix_spawn_file_actions_addclosefrom_np(actions.get(), STDERR_FILENO + 1));
#endif
  if (!started_marker.empty()) {
    // After the dup2s (the log may be the descriptor it lands on); closed at the exec.
    check(::posix_spawn_file_actions_addopen(actions.get(), STDERR_FILENO + 1, started_marker.c_str(),
                                             O_WRONLY | O_CREAT | O_CLOEXEC, 0644));
  }
  check(::posix_spawn_file_actions_addchdir_np(actions.get(), work_dir.c_str()));
  sigset_t no_signals;
  sigset_t all_signals;
  sigemptyset(&no_signals);
  sigfillset(&all_signals);
  sigdelset(&all_signals, SIGKILL);
  sigdelset(&all_signals, SIGSTOP);
  check(::posix_spawnattr_setflags(attributes.get(),
                                   POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF));
  check(::posix_spawnattr_setpgroup(attributes.get(), 0));
  check(::posix_spawnattr_setsigmask(attributes.get(), &no_signals));
  check(::posix_spawnattr_setsigdefault(attributes.get(), &all_signals));
  if (error != 0) return absl::InternalError("preparing posix_spawn: " + std::string(std::strerror(error)));

  std::vector<std::string> env_strings;
  env_strings.reserve(env.size());
  for (const auto& [name, value] : env) env_strings.push_back(name + "=" + value);
  std::vector<char*> argv_pointers = NullTerminated(argv);
  std::vector<char*> env_pointers = NullTerminated(env_strings);
  pid_t pid = 0;
  error = SpawnConfined(confinement, [&] {
    return ::posix_spawn(&pid, executable.c_str(), actions.get(), attributes.get(), argv_pointers.data(),
                         env_pointers.data());
  });
  if (error != 0) return absl::FailedPreconditionError(executable + ": " + std::strerror(error));
  return pid;
}

int OpenPidfd(pid_t pid) {
#ifdef SYS_pidfd_open
  return static_cast<int>(::syscall(SYS_pidfd_open, pid, 0));
#else
  (void)pid;
  errno = ENOSYS;
  return -1;
#endif
}

}  // namespace flyte::plugins

// Starting a task's process: execvp's PATH search done against the task's own PATH, and
// posix_spawn into a process group of its own with a clean signal state and only the descriptors
// it is given.
#pragma once

#include <sys/types.h>

#include <filesystem>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "plugins/attempt_command.h"
#include "plugins/local/confinement.h"

namespace flyte::plugins {

// execvp's search path when PATH is unset.
inline constexpr std::string_view kDefaultSearchPath = "/usr/local/bin:/usr/bin:/bin";

// execvp's search, done here because posix_spawnp would search the server's PATH, not the task's.
// Relative entries (and a name with a slash) are relative to `work_dir`.
StatusOr<std::string> ResolveExecutable(const std::string& name, std::string_view search_path,
                                        const std::filesystem::path& work_dir);

// The PATH of `env`, or execvp's default.
std::string_view SearchPath(const Environment& env);

// `fd` itself when it is above stderr, else a close-on-exec duplicate that is (closing `fd`), so that
// setting up a child's standard streams cannot clobber it.
StatusOr<int> MoveAboveStandardStreams(int fd);

struct StandardStreams {
  int input = -1;   // becomes stdin; -1: /dev/null
  int output = -1;  // becomes stdout and stderr
};

// posix_spawn, never fork: the server is large and multi-threaded. The child gets its own process
// group (so everything it starts can be signalled at once), default signal handling and an empty
// signal mask (whatever the server's threads block or ignore), `streams`, and no other descriptor;
// it is confined as `confinement` says (confinement.h). A `started_marker` (when not empty) is
// created by the child itself just before the exec: its existence proves the process came to be,
// even when the server dies before posix_spawn returns.
StatusOr<pid_t> SpawnInGroup(const std::string& executable, std::vector<std::string> argv, const Environment& env,
                             const std::filesystem::path& work_dir, StandardStreams streams,
                             const TaskConfinement& confinement, const std::filesystem::path& started_marker = {});

// A pidfd (readable once the process has ended, for children and non-children alike), or -1 with
// errno set; ENOSYS on kernels before 5.3.
int OpenPidfd(pid_t pid);

}  // namespace flyte::plugins

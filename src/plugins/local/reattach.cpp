// LocalProcessPlugin::Reattach: watching a process an earlier server started.
#include <signal.h>
#include <unistd.h>

#include <cerrno>
#include <climits>
#include <filesystem>
#include <fstream>
#include <iterator>

#include "plugins/local/attempt_files.h"
#include "plugins/local/local_process_plugin.h"
#include "plugins/local/process_identity.h"

namespace flyte::plugins {
namespace {

namespace fs = std::filesystem;

// Whether `pid` still runs this attempt: the process Start recorded. Without a record (an attempt
// started by a sandbox from before the records), a process started for the attempt carries its
// Flyte variables in its initial environment. After a reboot or a long outage the pid may belong
// to anything else, which Abort must never signal.
bool RunsAttempt(pid_t pid, const TaskAttempt& attempt) {
  const fs::path record = ProcessRecordPath(attempt);
  std::error_code error;
  if (fs::exists(record, error)) return IsSavedProcess(record, pid);
  std::ifstream in("/proc/" + std::to_string(pid) + "/environ", std::ios::binary);
  const std::string nul(1, '\0');
  const std::string environment = nul + std::string(std::istreambuf_iterator<char>(in), {});
  auto has = [&](const std::string& entry) { return environment.find(nul + entry + nul) != std::string::npos; };
  return has("FLYTE_INTERNAL_EXECUTION_ID=" + attempt.execution_name) &&
         has("FLYTE_ATTEMPT_NUMBER=" + std::to_string(attempt.attempt));
}

}  // namespace

Status LocalProcessPlugin::Reattach(const TaskAttempt& attempt, int64_t pid) {
  if (attempt.id.empty() || attempt.log_dir.empty()) {
    return absl::InvalidArgumentError("a task attempt needs an id and a log folder");
  }
  if (pid <= 0 || pid > INT_MAX) return absl::InvalidArgumentError("not a process id: " + std::to_string(pid));
  const auto process = static_cast<pid_t>(pid);
  {
    absl::MutexLock lock(&mu_);
    if (attempts_.count(attempt.id) != 0) return absl::OkStatus();
  }
  // Not our child: it cannot be waited for, only watched. Without a pidfd (old kernel, or out of
  // descriptors) the reaper looks for it with kill(pid, 0) on a timer.
  const int pidfd = OpenPidfd(process);
  const bool gone = pidfd < 0 && (errno == ESRCH || (::kill(process, 0) != 0 && errno == ESRCH));
  if (gone || !RunsAttempt(process, attempt)) {
    if (pidfd >= 0) ::close(pidfd);
    return absl::NotFoundError("process " + std::to_string(pid) + " of " + attempt.id + " is gone");
  }
  AttemptStatus status;
  status.phase = AttemptPhase::kRunning;
  status.pid = pid;
  status.message = "re-attached";
  status.logs.push_back(LogLink(fs::path(attempt.log_dir) / "task.log"));
  Watch watch;
  watch.pid = process;
  watch.pidfd = pidfd;
  watch.is_child = false;
  watch.owns_group = ::getpgid(process) == process;  // started by us in a group of its own
  watch.attempt = attempt.id;
  Record(attempt, std::move(status), std::move(watch));
  return absl::OkStatus();
}

}  // namespace flyte::plugins

// LocalProcessPlugin::Recover: what became of an attempt an earlier server launched, told by its
// token (plugins/plugin.h). Two files in the attempt's log folder and the process table answer:
//  - `started-<token>` is created by the process itself before the task runs (by the child before
//    its exec, or by a Python worker once it has the job), so without it the task never ran;
//  - the process record (process_identity.h) names the process Start launched for the token; when
//    the server died before writing it, the process is found by the token in its environment.
// Running: watched from now on. Started and no longer running: ended, judged by its outputs (a
// process that is not our child leaves no exit code). Neither: never started.
#include <signal.h>
#include <unistd.h>

#include <cerrno>
#include <filesystem>

#include "plugins/local/attempt_files.h"
#include "plugins/local/local_process_plugin.h"
#include "plugins/local/process_identity.h"
#include "plugins/local/task_command.h"

namespace flyte::plugins {
namespace {

namespace fs = std::filesystem;

// The process that runs `attempt`'s launch, if one still does.
std::optional<pid_t> RunningProcess(const TaskAttempt& attempt, bool started) {
  if (const std::optional<SavedProcess> saved = ReadSavedProcess(ProcessRecordPath(attempt), attempt.token)) {
    return saved->running ? std::optional<pid_t>(saved->pid) : std::nullopt;
  }
  // Started, but the server died before it wrote the record.
  if (started) return FindProcessWithEnvironment(std::string(kAttemptTokenVariable) + "=" + attempt.token);
  return std::nullopt;
}

}  // namespace

StatusOr<Recovery> LocalProcessPlugin::Recover(const TaskAttempt& attempt) {
  if (attempt.id.empty() || attempt.log_dir.empty() || attempt.token.empty()) {
    return absl::InvalidArgumentError("a task attempt needs an id, a log folder and a token");
  }
  Recovery recovery;
  {
    absl::MutexLock lock(&mu_);
    if (const auto known = attempts_.find(attempt.id); known != attempts_.end()) {
      recovery.state = Recovery::State::kRunning;
      recovery.status = known->second.status;
      return recovery;
    }
  }
  std::error_code error;
  const fs::path marker = StartedMarkerPath(attempt);
  const bool started = fs::exists(marker, error);
  recovery.status.logs.push_back(LocalLogLink(fs::path(attempt.log_dir) / kAttemptLogFile));
  if (const std::optional<pid_t> pid = RunningProcess(attempt, started)) {
    // Not our child: it cannot be waited for, only watched. Without a pidfd (old kernel, or out of
    // descriptors) the reaper looks for it with kill(pid, 0) on a timer.
    const int pidfd = OpenPidfd(*pid);
    if (pidfd >= 0 || (::kill(*pid, 0) == 0 || errno != ESRCH)) {
      recovery.state = Recovery::State::kRunning;
      recovery.status.phase = AttemptPhase::kRunning;
      recovery.status.pid = *pid;
      recovery.status.message = "re-attached";
      Watch watch;
      watch.pid = *pid;
      watch.pidfd = pidfd;
      watch.is_child = false;
      watch.owns_group = ::getpgid(*pid) == *pid;  // started by us in a group of its own
      watch.started_marker = marker;
      watch.attempt = attempt.id;
      Record(attempt, recovery.status, std::move(watch));
      return recovery;
    }
  }
  if (!fs::exists(marker, error)) return Recovery{};  // nothing of the task ran: start it
  recovery.state = Recovery::State::kEnded;
  recovery.status.phase = AttemptPhase::kExited;
  recovery.status.message = "the task process ended while the sandbox was down";
  if (const std::optional<DataPassing> data = DataPassingFor(attempt)) CollectDataOutputs(*data);
  return recovery;
}

}  // namespace flyte::plugins

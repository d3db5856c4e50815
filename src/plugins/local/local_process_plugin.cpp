#include "plugins/local/local_process_plugin.h"

#include <sys/eventfd.h>
#include <unistd.h>

#include <filesystem>
#include <utility>

#include "common/log.h"
#include "plugins/attempt_command.h"
#include "plugins/local/attempt_files.h"
#include "plugins/local/process_identity.h"
#include "plugins/local/task_command.h"

namespace flyte::plugins {
namespace {

namespace fs = std::filesystem;

// At shutdown, how long after the SIGKILL the destructor still waits: a process stuck in the kernel
// (uninterruptible I/O) or a re-attached one nobody reaps must not hang the server's exit.
constexpr auto kShutdownKillWait = std::chrono::milliseconds(2000);

}  // namespace

void CollectDataOutputs(const DataPassing& data) {
  if (const Status collected = CollectOutputs(data); !collected.ok()) {
    // The engine then finds neither outputs.pb nor error.pb and fails the attempt saying so.
    log::Warn("local", "cannot write the outputs of a raw container", {{"error", std::string(collected.message())}});
  }
}

std::unique_ptr<Plugin> MakeLocalProcessPlugin(LocalProcessConfig config, ChangeCallback on_change) {
  return std::make_unique<LocalProcessPlugin>(std::move(config), std::move(on_change));
}

StatusOr<std::string> FlytekitEntryPoint(const LocalProcessConfig& config) {
  return ResolveExecutable("pyflyte-execute", SearchPath(BaseEnvironment(config)), "/");
}

fs::path ProcessRecordPath(const TaskAttempt& attempt) { return fs::path(attempt.log_dir) / "process"; }

LocalProcessPlugin::LocalProcessPlugin(LocalProcessConfig config, ChangeCallback on_change)
    : config_(std::move(config)),
      on_change_(std::move(on_change)),
      base_env_(BaseEnvironment(config_)),
      wake_fd_(::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK)),
      reaper_([this] { ReaperLoop(); }) {
  if (config_.warm_python <= 0) return;
  // Ready before the first Python task.
  const StatusOr<std::string> script = FlytekitEntryPoint(config_);
  if (!script.ok()) return;
  if (const auto interpreter = EntryPointInterpreter(*script)) Replenish(*interpreter, *script, base_env_);
}

LocalProcessPlugin::~LocalProcessPlugin() {
  {
    absl::MutexLock lock(&mu_);
    stopping_ = true;
    give_up_at_ = Clock::now() + config_.kill_grace + kShutdownKillWait;
    for (Spare& spare : spares_) ::close(spare.worker.control_fd);
    for (auto& [id, watch] : watches_) Terminate(watch);
    Wake();
  }
  reaper_.join();  // once every process has ended (SIGKILL after the grace), or given up on
  if (wake_fd_ >= 0) ::close(wake_fd_);
}

Status LocalProcessPlugin::Start(const TaskAttempt& attempt) {
  if (attempt.id.empty() || attempt.log_dir.empty()) {
    return absl::InvalidArgumentError("a task attempt needs an id and a log folder");
  }
  {
    absl::MutexLock lock(&mu_);
    if (attempts_.count(attempt.id) != 0) return absl::OkStatus();  // started already
  }
  ASSIGN_OR_RETURN(const AttemptFiles files, PrepareFolders(attempt));
  ASSIGN_OR_RETURN(const int log_fd, OpenLog(files.log_file));
  StatusOr<Command> command = PrepareCommand(attempt, config_, files);
  if (const std::optional<DataPassing> data = DataPassingFor(attempt); data && command.ok()) {
    // Its inputs in a folder of the attempt's, named by this machine's path in its inputs.pb/.json.
    if (Status written = WriteDataFolders(*data, data->inputs.string()); !written.ok()) command = std::move(written);
  }
  AttemptStatus status;
  status.logs.push_back(LocalLogLink(files.log_file));
  if (command.ok() && config_.warm_python > 0) {
    if (const auto interpreter = EntryPointInterpreter(command->executable)) {
      WorkerJob job = JobFor(*command, files);
      job.process_record = fs::absolute(ProcessRecordPath(attempt)).string();
      const bool handed = HandToSpare(attempt, *interpreter, job, status);
      Replenish(*interpreter, command->executable, command->env);  // for the next task in this environment
      if (handed) {
        ::close(log_fd);
        return absl::OkStatus();
      }
    }
  }
  const StatusOr<pid_t> pid =
      command.ok() ? SpawnCommand(*command, files, log_fd, config_.confinement) : command.status();
  if (!pid.ok()) {
    // The task's problem, not the caller's: reported by Check, and in the log for whoever reads it.
    status.phase = AttemptPhase::kFailedToStart;
    status.message = std::string(pid.status().message());
    AppendToLog(log_fd, "flyte: cannot start the task: " + status.message + "\n");
    ::close(log_fd);
    Record(attempt, std::move(status), std::nullopt);
    return absl::OkStatus();
  }
  ::close(log_fd);
  // Without it a restart looks for the process by its token.
  (void)SaveProcessIdentity(ProcessRecordPath(attempt), *pid, attempt.token);
  status.phase = AttemptPhase::kRunning;
  status.pid = *pid;
  Watch watch;
  watch.pid = *pid;
  watch.pidfd = OpenPidfd(*pid);  // safe after the spawn: an unreaped child keeps its pid
  watch.attempt = attempt.id;
  Record(attempt, std::move(status), std::move(watch));
  return absl::OkStatus();
}

StatusOr<AttemptStatus> LocalProcessPlugin::Check(const AttemptId& id) {
  std::optional<DataPassing> data;
  AttemptStatus status;
  {
    absl::MutexLock lock(&mu_);
    const auto found = attempts_.find(id);
    if (found == attempts_.end()) return absl::NotFoundError("no task attempt " + id + " in the local process plugin");
    AttemptRecord& record = found->second;
    if (record.status.phase == AttemptPhase::kExited && record.status.exit_code == 0) data.swap(record.data);
    status = record.status;
  }
  if (data) CollectDataOutputs(*data);
  return status;
}

Status LocalProcessPlugin::Abort(const AttemptId& id) {
  absl::MutexLock lock(&mu_);
  const auto found = attempts_.find(id);
  // Unknown (finalized) or already over: nothing left to stop, and an ended attempt keeps its outcome.
  if (found == attempts_.end() || found->second.status.phase != AttemptPhase::kRunning) return absl::OkStatus();
  AttemptRecord& record = found->second;
  record.status.phase = AttemptPhase::kAborted;
  record.status.message = "aborted";
  if (const auto watch = watches_.find(record.watch); watch != watches_.end()) Terminate(watch->second);
  Notify(id);
  return absl::OkStatus();
}

Status LocalProcessPlugin::Finalize(const AttemptId& id) {
  absl::MutexLock lock(&mu_);
  const auto found = attempts_.find(id);
  if (found == attempts_.end()) return absl::OkStatus();
  if (const auto watch = watches_.find(found->second.watch); watch != watches_.end()) {
    Terminate(watch->second);
    watch->second.attempt.clear();  // the reaper still waits for it, but tells nobody
  }
  attempts_.erase(found);
  return absl::OkStatus();
}

void LocalProcessPlugin::Record(const TaskAttempt& attempt, AttemptStatus status, std::optional<Watch> watch) {
  absl::MutexLock lock(&mu_);
  AttemptRecord record{std::move(status), 0, DataPassingFor(attempt)};
  if (watch) {
    record.watch = next_watch_++;
    watches_.emplace(record.watch, std::move(*watch));
    Wake();  // the reaper polls a new pidfd
  } else {
    Notify(attempt.id);  // failed to start: the engine learns it like any other change
  }
  attempts_.insert_or_assign(attempt.id, std::move(record));
}

}  // namespace flyte::plugins

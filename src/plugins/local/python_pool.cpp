// LocalProcessPlugin's pool of pre-started Python workers (python_worker.h): handing a job to a
// waiting worker, and keeping config.warm_python of them waiting.
#include <unistd.h>

#include <algorithm>
#include <filesystem>

#include "plugins/local/local_process_plugin.h"
#include "plugins/local/process_identity.h"

namespace flyte::plugins {

namespace fs = std::filesystem;

bool LocalProcessPlugin::HandToSpare(const TaskAttempt& attempt, const std::string& interpreter, const WorkerJob& job,
                                     AttemptStatus status) {
  absl::MutexLock lock(&mu_);
  PruneSpares();
  const auto spare = std::find_if(spares_.begin(), spares_.end(), [&](const Spare& candidate) {
    return CanRun(candidate.worker, interpreter, job.script, job.env);
  });
  if (spare == spares_.end()) return false;
  const pid_t pid = spare->worker.pid;
  // Before the job can run: a restart must find the worker (it has no token in its environment).
  const fs::path record = ProcessRecordPath(attempt);
  (void)SaveProcessIdentity(record, pid, attempt.token);
  const Status handed = HandOver(spare->worker, job);
  std::error_code error;
  if (!handed.ok()) fs::remove(record, error);           // the worker did not take it
  if (absl::IsFailedPrecondition(handed)) return false;  // a job no worker can take; this one still waits
  const WatchId watch = spare->watch;
  spares_.erase(spare);
  if (!handed.ok()) return false;           // it was gone already: a process of its own instead
  watches_.at(watch).attempt = attempt.id;  // PruneSpares left only workers whose watch is on
  status.phase = AttemptPhase::kRunning;
  status.pid = pid;
  attempts_.insert_or_assign(attempt.id, AttemptRecord{std::move(status), watch});
  return true;
}

void LocalProcessPlugin::Replenish(const std::string& interpreter, const std::string& script) {
  size_t waiting = 0;
  {
    absl::MutexLock lock(&mu_);
    PruneSpares();
    for (const Spare& spare : spares_) waiting += CanRun(spare.worker, interpreter, script, base_env_) ? 1 : 0;
  }
  for (; waiting < static_cast<size_t>(config_.warm_python); ++waiting) {
    // Looked at before every start: a program file cleaned away is written again.
    StatusOr<std::string> program = WriteWorkerProgram(config_.files_dir);
    if (!program.ok()) return;  // tasks start their own interpreters, as without workers
    StatusOr<PythonWorker> worker = StartPythonWorker(interpreter, script, base_env_, *program, config_.confinement);
    if (!worker.ok()) return;  // tasks start their own interpreters, as without workers
    Watch watch;
    watch.pid = worker->pid;
    watch.pidfd = OpenPidfd(worker->pid);
    absl::MutexLock lock(&mu_);
    const WatchId id = next_watch_++;
    watches_.emplace(id, std::move(watch));
    spares_.push_back(Spare{std::move(*worker), id});
    Wake();
  }
}

void LocalProcessPlugin::PruneSpares() {
  for (auto spare = spares_.begin(); spare != spares_.end();) {
    if (watches_.contains(spare->watch)) {
      ++spare;
      continue;
    }
    ::close(spare->worker.job_fd);
    spare = spares_.erase(spare);
  }
}

}  // namespace flyte::plugins

// LocalProcessPlugin's zygotes (python_worker.h): handing a job to one, starting one per distinct
// task environment (config.warm_python at most) and retiring idle ones.
#include <unistd.h>

#include <algorithm>
#include <filesystem>

#include "plugins/local/confinement.h"
#include "plugins/local/local_process_plugin.h"

namespace flyte::plugins {
namespace {

// How long Start waits for a zygote still importing (blocking the engine's thread, so short: a
// few tasks that come meanwhile start their own interpreters, the zygote stays for later ones).
constexpr auto kReadyWait = std::chrono::seconds(1);
// How long a ready zygote may take to fork the task's child and have it say its pid.
constexpr auto kForkWait = std::chrono::seconds(10);

}  // namespace

bool LocalProcessPlugin::HandToSpare(const TaskAttempt& attempt, const std::string& interpreter, const WorkerJob& job,
                                     AttemptStatus status) {
  // The rules a task spawned now would get go with the job (a zygote's own would be those of when
  // it started). Rules that cannot be made are no zygote's fault: the task is spawned, and fails
  // to start saying why.
  const StatusOr<int> ruleset = CurrentRuleset(config_.confinement);
  if (!ruleset.ok()) return false;
  PythonWorker worker;
  WatchId zygote = 0;
  {
    absl::MutexLock lock(&mu_);
    PruneSpares();
    const auto spare = std::find_if(spares_.begin(), spares_.end(), [&](const Spare& candidate) {
      return CanRun(candidate.worker, interpreter, job.script, job.env);
    });
    if (spare == spares_.end()) {
      if (*ruleset >= 0) ::close(*ruleset);
      return false;
    }
    spare->busy = true;
    worker = spare->worker;
    zygote = spare->watch;
  }
  // Outside mu_: the reaper goes on while the zygote imports or forks.
  const StatusOr<ForkedTask> task = AwaitReady(worker, kReadyWait)
                                        ? HandOver(worker, job, *ruleset, kForkWait)
                                        : absl::DeadlineExceededError("the zygote is still importing");
  if (*ruleset >= 0) ::close(*ruleset);
  absl::MutexLock lock(&mu_);
  const auto spare =
      std::find_if(spares_.begin(), spares_.end(), [&](const Spare& candidate) { return candidate.watch == zygote; });
  if (spare != spares_.end()) {  // always: only this thread forgets a busy zygote
    spare->busy = false;
    spare->worker.ready = worker.ready;
    spare->last_used = Clock::now();
    // Gone, stuck or retired (packages changed): tasks go elsewhere. One still importing, or
    // given a job too large for any zygote, stays for the next task.
    const bool keep = absl::IsDeadlineExceeded(task.status()) || absl::IsFailedPrecondition(task.status());
    if (!task.ok() && !keep) Retire(spare);
  }
  if (!task.ok()) return false;
  Watch watch;
  watch.pid = task->pid;
  watch.pidfd = OpenPidfd(task->pid);  // once the zygote is gone, the only sign of the task's end
  watch.report_fd = task->report_fd;
  watch.is_child = false;
  watch.attempt = attempt.id;
  status.phase = AttemptPhase::kRunning;
  status.pid = task->pid;
  const WatchId id = next_watch_++;
  watches_.emplace(id, std::move(watch));
  attempts_.insert_or_assign(attempt.id, AttemptRecord{std::move(status), id, DataPassingFor(attempt)});
  Wake();
  return true;
}

void LocalProcessPlugin::Replenish(const std::string& interpreter, const std::string& script,
                                   const Environment& task_env) {
  const Environment env = ZygoteEnvironment(task_env, base_env_);
  {
    absl::MutexLock lock(&mu_);
    PruneSpares();
    for (const Spare& spare : spares_) {
      if (CanRun(spare.worker, interpreter, script, task_env)) return;
    }
    // A task a zygote of its environment could not run either (e.g. a PYTHONPATH of its own).
    if (!CanRun(PlanPythonWorker(interpreter, script, env), interpreter, script, task_env)) return;
    if (spares_.size() >= static_cast<size_t>(config_.warm_python)) {
      const auto oldest = std::min_element(spares_.begin(), spares_.end(), [](const Spare& a, const Spare& b) {
        return !a.busy && (b.busy || a.last_used < b.last_used);
      });
      if (oldest->busy) return;
      Retire(oldest);
    }
  }
  // Looked at before every start: a program file cleaned away is written again.
  StatusOr<std::string> program = WriteWorkerProgram(config_.files_dir);
  if (!program.ok()) return;  // tasks start their own interpreters, as without zygotes
  StatusOr<PythonWorker> worker = StartPythonWorker(interpreter, script, env, *program);
  if (!worker.ok()) return;
  Watch watch;
  watch.pid = worker->pid;
  watch.pidfd = OpenPidfd(worker->pid);
  absl::MutexLock lock(&mu_);
  const WatchId id = next_watch_++;
  watches_.emplace(id, std::move(watch));
  spares_.push_back(Spare{std::move(*worker), id, false, Clock::now()});
  Wake();
}

void LocalProcessPlugin::PruneSpares() {
  for (auto spare = spares_.begin(); spare != spares_.end();) {
    if (watches_.contains(spare->watch) || spare->busy) {
      ++spare;
      continue;
    }
    spare = Retire(spare);  // ended: its socket is all that is left
  }
}

std::vector<LocalProcessPlugin::Spare>::iterator LocalProcessPlugin::Retire(std::vector<Spare>::iterator spare) {
  // It takes no more jobs and exits once its running tasks have ended (and been reported).
  ::close(spare->worker.control_fd);
  return spares_.erase(spare);
}

}  // namespace flyte::plugins

// Runs each task attempt as a local process in a process group of its own, and owns the thread
// that waits for those processes (see README.md for how the reaper works).
#pragma once

#include <sys/types.h>

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <unordered_map>
#include <vector>

#include <absl/base/thread_annotations.h>
#include <absl/synchronization/mutex.h>

#include "plugins/data_passing.h"
#include "plugins/local/local_process_config.h"
#include "plugins/local/python_worker.h"
#include "plugins/local/spawn.h"
#include "plugins/plugin.h"

namespace flyte::plugins {

// The flytekit entry point Python tasks run with: `pyflyte-execute` on the tasks' PATH.
StatusOr<std::string> FlytekitEntryPoint(const LocalProcessConfig& config);

// Where Start records which process runs an attempt's launch (process_identity.h), for Recover.
std::filesystem::path ProcessRecordPath(const TaskAttempt& attempt);

// A raw container's outputs read back once it has exited 0 (data_passing.h); a failure to write
// them is logged (the engine then fails the attempt for want of outputs).
void CollectDataOutputs(const DataPassing& data);

std::unique_ptr<Plugin> MakeLocalProcessPlugin(LocalProcessConfig config, ChangeCallback on_change);

// Threads: the engine's loop thread calls the Plugin methods; the reaper thread (reaper_) waits for
// the processes (the zygotes and the tasks they fork too), sends the delayed SIGKILLs and calls
// on_change; mu_ guards all state they share.
class LocalProcessPlugin final : public Plugin {
 public:
  LocalProcessPlugin(LocalProcessConfig config, ChangeCallback on_change);
  // Terminates every process still running (SIGTERM, SIGKILL after the grace) and joins the reaper.
  ~LocalProcessPlugin() override;
  LocalProcessPlugin(const LocalProcessPlugin&) = delete;
  LocalProcessPlugin& operator=(const LocalProcessPlugin&) = delete;

  Status Start(const TaskAttempt& attempt) override;
  StatusOr<AttemptStatus> Check(const AttemptId& id) override;
  Status Abort(const AttemptId& id) override;
  Status Finalize(const AttemptId& id) override;
  StatusOr<Recovery> Recover(const TaskAttempt& attempt) override;  // recover.cpp

 private:
  using Clock = std::chrono::steady_clock;
  using WatchId = uint64_t;

  // A process the reaper waits for; it outlives its attempt when the engine finalizes early.
  struct Watch {
    pid_t pid = 0;
    int pidfd = -1;            // readable once the process ends; -1 without pidfd_open (checked by a timer)
    int report_fd = -1;        // forked by a zygote: its report (ReadTaskReport), polled instead of pidfd
    bool is_child = true;      // started here: reaped with waitpid; re-attached or forked: only observed
    bool owns_group = true;    // leader of its process group: signals go to the whole group
    bool terminating = false;  // SIGTERM sent
    std::optional<Clock::time_point> kill_at;  // SIGKILL then, unless it has ended
    // Recovered: the attempt's started marker. Missing when the process ends, it was a Python
    // worker that ended before it took the job: the task never ran.
    std::filesystem::path started_marker;
    AttemptId attempt;  // empty once finalized
  };
  struct AttemptRecord {
    AttemptStatus status;
    WatchId watch = 0;  // 0: no process running
    // A raw container's data folders: its outputs are read back (once) when Check first sees it
    // exit 0, off the reaper thread, which serves every task.
    std::optional<DataPassing> data;
  };
  // A zygote (python_worker.h); its process is watched (with no attempt) like any other.
  struct Spare {
    PythonWorker worker;
    WatchId watch = 0;
    bool busy = false;            // a job being handed over, outside mu_: not to be retired
    Clock::time_point last_used;  // retired after config_.warm_python_idle without a job
  };

  void Record(const TaskAttempt& attempt, AttemptStatus status, std::optional<Watch> watch);
  // Gives `job` to a zygote that runs it as a fresh `interpreter` would, and records the forked
  // child as the attempt's process (`status` completed); false when none can.
  bool HandToSpare(const TaskAttempt& attempt, const std::string& interpreter, const WorkerJob& job,
                   AttemptStatus status);
  // Starts a zygote for `script` in the environment of a task (`task_env`) unless one that can run
  // it exists; the least recently used one makes way when config_.warm_python exist.
  void Replenish(const std::string& interpreter, const std::string& script, const Environment& task_env);
  void PruneSpares() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);  // forgets zygotes that ended
  // Closes a zygote's socket (it exits once its tasks have) and forgets it; the next spare.
  std::vector<Spare>::iterator Retire(std::vector<Spare>::iterator spare) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  void Terminate(Watch& watch) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  void Notify(const AttemptId& id) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);  // on_change from the reaper thread
  void Wake();

  // Reaper thread.
  void ReaperLoop();
  bool HandleExit(Watch& watch) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);  // true once the process has ended
  // Sends the SIGKILLs due and retires idle zygotes; the next time either is due.
  std::optional<Clock::time_point> FireDeadlines(Clock::time_point now) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  const LocalProcessConfig config_;
  const ChangeCallback on_change_;
  const Environment base_env_;  // every task's environment before its template and attempt add theirs
  const int wake_fd_;           // eventfd: new watches, deadlines and notifications wake the reaper

  absl::Mutex mu_;
  std::unordered_map<AttemptId, AttemptRecord> attempts_ ABSL_GUARDED_BY(mu_);
  std::unordered_map<WatchId, Watch> watches_ ABSL_GUARDED_BY(mu_);
  std::vector<Spare> spares_ ABSL_GUARDED_BY(mu_);
  std::vector<AttemptId> pending_notifications_ ABSL_GUARDED_BY(mu_);
  WatchId next_watch_ ABSL_GUARDED_BY(mu_) = 1;
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  Clock::time_point give_up_at_ ABSL_GUARDED_BY(mu_);  // once stopping_

  std::thread reaper_;  // last: starts once everything above exists
};

}  // namespace flyte::plugins

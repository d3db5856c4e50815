// Fork servers ("zygotes") for flytekit tasks and Flyte 2 actions. Importing flytekit is most of
// what a Python task costs (over a second), importing the flyte SDK most of an action's; a zygote
// does it once per distinct task environment: an interpreter started with the environment its
// tasks get (the attempt's own Flyte variables aside), with the entry point's SDK imported (the
// flyte SDK's background event loops stopped, and made again in each child), that then forks one
// child per job it receives on its
// control socket (command line, environment, working folder, log, a pipe for its report). The
// child becomes the process the command would have started: its own process group, stdout/stderr
// into the log, stdin from /dev/null, the job's environment and folder, the code folder on
// sys.path where PYTHONPATH would have put it, fresh seeds and temporary folder, then the entry
// point run as __main__, ending with the task's exit code. The zygote waits for its children and
// writes each one's wait status into the job's pipe; it never runs user code and never forks
// with a second thread. A zygote whose socket closes (its sandbox died, or retired it) takes no
// more jobs and exits once its running children have ended.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "common/status.h"
#include "plugins/local/spawn.h"

namespace flyte::plugins {

// The interpreter of a Python entry point of Flyte's (flytekit's pyflyte-execute,
// pyflyte-fast-execute, pyflyte-map-execute, or the flyte SDK's a0 for Flyte 2 actions: an
// executable file whose `#!` line names an absolute python and nothing else); nothing for any
// other executable.
std::optional<std::string> EntryPointInterpreter(const std::string& executable);

struct PythonWorker {
  pid_t pid = 0;
  // Our end of its control socket (its stdin; SOCK_SEQPACKET: one message per job, with the job's
  // report pipe attached; a socket, so a vanished zygote raises no SIGPIPE).
  int control_fd = -1;
  bool ready = false;  // it said it has finished importing
  std::string interpreter;
  std::string script_dir;  // sys.path[0]: the entry point's folder
  bool flyte2 = false;     // it imported the flyte SDK (for a0), not flytekit
  Environment env;         // what it started with
};

// The worker's program (python_worker.py, compiled in) as `<folder>/flyte_python_worker.py`, so
// that `ps` shows `python <folder>/flyte_python_worker.py <entry point>`. Written when missing or
// different (a file cleaned away, an older sandbox's), in a folder only this user can enter.
StatusOr<std::string> WriteWorkerProgram(const std::filesystem::path& folder);

// `task_env` (a task's environment) as a zygote for it is started: without the attempt's own
// variables, with the PYTHONPATH of `base` (the job adds its code folder to it; CanRun decides).
Environment ZygoteEnvironment(const Environment& task_env, const Environment& base);

// The zygote StartPythonWorker would start, not started: what CanRun needs to know of it.
PythonWorker PlanPythonWorker(const std::string& interpreter, const std::string& script, const Environment& base);

// Starts a worker running `program` (WriteWorkerProgram) for the entry point `script` run by
// `interpreter`, in the environment `base` plus placeholders for the attempt's own Flyte variables
// (flytekit looks at whether they are set when it is imported, never at their values). It is not
// confined (it runs this program and the SDK's imports, never user code): each child confines
// itself with the rules its job brings (HandOver), made when the job is, so that a task forked
// from an old zygote may use what a task spawned now may.
StatusOr<PythonWorker> StartPythonWorker(const std::string& interpreter, const std::string& script,
                                         const Environment& base, const std::string& program);

// Whether `worker` runs `script` in `env` exactly as a fresh interpreter would: same interpreter,
// entry point folder and SDK imported (flytekit, or the flyte SDK for a0), the same environment apart from the
// attempt's own variables, and PYTHONPATH the same or only longer (the job's entries are added to sys.path where Python
// would have put them). A zygote that finds packages installed or removed since its imports (the folders it imported
// from changed) runs the job in a fresh interpreter (its child execs) and retires.
bool CanRun(const PythonWorker& worker, const std::string& interpreter, const std::string& script,
            const Environment& env);

struct WorkerJob {
  std::string script;             // the resolved entry point
  std::vector<std::string> argv;  // its command line (argv[0] becomes the script's path, as exec does)
  Environment env;
  std::string work_dir;
  std::string log_file;            // stdout and stderr, appended
  std::string started_marker;      // created by the child once it has the job, before anything runs
  std::string process_record;      // written by the child before the marker (process_identity.h)
  std::vector<std::string> setup;  // run first (stdout discarded); its failure is the task's exit code
};

// Waits up to `timeout` for `worker` to have finished its imports; false when it has not (or is gone).
bool AwaitReady(PythonWorker& worker, std::chrono::milliseconds timeout);

// A task forked by a zygote: not our child, so its end is learnt from the zygote.
struct ForkedTask {
  pid_t pid = 0;
  int report_fd = -1;  // non-blocking read end of the job's pipe (ReadTaskReport)
};

// Gives `worker` a job and waits up to `timeout` for the child that runs it to say its pid, then
// tells the child to go. An error when the zygote is gone, took no job or forked no child in time
// (then killed): a child forked too late is never told to go and runs nothing, so the task may be
// started elsewhere. FailedPrecondition when the job is too large to hand over at once, the zygote
// still waiting. `ruleset` (confinement.h's CurrentRuleset; -1: tasks are not confined) goes with
// the job: the child restricts itself with it once its log is in place, before anything of the task
// runs, and fails the task (exit 126, the reason in its log) if it cannot.
StatusOr<ForkedTask> HandOver(PythonWorker& worker, const WorkerJob& job, int ruleset,
                              std::chrono::milliseconds timeout);

struct TaskReport {
  enum class State { kRunning, kEnded, kZygoteGone };
  State state = State::kRunning;
  int wait_status = 0;  // kEnded: as waitpid gives it
};
// What a forked task's pipe says now: nothing yet, its wait status (written by the task itself as
// it exits, or by the zygote that reaped it), or end-of-file without one (the zygote died and the
// task died unreported or runs on in a fresh interpreter).
TaskReport ReadTaskReport(int report_fd);

}  // namespace flyte::plugins

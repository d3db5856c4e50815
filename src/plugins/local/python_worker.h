// Pre-started Python interpreters for flytekit tasks. Importing flytekit is most of what a Python
// task costs (over a second); a worker does it before there is work: it is an interpreter started
// with the task environment the sandbox will give (the attempt's own Flyte variables aside), with
// flytekit's entry point module imported, waiting on its stdin. The job it receives there (command
// line, environment, working folder, log) makes it the process the command would have started:
// stdout/stderr into the log, stdin from /dev/null, the job's environment and folder, the code
// folder on sys.path where PYTHONPATH would have put it, then the entry point script run as
// __main__. It runs one task and exits with the task's exit code, like the interpreter it stands
// in for. A worker whose sandbox goes away before giving it work sees end-of-file and exits.
#pragma once

#include <sys/types.h>

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "common/status.h"
#include "plugins/local/spawn.h"

namespace flyte::plugins {

// The interpreter of a flytekit entry point (pyflyte-execute, pyflyte-fast-execute,
// pyflyte-map-execute: an executable file whose `#!` line names an absolute python and nothing
// else); nothing for any other executable.
std::optional<std::string> FlytekitInterpreter(const std::string& executable);

struct PythonWorker {
  pid_t pid = 0;
  int job_fd = -1;  // our end of its stdin (a socket, so a vanished worker raises no SIGPIPE)
  std::string interpreter;
  std::string script_dir;  // sys.path[0]: the entry point's folder
  Environment env;         // what it started with
};

// The worker's program (python_worker.py, compiled in) as `<folder>/flyte_python_worker.py`, so
// that `ps` shows `python <folder>/flyte_python_worker.py <entry point>`. Written when missing or
// different (a file cleaned away, an older sandbox's), in a folder only this user can enter.
StatusOr<std::string> WriteWorkerProgram(const std::filesystem::path& folder);

// Starts a worker running `program` (WriteWorkerProgram) for the entry point `script` run by
// `interpreter`, in the environment `base` plus placeholders for the attempt's own Flyte variables
// (flytekit looks at whether they are set when it is imported, never at their values). It is
// confined from the start as the tasks it will run are.
StatusOr<PythonWorker> StartPythonWorker(const std::string& interpreter, const std::string& script,
                                         const Environment& base, const std::string& program,
                                         const TaskConfinement& confinement);

// Whether `worker` runs `script` in `env` exactly as a fresh interpreter would: same interpreter and
// entry point folder, the same environment apart from the attempt's own variables, and PYTHONPATH
// the same or only longer (the job's entries are added to sys.path where Python would have put
// them). A worker that finds packages installed or removed since its imports (the folders it
// imported from changed) runs the job in a fresh interpreter itself: exec, same process.
bool CanRun(const PythonWorker& worker, const std::string& interpreter, const std::string& script,
            const Environment& env);

struct WorkerJob {
  std::string script;             // the resolved entry point
  std::vector<std::string> argv;  // its command line (argv[0] becomes the script's path, as exec does)
  Environment env;
  std::string work_dir;
  std::string log_file;            // stdout and stderr, appended
  std::string started_marker;      // created by the worker once it has the job, before anything runs
  std::vector<std::string> setup;  // run first (stdout discarded); its failure is the task's exit code
};

// Gives `worker` its one job and closes its stdin. An error when it is gone or the job is too large
// to hand over at once; the worker has then received nothing it would act on.
Status HandOver(PythonWorker& worker, const WorkerJob& job);

}  // namespace flyte::plugins

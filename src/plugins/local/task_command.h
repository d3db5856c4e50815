// What an attempt runs: its command line with the templates filled in (a local fast-execute
// distribution taken apart), its environment in propeller's order, and the executable found on
// the task's own PATH; started as a process of its own or handed to a Python worker.
#pragma once

#include <sys/types.h>

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "plugins/local/attempt_files.h"
#include "plugins/local/fast_execute.h"
#include "plugins/local/local_process_config.h"
#include "plugins/local/python_worker.h"
#include "plugins/local/spawn.h"
#include "plugins/plugin.h"

namespace flyte::plugins {

// What an attempt runs: the rendered command (a local fast-execute distribution taken apart), its
// environment and the executable found on the task's PATH.
struct Command {
  std::vector<std::string> argv;
  Environment env;
  std::string executable;
  std::optional<InlinedCommand> inlined;  // unpack this distribution first
};

// Errors belong to the task (no container, a bad template, unreadable inputs): it fails to start.
StatusOr<Command> PrepareCommand(const TaskAttempt& attempt, const LocalProcessConfig& config,
                                 const AttemptFiles& files);

// The command as a process of its own, stdout and stderr into `log_fd`, confined; the process
// creates files.started_marker before it execs the command.
StatusOr<pid_t> SpawnCommand(const Command& command, const AttemptFiles& files, int log_fd,
                             const TaskConfinement& confinement);

// The command as a job for a Python worker.
WorkerJob JobFor(const Command& command, const AttemptFiles& files);

// Every task's environment before its template and attempt add theirs: the server's, then the
// config's (its env, and path_prefix in front of PATH).
Environment BaseEnvironment(const LocalProcessConfig& config);

}  // namespace flyte::plugins

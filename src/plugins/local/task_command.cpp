#include "plugins/local/task_command.h"

#include <filesystem>
#include <string_view>
#include <utility>

#include "plugins/attempt_command.h"
#include "plugins/data_passing.h"

extern char** environ;

namespace flyte::plugins {
namespace {

namespace fs = std::filesystem;

Environment ServerEnvironment() {
  Environment env;
  for (char** entry = environ; entry != nullptr && *entry != nullptr; ++entry) {
    const std::string_view text(*entry);
    const size_t equals = text.find('=');
    if (equals != std::string_view::npos)
      env[std::string(text.substr(0, equals))] = std::string(text.substr(equals + 1));
  }
  return env;
}

// `prefix` (folders, ':'-separated) in front of the environment's PATH (the default search path
// when it has none).
void PrependToPath(Environment& env, const std::string& prefix) {
  if (prefix.empty()) return;
  const auto path = env.find("PATH");
  const std::string rest = path != env.end() ? path->second : std::string(kDefaultSearchPath);
  env["PATH"] = rest.empty() ? prefix : prefix + ":" + rest;
}

// Last, over whatever else: the platform defaults from the config, and config.path_prefix in front of PATH.
Environment WithConfig(Environment env, const LocalProcessConfig& config) {
  for (const auto& [name, value] : config.env) env[name] = value;
  PrependToPath(env, config.path_prefix);
  return env;
}

// The server's environment, then the attempt's (container.env, Flyte's variables, the execution's
// envs), then the platform defaults from the config; the attempt's own folders first in PATH.
Environment TaskEnvironment(const TaskAttempt& attempt, const LocalProcessConfig& config) {
  Environment env = ServerEnvironment();
  for (auto& [name, value] : AttemptEnvironment(attempt)) env[name] = std::move(value);
  env = WithConfig(std::move(env), config);
  PrependToPath(env, attempt.path_prefix);
  return env;
}

}  // namespace

Environment BaseEnvironment(const LocalProcessConfig& config) { return WithConfig(ServerEnvironment(), config); }

StatusOr<Command> PrepareCommand(const TaskAttempt& attempt, const LocalProcessConfig& config,
                                 const AttemptFiles& files) {
  Command command;
  ASSIGN_OR_RETURN(const RenderedContainer rendered, RenderContainer(attempt));
  command.argv = rendered.CommandLine();
  // A raw container's input and output folders are folders of the attempt's here.
  if (const std::optional<DataPassing> data = DataPassingFor(attempt)) command.argv = MapDataPaths(command.argv, *data);
  command.env = TaskEnvironment(attempt, config);
  command.inlined = InlineFastExecute(command.argv, fs::absolute(files.work_dir).string());
  if (command.inlined) {
    command.argv = command.inlined->command;
    auto& python_path = command.env["PYTHONPATH"];
    python_path = python_path.empty() ? command.inlined->work_dir : python_path + ":" + command.inlined->work_dir;
  }
  ASSIGN_OR_RETURN(command.executable,
                   ResolveExecutable(command.argv.front(), SearchPath(command.env), files.work_dir));
  return command;
}

StatusOr<pid_t> SpawnCommand(const Command& command, const AttemptFiles& files, int log_fd,
                             const TaskConfinement& confinement) {
  if (command.inlined) {
    return SpawnInGroup("/bin/sh", ShellCommand(*command.inlined), command.env, files.work_dir, {-1, log_fd},
                        confinement, files.started_marker);
  }
  return SpawnInGroup(command.executable, command.argv, command.env, files.work_dir, {-1, log_fd}, confinement,
                      files.started_marker);
}

WorkerJob JobFor(const Command& command, const AttemptFiles& files) {
  WorkerJob job;
  job.script = command.executable;
  job.argv = command.argv;
  job.env = command.env;
  job.work_dir = fs::absolute(files.work_dir).string();
  job.log_file = fs::absolute(files.log_file).string();
  job.started_marker = fs::absolute(files.started_marker).string();
  if (command.inlined) job.setup = UnpackCommand(*command.inlined);
  return job;
}

}  // namespace flyte::plugins

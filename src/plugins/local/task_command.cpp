#include "plugins/local/task_command.h"

#include <filesystem>
#include <string_view>
#include <utility>

#include "plugins/template_args.h"

extern char** environ;

namespace flyte::plugins {
namespace {

namespace fs = std::filesystem;

// container.command + container.args with the templates filled in (flytekit leaves command empty).
// Errors belong to the task: no container, a bad template, unreadable inputs.
StatusOr<std::vector<std::string>> RenderedCommand(const TaskAttempt& attempt) {
  if (!attempt.task.has_container()) {
    return absl::FailedPreconditionError("the task has no container to run (task type \"" + attempt.task.type() +
                                         "\")");
  }
  const flyteidl::core::Container& container = attempt.task.container();
  std::vector<std::string> args(container.command().begin(), container.command().end());
  args.insert(args.end(), container.args().begin(), container.args().end());
  if (args.empty() || args.front().empty()) {
    return absl::FailedPreconditionError("the task's container has no command");
  }
  if (ReferencesTaskTemplatePath(args)) RETURN_IF_ERROR(WriteTaskTemplate(attempt));
  std::optional<flyteidl::core::LiteralMap> inputs;
  if (ReferencesInputValues(args)) {
    ASSIGN_OR_RETURN(inputs, ReadInputs(attempt));
  }
  StatusOr<std::vector<std::string>> rendered = RenderArgs(args, attempt, inputs ? &*inputs : nullptr);
  if (!rendered.ok()) {
    return absl::FailedPreconditionError("rendering the command line: " + std::string(rendered.status().message()));
  }
  return rendered;
}

// What propeller's flytek8s adds to every container (k8s_resource_adds.go GetExecutionEnvVars).
std::vector<std::pair<std::string, std::string>> FlyteEnvironment(const TaskAttempt& attempt) {
  std::vector<std::pair<std::string, std::string>> env;
  if (!attempt.workflow_name.empty()) env.emplace_back("FLYTE_INTERNAL_EXECUTION_WORKFLOW", attempt.workflow_name);
  env.emplace_back("FLYTE_INTERNAL_EXECUTION_ID", attempt.execution_name);
  env.emplace_back("FLYTE_INTERNAL_EXECUTION_PROJECT", attempt.project);
  env.emplace_back("FLYTE_INTERNAL_EXECUTION_DOMAIN", attempt.domain);
  env.emplace_back("FLYTE_ATTEMPT_NUMBER", std::to_string(attempt.attempt));
  env.emplace_back(std::string(kAttemptTokenVariable), attempt.token);  // how a restart finds the process
  if (attempt.task.has_id()) {
    env.emplace_back("FLYTE_INTERNAL_TASK_PROJECT", attempt.task.id().project());
    env.emplace_back("FLYTE_INTERNAL_TASK_DOMAIN", attempt.task.id().domain());
    env.emplace_back("FLYTE_INTERNAL_TASK_NAME", attempt.task.id().name());
    env.emplace_back("FLYTE_INTERNAL_TASK_VERSION", attempt.task.id().version());
  }
  return env;
}

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

// Last, over whatever else: the platform defaults from the config, and config.path_prefix in front of PATH.
Environment WithConfig(Environment env, const LocalProcessConfig& config) {
  for (const auto& [name, value] : config.env) env[name] = value;
  if (!config.path_prefix.empty()) {
    const auto path = env.find("PATH");
    const std::string rest = path != env.end() ? path->second : std::string(kDefaultSearchPath);
    env["PATH"] = rest.empty() ? config.path_prefix : config.path_prefix + ":" + rest;
  }
  return env;
}

// The server's environment, then in propeller's order (Kubernetes keeps the last of duplicate
// names): the template's container.env, Flyte's variables, the execution's envs, the platform
// defaults from the config.
Environment TaskEnvironment(const TaskAttempt& attempt, const LocalProcessConfig& config) {
  Environment env = ServerEnvironment();
  for (const auto& pair : attempt.task.container().env()) env[pair.key()] = pair.value();
  for (auto& [name, value] : FlyteEnvironment(attempt)) env[name] = std::move(value);
  for (const auto& [name, value] : attempt.env) env[name] = value;
  return WithConfig(std::move(env), config);
}

}  // namespace

Environment BaseEnvironment(const LocalProcessConfig& config) { return WithConfig(ServerEnvironment(), config); }

StatusOr<Command> PrepareCommand(const TaskAttempt& attempt, const LocalProcessConfig& config,
                                 const AttemptFiles& files) {
  Command command;
  ASSIGN_OR_RETURN(command.argv, RenderedCommand(attempt));
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

#include "plugins/attempt_command.h"

#include <unistd.h>

#include <cerrno>
#include <fstream>
#include <optional>

#include "plugins/template_args.h"

namespace flyte::plugins {
namespace {

namespace fs = std::filesystem;

constexpr std::string_view kFileScheme = "file://";
constexpr std::string_view kS3Scheme = "s3://";

}  // namespace

StatusOr<fs::path> LocalPath(std::string_view url) {
  if (url.substr(0, kFileScheme.size()) == kFileScheme) url.remove_prefix(kFileScheme.size());
  if (url.empty() || url.front() != '/') {
    return absl::FailedPreconditionError("\"" + std::string(url) + "\" is not a local path");
  }
  return fs::path(url);
}

StatusOr<fs::path> DataPath(std::string_view url, const fs::path& buckets_dir) {
  if (!url.starts_with(kS3Scheme)) return LocalPath(url);
  if (buckets_dir.empty()) return absl::FailedPreconditionError("\"" + std::string(url) + "\" is not a local path");
  fs::path path = buckets_dir;
  std::string_view rest = url.substr(kS3Scheme.size());
  while (true) {
    const size_t slash = rest.find('/');
    const std::string_view segment = rest.substr(0, slash);
    if (segment.empty() || segment == "." || segment == "..") {
      return absl::InvalidArgumentError("\"" + std::string(url) + "\" is not an object of this sandbox's S3 endpoint");
    }
    path /= segment;
    if (slash == std::string_view::npos) break;
    rest.remove_prefix(slash + 1);
  }
  return path;
}

std::vector<std::string> RenderedContainer::CommandLine() const {
  std::vector<std::string> line = command;
  line.insert(line.end(), args.begin(), args.end());
  return line;
}

StatusOr<RenderedContainer> RenderContainer(const TaskAttempt& attempt) {
  if (!attempt.task.has_container()) {
    return absl::FailedPreconditionError("the task has no container to run (task type \"" + attempt.task.type() +
                                         "\")");
  }
  const flyteidl::core::Container& container = attempt.task.container();
  std::vector<std::string> line(container.command().begin(), container.command().end());
  line.insert(line.end(), container.args().begin(), container.args().end());
  if (line.empty() || line.front().empty()) {
    return absl::FailedPreconditionError("the task's container has no command");
  }
  if (ReferencesTaskTemplatePath(line)) RETURN_IF_ERROR(WriteTaskTemplate(attempt));
  std::optional<flyteidl::core::LiteralMap> inputs;
  if (ReferencesInputValues(line)) {
    ASSIGN_OR_RETURN(inputs, ReadInputs(attempt));
  }
  StatusOr<std::vector<std::string>> rendered = RenderArgs(line, attempt, inputs ? &*inputs : nullptr);
  if (!rendered.ok()) {
    return absl::FailedPreconditionError("rendering the command line: " + std::string(rendered.status().message()));
  }
  // Rendering keeps one string per template entry, so the command's entries come first.
  const auto command_size = static_cast<std::ptrdiff_t>(container.command_size());
  return RenderedContainer{{rendered->begin(), rendered->begin() + command_size},
                           {rendered->begin() + command_size, rendered->end()}};
}

Environment AttemptEnvironment(const TaskAttempt& attempt) {
  Environment env;
  for (const auto& pair : attempt.task.container().env()) env[pair.key()] = pair.value();
  // What propeller's flytek8s adds to every container (k8s_resource_adds.go GetExecutionEnvVars).
  if (!attempt.workflow_name.empty()) env["FLYTE_INTERNAL_EXECUTION_WORKFLOW"] = attempt.workflow_name;
  env["FLYTE_INTERNAL_EXECUTION_ID"] = attempt.execution_name;
  env["FLYTE_INTERNAL_EXECUTION_PROJECT"] = attempt.project;
  env["FLYTE_INTERNAL_EXECUTION_DOMAIN"] = attempt.domain;
  env["FLYTE_ATTEMPT_NUMBER"] = std::to_string(attempt.attempt);
  env[std::string(kAttemptTokenVariable)] = attempt.token;  // how a restart finds the work
  if (attempt.task.has_id()) {
    env["FLYTE_INTERNAL_TASK_PROJECT"] = attempt.task.id().project();
    env["FLYTE_INTERNAL_TASK_DOMAIN"] = attempt.task.id().domain();
    env["FLYTE_INTERNAL_TASK_NAME"] = attempt.task.id().name();
    env["FLYTE_INTERNAL_TASK_VERSION"] = attempt.task.id().version();
  }
  for (const auto& [name, value] : attempt.env) env[name] = value;
  return env;
}

StatusOr<flyteidl::core::LiteralMap> ReadInputs(const TaskAttempt& attempt) {
  ASSIGN_OR_RETURN(const fs::path path, LocalPath(attempt.inputs_path));
  std::ifstream in(path, std::ios::binary);
  flyteidl::core::LiteralMap inputs;
  if (!in || !inputs.ParseFromIstream(&in)) {
    return absl::FailedPreconditionError("unable to read inputs from " + path.string());
  }
  return inputs;
}

Status WriteTaskTemplate(const TaskAttempt& attempt) {
  ASSIGN_OR_RETURN(const fs::path path, LocalPath(TaskTemplatePath(attempt)));
  const fs::path temporary = path.string() + ".tmp-" + std::to_string(::getpid());
  std::error_code error;
  fs::create_directories(path.parent_path(), error);
  {
    std::ofstream out(temporary, std::ios::binary | std::ios::trunc);
    if (error || !out || !attempt.task.SerializeToOstream(&out) || !out.flush()) {
      return absl::FailedPreconditionError("cannot write the task template to " + path.string());
    }
  }
  fs::rename(temporary, path, error);  // readers never see half a file
  if (error) return absl::FailedPreconditionError("cannot write the task template to " + path.string());
  return absl::OkStatus();
}

void AppendToLog(int fd, std::string_view text) {
  for (size_t written = 0; written < text.size();) {
    const ssize_t n = ::write(fd, text.data() + written, text.size() - written);
    if (n <= 0 && errno != EINTR) return;
    if (n > 0) written += static_cast<size_t>(n);
  }
}

flyteidl::core::TaskLog LogLink(const fs::path& file, const std::string& name) {
  flyteidl::core::TaskLog log;
  log.set_uri(std::string(kFileScheme) + file.string());
  log.set_name(name);
  return log;
}

}  // namespace flyte::plugins

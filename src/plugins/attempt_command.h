// What an attempt runs, whichever plugin runs it: the task container's command line with Flyte's
// templates filled in, the environment propeller gives every task, and the attempt's log file.
// Shared by the local process plugin and the container plugin, so that a task sees the same
// command and the same FLYTE_* variables wherever it runs.
#pragma once

#include <filesystem>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "flyteidl/core/literals.pb.h"
#include "plugins/plugin.h"

namespace flyte::plugins {

using Environment = std::map<std::string, std::string>;

// The task container's command and args, templates filled in (flytekit leaves command empty for
// Python tasks: the image's entry point, or the args alone on this machine). Errors belong to the
// task, which fails to start: no container, no command at all, a bad template, unreadable inputs.
struct RenderedContainer {
  std::vector<std::string> command;
  std::vector<std::string> args;
  std::vector<std::string> CommandLine() const;  // command then args, as a local process runs them
};
StatusOr<RenderedContainer> RenderContainer(const TaskAttempt& attempt);

// The attempt's token in every task's environment: a restart finds its process (or container) by it.
inline constexpr std::string_view kAttemptTokenVariable = "FLYTE_ATTEMPT_TOKEN";

// In propeller's order, later names winning as in a Kubernetes pod: the template's container.env,
// Flyte's variables (FLYTE_INTERNAL_*, FLYTE_ATTEMPT_NUMBER, the token), the execution's envs.
Environment AttemptEnvironment(const TaskAttempt& attempt);

// "file:///a/b" or "/a/b" → "/a/b"; any other URL is not readable on this machine.
StatusOr<std::filesystem::path> LocalPath(std::string_view url);
// LocalPath, and "s3://bucket/key" of the sandbox's S3 endpoint as <buckets_dir>/bucket/key (its
// buckets are the store's folders); a key that would leave the bucket (`..`, `.`, empty segments)
// is refused. Without `buckets_dir` an s3:// URL is not readable here.
StatusOr<std::filesystem::path> DataPath(std::string_view url, const std::filesystem::path& buckets_dir);

// inputs.pb, for `{{.inputs.x}}`.
StatusOr<flyteidl::core::LiteralMap> ReadInputs(const TaskAttempt& attempt);
// task.pb next to it, for `{{.taskTemplatePath}}` (propeller offloads it only when a command asks).
Status WriteTaskTemplate(const TaskAttempt& attempt);

// Appends `text` to the log behind `fd`, whole (retrying short writes).
void AppendToLog(int fd, std::string_view text);
// The link to an attempt's log a plugin reports; `name` says what ran it ("Local process log").
flyteidl::core::TaskLog LogLink(const std::filesystem::path& file, const std::string& name);

}  // namespace flyte::plugins

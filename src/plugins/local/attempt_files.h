// An attempt's files on this machine: its fresh working folder, its log, the inputs and task
// template its command line may ask for.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>

#include "common/status.h"
#include "flyteidl/core/literals.pb.h"
#include "flyteidl/core/tasks.pb.h"
#include "plugins/plugin.h"

namespace flyte::plugins {

struct AttemptFiles {
  std::filesystem::path work_dir;        // fresh per attempt: `pyflyte-fast-execute --dest-dir .` unpacks code here
  std::filesystem::path log_file;        // stdout and stderr, appended
  std::filesystem::path started_marker;  // StartedMarkerPath: created by the process before the task runs
};

// `<log_dir>/started-<token>`: its existence says the launch with that token got to run the task.
std::filesystem::path StartedMarkerPath(const TaskAttempt& attempt);

// `<log_dir>/work`, emptied (a leftover from an earlier server process), and `<log_dir>/task.log`.
StatusOr<AttemptFiles> PrepareFolders(const TaskAttempt& attempt);

// The log's descriptor, above 2 so that setting up the child's stdin/stdout/stderr cannot clobber it.
StatusOr<int> OpenLog(const std::filesystem::path& file);
void AppendToLog(int fd, const std::string& line);
// The link the engine shows for the log.
flyteidl::core::TaskLog LogLink(const std::filesystem::path& file);

// inputs.pb, for `{{.inputs.x}}`.
StatusOr<flyteidl::core::LiteralMap> ReadInputs(const TaskAttempt& attempt);
// task.pb next to it, for `{{.taskTemplatePath}}` (propeller offloads it only when a command asks).
Status WriteTaskTemplate(const TaskAttempt& attempt);

}  // namespace flyte::plugins

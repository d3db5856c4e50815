// An attempt's files on this machine: its fresh working folder, its log and its started marker.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>

#include "common/status.h"
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
// The link the engine shows for the log.
flyteidl::core::TaskLog LocalLogLink(const std::filesystem::path& file);

}  // namespace flyte::plugins

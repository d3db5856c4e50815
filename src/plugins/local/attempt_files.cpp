#include "plugins/local/attempt_files.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "plugins/attempt_command.h"
#include "plugins/local/spawn.h"

namespace flyte::plugins {
namespace fs = std::filesystem;

fs::path StartedMarkerPath(const TaskAttempt& attempt) {
  return fs::path(attempt.log_dir) / ("started-" + attempt.token);
}

StatusOr<AttemptFiles> PrepareFolders(const TaskAttempt& attempt) {
  std::error_code error;
  const fs::path log_dir = fs::absolute(attempt.log_dir, error);
  AttemptFiles files{log_dir / "work", log_dir / kAttemptLogFile, fs::absolute(StartedMarkerPath(attempt), error)};
  if (!error) fs::remove_all(files.work_dir, error);  // a leftover from an earlier server process
  if (!error) fs::create_directories(files.work_dir, error);
  if (error) {
    return absl::InternalError("cannot prepare the folder " + files.work_dir.string() + ": " + error.message());
  }
  return files;
}

StatusOr<int> OpenLog(const fs::path& file) {
  const int fd = ::open(file.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
  if (fd < 0) return absl::InternalError("cannot open " + file.string() + ": " + std::strerror(errno));
  return MoveAboveStandardStreams(fd);
}

flyteidl::core::TaskLog LocalLogLink(const fs::path& file) { return LogLink(file, "Local process log"); }

}  // namespace flyte::plugins

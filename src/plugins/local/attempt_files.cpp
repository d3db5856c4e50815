#include "plugins/local/attempt_files.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>

#include "plugins/local/spawn.h"
#include "plugins/template_args.h"

namespace flyte::plugins {
namespace {

namespace fs = std::filesystem;

constexpr std::string_view kFileScheme = "file://";

// "file:///a/b" or "/a/b" → "/a/b"; any other URL is not readable on this machine.
StatusOr<fs::path> LocalPath(std::string_view url) {
  if (url.substr(0, kFileScheme.size()) == kFileScheme) url.remove_prefix(kFileScheme.size());
  if (url.empty() || url.front() != '/') {
    return absl::FailedPreconditionError("\"" + std::string(url) + "\" is not a local path");
  }
  return fs::path(url);
}

}  // namespace

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

fs::path StartedMarkerPath(const TaskAttempt& attempt) {
  return fs::path(attempt.log_dir) / ("started-" + attempt.token);
}

StatusOr<AttemptFiles> PrepareFolders(const TaskAttempt& attempt) {
  std::error_code error;
  const fs::path log_dir = fs::absolute(attempt.log_dir, error);
  AttemptFiles files{log_dir / "work", log_dir / "task.log", fs::absolute(StartedMarkerPath(attempt), error)};
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

void AppendToLog(int fd, const std::string& line) {
  for (size_t written = 0; written < line.size();) {
    const ssize_t n = ::write(fd, line.data() + written, line.size() - written);
    if (n <= 0 && errno != EINTR) return;
    if (n > 0) written += static_cast<size_t>(n);
  }
}

flyteidl::core::TaskLog LogLink(const fs::path& file) {
  flyteidl::core::TaskLog log;
  log.set_uri(std::string(kFileScheme) + file.string());
  log.set_name("Local process log");
  return log;
}

}  // namespace flyte::plugins

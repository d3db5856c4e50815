#include "plugins/data_files.h"

#include <unistd.h>

#include <fstream>
#include <sstream>

namespace flyte::plugins {

namespace fs = std::filesystem;

Status WriteFile(const fs::path& path, std::string_view bytes) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  if (!out || !out.write(bytes.data(), static_cast<std::streamsize>(bytes.size())) || !out.flush()) {
    return absl::FailedPreconditionError("cannot write " + path.string());
  }
  return absl::OkStatus();
}

Status WriteFileAtomically(const fs::path& path, std::string_view bytes) {
  const fs::path temporary = path.string() + ".tmp-" + std::to_string(::getpid());
  std::error_code error;
  fs::create_directories(path.parent_path(), error);
  RETURN_IF_ERROR(WriteFile(temporary, bytes));
  fs::rename(temporary, path, error);
  if (error) return absl::FailedPreconditionError("cannot write " + path.string() + ": " + error.message());
  return absl::OkStatus();
}

StatusOr<std::string> ReadWholeFile(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream bytes;
  if (!in || !(bytes << in.rdbuf())) return absl::FailedPreconditionError("cannot read " + path.string());
  return bytes.str();
}

Status CopyTree(const fs::path& from, const fs::path& to) {
  std::error_code error;
  fs::remove_all(to, error);
  fs::create_directories(to.parent_path(), error);
  if (fs::is_directory(from, error)) {
    fs::copy(from, to, fs::copy_options::recursive, error);
  } else {
    fs::copy_file(from, to, error);
  }
  if (error) return absl::FailedPreconditionError("copying " + from.string() + ": " + error.message());
  return absl::OkStatus();
}

}  // namespace flyte::plugins

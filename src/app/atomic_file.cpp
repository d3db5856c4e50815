#include "app/atomic_file.h"

#include <fstream>

namespace flyte::app {

Status WriteFileAtomically(const std::filesystem::path& file, const std::string& text) {
  std::error_code ec;
  std::filesystem::create_directories(file.parent_path(), ec);
  const std::filesystem::path temp = file.string() + ".tmp";
  {
    std::ofstream out(temp, std::ios::trunc);
    out << text;
    if (!out) return absl::FailedPreconditionError("cannot write " + temp.string());
  }
  std::filesystem::rename(temp, file, ec);
  if (ec) return absl::FailedPreconditionError("cannot write " + file.string() + ": " + ec.message());
  return absl::OkStatus();
}

}  // namespace flyte::app

#include "plugins/local/process_identity.h"

#include <unistd.h>

#include <fstream>
#include <sstream>

namespace flyte::plugins {
namespace {

namespace fs = std::filesystem;

constexpr int kStartTimeField = 22;  // proc(5): starttime

std::optional<std::string> ReadLine(const fs::path& file) {
  std::ifstream in(file);
  std::string line;
  if (!in || !std::getline(in, line)) return std::nullopt;
  return line;
}

}  // namespace

std::optional<ProcessIdentity> IdentifyProcess(pid_t pid) {
  const std::optional<std::string> stat = ReadLine("/proc/" + std::to_string(pid) + "/stat");
  const std::optional<std::string> boot_id = ReadLine("/proc/sys/kernel/random/boot_id");
  if (!stat || !boot_id) return std::nullopt;
  // "pid (comm) state ..." where comm may hold blanks and parentheses: fields count from the last ')'.
  const size_t comm_end = stat->rfind(')');
  if (comm_end == std::string::npos) return std::nullopt;
  std::istringstream fields(stat->substr(comm_end + 1));
  std::string field;
  for (int number = 3; number < kStartTimeField && fields >> field; ++number) {
  }
  ProcessIdentity identity;
  identity.pid = pid;
  identity.boot_id = *boot_id;
  if (!(fields >> identity.start_ticks)) return std::nullopt;
  return identity;
}

Status SaveProcessIdentity(const fs::path& file, pid_t pid) {
  const std::optional<ProcessIdentity> identity = IdentifyProcess(pid);
  if (!identity) return absl::NotFoundError("process " + std::to_string(pid) + " cannot be identified");
  const fs::path temporary = file.string() + ".tmp-" + std::to_string(::getpid());
  {
    std::ofstream out(temporary, std::ios::trunc);
    out << identity->pid << ' ' << identity->start_ticks << ' ' << identity->boot_id << '\n';
    if (!out.flush()) return absl::InternalError("cannot write " + temporary.string());
  }
  std::error_code error;
  fs::rename(temporary, file, error);
  if (error) return absl::InternalError("cannot write " + file.string() + ": " + error.message());
  return absl::OkStatus();
}

bool IsSavedProcess(const fs::path& file, pid_t pid) {
  std::error_code error;
  if (!fs::exists("/proc/self/stat", error)) return true;
  const std::optional<std::string> line = ReadLine(file);
  if (!line) return false;
  ProcessIdentity saved;
  std::istringstream fields(*line);
  if (!(fields >> saved.pid >> saved.start_ticks >> saved.boot_id)) return false;
  return saved.pid == pid && IdentifyProcess(pid) == saved;
}

}  // namespace flyte::plugins

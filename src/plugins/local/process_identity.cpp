#include "plugins/local/process_identity.h"

#include <unistd.h>

#include <fstream>
#include <iterator>
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

Status SaveProcessIdentity(const fs::path& file, pid_t pid, const std::string& token) {
  const std::optional<ProcessIdentity> identity = IdentifyProcess(pid);
  if (!identity) return absl::NotFoundError("process " + std::to_string(pid) + " cannot be identified");
  const fs::path temporary = file.string() + ".tmp-" + std::to_string(::getpid());
  {
    std::ofstream out(temporary, std::ios::trunc);
    out << identity->pid << ' ' << identity->start_ticks << ' ' << identity->boot_id << ' ' << token << '\n';
    if (!out.flush()) return absl::InternalError("cannot write " + temporary.string());
  }
  std::error_code error;
  fs::rename(temporary, file, error);
  if (error) return absl::InternalError("cannot write " + file.string() + ": " + error.message());
  return absl::OkStatus();
}

std::optional<SavedProcess> ReadSavedProcess(const fs::path& file, const std::string& token) {
  const std::optional<std::string> line = ReadLine(file);
  if (!line) return std::nullopt;
  ProcessIdentity saved;
  std::string saved_token;
  std::istringstream fields(*line);
  if (!(fields >> saved.pid >> saved.start_ticks >> saved.boot_id >> saved_token) || saved_token != token) {
    return std::nullopt;
  }
  std::error_code error;
  const auto pid = static_cast<pid_t>(saved.pid);
  return SavedProcess{pid, !fs::exists("/proc/self/stat", error) || IdentifyProcess(pid) == saved};
}

std::optional<pid_t> FindProcessWithEnvironment(const std::string& entry) {
  const std::string nul(1, '\0');
  const std::string wanted = nul + entry + nul;
  std::error_code error;
  for (fs::directory_iterator process("/proc", error), end; !error && process != end; process.increment(error)) {
    const std::string name = process->path().filename().string();
    if (name.empty() || name.find_first_not_of("0123456789") != std::string::npos) continue;
    std::ifstream in(process->path() / "environ", std::ios::binary);  // unreadable: another user's
    const std::string environment = nul + std::string(std::istreambuf_iterator<char>(in), {});
    if (environment.find(wanted) != std::string::npos) return static_cast<pid_t>(std::stoi(name));
  }
  return std::nullopt;
}

}  // namespace flyte::plugins

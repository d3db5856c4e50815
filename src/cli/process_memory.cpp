#include "cli/process_memory.h"

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>

namespace flyte::cli {
namespace {

namespace fs = std::filesystem;

// The zygote's program file, as WriteWorkerProgram names it.
constexpr std::string_view kZygoteProgram = "/flyte_python_worker.py";

std::string ReadAll(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

// The number after `name:` in a /proc/<pid>/status text; nothing when absent.
std::optional<int64_t> StatusField(const std::string& status, std::string_view name) {
  const std::string key = "\n" + std::string(name) + ":";
  const size_t at = status.find(key);
  if (at == std::string::npos) return std::nullopt;
  return std::strtoll(status.c_str() + at + key.size(), nullptr, 10);
}

}  // namespace

std::optional<int64_t> ResidentBytes(pid_t pid) {
  const std::optional<int64_t> kib = StatusField(ReadAll(fs::path("/proc") / std::to_string(pid) / "status"), "VmRSS");
  if (!kib) return std::nullopt;
  return *kib * 1024;
}

Zygotes ZygotesOf(pid_t sandbox) {
  Zygotes zygotes;
  std::error_code error;
  for (const fs::directory_entry& entry : fs::directory_iterator("/proc", error)) {
    const std::string name = entry.path().filename().string();
    if (name.empty() || name.find_first_not_of("0123456789") != std::string::npos) continue;
    const std::string status = ReadAll(entry.path() / "status");
    if (StatusField(status, "PPid") != sandbox) continue;
    // argv[1] is the program: `python <folder>/flyte_python_worker.py <entry point>`.
    const std::string cmdline = ReadAll(entry.path() / "cmdline");
    const size_t first_end = cmdline.find('\0');
    if (first_end == std::string::npos) continue;
    const std::string program = cmdline.substr(first_end + 1, cmdline.find('\0', first_end + 1) - first_end - 1);
    if (!program.ends_with(kZygoteProgram)) continue;
    ++zygotes.count;
    zygotes.resident_bytes += StatusField(status, "VmRSS").value_or(0) * 1024;
  }
  return zygotes;
}

}  // namespace flyte::cli

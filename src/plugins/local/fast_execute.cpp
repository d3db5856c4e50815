#include "plugins/local/fast_execute.h"

#include <filesystem>

namespace flyte::plugins {

std::optional<InlinedCommand> InlineFastExecute(const std::vector<std::string>& argv, const std::string& work_dir) {
  if (argv.empty() || std::filesystem::path(argv.front()).filename() != "pyflyte-fast-execute") return std::nullopt;
  std::string distribution;
  size_t i = 1;
  for (; i < argv.size() && argv[i] != "--"; ++i) {
    if (argv[i] == "--additional-distribution" && i + 1 < argv.size()) {
      distribution = argv[++i];
    } else if (argv[i] == "--dest-dir" && i + 1 < argv.size()) {
      ++i;  // replaced by the attempt's working folder
    } else {
      return std::nullopt;  // an option this rewrite does not know: let flytekit handle it
    }
  }
  if (i + 1 >= argv.size()) return std::nullopt;
  if (!distribution.starts_with("/") || !distribution.ends_with(".tar.gz")) return std::nullopt;

  InlinedCommand out{distribution, work_dir, {}};
  // As flytekit does: tell the task where its code came from, for the dynamic workflows it starts.
  for (++i; i < argv.size(); ++i) {
    if (argv[i] == "--resolver") {
      out.command.insert(out.command.end(), {"--dynamic-addl-distro", distribution, "--dynamic-dest-dir", work_dir});
    }
    out.command.push_back(argv[i]);
  }
  return out;
}

// No -z: flytekit uploads a gzipped tar but flytectl an uncompressed one under the same
// .tar.gz name; tar reading a file finds the compression itself.
std::vector<std::string> UnpackCommand(const InlinedCommand& inlined) {
  return {"tar", "-xf", inlined.distribution, "-C", inlined.work_dir};
}

std::vector<std::string> ShellCommand(const InlinedCommand& inlined) {
  std::vector<std::string> argv = {"/bin/sh",
                                   "-c",
                                   "tar -xf \"$1\" -C \"$2\" >/dev/null || exit $?; shift 2; exec \"$@\"",
                                   "pyflyte-fast-execute",
                                   inlined.distribution,
                                   inlined.work_dir};
  argv.insert(argv.end(), inlined.command.begin(), inlined.command.end());
  return argv;
}

}  // namespace flyte::plugins

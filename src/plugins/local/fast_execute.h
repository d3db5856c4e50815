// `pyflyte-fast-execute` (what `pyflyte run` and `pyflyte register` put in front of every task
// command) starts a Python interpreter only to unpack the code distribution and start the real
// command in a second one. For a distribution in our own store the plugin does that part itself:
// one interpreter per attempt instead of two, which halves the start-up cost of every Python task.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

namespace flyte::plugins {

struct InlinedCommand {
  std::string distribution;          // the code: a .tar.gz in our store
  std::string work_dir;              // unpacked into this folder, which goes on PYTHONPATH
  std::vector<std::string> command;  // then this runs (with flytekit's options for dynamic tasks)
};

// For `pyflyte-fast-execute --additional-distribution <local .tar.gz> [--dest-dir d] -- cmd...`,
// the equivalent command unpacking into `work_dir` (every attempt has a fresh one; a `--dest-dir`
// such as `/root` is meant for a container image, not the user's machine). Nothing for any other
// command, or a distribution that is not a local file (flytekit's own download handles those).
std::optional<InlinedCommand> InlineFastExecute(const std::vector<std::string>& argv, const std::string& work_dir);

// `tar` unpacking the distribution (its listing, if any, is not for the log).
std::vector<std::string> UnpackCommand(const InlinedCommand& inlined);

// The whole of it as one process: /bin/sh unpacking, then exec'ing the command.
std::vector<std::string> ShellCommand(const InlinedCommand& inlined);

}  // namespace flyte::plugins

#include "plugins/local/fast_execute.h"

#include <doctest/doctest.h>

#include <cstdlib>
#include <fstream>
#include <string>
#include <vector>

#include "fakes/temp_dir.h"

namespace flyte::plugins {
namespace {

const std::vector<std::string> kTaskCommand = {"pyflyte-execute",       "--inputs", "/m/in.pb",    "--resolver",
                                               "default_task_resolver", "--",       "task-module", "m"};

std::vector<std::string> FastCommand(const std::string& distribution) {
  std::vector<std::string> argv = {
      "pyflyte-fast-execute", "--additional-distribution", distribution, "--dest-dir", ".", "--"};
  argv.insert(argv.end(), kTaskCommand.begin(), kTaskCommand.end());
  return argv;
}

TEST_CASE("a fast-execute command with a local distribution unpacks it with tar and execs the task command") {
  auto inlined = InlineFastExecute(FastCommand("/store/fast0abc.tar.gz"), "/work/attempt");
  REQUIRE(inlined.has_value());
  CHECK(inlined->distribution == "/store/fast0abc.tar.gz");
  CHECK(inlined->work_dir == "/work/attempt");
  CHECK(UnpackCommand(*inlined) ==
        std::vector<std::string>{"tar", "-xf", "/store/fast0abc.tar.gz", "-C", "/work/attempt"});
  const std::vector<std::string> expected = {"pyflyte-execute",
                                             "--inputs",
                                             "/m/in.pb",
                                             "--dynamic-addl-distro",
                                             "/store/fast0abc.tar.gz",
                                             "--dynamic-dest-dir",
                                             "/work/attempt",
                                             "--resolver",
                                             "default_task_resolver",
                                             "--",
                                             "task-module",
                                             "m"};
  CHECK(inlined->command == expected);
  const std::vector<std::string> shell_prefix = {"/bin/sh",
                                                 "-c",
                                                 "tar -xf \"$1\" -C \"$2\" >/dev/null || exit $?; shift 2; exec \"$@\"",
                                                 "pyflyte-fast-execute",
                                                 "/store/fast0abc.tar.gz",
                                                 "/work/attempt"};
  std::vector<std::string> shell = shell_prefix;
  shell.insert(shell.end(), expected.begin(), expected.end());
  CHECK(ShellCommand(*inlined) == shell);
}

TEST_CASE("commands the rewrite does not understand are left to flytekit") {
  CHECK_FALSE(InlineFastExecute(kTaskCommand, "/w").has_value());
  CHECK_FALSE(InlineFastExecute(FastCommand("s3://bucket/fast.tar.gz"), "/w").has_value());
  CHECK_FALSE(InlineFastExecute(FastCommand("/store/code.pkl"), "/w").has_value());
  CHECK_FALSE(InlineFastExecute({"pyflyte-fast-execute", "--additional-distribution", "/a.tar.gz"}, "/w").has_value());
  CHECK_FALSE(InlineFastExecute({"pyflyte-fast-execute", "--unknown-option", "x", "--", "cmd"}, "/w").has_value());
}

TEST_CASE("the rewritten command really unpacks the distribution and runs the task command in the folder") {
  // flytekit's bundles are gzipped; flytectl's are plain tars under the same .tar.gz name.
  for (const std::string create_flags : {"-czf", "-cf"}) {
    CAPTURE(create_flags);
    testing::TempDir dir;
    const auto source = dir.path() / "src";
    std::filesystem::create_directories(source);
    std::ofstream(source / "hello.txt") << "unpacked\n";
    const std::string archive = (dir.path() / "fast.tar.gz").string();
    REQUIRE(std::system(("tar " + create_flags + " " + archive + " -C " + source.string() + " hello.txt").c_str()) ==
            0);
    const auto work = dir.path() / "work";
    std::filesystem::create_directories(work);
    auto inlined = InlineFastExecute({"pyflyte-fast-execute", "--additional-distribution", archive, "--", "cp",
                                      "hello.txt", (work / "copied.txt").string()},
                                     work.string());
    REQUIRE(inlined.has_value());
    std::string command = "cd " + work.string() + " &&";
    for (const auto& arg : ShellCommand(*inlined)) command += " '" + arg + "'";
    REQUIRE(std::system(command.c_str()) == 0);
    std::ifstream copied(work / "copied.txt");
    std::string line;
    std::getline(copied, line);
    CHECK(line == "unpacked");
  }
}

}  // namespace
}  // namespace flyte::plugins

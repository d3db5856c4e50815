// Task confinement with Landlock: a process started through SpawnInGroup cannot open the state
// folder's own files but uses its task folders and everything outside; the server (this test
// process) is not confined by having started it.
#include "plugins/local/confinement.h"

#include <doctest/doctest.h>
#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <string>
#include <thread>

#include "fakes/temp_dir.h"
#include "plugins/local/spawn.h"

namespace flyte::plugins {
namespace {

namespace fs = std::filesystem;

// The exit code of `sh -c script`, confined as `confinement` says.
int RunShell(const std::string& script, const TaskConfinement& confinement, const fs::path& work_dir) {
  const int out = ::open("/dev/null", O_WRONLY | O_CLOEXEC);
  StatusOr<int> output = MoveAboveStandardStreams(out);
  REQUIRE(output.ok());
  StatusOr<pid_t> pid =
      SpawnInGroup("/bin/sh", {"sh", "-c", script}, {{"PATH", "/usr/bin:/bin"}}, work_dir, {-1, *output}, confinement);
  ::close(*output);
  REQUIRE(pid.ok());
  int status = 0;
  REQUIRE(::waitpid(*pid, &status, 0) == *pid);
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

TEST_CASE("confinement: a task cannot open the state folder's files but uses its task folders") {
  if (LandlockAbi() == 0) {
    MESSAGE("this kernel has no Landlock: nothing to check");
    return;
  }
  testing::TempDir dir;
  const fs::path state = dir.path() / "state";
  fs::create_directories(state / "blobs");
  std::ofstream(state / "signing.key") << "secret";
  std::ofstream(state / "blobs" / "inputs.pb") << "inputs";
  std::ofstream(dir.path() / "beside.txt") << "next to the state folder";
  const TaskConfinement confinement{state, {state / "blobs", state / "logs"}};
  const fs::path work = state / "logs" / "work";

  fs::create_directories(work);
  CHECK(RunShell("cat '" + (state / "signing.key").string() + "'", confinement, work) != 0);
  CHECK(RunShell("echo x > '" + (state / "new").string() + "'", confinement, work) != 0);
  CHECK(RunShell("cat '" + (state / "blobs" / "inputs.pb").string() + "'", confinement, work) == 0);
  CHECK(RunShell("echo out > outputs.pb && cat outputs.pb", confinement, work) == 0);
  CHECK(RunShell("cat '" + (dir.path() / "beside.txt").string() + "' /etc/hostname", confinement, work) == 0);
  // The spawning thread's restriction stayed with it: this process still reads the key.
  std::ifstream key(state / "signing.key");
  std::string text;
  key >> text;
  CHECK(text == "secret");
  // Unconfined (no state folder named), the same task reads it.
  CHECK(RunShell("cat '" + (state / "signing.key").string() + "'", {}, work) == 0);
}

TEST_CASE("confinement: entries made on the way to the state folder after a task are open to the next") {
  if (LandlockAbi() == 0) {
    MESSAGE("this kernel has no Landlock: nothing to check");
    return;
  }
  testing::TempDir dir;
  const fs::path state = dir.path() / "state";
  std::ofstream(dir.path() / "before.txt") << "before";
  const TaskConfinement confinement{state, {state / "logs"}};
  const fs::path work = state / "logs";
  fs::create_directories(work);
  CHECK(RunShell("cat '" + (dir.path() / "before.txt").string() + "'", confinement, work) == 0);
  CHECK(RunShell("cat '" + (dir.path() / "before.txt").string() + "'", confinement, work) == 0);  // kept rules
  // Made right after a task, in the same tick of the folder's clock, and replaced by a rename (a
  // new inode, as editors save): both readable by the next task.
  std::ofstream(dir.path() / "after.txt") << "after";
  std::ofstream(dir.path() / "before.txt.new") << "saved again";
  fs::rename(dir.path() / "before.txt.new", dir.path() / "before.txt");
  CHECK(RunShell("cat '" + (dir.path() / "after.txt").string() + "' '" + (dir.path() / "before.txt").string() + "'",
                 confinement, work) == 0);
  // A task folder made anew is another inode: its rule follows.
  fs::remove_all(work);
  fs::create_directories(work);
  CHECK(RunShell("echo out > outputs.pb", confinement, work) == 0);
  CHECK(RunShell("cat '" + (state / "secret").string() + "' 2>/dev/null; test $? -ne 0", confinement, work) == 0);
}

// The thread SpawnConfined ran its spawn on.
pid_t SpawningThread(const TaskConfinement& confinement) {
  pid_t thread = 0;
  CHECK(SpawnConfined(confinement, [&thread] {
          thread = ::gettid();
          return 0;
        }) == 0);
  return thread;
}

TEST_CASE("confinement: tasks started while the rules stand share one confined thread") {
  if (LandlockAbi() == 0) {
    MESSAGE("this kernel has no Landlock: nothing to check");
    return;
  }
  // A thread per task had the kernel copy every rule into a new domain for each (about 11 ms a
  // task with a busy /tmp on the way). The rules are trusted once the folders' times are 200 ms
  // old, and another process may touch /tmp meanwhile: a few tries.
  testing::TempDir dir;
  const fs::path state = dir.path() / "state";
  const TaskConfinement confinement{state, {state / "logs"}};
  fs::create_directories(state / "logs");
  bool shared = false;
  for (int attempt = 0; attempt < 20 && !shared; ++attempt) {
    std::this_thread::sleep_for(std::chrono::milliseconds(250));
    const pid_t first = SpawningThread(confinement);
    shared = first != ::gettid() && SpawningThread(confinement) == first;
  }
  CHECK(shared);
  // A new entry beside the state folder: new rules, so a new thread.
  const pid_t before = SpawningThread(confinement);
  std::ofstream(dir.path() / "beside.txt") << "new";
  std::this_thread::sleep_for(std::chrono::milliseconds(250));
  CHECK(SpawningThread(confinement) != before);
}

}  // namespace
}  // namespace flyte::plugins

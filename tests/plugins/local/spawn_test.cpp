#include "plugins/local/spawn.h"

#include <doctest/doctest.h>
#include <fcntl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>

#include "common/file_descriptor.h"
#include "fakes/temp_dir.h"

namespace flyte::plugins {
namespace {

namespace fs = std::filesystem;
using std::chrono_literals::operator""ms;
using std::chrono_literals::operator""s;

// The state letter of /proc/<pid>/stat ('S': asleep, blocked in a system call).
char ProcessState(pid_t pid) {
  const std::string stat = testing::ReadFile("/proc/" + std::to_string(pid) + "/stat");
  const size_t paren = stat.rfind(')');
  return paren != std::string::npos && paren + 2 < stat.size() ? stat[paren + 2] : '?';
}

// A child of thread `tid` of this process, or 0.
pid_t ChildOf(pid_t tid) {
  std::istringstream children(testing::ReadFile("/proc/self/task/" + std::to_string(tid) + "/children"));
  pid_t child = 0;
  children >> child;
  return child;
}

TEST_CASE("spawn: the child lets go of the server's descriptors before it waits on the disk") {
  // Until its exec, a posix_spawn child holds a copy of the server's descriptors and outlives a
  // kill -9 of the server: one that kept the listening socket while it waited to create its
  // marker kept the port from the restarted server. A FIFO as the marker holds the child in that
  // open for as long as the test needs, and /proc shows what it holds meanwhile.
  testing::TempDir dir;
  const fs::path marker = dir.path() / "started";
  REQUIRE(::mkfifo(marker.c_str(), 0600) == 0);
  // Not close-on-exec, as a server's may be, and above the marker's descriptor (3), which the
  // child closes to open the marker there.
  FileDescriptor socket(::socket(AF_INET, SOCK_STREAM, 0));
  REQUIRE(socket.get() >= 0);
  FileDescriptor listening(::fcntl(socket.get(), F_DUPFD, 64));
  REQUIRE(listening.get() >= 64);
  StatusOr<int> output =
      MoveAboveStandardStreams(::open((dir.path() / "log").c_str(), O_WRONLY | O_CREAT | O_CLOEXEC, 0600));
  REQUIRE(output.ok());
  FileDescriptor output_fd(*output);

  std::atomic<pid_t> spawner_tid{0};
  StatusOr<pid_t> spawned = absl::UnknownError("not spawned");
  std::thread spawner([&] {
    spawner_tid = ::gettid();
    spawned = SpawnInGroup("/bin/true", {"true"}, {}, dir.path(), {-1, output_fd.get()}, TaskConfinement{}, marker);
  });
  pid_t child = 0;
  const auto deadline = std::chrono::steady_clock::now() + 10s;
  while (std::chrono::steady_clock::now() < deadline) {
    if (spawner_tid != 0) child = ChildOf(spawner_tid);
    if (child != 0 && ProcessState(child) == 'S') break;  // blocked opening the FIFO
    std::this_thread::sleep_for(1ms);
  }
  REQUIRE(child != 0);
  REQUIRE(ProcessState(child) == 'S');
  const fs::path held = "/proc/" + std::to_string(child) + "/fd/" + std::to_string(listening.get());
  std::error_code ec;
  const bool holds_socket = fs::exists(fs::symlink_status(held, ec));
  // Let the child go: a reader on the FIFO completes its open, then it execs and ends.
  FileDescriptor reader(::open(marker.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC));
  spawner.join();
  REQUIRE(spawned.ok());
  int status = 0;
  REQUIRE(::waitpid(*spawned, &status, 0) == *spawned);
  CHECK(*spawned == child);
  CHECK_FALSE(holds_socket);
  CHECK(WIFEXITED(status));
}

}  // namespace
}  // namespace flyte::plugins

#include "app/state_dir.h"

#include <doctest/doctest.h>
#include <unistd.h>

#include <fstream>

#include "fakes/temp_dir.h"

namespace flyte::app {
namespace {

TEST_CASE("state folder: made on demand, locked by one sandbox at a time") {
  testing::TempDir temp;
  const auto dir = temp.path() / "state";
  REQUIRE(PrepareStateDir(dir).ok());
  CHECK(std::filesystem::is_directory(dir));

  auto first = StateDirLock::Acquire(dir);
  REQUIRE(first.ok());
  auto second = StateDirLock::Acquire(dir);
  REQUIRE_FALSE(second.ok());
  CHECK(absl::IsFailedPrecondition(second.status()));
  CHECK(std::string(second.status().message()).find("another sandbox is already running") != std::string::npos);

  { StateDirLock released = std::move(*first); }
  CHECK(StateDirLock::Acquire(dir).ok());
}

TEST_CASE("state folder: a file where the folder should be is refused") {
  testing::TempDir temp;
  std::ofstream(temp.path() / "file") << "x";
  auto status = PrepareStateDir(temp.path() / "file");
  CHECK(absl::IsFailedPrecondition(status));
}

TEST_CASE("state folder: the pid file names this process, its port and what it runs tasks on while it serves") {
  testing::TempDir temp;
  CHECK_FALSE(FindServing(temp.path()).has_value());
  REQUIRE(WritePidFile(temp.path(), 31234, {"podman 5.4 at /run/podman.sock; in containers: raw-container", ""}).ok());
  auto serving = FindServing(temp.path());
  REQUIRE(serving.has_value());
  CHECK(serving->pid == ::getpid());
  CHECK(serving->port == 31234);
  CHECK(serving->runtimes.containers == "podman 5.4 at /run/podman.sock; in containers: raw-container");
  CHECK(serving->runtimes.kubernetes.empty());
  RemovePidFile(temp.path());
  CHECK_FALSE(FindServing(temp.path()).has_value());
}

}  // namespace
}  // namespace flyte::app

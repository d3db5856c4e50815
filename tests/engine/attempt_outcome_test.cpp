// How an attempt's end becomes its outcome: what a plugin reported and what the task left.
#include "engine/attempt_outcome.h"

#include <doctest/doctest.h>

#include "fakes/temp_dir.h"

namespace flyte::engine {
namespace {

plugins::AttemptStatus Exited(int code) {
  plugins::AttemptStatus status;
  status.phase = plugins::AttemptPhase::kExited;
  status.exit_code = code;
  return status;
}

TEST_CASE("attempt outcome: an OOM kill is the user's OOMKilled, retried; another SIGKILL the system's") {
  testing::TempDir dir;
  auto blobs = store::OpenLocalBlobStore(dir.path() / "blobs");
  REQUIRE(blobs.ok());
  plugins::AttemptStatus killed = Exited(137);
  killed.oom_killed = true;
  killed.message =
      "[c0ffee] terminated with exit code (137). Reason [OOMKilled]: the container exceeded its memory limit of 32Mi";
  const AttemptResult oom = ReadAttemptResult(**blobs, "e1/n0/0", killed, {}, false);
  CHECK(oom.outcome == AttemptOutcome::kUserRecoverable);
  CHECK(oom.error.kind() == flyteidl::core::ExecutionError::USER);
  CHECK(oom.error.code() == "OOMKilled");
  CHECK(oom.error.message() == killed.message);

  const AttemptResult lost = ReadAttemptResult(**blobs, "e1/n0/0", Exited(137), {}, false);
  CHECK(lost.outcome == AttemptOutcome::kSystemRecoverable);
  CHECK(lost.error.code() == "Interrupted");
}

}  // namespace
}  // namespace flyte::engine

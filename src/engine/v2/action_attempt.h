// One attempt of a Flyte 2 action as the plugins run it (FLYTE2-PROTOCOL.md §3): the action's
// TaskTemplate (flyteidl2, field-for-field FlyteIDL 1's) with `{{.runStartTime}}` filled in, the
// paths `a0` reads and writes, and the environment the SDK's runtime asserts.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>

#include <flyteidl2/workflow/run_definition.pb.h>

#include "common/status.h"
#include "plugins/plugin.h"
#include "store/run_store.h"

namespace flyte::engine::v2 {

struct ActionAttemptConfig {
  std::filesystem::path logs_dir;  // an attempt's log folder: <logs_dir>/v2/<project>/<domain>/<run>/<action>/<n>
  std::string endpoint;            // _U_EP_OVERRIDE: the sandbox's host:port, for tasks that enqueue children
  // Folders put in front of the tasks' PATH: where the `flyte` SDK's `a0` lives (tasks.flyte2_path).
  std::string path_prefix;
  std::filesystem::path buckets_dir;  // TaskAttempt::buckets_dir
};

// What an attempt needs besides its action: its number (1-based), its output folder (native
// URL), the previous attempt's (empty on the first) and the run's spec (the root action's: children
// inherit its envs and start time).
struct AttemptPlace {
  int64_t attempt = 1;
  std::string output_url;
  std::string previous_output_url;
  flyteidl2::task::RunSpec run_spec;
};

// The plugins' id of an attempt: "v2/<project>/<domain>/<run>/<action>/<n>".
std::string AttemptIdOf(const store::ActionKey& key, int64_t attempt);

// The attempt's log folder under `logs_dir` (ActionAttemptConfig::logs_dir), and the log its
// plugin writes there (plugins::kAttemptLogFile; it may not exist yet).
std::filesystem::path AttemptLogDir(const std::filesystem::path& logs_dir, const store::ActionKey& key,
                                    int64_t attempt);
std::filesystem::path AttemptLogFile(const std::filesystem::path& logs_dir, const store::ActionKey& key,
                                     int64_t attempt);

// Its launch token is derived from its log folder (the state folder's, the attempt's own): an
// attempt is launched at most once with effect (a launch that never started is started again with
// the same token, plugins/plugin.h), so it needs no column of its own, and it stays a file name
// (`started-<token>`) unique on this machine (a process is found by it in its environment).
// INVALID_ARGUMENT when the action has no task with a container (the attempt cannot start).
StatusOr<plugins::TaskAttempt> MakeTaskAttempt(const store::ActionKey& key, const flyteidl2::workflow::ActionSpec& spec,
                                               const AttemptPlace& place, const ActionAttemptConfig& config);

// `input_uri` names the folder holding inputs.pb (root actions) or the file itself (children
// enqueued by the SDK): the file's URL either way.
std::string InputsFileUrl(const std::string& input_uri);

}  // namespace flyte::engine::v2

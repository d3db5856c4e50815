// Front header of the plugins: how one task attempt becomes running work. The engine starts an
// attempt, learns of changes through the callback, asks for the status, and always finalizes.
// Contract (as in Flyte's plugin machinery): Start never blocks; Check may be called any number
// of times; Abort is idempotent; Finalize always runs once the engine is done with the attempt.
#pragma once

#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "common/status.h"
#include "flyteidl/core/execution.pb.h"
#include "flyteidl/core/tasks.pb.h"

namespace flyte::plugins {

// Unique per attempt: "<project>/<domain>/<execution>/<unique node id>/<attempt>".
using AttemptId = std::string;

// Everything a plugin needs to run one attempt. Paths are native URLs of the object store
// (file://...), exactly what goes into the task's command line.
struct TaskAttempt {
  AttemptId id;
  std::string project, domain, execution_name;  // the workflow execution
  std::string workflow_name;                    // for FLYTE_INTERNAL_EXECUTION_WORKFLOW
  std::string node_id;                          // unique node id within the execution
  int attempt = 0;                              // 0-based retry attempt
  flyteidl::core::TaskTemplate task;
  std::string inputs_path;                 // {{.input}}: <node data dir>/inputs.pb
  std::string input_prefix;                // {{.inputPrefix}}
  std::string output_prefix;               // {{.outputPrefix}}: write outputs.pb / error.pb here
  std::string raw_output_prefix;           // {{.rawOutputDataPrefix}}
  std::string checkpoint_prefix;           // {{.checkpointOutputPrefix}}
  std::string prev_checkpoint_prefix;      // {{.prevCheckpointPrefix}}; empty = none
  std::map<std::string, std::string> env;  // execution envs, platform defaults
  std::string log_dir;                     // local folder for this attempt's stdout/stderr
};

enum class AttemptPhase { kQueued, kRunning, kExited, kAborted, kFailedToStart };

struct AttemptStatus {
  AttemptPhase phase = AttemptPhase::kQueued;
  int exit_code = 0;    // kExited: the process exit code (128+signal when killed)
  std::string message;  // human-readable reason (start failure, signal)
  int64_t pid = 0;      // local process: for re-attaching after a restart
  std::vector<flyteidl::core::TaskLog> logs;
};

// Called (from any thread) when an attempt may have changed phase; the engine then calls Check.
using ChangeCallback = std::function<void(const AttemptId&)>;

class Plugin {
 public:
  virtual ~Plugin() = default;
  virtual Status Start(const TaskAttempt& attempt) = 0;
  virtual StatusOr<AttemptStatus> Check(const AttemptId& id) = 0;
  virtual Status Abort(const AttemptId& id) = 0;
  virtual Status Finalize(const AttemptId& id) = 0;
  // After a restart: watch an attempt started by an earlier process (pid from its status).
  // NOT_FOUND when it is gone; the engine then decides from its outputs or retries it.
  virtual Status Reattach(const TaskAttempt& attempt, int64_t pid) = 0;
};

}  // namespace flyte::plugins

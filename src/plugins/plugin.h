// Front header of the plugins: how one task attempt becomes running work. The engine starts an
// attempt, learns of changes through the callback, asks for the status, and always finalizes.
// Contract (as in Flyte's plugin machinery): Start never blocks; Check may be called any number
// of times; Abort is idempotent; Finalize always runs once the engine is done with the attempt.
//
// Surviving a kill -9 of the server (every plugin keeps to it: local processes, containers, remote
// actions). The engine draws a fresh `token` for each launch and stores it durably BEFORE it calls
// Start. Start must make the token findable before the work can have any effect: the work carries
// it (a process's environment, a container's label, an action's name), or the plugin records it
// durably before launching. After a restart the engine calls Recover for every attempt it had
// launched, and the plugin answers from what the token finds, never from the absence of a pid:
//  - kNeverStarted: nothing carries the token; the engine starts the attempt (it never ran);
//  - kRunning: the work is found running; the plugin watches it as if Start had started it;
//  - kEnded: the work ran and is over; `status` says how (the engine reads its outputs too).
#pragma once

#include <chrono>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <optional>
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
  std::string token;                            // unique per launch, stored by the engine before Start (see above)
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
  std::string log_dir;                     // local folder for this attempt's stdout/stderr (kAttemptLogFile)
  // Where the S3 endpoint keeps s3://bucket/key: <buckets_dir>/bucket/key (raw data under an s3://
  // prefix is read and written there by data passing); empty: no such endpoint.
  std::filesystem::path buckets_dir;
  // Folders put in front of PATH when the task runs as a process of this machine: where its own
  // programs are (Flyte 2's `a0`). A container keeps its image's PATH.
  std::string path_prefix;
  // The variable of `env` holding the address (host:port) of the sandbox's API that the task dials
  // (Flyte 2's `_U_EP_OVERRIDE`: a parent enqueues its children); empty: the task never calls the
  // sandbox. A plugin whose work reaches the sandbox under another address sets it to that one.
  std::string api_address_variable;
  // What a pod carries besides (plugins/kubernetes): the execution's labels and annotations, the
  // Kubernetes service account of its security context, and whether this attempt may run on
  // interruptible machines (the last of its attempts never does).
  std::map<std::string, std::string> labels, annotations;
  std::string service_account;
  bool interruptible = false;
};

// The file in an attempt's `log_dir` every plugin writes its stdout and stderr to, appending: what
// the engine links to and Flyte 2's TailLogs follows.
inline constexpr char kAttemptLogFile[] = "task.log";

enum class AttemptPhase { kQueued, kRunning, kExited, kAborted, kFailedToStart };

struct AttemptStatus {
  AttemptPhase phase = AttemptPhase::kQueued;
  int exit_code = 0;        // kExited: the process exit code (128+signal when killed)
  std::string message;      // human-readable reason (start failure, signal)
  bool oom_killed = false;  // kExited: killed for exceeding its memory limit (a container's, by its engine)
  int64_t pid = 0;          // local process: its pid, for whoever looks at it
  // kExited: how the attempt failed, when the plugin judged it from what ran it (a pod's status:
  // an image that cannot be pulled, an eviction) rather than leaving it to the exit code.
  struct Failure {
    bool user = true;         // false: the platform's fault
    bool recoverable = true;  // tried again within the task's retries
    std::string code, message;
  };
  std::optional<Failure> failure;
  std::vector<flyteidl::core::TaskLog> logs;
  std::string plugin;  // which plugin runs the attempt ("local", "container"): the router says
};

// What Recover found of an attempt launched before a restart.
struct Recovery {
  enum class State { kNeverStarted, kRunning, kEnded } state = State::kNeverStarted;
  AttemptStatus status;  // kEnded: kExited (exit_code 0 when unknown: judged by the outputs) or kAborted
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
  // After a restart: what became of an attempt an earlier server launched (`attempt.token` as it
  // was stored); a running one is watched from now on, as if Start had started it.
  virtual StatusOr<Recovery> Recover(const TaskAttempt& attempt) = 0;
  // After a restart, once Recover has been called for every attempt an earlier server launched:
  // work of this sandbox that none of them claimed (and no attempt started since) is an orphan.
  virtual void Recovered() {}
};

}  // namespace flyte::plugins

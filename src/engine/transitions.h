// The engine's decisions as pure functions, tested as tables: when a node may start, and what
// follows an attempt (succeed, retry, fail) under Flyte's separate user and system budgets.
#pragma once

#include <string>
#include <vector>

namespace flyte::engine {

enum class NodePhase {
  kNotYetStarted,
  kRunning,
  kSucceeded,
  kFailed,
  kTimedOut,
  kSkipped,
  kAborted,
};

bool IsTerminal(NodePhase phase);

enum class Readiness { kWait, kStart, kSkip, kUpstreamFailed };

// A node starts once every upstream node succeeded; it is skipped when an upstream node was
// skipped (an untaken branch) and nothing upstream failed.
Readiness ReadinessOf(const std::vector<NodePhase>& upstream);

// How an attempt ended, as the engine classified it from the process and its error.pb.
enum class AttemptOutcome {
  kSucceeded,
  kUserRecoverable,     // e.g. FlyteRecoverableException, non-zero exit
  kUserNonRecoverable,  // a user exception
  kSystemRecoverable,   // e.g. outputs missing, process lost
  kSystemNonRecoverable,
  kTimedOut,  // the attempt exceeded the node timeout (retryable, counts as user)
};

struct RetryBudget {
  int max_attempts = 1;         // retries + 1, from node (or task) metadata
  int max_system_failures = 3;  // propeller's max-node-retries-system-failures
};

struct AttemptCounts {
  int attempts = 0;         // attempts started so far, including the one that just ended
  int system_failures = 0;  // of those, how many failed for system reasons
};

enum class NextStep { kSucceed, kRetry, kFail };

struct AttemptDecision {
  NextStep step = NextStep::kFail;
  AttemptCounts counts;  // after counting this attempt
};

AttemptDecision DecideAfterAttempt(AttemptCounts counts, AttemptOutcome outcome, const RetryBudget& budget);

}  // namespace flyte::engine

#include "engine/transitions.h"

namespace flyte::engine {

bool IsTerminal(NodePhase phase) {
  switch (phase) {
    case NodePhase::kSucceeded:
    case NodePhase::kFailed:
    case NodePhase::kTimedOut:
    case NodePhase::kSkipped:
    case NodePhase::kAborted:
      return true;
    case NodePhase::kNotYetStarted:
    case NodePhase::kRunning:
      return false;
  }
  return false;
}

Readiness ReadinessOf(const std::vector<NodePhase>& upstream) {
  bool waiting = false;
  bool skipped = false;
  for (NodePhase phase : upstream) {
    switch (phase) {
      case NodePhase::kSucceeded:
        break;
      case NodePhase::kSkipped:
        skipped = true;
        break;
      // A failed upstream node decides, whatever the others are still doing.
      case NodePhase::kFailed:
      case NodePhase::kTimedOut:
      case NodePhase::kAborted:
        return Readiness::kUpstreamFailed;
      case NodePhase::kNotYetStarted:
      case NodePhase::kRunning:
        waiting = true;
        break;
    }
  }
  if (waiting) return Readiness::kWait;
  return skipped ? Readiness::kSkip : Readiness::kStart;
}

AttemptDecision DecideAfterAttempt(AttemptCounts counts, AttemptOutcome outcome, const RetryBudget& budget) {
  AttemptDecision decision{NextStep::kFail, counts};
  switch (outcome) {
    case AttemptOutcome::kSucceeded:
      decision.step = NextStep::kSucceed;
      return decision;
    case AttemptOutcome::kUserNonRecoverable:
    case AttemptOutcome::kSystemNonRecoverable:
      return decision;
    case AttemptOutcome::kSystemRecoverable:
      // System failures have their own budget and do not consume the user's retries.
      decision.counts.system_failures += 1;
      decision.step =
          decision.counts.system_failures <= budget.max_system_failures ? NextStep::kRetry : NextStep::kFail;
      return decision;
    case AttemptOutcome::kUserRecoverable:
    case AttemptOutcome::kTimedOut:
      // Eligible while the user attempts so far stay below max_attempts (propeller's isEligibleForRetry).
      decision.step =
          (counts.attempts - counts.system_failures) < budget.max_attempts ? NextStep::kRetry : NextStep::kFail;
      return decision;
  }
  return decision;
}

}  // namespace flyte::engine

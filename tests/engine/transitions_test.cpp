#include "engine/transitions.h"

#include <doctest/doctest.h>

namespace flyte::engine {
namespace {

TEST_CASE("transitions: readiness from upstream phases") {
  using P = NodePhase;
  struct Case {
    std::vector<P> upstream;
    Readiness expected;
  };
  const Case cases[] = {
      {{}, Readiness::kStart},
      {{P::kSucceeded, P::kSucceeded}, Readiness::kStart},
      {{P::kSucceeded, P::kRunning}, Readiness::kWait},
      {{P::kNotYetStarted}, Readiness::kWait},
      {{P::kSkipped}, Readiness::kSkip},
      {{P::kSucceeded, P::kSkipped}, Readiness::kSkip},
      {{P::kSkipped, P::kFailed}, Readiness::kUpstreamFailed},
      {{P::kRunning, P::kFailed}, Readiness::kUpstreamFailed},
      {{P::kTimedOut}, Readiness::kUpstreamFailed},
      {{P::kAborted}, Readiness::kUpstreamFailed},
  };
  for (const Case& c : cases) CHECK(ReadinessOf(c.upstream) == c.expected);
}

TEST_CASE("transitions: retries with separate user and system budgets") {
  using O = AttemptOutcome;
  struct Case {
    AttemptCounts counts;
    O outcome;
    RetryBudget budget;
    NextStep step;
    int system_failures_after;
  };
  const Case cases[] = {
      {{1, 0}, O::kSucceeded, {1, 3}, NextStep::kSucceed, 0},
      {{1, 0}, O::kUserRecoverable, {1, 3}, NextStep::kFail, 0},   // no retries configured
      {{1, 0}, O::kUserRecoverable, {3, 3}, NextStep::kRetry, 0},  // retries=2: attempt 1 of 3
      {{2, 0}, O::kUserRecoverable, {3, 3}, NextStep::kRetry, 0},
      {{3, 0}, O::kUserRecoverable, {3, 3}, NextStep::kFail, 0},     // exhausted
      {{3, 1}, O::kUserRecoverable, {3, 3}, NextStep::kRetry, 1},    // one attempt was a system failure
      {{1, 0}, O::kUserNonRecoverable, {5, 3}, NextStep::kFail, 0},  // user exceptions are not retried
      {{1, 0}, O::kSystemRecoverable, {1, 3}, NextStep::kRetry, 1},  // system budget, even with no retries
      {{4, 3}, O::kSystemRecoverable, {1, 3}, NextStep::kFail, 4},
      {{1, 0}, O::kSystemNonRecoverable, {5, 3}, NextStep::kFail, 0},
      {{1, 0}, O::kTimedOut, {2, 3}, NextStep::kRetry, 0},
      {{2, 0}, O::kTimedOut, {2, 3}, NextStep::kFail, 0},
  };
  for (const Case& c : cases) {
    CAPTURE(c.counts.attempts);
    CAPTURE(static_cast<int>(c.outcome));
    AttemptDecision decision = DecideAfterAttempt(c.counts, c.outcome, c.budget);
    CHECK(decision.step == c.step);
    CHECK(decision.counts.system_failures == c.system_failures_after);
  }
}

}  // namespace
}  // namespace flyte::engine

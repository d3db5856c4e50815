// The Flyte 2 executor's state machine, without a thread (as the v1 StepRunner): every unfinished
// action, the commands that change them and `Step()`, which acts on what they touched. Each step is
// committed to the run store before it acts: an attempt enters INITIALIZING before its launch,
// RUNNING once its plugin runs it (or, for a cached task whose outputs are kept, SUCCEEDED with
// them, without running), and its end (SUCCEEDED, FAILED, TIMED_OUT, ABORTED, or a retry:
// a new attempt with a new output folder) before the attempt is finalized. A condition action
// runs nothing: it enters RUNNING and waits for its signal (committed by the admin layer), its
// timeout (TIMED_OUT, measured from its creation, so a restart keeps it) or an abort. Tests drive it directly
// with a fake plugin and a fake clock; `action_executor.cpp` runs it on its loop thread.
// Not thread-safe: one thread calls everything.
#pragma once

#include <cstdint>
#include <deque>
#include <map>
#include <set>
#include <string>

#include <flyteidl2/workflow/run_definition.pb.h>

#include "common/clock.h"
#include "common/status.h"
#include "engine/transitions.h"
#include "engine/v2/action_attempt.h"
#include "plugins/plugin.h"
#include "store/blob_store.h"
#include "store/cache_store.h"
#include "store/run_store.h"

namespace flyte::engine::v2 {

struct ActionRunnerDeps {
  store::RunStore& runs;
  store::BlobStore& blobs;
  store::CacheStore& cache;
  plugins::Plugin& plugin;
  const Clock& clock;
  ActionAttemptConfig attempts;
  int max_system_failures = 3;  // retries of system errors beyond the task's own (tasks.max_system_retries)
};

class ActionRunner {
 public:
  explicit ActionRunner(ActionRunnerDeps deps) : deps_(std::move(deps)) {}

  // After a restart: every unfinished action is taken up again. A queued one starts; a launched
  // attempt is asked of its plugin by its token: started if it never started, watched if it
  // runs, judged by its files if it ended. Then the plugin hears that recovery is over.
  Status Recover();
  // A QUEUED action was committed (CreateRun, Enqueue): run it. Ended or known actions are left alone.
  void Enqueue(const store::ActionKey& key);
  // Ends the action ABORTED (committed first), kills its running attempt, and does the same to its
  // unfinished descendants. An ended or unknown action is left alone.
  void Abort(const store::ActionKey& key, const std::string& reason);
  // The condition's signal was committed: it waits no more.
  void Signaled(const store::ActionKey& key);
  // The plugin says the attempt may have changed.
  void AttemptChanged(const plugins::AttemptId& id);
  // Launches the queued actions, looks at the attempts that changed, stops those past their timeout
  // and times out the conditions past theirs.
  void Step();

  // The soonest attempt or condition timeout (unix ms), or INT64_MAX.
  int64_t NextDeadline() const;
  bool HasPendingWork() const { return !queued_.empty() || !changed_.empty(); }
  size_t Unfinished() const { return actions_.size(); }

 private:
  struct Action {
    store::ActionKey key;
    std::string parent;
    flyteidl2::workflow::ActionSpec spec;
    flyteidl2::task::RunSpec run_spec;  // the root's
    int64_t created_at = 0;             // unix ms: a run's duration is measured from it
    int64_t attempt = 1;
    int64_t phase = 0;  // the current attempt's, as committed
    bool launched = false;
    bool condition = false;  // waits for a signal; nothing is launched
    bool timed_out = false;  // stopped by the executor for exceeding the task's timeout
    int64_t deadline = 0;    // 0: none; a condition's from its creation
    std::string output_url;
    std::string previous_output_url;
    std::string cache_entry;  // where its outputs are cached (action_cache.h); "" for an uncached task
    AttemptCounts counts;     // the attempts that ended
  };

  StatusOr<Action> Load(const store::ActionRow& row);
  Status Commit(Action& action, store::PhaseChange change);
  // The metrics of a committed change (action_metrics.h).
  static void Count(const std::string& parent, int64_t created_at, const store::PhaseChange& change);
  void Launch(Action& action);
  // A condition enters RUNNING (its wait) instead of launching.
  void Wait(Action& action);
  void TimeOut(Action& action);
  // True when the action's outputs came from the cache: it has SUCCEEDED without running.
  bool AnsweredFromCache(Action& action, const std::string& folder);
  void Look(Action& action);
  void Finish(Action& action, const plugins::AttemptStatus& status);
  void Fail(Action& action, const std::string& code, const std::string& message);
  void Forget(const std::string& path);
  void Drain(const plugins::AttemptId& id);
  Status Resume(Action& action, const store::AttemptRow& last);

  ActionRunnerDeps deps_;
  std::map<std::string, Action> actions_;               // by ActionPath
  std::map<plugins::AttemptId, std::string> attempts_;  // launched attempt → ActionPath
  std::set<plugins::AttemptId> draining_;               // aborted attempts not yet gone
  std::deque<std::string> queued_;                      // actions to launch
  std::set<plugins::AttemptId> changed_;
};

}  // namespace flyte::engine::v2

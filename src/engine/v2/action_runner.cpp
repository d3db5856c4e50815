#include "engine/v2/action_runner.h"

#include <google/protobuf/util/time_util.h>

#include <algorithm>
#include <limits>
#include <vector>

#include <flyteidl2/common/phase.pb.h>
#include <flyteidl2/core/catalog.pb.h>

#include "common/log.h"
#include "engine/attempt_outcome.h"
#include "engine/v2/action_cache.h"
#include "engine/v2/action_metrics.h"
#include "engine/v2/layout.h"

namespace flyte::engine::v2 {
namespace {

using google::protobuf::util::TimeUtil;
namespace common2 = flyteidl2::common;

constexpr int64_t kWaiting = common2::ACTION_PHASE_WAITING_FOR_RESOURCES;
constexpr int64_t kInitializing = common2::ACTION_PHASE_INITIALIZING;
constexpr int64_t kRunning = common2::ACTION_PHASE_RUNNING;
constexpr int64_t kSucceeded = common2::ACTION_PHASE_SUCCEEDED;
constexpr int64_t kFailed = common2::ACTION_PHASE_FAILED;
constexpr int64_t kAborted = common2::ACTION_PHASE_ABORTED;
constexpr int64_t kTimedOut = common2::ACTION_PHASE_TIMED_OUT;
constexpr char kRootAction[] = "a0";
namespace core2 = flyteidl2::core;

std::string ActionPath(const store::ActionKey& key) {
  return key.project + "/" + key.domain + "/" + key.run + "/" + key.name;
}

bool Ended(const plugins::AttemptStatus& status) {
  return status.phase == plugins::AttemptPhase::kExited || status.phase == plugins::AttemptPhase::kAborted ||
         status.phase == plugins::AttemptPhase::kFailedToStart;
}

std::string ErrorInfoOf(const flyteidl::core::ExecutionError& error) {
  flyteidl2::workflow::ErrorInfo info;
  info.set_code(error.code());
  info.set_message(error.message());
  info.set_kind(error.kind() == flyteidl::core::ExecutionError::SYSTEM ? flyteidl2::workflow::ErrorInfo::KIND_SYSTEM
                                                                       : flyteidl2::workflow::ErrorInfo::KIND_USER);
  return info.SerializeAsString();
}

bool IsSystemError(const std::string& error) {
  flyteidl2::workflow::ErrorInfo info;
  return info.ParseFromString(error) && info.kind() == flyteidl2::workflow::ErrorInfo::KIND_SYSTEM;
}

// The attempt's output folder, as CreateRun lays out the first: `<run_output_base><action>/<n>`.
std::string OutputUrlOf(const flyteidl2::workflow::ActionSpec& spec, const store::ActionKey& key, int64_t attempt) {
  return V2AttemptUrl(spec.run_output_base(), key.name, attempt);
}

}  // namespace

StatusOr<ActionRunner::Action> ActionRunner::Load(const store::ActionRow& row) {
  Action action;
  action.key = row.key;
  action.parent = row.parent;
  action.created_at = row.created_at;
  if (!action.spec.ParseFromString(row.spec))
    return absl::InternalError("the spec of " + ActionPath(row.key) + " does not parse");
  if (row.parent.empty()) {
    action.run_spec = action.spec.run_spec();
  } else {
    store::ActionKey root = row.key;
    root.name = kRootAction;
    ASSIGN_OR_RETURN(const store::ActionRow root_row, deps_.runs.GetAction(root));
    flyteidl2::workflow::ActionSpec root_spec;
    if (root_spec.ParseFromString(root_row.spec)) action.run_spec = root_spec.run_spec();
  }
  ASSIGN_OR_RETURN(const std::vector<store::AttemptRow> attempts, deps_.runs.GetAttempts(row.key));
  action.attempt = row.attempts;
  for (const auto& attempt : attempts) {
    if (attempt.attempt == row.attempts) {
      action.phase = attempt.phase;
      action.output_url = attempt.output_uri;
    } else {
      ++action.counts.attempts;
      action.counts.system_failures += IsSystemError(attempt.error);
      action.previous_output_url = attempt.output_uri;
    }
  }
  if (action.output_url.empty()) action.output_url = OutputUrlOf(action.spec, action.key, action.attempt);
  if (!row.cache_key.empty()) action.cache_entry = CacheEntryKey(row.key, row.cache_key, action.run_spec);
  action.condition = action.spec.has_condition();
  if (action.condition && action.spec.condition().has_timeout()) {
    const int64_t timeout = TimeUtil::DurationToMilliseconds(action.spec.condition().timeout());
    if (timeout > 0) action.deadline = row.created_at + timeout;
  }
  return action;
}

Status ActionRunner::Commit(Action& action, store::PhaseChange change) {
  change.attempt = action.attempt;
  change.at = deps_.clock.NowMillis();
  RETURN_IF_ERROR(deps_.runs.Transition(action.key, change));
  action.phase = change.phase;
  Count(action.parent, action.created_at, change);
  return absl::OkStatus();
}

void ActionRunner::Count(const std::string& parent, int64_t created_at, const store::PhaseChange& change) {
  const ActionMetricFamilies& families = ActionMetrics();
  families.action_phases.Count(static_cast<int>(change.phase));
  if (change.ends_action && parent.empty()) {
    families.run_seconds.Observe(static_cast<double>(change.at - created_at) / 1000.0);
  }
}

Status ActionRunner::Recover() {
  ASSIGN_OR_RETURN(const std::vector<store::ActionRow> rows, deps_.runs.ListUnfinished());
  for (const auto& row : rows) {
    StatusOr<Action> loaded = Load(row);
    if (!loaded.ok()) {
      log::Error("actions", "cannot take up an action again",
                 {{"action", ActionPath(row.key)}, {"error", loaded.status().ToString()}});
      continue;
    }
    const std::string path = ActionPath(row.key);
    Action& action = actions_.emplace(path, *std::move(loaded)).first->second;
    ASSIGN_OR_RETURN(const std::vector<store::AttemptRow> attempts, deps_.runs.GetAttempts(row.key));
    const Status resumed = attempts.empty() ? absl::OkStatus() : Resume(action, attempts.back());
    if (!resumed.ok()) Fail(action, "RecoveryFailed", std::string(resumed.message()));
  }
  deps_.plugin.Recovered();
  return absl::OkStatus();
}

// An unfinished action found after a restart: a retry that had not started yet, a queued attempt,
// or one that was launched (its plugin says what became of it).
Status ActionRunner::Resume(Action& action, const store::AttemptRow& last) {
  const std::string path = ActionPath(action.key);
  if (last.ended_at != 0) {  // the failed attempt was committed, its retry not yet
    ++action.counts.attempts;
    action.counts.system_failures += IsSystemError(last.error);
    action.previous_output_url = action.output_url;
    ++action.attempt;
    action.output_url = OutputUrlOf(action.spec, action.key, action.attempt);
    queued_.push_back(path);
    return absl::OkStatus();
  }
  if (last.phase <= kWaiting) {
    queued_.push_back(path);
    return absl::OkStatus();
  }
  if (action.condition) return absl::OkStatus();  // waiting still; its deadline came from its row
  ASSIGN_OR_RETURN(const plugins::TaskAttempt attempt,
                   MakeTaskAttempt(action.key, action.spec,
                                   {action.attempt, action.output_url, action.previous_output_url, action.run_spec},
                                   deps_.attempts));
  ASSIGN_OR_RETURN(const plugins::Recovery recovery, deps_.plugin.Recover(attempt));
  attempts_[attempt.id] = path;
  action.launched = true;
  switch (recovery.state) {
    case plugins::Recovery::State::kNeverStarted:
      RETURN_IF_ERROR(deps_.plugin.Start(attempt));
      changed_.insert(attempt.id);
      break;
    case plugins::Recovery::State::kRunning:
      changed_.insert(attempt.id);
      break;
    case plugins::Recovery::State::kEnded:
      Finish(action, recovery.status);
      break;
  }
  return absl::OkStatus();
}

void ActionRunner::Enqueue(const store::ActionKey& key) {
  const std::string path = ActionPath(key);
  if (actions_.contains(path)) return;
  StatusOr<store::ActionRow> row = deps_.runs.GetAction(key);
  if (!row.ok() || row->terminal) return;
  StatusOr<Action> loaded = Load(*row);
  if (!loaded.ok()) {
    log::Error("actions", "cannot run an action", {{"action", path}, {"error", loaded.status().ToString()}});
    return;
  }
  actions_.emplace(path, *std::move(loaded));
  queued_.push_back(path);
  ActionMetrics().action_phases.Count(common2::ACTION_PHASE_QUEUED);
}

void ActionRunner::Launch(Action& action) {
  if (action.condition) return Wait(action);
  const std::string path = ActionPath(action.key);
  StatusOr<plugins::TaskAttempt> attempt =
      MakeTaskAttempt(action.key, action.spec,
                      {action.attempt, action.output_url, action.previous_output_url, action.run_spec}, deps_.attempts);
  if (!attempt.ok()) return Fail(action, "StartFailed", std::string(attempt.status().message()));
  const StatusOr<std::string> folder = deps_.blobs.KeyOf(action.output_url);
  const Status made = folder.ok() ? deps_.blobs.CreateFolder(*folder) : folder.status();
  if (!made.ok() && !absl::IsAlreadyExists(made))
    return Fail(action, "StartFailed", "cannot make the attempt's output folder: " + made.ToString());
  if (AnsweredFromCache(action, *folder)) return;
  const int64_t cache_status = action.cache_entry.empty()          ? core2::CACHE_DISABLED
                               : action.run_spec.overwrite_cache() ? core2::CACHE_SKIPPED
                                                                   : core2::CACHE_MISS;
  // Committed before the launch: a restart then asks the plugin about this attempt by its token.
  if (const Status committed =
          Commit(action, {.phase = kInitializing, .output_uri = action.output_url, .cache_status = cache_status});
      !committed.ok()) {
    log::Error("actions", "cannot record an attempt's start", {{"action", path}, {"error", committed.ToString()}});
    Forget(path);
    return;
  }
  attempts_[attempt->id] = path;
  action.launched = true;
  action.timed_out = false;
  action.deadline = 0;
  if (attempt->task.metadata().has_timeout()) {
    const int64_t timeout = TimeUtil::DurationToMilliseconds(attempt->task.metadata().timeout());
    if (timeout > 0) action.deadline = deps_.clock.NowMillis() + timeout;
  }
  if (const Status started = deps_.plugin.Start(*attempt); !started.ok()) {
    plugins::AttemptStatus status;
    status.phase = plugins::AttemptPhase::kFailedToStart;
    status.message = std::string(started.message());
    return Finish(action, status);
  }
  changed_.insert(attempt->id);
}

void ActionRunner::Wait(Action& action) {
  if (const Status committed = Commit(action, {.phase = kRunning}); !committed.ok()) {
    // Signaled (or aborted) before it was taken up: the admin layer committed its end.
    if (!absl::IsFailedPrecondition(committed)) {
      log::Error("actions", "cannot record a condition's wait",
                 {{"action", ActionPath(action.key)}, {"error", committed.ToString()}});
    }
    Forget(ActionPath(action.key));
  }
}

void ActionRunner::TimeOut(Action& action) {
  const std::string path = ActionPath(action.key);
  flyteidl::core::ExecutionError error;
  error.set_code("ConditionTimedOut");
  error.set_message("condition " + action.spec.condition().name() + " was not signaled within " +
                    TimeUtil::ToString(action.spec.condition().timeout()));
  error.set_kind(flyteidl::core::ExecutionError::USER);
  const Status committed =
      Commit(action, {.phase = kTimedOut, .ends_attempt = true, .ends_action = true, .error = ErrorInfoOf(error)});
  // FAILED_PRECONDITION: its signal was committed first, and Signaled is on its way.
  if (!committed.ok() && !absl::IsFailedPrecondition(committed)) {
    log::Error("actions", "cannot record a condition's timeout", {{"action", path}, {"error", committed.ToString()}});
  }
  Forget(path);
}

void ActionRunner::Signaled(const store::ActionKey& key) { Forget(ActionPath(key)); }

bool ActionRunner::AnsweredFromCache(Action& action, const std::string& folder) {
  if (action.cache_entry.empty() || action.run_spec.overwrite_cache()) return false;
  const std::string path = ActionPath(action.key);
  const StatusOr<bool> hit = CopyCachedOutputs(deps_.cache, deps_.blobs, action.cache_entry, folder);
  if (!hit.ok()) {
    log::Warn("actions", "cannot read the task cache; running the task",
              {{"action", path}, {"error", hit.status().ToString()}});
    return false;
  }
  if (!*hit) return false;
  if (const Status committed = Commit(action, {.phase = kSucceeded,
                                               .ends_attempt = true,
                                               .ends_action = true,
                                               .output_uri = action.output_url,
                                               .cache_status = core2::CACHE_HIT});
      !committed.ok()) {
    log::Error("actions", "cannot record a cache hit", {{"action", path}, {"error", committed.ToString()}});
  }
  Forget(path);
  return true;
}

void ActionRunner::Look(Action& action) {
  const plugins::AttemptId id = AttemptIdOf(action.key, action.attempt);
  StatusOr<plugins::AttemptStatus> status = deps_.plugin.Check(id);
  if (!status.ok()) {
    plugins::AttemptStatus lost;
    lost.phase = plugins::AttemptPhase::kExited;
    lost.exit_code = 128 + 9;  // judged as a killed process: a system error, retried
    lost.message = std::string(status.status().message());
    return Finish(action, lost);
  }
  // An attempt that ran is recorded RUNNING, even one that ended before anyone looked.
  const bool ran = status->phase == plugins::AttemptPhase::kRunning || status->phase == plugins::AttemptPhase::kExited;
  if (ran && action.phase < kRunning) {
    if (const Status committed = Commit(action, {.phase = kRunning}); !committed.ok()) {
      log::Error("actions", "cannot record a running attempt", {{"attempt", id}, {"error", committed.ToString()}});
    }
  }
  if (Ended(*status)) Finish(action, *status);
}

void ActionRunner::Finish(Action& action, const plugins::AttemptStatus& status) {
  const std::string path = ActionPath(action.key);
  const plugins::AttemptId id = AttemptIdOf(action.key, action.attempt);
  const auto& task = action.spec.task().spec().task_template();
  flyteidl::core::TypedInterface interface;
  interface.ParseFromString(task.interface().SerializeAsString());
  const std::string folder = deps_.blobs.KeyOf(action.output_url).value_or("");
  const AttemptResult result = ReadAttemptResult(deps_.blobs, folder, status, interface, action.timed_out);
  RetryBudget budget;
  budget.max_attempts = static_cast<int>(task.metadata().retries().retries()) + 1;
  budget.max_system_failures = deps_.max_system_failures;
  AttemptCounts counts = action.counts;
  ++counts.attempts;  // this one included
  const AttemptDecision decision = DecideAfterAttempt(counts, result.outcome, budget);
  store::PhaseChange change;
  switch (decision.step) {
    case NextStep::kSucceed:
      change = {.phase = kSucceeded, .ends_attempt = true, .ends_action = true};
      if (!action.cache_entry.empty()) {
        // Kept before the end is recorded: a restart in between judges the attempt again and
        // keeps the same outputs again.
        const Status kept =
            KeepOutputs(deps_.cache, deps_.blobs, action.cache_entry, folder, action.key, deps_.clock.NowMillis());
        if (!kept.ok()) {
          log::Warn("actions", "cannot keep outputs in the task cache", {{"action", path}, {"error", kept.ToString()}});
        }
        change.cache_status = kept.ok() ? core2::CACHE_POPULATED : core2::CACHE_PUT_FAILURE;
      }
      break;
    case NextStep::kFail:
      change = {.phase = action.timed_out ? kTimedOut : kFailed,
                .ends_attempt = true,
                .ends_action = true,
                .error = ErrorInfoOf(result.error)};
      break;
    case NextStep::kRetry:
      change = {
          .phase = action.timed_out ? kTimedOut : kFailed, .ends_attempt = true, .error = ErrorInfoOf(result.error)};
      break;
  }
  if (const Status committed = Commit(action, change); !committed.ok()) {
    // Left as it is: a restart judges the attempt again from its files.
    log::Error("actions", "cannot record an attempt's end", {{"attempt", id}, {"error", committed.ToString()}});
    (void)deps_.plugin.Finalize(id);
    attempts_.erase(id);
    Forget(path);
    return;
  }
  (void)deps_.plugin.Finalize(id);
  attempts_.erase(id);
  changed_.erase(id);
  if (decision.step != NextStep::kRetry) {
    // A parent that ended takes its unfinished children with it (FLYTE2-PROTOCOL.md §3.5.7).
    if (decision.step == NextStep::kFail) {
      std::vector<store::ActionKey> children;
      for (const auto& [other_path, other] : actions_) {
        if (other.key.run == action.key.run && other.key.project == action.key.project &&
            other.key.domain == action.key.domain && other.parent == action.key.name) {
          children.push_back(other.key);
        }
      }
      for (const auto& child : children) Abort(child, "parent action " + action.key.name + " failed");
    }
    Forget(path);
    return;
  }
  action.counts = decision.counts;
  action.previous_output_url = action.output_url;
  ++action.attempt;
  action.output_url = OutputUrlOf(action.spec, action.key, action.attempt);
  action.launched = false;
  queued_.push_back(path);
}

void ActionRunner::Fail(Action& action, const std::string& code, const std::string& message) {
  flyteidl::core::ExecutionError error;
  error.set_code(code);
  error.set_message(message);
  error.set_kind(flyteidl::core::ExecutionError::USER);
  const std::string path = ActionPath(action.key);
  if (const Status committed =
          Commit(action, {.phase = kFailed, .ends_attempt = true, .ends_action = true, .error = ErrorInfoOf(error)});
      !committed.ok()) {
    log::Error("actions", "cannot record an action's failure", {{"action", path}, {"error", committed.ToString()}});
  }
  Forget(path);
}

void ActionRunner::Forget(const std::string& path) {
  actions_.erase(path);
  queued_.erase(std::remove(queued_.begin(), queued_.end(), path), queued_.end());
}

void ActionRunner::Abort(const store::ActionKey& key, const std::string& reason) {
  // The action and its unfinished descendants, parents first.
  std::vector<store::ActionKey> targets{key};
  for (size_t i = 0; i < targets.size(); ++i) {
    for (const auto& [path, other] : actions_) {
      if (other.key.project == key.project && other.key.domain == key.domain && other.key.run == key.run &&
          other.parent == targets[i].name) {
        targets.push_back(other.key);
      }
    }
  }
  for (const auto& target : targets) {
    const std::string path = ActionPath(target);
    const auto found = actions_.find(path);
    if (found == actions_.end()) {
      // Committed but not handed to the executor yet: nothing runs, only its row changes.
      StatusOr<store::ActionRow> row = deps_.runs.GetAction(target);
      if (!row.ok() || row->terminal) continue;
      const store::PhaseChange change{.attempt = row->attempts,
                                      .phase = kAborted,
                                      .ends_attempt = true,
                                      .ends_action = true,
                                      .at = deps_.clock.NowMillis(),
                                      .abort_reason = reason};
      const Status committed = deps_.runs.Transition(target, change);
      if (committed.ok()) {
        Count(row->parent, row->created_at, change);
      } else {
        log::Error("actions", "cannot abort an action", {{"action", path}, {"error", committed.ToString()}});
      }
      continue;
    }
    Action& action = found->second;
    const Status committed =
        Commit(action, {.phase = kAborted, .ends_attempt = true, .ends_action = true, .abort_reason = reason});
    if (!committed.ok()) {
      log::Error("actions", "cannot abort an action", {{"action", path}, {"error", committed.ToString()}});
      continue;
    }
    if (action.launched) {
      const plugins::AttemptId id = AttemptIdOf(action.key, action.attempt);
      if (const Status aborted = deps_.plugin.Abort(id); !aborted.ok()) {
        log::Error("actions", "cannot stop an aborted attempt", {{"attempt", id}, {"error", aborted.ToString()}});
      }
      attempts_.erase(id);
      draining_.insert(id);
      changed_.insert(id);
    }
    Forget(path);
  }
}

void ActionRunner::AttemptChanged(const plugins::AttemptId& id) { changed_.insert(id); }

// An aborted attempt is finalized once its plugin says it has gone.
void ActionRunner::Drain(const plugins::AttemptId& id) {
  const StatusOr<plugins::AttemptStatus> status = deps_.plugin.Check(id);
  if (status.ok() && !Ended(*status)) return;
  (void)deps_.plugin.Finalize(id);
  draining_.erase(id);
}

void ActionRunner::Step() {
  std::deque<std::string> queued;
  queued.swap(queued_);
  for (const auto& path : queued) {
    const auto found = actions_.find(path);
    if (found != actions_.end() && !found->second.launched) Launch(found->second);
  }
  const int64_t now = deps_.clock.NowMillis();
  std::vector<std::string> expired;
  for (const auto& [path, action] : actions_) {
    if (action.condition && action.phase == kRunning && action.deadline != 0 && now >= action.deadline) {
      expired.push_back(path);
    }
  }
  for (const auto& path : expired) TimeOut(actions_.at(path));
  for (auto& [path, action] : actions_) {
    if (action.launched && action.deadline != 0 && now >= action.deadline && !action.timed_out) {
      const plugins::AttemptId id = AttemptIdOf(action.key, action.attempt);
      action.timed_out = true;
      if (const Status aborted = deps_.plugin.Abort(id); !aborted.ok()) {
        log::Error("actions", "cannot stop an attempt past its timeout",
                   {{"attempt", id}, {"error", aborted.ToString()}});
      }
      changed_.insert(id);
    }
  }
  std::set<plugins::AttemptId> changed;
  changed.swap(changed_);
  // Attempts not reported stay watched: a look at each once per step costs little and misses nothing.
  for (const auto& [id, path] : attempts_) changed.insert(id);
  for (const auto& id : draining_) changed.insert(id);
  for (const auto& id : changed) {
    if (draining_.contains(id)) {
      Drain(id);
      continue;
    }
    const auto attempt = attempts_.find(id);
    if (attempt == attempts_.end()) continue;
    const auto action = actions_.find(attempt->second);
    if (action == actions_.end() || !action->second.launched) continue;
    Look(action->second);
  }
  ActionMetrics().active_actions.Set(static_cast<double>(actions_.size()));
}

int64_t ActionRunner::NextDeadline() const {
  int64_t next = std::numeric_limits<int64_t>::max();
  for (const auto& [path, action] : actions_) {
    const bool waiting = action.launched ? !action.timed_out : action.condition && action.phase == kRunning;
    if (waiting && action.deadline != 0) next = std::min(next, action.deadline);
  }
  return next;
}

}  // namespace flyte::engine::v2

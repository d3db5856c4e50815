// Flyte 2 runs and actions: one row per action (a run is its root action), its attempts and the
// phases each attempt went through. Specs, metadata and errors are serialized flyteidl2 messages
// the admin layer reads; the store keeps the columns lists filter on and the phase bookkeeping.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "common/status.h"
#include "store/list_query.h"

namespace flyte::store {

class RunFeed;

struct ActionKey {
  std::string project;
  std::string domain;
  std::string run;
  std::string name;
  bool operator==(const ActionKey&) const = default;
};

// Times are unix milliseconds; 0 is "not yet".
struct ActionRow {
  ActionKey key;
  std::string parent;       // '' for the run's root action
  int64_t action_type = 0;  // flyteidl2.workflow.ActionType
  std::string group;
  std::string task_name;  // what lists filter on
  std::string task_version;
  int64_t phase = 0;  // flyteidl2.common.ActionPhase of the last attempt
  bool terminal = false;
  int64_t attempts = 1;  // the last attempt's number
  std::string cache_key;
  int64_t cache_status = 0;  // flyteidl.core.CatalogCacheStatus
  int64_t created_at = 0;
  int64_t updated_at = 0;
  int64_t started_at = 0;
  int64_t ended_at = 0;
  std::string abort_reason;
  std::string spec;      // flyteidl2.workflow.ActionSpec
  std::string metadata;  // flyteidl2.workflow.ActionMetadata
  std::string error;     // flyteidl2.workflow.ErrorInfo, empty when none
  std::string signal;    // flyteidl2.workflow.SignalInfo of a signaled condition, empty otherwise
};

struct PhaseEntered {
  int64_t phase = 0;
  int64_t at = 0;
  bool operator==(const PhaseEntered&) const = default;
};

struct AttemptRow {
  int64_t attempt = 1;  // 1-based
  int64_t phase = 0;
  int64_t started_at = 0;
  int64_t ended_at = 0;
  std::string output_uri;            // the attempt's output folder
  std::string error;                 // flyteidl2.workflow.ErrorInfo, empty when none
  std::vector<PhaseEntered> phases;  // in order
};

// One step of an action: its current attempt enters `phase`, or, with attempt = attempts + 1, a
// retry starts in it. The caller knows the phases' meaning: an attempt that fails and will be
// retried ends (ends_attempt) while its action goes on in the phase it had, since clients take a
// terminal phase of the action as its end.
struct PhaseChange {
  int64_t attempt = 1;
  int64_t phase = 0;
  bool ends_attempt = false;
  bool ends_action = false;  // no retry follows (implies ends_attempt)
  int64_t at = 0;
  std::string output_uri = {};    // kept when not empty
  std::string error = {};         // kept, on the attempt and the action, when not empty
  std::string abort_reason = {};  // kept on the action when not empty (an abort)
  int64_t cache_status = 0;       // kept on the action when not 0
  std::string signal = {};        // kept on the action when not empty (a condition's value)
};

class RunStore {
 public:
  virtual ~RunStore() = default;
  // Every write below publishes its action on the feed once committed (run_feed.h).
  virtual RunFeed& feed() = 0;

  // Inserts the action with its first attempt, which enters `row.phase` at `row.created_at`, in
  // one transaction; a `row.terminal` action (a trace, finished when recorded) ends that attempt
  // as it starts. ALREADY_EXISTS when the run already has an action of that name.
  virtual Status CreateAction(const ActionRow& row, const std::string& output_uri) = 0;
  // NOT_FOUND when absent.
  virtual StatusOr<ActionRow> GetAction(const ActionKey& key) = 0;
  // The action's attempts, first first, each with its phases.
  virtual StatusOr<std::vector<AttemptRow>> GetAttempts(const ActionKey& key) = 0;
  // A page of runs (root actions), listed by Column::kProject, kDomain, kName (the run's),
  // kPhase, kTaskName, kTaskVersion, kCreatedAt, kUpdatedAt, kPaused.
  virtual StatusOr<std::vector<ActionRow>> ListRuns(const ListQuery& query) = 0;
  // A page of one run's actions (key.name unused), listed by Column::kName, kParentName, kPhase,
  // kActionType, kTaskName, kCreatedAt, kUpdatedAt.
  virtual StatusOr<std::vector<ActionRow>> ListActions(const ActionKey& run, const ListQuery& query) = 0;
  // Every action that has not ended (any run), oldest first: what the executor picks up again
  // after a restart.
  virtual StatusOr<std::vector<ActionRow>> ListUnfinished() = 0;
  // Applies one step in a transaction. NOT_FOUND for an unknown action, FAILED_PRECONDITION when
  // it has ended or the attempt is neither its last nor the next.
  virtual Status Transition(const ActionKey& key, const PhaseChange& change) = 0;
  // Records that the action is to be aborted, and why (`reason` not empty); whoever runs it ends
  // it. NOT_FOUND for an unknown action, FAILED_PRECONDITION when it has ended.
  virtual Status RequestAbort(const ActionKey& key, const std::string& reason, int64_t at) = 0;
};

}  // namespace flyte::store

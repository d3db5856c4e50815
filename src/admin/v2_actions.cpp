#include "admin/v2_actions.h"

#include <google/protobuf/util/time_util.h>

#include <algorithm>

namespace flyte::admin {
namespace {

using google::protobuf::util::TimeUtil;
namespace workflow = flyteidl2::workflow;

template <typename Message>
StatusOr<Message> Parse(const std::string& bytes, const store::ActionKey& key, const char* what) {
  Message message;
  if (!message.ParseFromString(bytes))
    return absl::InternalError("corrupt " + std::string(what) + " of " + Describe(key));
  return message;
}

// Agrees with the last attempt (§4.2): started when created, ended once the action has.
void StatusOf(const store::ActionRow& row, workflow::ActionStatus* status) {
  status->set_phase(static_cast<flyteidl2::common::ActionPhase>(row.phase));
  *status->mutable_start_time() = TimeUtil::MillisecondsToTimestamp(row.created_at);
  if (row.terminal) {
    *status->mutable_end_time() = TimeUtil::MillisecondsToTimestamp(row.ended_at);
    status->set_duration_ms(static_cast<uint64_t>(row.ended_at - row.created_at));
  }
  status->set_attempts(static_cast<uint32_t>(row.attempts));
  status->set_cache_status(static_cast<flyteidl2::core::CatalogCacheStatus>(row.cache_status));
}

constexpr int64_t kSucceeded = flyteidl2::common::ACTION_PHASE_SUCCEEDED;

StatusOr<workflow::ActionAttempt> AttemptOf(const store::ActionRow& row, const store::AttemptRow& from) {
  workflow::ActionAttempt attempt;
  attempt.set_phase(static_cast<flyteidl2::common::ActionPhase>(from.phase));
  attempt.set_attempt(static_cast<uint32_t>(from.attempt));
  *attempt.mutable_start_time() = TimeUtil::MillisecondsToTimestamp(from.started_at);
  if (from.ended_at != 0) *attempt.mutable_end_time() = TimeUtil::MillisecondsToTimestamp(from.ended_at);
  if (!from.error.empty()) {
    ASSIGN_OR_RETURN(*attempt.mutable_error_info(), Parse<workflow::ErrorInfo>(from.error, row.key, "error"));
  }
  if (from.phase == kSucceeded && !from.output_uri.empty()) {
    attempt.mutable_outputs()->set_output_uri(from.output_uri + "/outputs.pb");
  }
  // The cache is looked at, or filled, once per action: by its last attempt.
  if (from.attempt == row.attempts) {
    attempt.set_cache_status(static_cast<flyteidl2::core::CatalogCacheStatus>(row.cache_status));
  }
  // Its plugin writes the log from its launch on, which INITIALIZING precedes (a trace has none):
  // the SDK waits for this before it tails the log (`flyte run --follow`).
  const bool launched = std::any_of(from.phases.begin(), from.phases.end(), [](const store::PhaseEntered& entered) {
    return entered.phase == flyteidl2::common::ACTION_PHASE_INITIALIZING;
  });
  attempt.set_logs_available(launched && row.action_type != workflow::ACTION_TYPE_TRACE);
  for (size_t i = 0; i < from.phases.size(); ++i) {
    auto* transition = attempt.add_phase_transitions();
    transition->set_phase(static_cast<flyteidl2::common::ActionPhase>(from.phases[i].phase));
    *transition->mutable_start_time() = TimeUtil::MillisecondsToTimestamp(from.phases[i].at);
    if (i + 1 < from.phases.size()) {
      *transition->mutable_end_time() = TimeUtil::MillisecondsToTimestamp(from.phases[i + 1].at);
    }
  }
  return attempt;
}

}  // namespace

std::string Describe(const store::ActionKey& key) {
  return "action " + key.name + " of run " + key.project + "/" + key.domain + "/" + key.run;
}

store::ActionKey KeyOf(const flyteidl2::common::ActionIdentifier& id) {
  return {id.run().project(), id.run().domain(), id.run().name(), id.name()};
}

void IdOf(const store::ActionKey& key, flyteidl2::common::ActionIdentifier* id) {
  auto* run = id->mutable_run();
  run->set_project(key.project);
  run->set_domain(key.domain);
  run->set_name(key.run);
  id->set_name(key.name);
}

StatusOr<workflow::Action> ActionOf(const store::ActionRow& row) {
  workflow::Action action;
  IdOf(row.key, action.mutable_id());
  ASSIGN_OR_RETURN(*action.mutable_metadata(), Parse<workflow::ActionMetadata>(row.metadata, row.key, "metadata"));
  StatusOf(row, action.mutable_status());
  return action;
}

StatusOr<workflow::Run> RunOf(const store::ActionRow& root) {
  workflow::Run run;
  ASSIGN_OR_RETURN(*run.mutable_action(), ActionOf(root));
  ASSIGN_OR_RETURN(workflow::ActionSpec spec, Parse<workflow::ActionSpec>(root.spec, root.key, "spec"));
  run.mutable_labels()->insert(spec.run_spec().labels().values().begin(), spec.run_spec().labels().values().end());
  return run;
}

StatusOr<workflow::ActionDetails> ActionDetailsOf(const store::ActionRow& row,
                                                  const std::vector<store::AttemptRow>& attempts) {
  workflow::ActionDetails details;
  IdOf(row.key, details.mutable_id());
  ASSIGN_OR_RETURN(*details.mutable_metadata(), Parse<workflow::ActionMetadata>(row.metadata, row.key, "metadata"));
  StatusOf(row, details.mutable_status());
  if (!row.abort_reason.empty()) {
    details.mutable_abort_info()->set_reason(row.abort_reason);
  } else if (row.terminal && !row.error.empty()) {
    ASSIGN_OR_RETURN(*details.mutable_error_info(), Parse<workflow::ErrorInfo>(row.error, row.key, "error"));
  } else if (!row.signal.empty()) {
    ASSIGN_OR_RETURN(*details.mutable_signal_info(), Parse<workflow::SignalInfo>(row.signal, row.key, "signal"));
  }
  ASSIGN_OR_RETURN(workflow::ActionSpec spec, Parse<workflow::ActionSpec>(row.spec, row.key, "spec"));
  if (spec.has_task()) *details.mutable_task() = spec.task().spec();
  if (spec.has_trace()) *details.mutable_trace() = spec.trace().spec();
  if (spec.has_condition()) *details.mutable_condition() = spec.condition();
  for (const auto& attempt : attempts) {
    ASSIGN_OR_RETURN(*details.add_attempts(), AttemptOf(row, attempt));
  }
  return details;
}

StatusOr<workflow::RunDetails> RunDetailsOf(const store::ActionRow& root,
                                            const std::vector<store::AttemptRow>& attempts) {
  workflow::RunDetails details;
  ASSIGN_OR_RETURN(workflow::ActionSpec spec, Parse<workflow::ActionSpec>(root.spec, root.key, "spec"));
  *details.mutable_run_spec() = spec.run_spec();
  ASSIGN_OR_RETURN(*details.mutable_action(), ActionDetailsOf(root, attempts));
  return details;
}

}  // namespace flyte::admin

#include "admin/v2_watches.h"

#include "admin/v2_actions.h"
#include "store/run_feed.h"

namespace flyte::admin {
namespace {

namespace workflow = flyteidl2::workflow;
using store::WatchTopic;

bool IsTerminalPhase(int64_t phase) {
  using flyteidl2::common::ActionPhase;
  switch (static_cast<ActionPhase>(phase)) {
    case flyteidl2::common::ACTION_PHASE_SUCCEEDED:
    case flyteidl2::common::ACTION_PHASE_FAILED:
    case flyteidl2::common::ACTION_PHASE_ABORTED:
    case flyteidl2::common::ACTION_PHASE_TIMED_OUT:
    case flyteidl2::common::ACTION_PHASE_RECOVERED:
      return true;
    default:
      return false;
  }
}

class ChildrenWatch final : public ReplyStream<flyteidl2::actions::WatchForUpdatesResponse> {
 public:
  ChildrenWatch(store::RunStore& runs, store::ActionKey parent, StreamWake wake)
      : runs_(runs),
        parent_(std::move(parent)),
        subscription_(runs.feed().Subscribe({WatchTopic::Scope::kChildren, parent_}, std::move(wake))) {}

  Status Next(std::vector<flyteidl2::actions::WatchForUpdatesResponse>* replies, bool* ended) override {
    *ended = false;  // a parent watches for as long as it runs
    if (!started_) {
      // The snapshot covers what is pending now. Emptied, the feed wakes the stream for the next
      // change; left pending, a change made before this first read kept it from ever waking it
      // again (a notice wakes only a subscriber with nothing pending).
      subscription_->Take();
      RETURN_IF_ERROR(runs_.GetAction(parent_).status());
      RETURN_IF_ERROR(AllChildren(replies));
      replies->emplace_back().mutable_control_message()->set_sentinel(true);
      started_ = true;
      return absl::OkStatus();
    }
    const store::RunFeed::Pending pending = subscription_->Take();
    if (pending.overflowed) return AllChildren(replies);
    for (const store::ActionKey& key : pending.changed) {
      ASSIGN_OR_RETURN(store::ActionRow row, runs_.GetAction(key));
      ASSIGN_OR_RETURN(*replies->emplace_back().mutable_action_update(), ActionUpdateOf(runs_, row));
    }
    return absl::OkStatus();
  }

 private:
  Status AllChildren(std::vector<flyteidl2::actions::WatchForUpdatesResponse>* replies) {
    const store::ListQuery query{.where = {{store::Column::kParentName, store::Op::kEq, {parent_.name}}},
                                 .sort = {store::Ascending(store::Column::kCreatedAt)}};
    ASSIGN_OR_RETURN(std::vector<store::ActionRow> children, runs_.ListActions(parent_, query));
    for (const auto& child : children) {
      ASSIGN_OR_RETURN(*replies->emplace_back().mutable_action_update(), ActionUpdateOf(runs_, child));
    }
    return absl::OkStatus();
  }

  store::RunStore& runs_;
  const store::ActionKey parent_;
  const std::unique_ptr<store::RunFeed::Subscription> subscription_;  // before the first read
  bool started_ = false;
};

class ActionDetailsWatch final : public ReplyStream<workflow::WatchActionDetailsResponse> {
 public:
  ActionDetailsWatch(store::RunStore& runs, store::ActionKey action, StreamWake wake)
      : runs_(runs),
        action_(std::move(action)),
        subscription_(runs.feed().Subscribe({WatchTopic::Scope::kAction, action_}, std::move(wake))) {}

  // Details as they are now, whatever changed: notices only say when to look again.
  Status Next(std::vector<workflow::WatchActionDetailsResponse>* replies, bool* ended) override {
    subscription_->Take();
    ASSIGN_OR_RETURN(store::ActionRow row, runs_.GetAction(action_));
    ASSIGN_OR_RETURN(std::vector<store::AttemptRow> attempts, runs_.GetAttempts(action_));
    ASSIGN_OR_RETURN(*replies->emplace_back().mutable_details(), ActionDetailsOf(row, attempts));
    *ended = row.terminal;
    return absl::OkStatus();
  }

 private:
  store::RunStore& runs_;
  const store::ActionKey action_;
  const std::unique_ptr<store::RunFeed::Subscription> subscription_;
};

}  // namespace

StatusOr<workflow::ActionUpdate> ActionUpdateOf(store::RunStore& runs, const store::ActionRow& row) {
  workflow::ActionUpdate update;
  IdOf(row.key, update.mutable_action_id());
  update.set_phase(static_cast<flyteidl2::common::ActionPhase>(row.phase));
  if (row.phase == flyteidl2::common::ACTION_PHASE_SUCCEEDED) {
    if (row.action_type == workflow::ACTION_TYPE_CONDITION) {
      // The value itself, which the waiting task reads instead of outputs (no output folder).
      workflow::SignalInfo signal;
      if (!signal.ParseFromString(row.signal)) return absl::InternalError("corrupt signal of action " + row.key.name);
      *update.mutable_value() = signal.output();
    } else if (row.action_type == workflow::ACTION_TYPE_TRACE) {
      workflow::ActionSpec spec;
      if (!spec.ParseFromString(row.spec)) return absl::InternalError("corrupt spec of action " + row.key.name);
      update.set_output_uri(spec.trace().outputs().output_uri());
    } else {
      ASSIGN_OR_RETURN(std::vector<store::AttemptRow> attempts, runs.GetAttempts(row.key));
      if (!attempts.empty()) update.set_output_uri(attempts.back().output_uri);
    }
  }
  if (IsTerminalPhase(row.phase) && row.phase != flyteidl2::common::ACTION_PHASE_SUCCEEDED && !row.error.empty()) {
    workflow::ErrorInfo info;
    if (!info.ParseFromString(row.error)) return absl::InternalError("corrupt error of action " + row.key.name);
    auto* error = update.mutable_error();
    error->set_message(info.message());
    error->set_kind(info.kind() == workflow::ErrorInfo::KIND_USER     ? flyteidl2::core::ExecutionError::USER
                    : info.kind() == workflow::ErrorInfo::KIND_SYSTEM ? flyteidl2::core::ExecutionError::SYSTEM
                                                                      : flyteidl2::core::ExecutionError::UNKNOWN);
  }
  return update;
}

std::unique_ptr<ReplyStream<flyteidl2::actions::WatchForUpdatesResponse>> WatchChildren(store::RunStore& runs,
                                                                                        const store::ActionKey& parent,
                                                                                        StreamWake wake) {
  return std::make_unique<ChildrenWatch>(runs, parent, std::move(wake));
}

std::unique_ptr<ReplyStream<workflow::WatchActionDetailsResponse>> WatchActionDetails(store::RunStore& runs,
                                                                                      const store::ActionKey& action,
                                                                                      StreamWake wake) {
  return std::make_unique<ActionDetailsWatch>(runs, action, std::move(wake));
}

}  // namespace flyte::admin

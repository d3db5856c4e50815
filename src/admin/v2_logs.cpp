#include "admin/v2_logs.h"

#include <google/protobuf/util/time_util.h>

#include <algorithm>

#include "admin/log_lines.h"
#include "store/run_feed.h"

namespace flyte::admin {
namespace {

namespace dataproxy = flyteidl2::dataproxy;
using google::protobuf::util::TimeUtil;

class LogTail final : public ReplyStream<dataproxy::TailLogsResponse> {
 public:
  LogTail(store::RunStore& runs, store::ActionKey action, int64_t attempt, std::filesystem::path file, StreamWake wake,
          LogTailLimits limits)
      : runs_(runs),
        action_(std::move(action)),
        attempt_(attempt),
        reader_(std::move(file)),
        wake_(wake),
        limits_(limits),
        subscription_(runs.feed().Subscribe({store::WatchTopic::Scope::kAction, action_}, std::move(wake))) {}

  Status Next(std::vector<dataproxy::TailLogsResponse>* replies, bool* ended) override {
    *ended = false;
    subscription_->Take();
    // Asked before the read: an attempt that had ended has written all it will, so the read
    // finds its log's end (its last line even without a newline).
    ASSIGN_OR_RETURN(const bool done, AttemptEnded());
    ASSIGN_OR_RETURN(LogLineReader::Lines read, reader_.Read(limits_.bytes_per_next, done));
    // The file's last write bounds when each of these lines was written; the local log has no
    // time per line.
    const auto stamp = TimeUtil::MillisecondsToTimestamp(read.modified_ms);
    for (size_t first = 0; first < read.lines.size(); first += limits_.lines_per_reply) {
      auto* logs = replies->emplace_back().add_logs();
      const size_t last = std::min(read.lines.size(), first + limits_.lines_per_reply);
      for (size_t i = first; i < last; ++i) {
        auto* line = logs->add_lines();
        *line->mutable_timestamp() = stamp;
        // The SDK prints messages as they come, one after the other: each carries its newline.
        read.lines[i] += '\n';
        line->set_message(std::move(read.lines[i]));
        line->set_originator(flyteidl2::logs::dataplane::USER);
      }
    }
    if (read.more) {
      wake_();  // the rest is there already: the transport calls again once these are written
      return absl::OkStatus();
    }
    *ended = done;
    return absl::OkStatus();
  }

  std::chrono::milliseconds PollInterval() const override { return limits_.poll; }

 private:
  // The attempt has ended: a retry followed it, or the action is over.
  StatusOr<bool> AttemptEnded() {
    ASSIGN_OR_RETURN(const store::ActionRow row, runs_.GetAction(action_));
    if (row.terminal) return true;
    if (row.attempts > attempt_) return true;
    ASSIGN_OR_RETURN(const std::vector<store::AttemptRow> attempts, runs_.GetAttempts(action_));
    const auto found = std::find_if(attempts.begin(), attempts.end(),
                                    [this](const store::AttemptRow& each) { return each.attempt == attempt_; });
    return found != attempts.end() && found->ended_at != 0;
  }

  store::RunStore& runs_;
  const store::ActionKey action_;
  const int64_t attempt_;
  LogLineReader reader_;
  const StreamWake wake_;
  const LogTailLimits limits_;
  const std::unique_ptr<store::RunFeed::Subscription> subscription_;
};

}  // namespace

std::unique_ptr<ReplyStream<dataproxy::TailLogsResponse>> TailAttemptLog(store::RunStore& runs,
                                                                         const store::ActionKey& action,
                                                                         int64_t attempt,
                                                                         std::filesystem::path log_file,
                                                                         StreamWake wake, LogTailLimits limits) {
  return std::make_unique<LogTail>(runs, action, attempt, std::move(log_file), std::move(wake), limits);
}

}  // namespace flyte::admin

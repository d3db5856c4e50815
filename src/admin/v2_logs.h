// Flyte 2's log tail (DataProxyService/TailLogs): one attempt's log as the plugins write it, sent
// in batches of lines, then followed while the attempt runs (a feed notice of the action, or the
// transport's poll, says when to read again), ending once the attempt has ended and its log is
// read to the end.
#pragma once

#include <flyteidl2/dataproxy/dataproxy_service.pb.h>

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <memory>

#include "admin/reply_stream.h"
#include "store/run_store.h"

namespace flyte::admin {

struct LogTailLimits {
  size_t lines_per_reply = 100;         // LogLines in one TailLogsResponse
  size_t bytes_per_next = 1024 * 1024;  // read per call: a large log goes out over several calls
  std::chrono::milliseconds poll{500};  // how often a running attempt's log is looked at
};

// `attempt` (1-based) is one the action has; `runs` must outlive the stream.
std::unique_ptr<ReplyStream<flyteidl2::dataproxy::TailLogsResponse>> TailAttemptLog(
    store::RunStore& runs, const store::ActionKey& action, int64_t attempt, std::filesystem::path log_file,
    StreamWake wake, LogTailLimits limits = {});

}  // namespace flyte::admin

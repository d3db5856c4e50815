// A server-streaming call as the admin layer answers it, transport-free: the service opens it with
// a `wake` the stream calls (from any thread) when it has replies due, and the transport then
// calls Next, once at first and again after each wake (or each poll interval, for a stream that
// follows what sends no wake), until the stream ends or the client goes.
#pragma once

#include <chrono>
#include <functional>
#include <vector>

#include "common/status.h"

namespace flyte::admin {

using StreamWake = std::function<void()>;

template <typename Reply>
class ReplyStream {
 public:
  virtual ~ReplyStream() = default;
  // The replies due since the last call (the first call: what is already there). Blocking: reads
  // the store. Sets *ended when the call is complete after these replies; an error ends it too.
  virtual Status Next(std::vector<Reply>* replies, bool* ended) = 0;
  // How long the transport waits without a wake before it calls Next anyway: a stream following
  // something nothing announces (a log file growing) polls. Zero: only wakes.
  virtual std::chrono::milliseconds PollInterval() const { return std::chrono::milliseconds(0); }
};

}  // namespace flyte::admin

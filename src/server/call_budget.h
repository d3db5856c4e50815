// The gRPC calls the HTTP/2 front has handed to gRPC and gRPC has not yet answered, across
// every connection. Debian's gRPC 1.51 queues whole requests for its threads without bound, so
// cutting abusive connections off is not enough: clients that reconnect as fast as they are cut
// off (rapid reset, or calls left behind by closing the connection) still fill its queue. The
// front takes a share for each whole request before it passes, and waits, first come first
// served, while the budget is spent. A call gRPC answers is returned at once; a call gRPC will
// never answer visibly (its client reset it, or left) is returned after a hold, long enough for
// gRPC to run what it queued, and for as long after as gRPC's handlers are at the budget (a
// loaded machine runs them slower than the hold), so such calls can be admitted only as fast as
// gRPC gets through them. Connections that have reset calls wait behind those that have not, so
// real clients go first during a flood. Thread-safe: the io_context's and gRPC's threads share it.
#pragma once

#include <absl/base/thread_annotations.h>
#include <absl/synchronization/mutex.h>

#include <atomic>
#include <deque>
#include <functional>
#include <vector>

namespace flyte::server {

class CallBudget {
 public:
  explicit CallBudget(int limit) : limit_(limit) {}

  // Takes `calls` when they fit (a batch larger than the whole budget fits an empty one) and
  // nobody waits before (`resets`: the connection has reset calls, so it waits behind every
  // other); otherwise queues `granted` to be called, from whichever thread returns calls, once
  // they have been taken for it, and returns false.
  bool TakeOrQueue(int calls, bool resets, std::function<void()> granted);
  // Calls gRPC has answered.
  void Return(int calls);

  int in_flight() const;

  // Calls gRPC is running, the JSON gateway's included (the call interceptor counts them from
  // start to end): each holds one of gRPC's threads.
  void CallStarted() { running_.fetch_add(1, std::memory_order_relaxed); }
  void CallEnded() { running_.fetch_sub(1, std::memory_order_relaxed); }
  // gRPC runs as many calls as the budget admits, or more: calls it will never answer on the
  // wire keep their shares until it runs fewer.
  bool GrpcAtLimit() const { return running_.load(std::memory_order_relaxed) >= limit_; }

 private:
  struct Waiter {
    int calls;
    std::function<void()> granted;
  };

  bool Fits(int calls) const ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  // Grants the waiters of `queue` that fit, first come first served, into `granted`.
  void Grant(std::deque<Waiter>& queue, std::vector<std::function<void()>>& granted) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  const int limit_;
  std::atomic<int> running_ = 0;
  mutable absl::Mutex mu_;
  int in_flight_ ABSL_GUARDED_BY(mu_) = 0;
  std::deque<Waiter> waiting_ ABSL_GUARDED_BY(mu_);            // connections that reset no call
  std::deque<Waiter> waiting_resetters_ ABSL_GUARDED_BY(mu_);  // the others: served after
};

}  // namespace flyte::server

#include "server/call_budget.h"

#include <utility>

namespace flyte::server {

bool CallBudget::Fits(int calls) const { return in_flight_ <= 0 || in_flight_ + calls <= limit_; }

bool CallBudget::TakeOrQueue(int calls, bool resets, std::function<void()> granted) {
  absl::MutexLock lock(&mu_);
  if (waiting_.empty() && (!resets || waiting_resetters_.empty()) && Fits(calls)) {
    in_flight_ += calls;
    return true;
  }
  (resets ? waiting_resetters_ : waiting_).push_back({calls, std::move(granted)});
  return false;
}

void CallBudget::Grant(std::deque<Waiter>& queue, std::vector<std::function<void()>>& granted) {
  while (!queue.empty() && Fits(queue.front().calls)) {
    in_flight_ += queue.front().calls;
    granted.push_back(std::move(queue.front().granted));
    queue.pop_front();
  }
}

void CallBudget::Return(int calls) {
  std::vector<std::function<void()>> granted;
  {
    absl::MutexLock lock(&mu_);
    in_flight_ -= calls;
    Grant(waiting_, granted);
    if (waiting_.empty()) Grant(waiting_resetters_, granted);
  }
  // Outside the lock: a grant posts to its connection's strand.
  for (auto& grant : granted) grant();
}

int CallBudget::in_flight() const {
  absl::MutexLock lock(&mu_);
  return in_flight_;
}

}  // namespace flyte::server

// What the admin layer tells whoever runs Flyte 2's actions (the engine's executor, wired by
// app/): an action was queued (a run's a0, a child a parent enqueued) and should start; an abort
// of an action was requested (its reason committed first) and should end it and its children.
// Either may be unset (nothing runs actions yet); both are called after the commit, on the
// caller's thread, and must not block.
#pragma once

#include <functional>
#include <string>

#include "store/run_store.h"

namespace flyte::admin {

struct V2ActionHooks {
  std::function<void(const store::ActionKey&)> on_queued;
  std::function<void(const store::ActionKey&, const std::string& reason)> on_abort;
};

}  // namespace flyte::admin

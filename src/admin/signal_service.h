// FlyteAdmin's SignalService: the values gate nodes wait for. Declare one with its type, list an
// execution's, set one (checked against the declared type), which wakes the execution.
// Thread-safe: handlers run concurrently on the transport's threads; the store serialises writes.
#pragma once

#include "admin/deps.h"
#include "flyteidl/admin/signal.pb.h"

namespace flyte::admin {

class SignalService {
 public:
  explicit SignalService(AdminDeps deps) : deps_(std::move(deps)) {}

  Status GetOrCreateSignal(const flyteidl::admin::SignalGetOrCreateRequest& request, flyteidl::admin::Signal* response);
  Status ListSignals(const flyteidl::admin::SignalListRequest& request, flyteidl::admin::SignalList* response);
  Status SetSignal(const flyteidl::admin::SignalSetRequest& request, flyteidl::admin::SignalSetResponse* response);

 private:
  AdminDeps deps_;
};

}  // namespace flyte::admin

// Signals that gate nodes wait for: one per (execution, signal id) with the type it was declared
// with and, once set, its value. The API declares, lists and sets them; the engine declares and
// reads them. Unlike the other stores it speaks flyteidl messages, since both layers use them.
#pragma once

#include <vector>

#include "common/status.h"
#include "flyteidl/admin/signal.pb.h"
#include "store/execution_store.h"
#include "store/list_query.h"

namespace flyte::store {

class SignalStore {
 public:
  virtual ~SignalStore() = default;
  // The stored signal, created without a value when absent. ALREADY_EXISTS when it was declared
  // with another type (FlyteAdmin's FirstOrCreate matches on the type too).
  virtual StatusOr<flyteidl::admin::Signal> GetOrCreate(const flyteidl::core::SignalIdentifier& id,
                                                        const flyteidl::core::LiteralType& type) = 0;
  // NOT_FOUND when absent.
  virtual StatusOr<flyteidl::admin::Signal> Get(const flyteidl::core::SignalIdentifier& id) = 0;
  // Gives the signal its value: NOT_FOUND when absent, FAILED_PRECONDITION when it already has a
  // different value (setting the same value again succeeds). The caller checks the type.
  virtual Status Set(const flyteidl::core::SignalIdentifier& id, const flyteidl::core::Literal& value) = 0;
  // A page of an execution's signals, listed by Column::kSignalId, kCreatedAt, kUpdatedAt.
  virtual StatusOr<std::vector<flyteidl::admin::Signal>> List(const ExecutionKey& execution,
                                                              const ListQuery& query) = 0;
};

}  // namespace flyte::store

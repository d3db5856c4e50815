// FlyteAdmin's SignalService (pkg/manager/impl/signal_manager.go): the values gate nodes wait for.
// GetOrCreateSignal declares one with its type, ListSignals pages an execution's signals, and
// SetSignal checks a value against the declared type, stores it and wakes the execution. Like
// FlyteAdmin, none of them requires the execution to exist. Two choices differ from it: setting an
// unknown signal is NOT_FOUND (FlyteAdmin: INVALID_ARGUMENT), and a signal keeps its first value
// (same value again: OK; another: FAILED_PRECONDITION) where FlyteAdmin overwrites it, because a
// gate may already have passed with the first one.
#include <algorithm>

#include "admin/list_request.h"
#include "admin/signal_service.h"
#include "admin/validation.h"
#include "engine/engine.h"

namespace flyte::admin {
namespace {

using flyteidl::core::Literal;
using flyteidl::core::LiteralType;

Status ValidateSignalId(const flyteidl::core::SignalIdentifier& id) {
  RETURN_IF_ERROR(ValidateExecutionId(id.execution_id(), "id.execution_id"));
  return RequireField(id.signal_id(), "id.signal_id");
}

// Whether `value` may set a signal of type `type`, by propeller's casting rules: a scalar by the
// type it carries (so an int fits Optional[int]), an enum value only if the enum lists it, lists
// and maps element by element, an offloaded literal by its inferred type.
bool LiteralFits(const Literal& value, const LiteralType& type) {
  if (type.has_union_type() && (value.has_collection() || value.has_map())) {
    const auto& variants = type.union_type().variants();
    return std::any_of(variants.begin(), variants.end(),
                       [&](const LiteralType& variant) { return LiteralFits(value, variant); });
  }
  switch (value.value_case()) {
    case Literal::kScalar: {
      std::optional<LiteralType> carried = engine::LiteralTypeOfScalar(value.scalar());
      if (!carried || !engine::AreTypesCastable(*carried, type)) return false;
      if (!type.has_enum_type()) return true;
      const auto& allowed = type.enum_type().values();
      return std::find(allowed.begin(), allowed.end(), value.scalar().primitive().string_value()) != allowed.end();
    }
    case Literal::kCollection: {
      const auto& items = value.collection().literals();
      return type.has_collection_type() && std::all_of(items.begin(), items.end(), [&](const Literal& item) {
               return LiteralFits(item, type.collection_type());
             });
    }
    case Literal::kMap: {
      const auto& items = value.map().literals();
      return type.has_map_value_type() && std::all_of(items.begin(), items.end(), [&](const auto& item) {
               return LiteralFits(item.second, type.map_value_type());
             });
    }
    case Literal::kOffloadedMetadata:
      return engine::AreTypesCastable(value.offloaded_metadata().inferred_type(), type);
    default:
      return false;
  }
}

}  // namespace

Status SignalService::GetOrCreateSignal(const flyteidl::admin::SignalGetOrCreateRequest& request,
                                        flyteidl::admin::Signal* response) {
  RETURN_IF_ERROR(ValidateSignalId(request.id()));
  if (!request.has_type()) return absl::InvalidArgumentError("missing type");
  ASSIGN_OR_RETURN(*response, deps_.signals.GetOrCreate(request.id(), request.type()));
  return absl::OkStatus();
}

Status SignalService::ListSignals(const flyteidl::admin::SignalListRequest& request,
                                  flyteidl::admin::SignalList* response) {
  const auto& execution = request.workflow_execution_id();
  RETURN_IF_ERROR(ValidateExecutionId(execution, "workflow_execution_id"));
  ASSIGN_OR_RETURN(store::ListQuery query, BuildListQuery(ListParamsOf(request), SignalColumns(),
                                                          {store::Ascending(store::Column::kCreatedAt),
                                                           store::Ascending(store::Column::kSignalId)}));
  ASSIGN_OR_RETURN(std::vector<flyteidl::admin::Signal> signals, deps_.signals.List(ExecutionKeyOf(execution), query));
  for (auto& signal : signals) *response->add_signals() = std::move(signal);
  response->set_token(NextPageToken(query, signals.size()));
  return absl::OkStatus();
}

Status SignalService::SetSignal(const flyteidl::admin::SignalSetRequest& request, flyteidl::admin::SignalSetResponse*) {
  const auto& id = request.id();
  RETURN_IF_ERROR(ValidateSignalId(id));
  if (!request.has_value()) return absl::InvalidArgumentError("missing value");
  ASSIGN_OR_RETURN(flyteidl::admin::Signal signal, deps_.signals.Get(id));
  if (!LiteralFits(request.value(), signal.type())) {
    return absl::InvalidArgumentError("the value does not fit the type of signal \"" + id.signal_id() + "\" (" +
                                      engine::TypeToString(signal.type()) + ")");
  }
  RETURN_IF_ERROR(deps_.signals.Set(id, request.value()));
  deps_.engine.Wake(ExecutionKeyOf(id.execution_id()));
  return absl::OkStatus();
}

}  // namespace flyte::admin

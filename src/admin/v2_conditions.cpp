#include "admin/v2_conditions.h"

#include <flyteidl2/common/phase.pb.h>

#include "admin/v2_actions.h"
#include "admin/v2_runs.h"
#include "admin/validation.h"

namespace flyte::admin {
namespace {

namespace workflow = flyteidl2::workflow;
namespace core2 = flyteidl2::core;

std::string PayloadTypeName(const workflow::EventPayload& payload) {
  switch (payload.value_case()) {
    case workflow::EventPayload::kBoolValue:
      return "bool";
    case workflow::EventPayload::kIntValue:
      return "int";
    case workflow::EventPayload::kFloatValue:
      return "float";
    case workflow::EventPayload::kStringValue:
      return "str";
    default:
      return "nothing";
  }
}

std::string SimpleTypeName(const core2::LiteralType& type) {
  if (!type.has_simple()) return "a type that is not simple";
  switch (type.simple()) {
    case core2::BOOLEAN:
      return "bool";
    case core2::INTEGER:
      return "int";
    case core2::FLOAT:
      return "float";
    case core2::STRING:
      return "str";
    default:
      return core2::SimpleType_Name(type.simple());
  }
}

}  // namespace

void ConditionMetadataOf(const workflow::ConditionAction& condition, workflow::ActionMetadata* metadata) {
  auto* out = metadata->mutable_condition();
  out->set_name(condition.name());
  if (condition.has_type()) *out->mutable_type() = condition.type();
  metadata->set_funtion_name(condition.name());
}

StatusOr<core2::Literal> ConditionValue(const workflow::ConditionAction& condition,
                                        const workflow::EventPayload& payload) {
  core2::Literal literal;
  core2::Primitive* primitive = literal.mutable_scalar()->mutable_primitive();
  const core2::LiteralType& type = condition.type();
  using Payload = workflow::EventPayload;
  const bool fits = [&] {
    if (!type.has_simple()) return false;
    switch (type.simple()) {
      case core2::BOOLEAN:
        if (payload.value_case() != Payload::kBoolValue) return false;
        primitive->set_boolean(payload.bool_value());
        return true;
      case core2::INTEGER:
        if (payload.value_case() != Payload::kIntValue) return false;
        primitive->set_integer(payload.int_value());
        return true;
      case core2::FLOAT:
        if (payload.value_case() == Payload::kIntValue) {
          primitive->set_float_value(static_cast<double>(payload.int_value()));
          return true;
        }
        if (payload.value_case() != Payload::kFloatValue) return false;
        primitive->set_float_value(payload.float_value());
        return true;
      case core2::STRING:
        if (payload.value_case() != Payload::kStringValue) return false;
        primitive->set_string_value(payload.string_value());
        return true;
      default:
        return false;
    }
  }();
  if (!fits) {
    return absl::InvalidArgumentError("condition " + condition.name() + " takes " + SimpleTypeName(type) +
                                      ", the payload is " + PayloadTypeName(payload));
  }
  return literal;
}

Status V2RunService::SignalEvent(const workflow::SignalEventRequest& request, workflow::SignalEventResponse*) {
  const store::ActionKey key = KeyOf(request.action_id());
  RETURN_IF_ERROR(RequireField(key.project, "action_id.run.project"));
  RETURN_IF_ERROR(RequireField(key.domain, "action_id.run.domain"));
  RETURN_IF_ERROR(RequireField(key.run, "action_id.run.name"));
  RETURN_IF_ERROR(RequireField(key.name, "action_id.name"));
  StatusOr<store::ActionRow> row = deps_.runs.GetAction(key);
  if (absl::IsNotFound(row.status())) return absl::NotFoundError(Describe(key) + " not found");
  RETURN_IF_ERROR(row.status());
  if (row->action_type != workflow::ACTION_TYPE_CONDITION) {
    return absl::InvalidArgumentError(Describe(key) + " is not a condition");
  }
  if (!request.parent_action_name().empty() && request.parent_action_name() != row->parent) {
    return absl::InvalidArgumentError(Describe(key) + " is a child of " + row->parent + ", not of " +
                                      request.parent_action_name());
  }
  if (row->terminal) {
    return absl::FailedPreconditionError(
        Describe(key) + " has ended (" +
        flyteidl2::common::ActionPhase_Name(static_cast<flyteidl2::common::ActionPhase>(row->phase)) + ")");
  }
  workflow::ActionSpec spec;
  if (!spec.ParseFromString(row->spec)) return absl::InternalError("corrupt spec of " + Describe(key));
  workflow::SignalInfo signal;
  ASSIGN_OR_RETURN(*signal.mutable_output(), ConditionValue(spec.condition(), request.payload()));
  // The store refuses (FAILED_PRECONDITION) a condition that ended since it was read: a timeout
  // or an abort won the race.
  RETURN_IF_ERROR(deps_.runs.Transition(key, {.attempt = row->attempts,
                                              .phase = flyteidl2::common::ACTION_PHASE_SUCCEEDED,
                                              .ends_attempt = true,
                                              .ends_action = true,
                                              .at = deps_.clock.NowMillis(),
                                              .signal = signal.SerializeAsString()}));
  deps_.actions.Signaled(key);
  return absl::OkStatus();
}

}  // namespace flyte::admin

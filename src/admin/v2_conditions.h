// Flyte 2's conditions (`flyte.new_condition`): what a condition action shows in lists, and the
// value a signal (RunService/SignalEvent, `flyte signal`) resolves it with. The executor keeps a
// waiting condition RUNNING and ends it TIMED_OUT or ABORTED (engine/v2/action_runner.h).
#pragma once

#include <flyteidl2/core/literals.pb.h>
#include <flyteidl2/workflow/run_definition.pb.h>
#include <flyteidl2/workflow/run_service.pb.h>

#include "common/status.h"

namespace flyte::admin {

// Name and payload type, so `flyte signal` (which reads `metadata.condition.type`) can coerce its
// argument, and the console can name the condition.
void ConditionMetadataOf(const flyteidl2::workflow::ConditionAction& condition,
                         flyteidl2::workflow::ActionMetadata* metadata);

// The payload as the Literal the waiting task reads (ActionUpdate.value): a primitive of the
// condition's simple type (an integer is taken for a float). INVALID_ARGUMENT naming both types
// when the payload does not fit, or is empty.
StatusOr<flyteidl2::core::Literal> ConditionValue(const flyteidl2::workflow::ConditionAction& condition,
                                                  const flyteidl2::workflow::EventPayload& payload);

}  // namespace flyte::admin

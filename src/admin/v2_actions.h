// Flyte 2's views of a stored action (FLYTE2-PROTOCOL.md §4.3): `Action` for lists and runs,
// `ActionDetails` with its spec and attempts, `RunDetails` for a run's root action.
#pragma once

#include <string>
#include <vector>

#include <flyteidl2/workflow/run_definition.pb.h>

#include "common/status.h"
#include "store/run_store.h"

namespace flyte::admin {

store::ActionKey KeyOf(const flyteidl2::common::ActionIdentifier& id);
void IdOf(const store::ActionKey& key, flyteidl2::common::ActionIdentifier* id);
// "action <name> of run <project>/<domain>/<run>", for messages.
std::string Describe(const store::ActionKey& key);

// INTERNAL when the stored messages do not parse.
StatusOr<flyteidl2::workflow::Action> ActionOf(const store::ActionRow& row);
StatusOr<flyteidl2::workflow::Run> RunOf(const store::ActionRow& root);
StatusOr<flyteidl2::workflow::ActionDetails> ActionDetailsOf(const store::ActionRow& row,
                                                             const std::vector<store::AttemptRow>& attempts);
StatusOr<flyteidl2::workflow::RunDetails> RunDetailsOf(const store::ActionRow& root,
                                                       const std::vector<store::AttemptRow>& attempts);

}  // namespace flyte::admin

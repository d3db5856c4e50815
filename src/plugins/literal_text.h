// The text propeller's template.go substitutes for `{{.inputs.x}}`: a literal printed as Go prints
// it (numbers, RFC 3339 datetimes, blob and schema URIs, `[a,b]` collections, msgpack binaries
// decoded), with propeller's errors for what it cannot print.
#pragma once

#include <string>
#include <string_view>

#include "common/status.h"
#include "flyteidl/core/literals.pb.h"

namespace flyte::plugins {

// The input `name` of `inputs` as text. INVALID_ARGUMENT for a missing input or a literal kind
// propeller cannot print (map, union, struct, none...).
StatusOr<std::string> InputText(std::string_view name, const flyteidl::core::LiteralMap& inputs);

}  // namespace flyte::plugins

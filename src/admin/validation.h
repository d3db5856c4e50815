// Request validation shared by the admin handlers: identifiers and limits, with messages that
// name the offending field the way FlyteAdmin's do; execution identifiers as the store keys them.
#pragma once

#include <string>
#include <string_view>

#include "common/status.h"
#include "flyteidl/admin/common.pb.h"
#include "flyteidl/core/identifier.pb.h"
#include "store/execution_store.h"

namespace flyte::admin {

// INVALID_ARGUMENT "missing <field>" when empty.
Status RequireField(std::string_view value, std::string_view field);

// project, domain, name and version present; resource_type matches when it is set.
Status ValidateIdentifier(const flyteidl::core::Identifier& id, flyteidl::core::ResourceType expected);

// project, domain and name present; `field` is the request's name for the identifier, so the
// message says which one is incomplete ("missing id.execution_id.name").
Status ValidateExecutionId(const flyteidl::core::WorkflowExecutionIdentifier& id, const std::string& field);

// FlyteAdmin's CheckValidExecutionID: at most 63 characters (a Kubernetes label value) and, once
// lowercased, ^[a-z][a-z\-0-9]*$. The name is a folder of the execution's data, so this is also
// what keeps one execution's name from reaching into another's ("victim/n0/data").
Status ValidateExecutionName(std::string_view name);

store::ExecutionKey ExecutionKeyOf(const flyteidl::core::WorkflowExecutionIdentifier& id);

// "project/domain/name@version" for messages.
std::string DescribeId(const flyteidl::core::Identifier& id);

}  // namespace flyte::admin

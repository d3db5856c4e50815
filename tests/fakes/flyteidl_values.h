// Builders of the flyteidl identifiers, types and literals that tests spell again and again.
#pragma once

#include <string>

#include "flyteidl/core/identifier.pb.h"
#include "flyteidl/core/literals.pb.h"
#include "flyteidl/core/types.pb.h"
#include "store/execution_store.h"

namespace flyte::testing {

// A registered entity's identifier in the sandbox's default project and domain.
inline flyteidl::core::Identifier Id(flyteidl::core::ResourceType type, const std::string& name,
                                     const std::string& version = "v1") {
  flyteidl::core::Identifier id;
  id.set_resource_type(type);
  id.set_project("flytesnacks");
  id.set_domain("development");
  id.set_name(name);
  id.set_version(version);
  return id;
}

inline flyteidl::core::WorkflowExecutionIdentifier ExecutionIdOf(const store::ExecutionKey& key) {
  flyteidl::core::WorkflowExecutionIdentifier id;
  id.set_project(key.project);
  id.set_domain(key.domain);
  id.set_name(key.name);
  return id;
}

inline flyteidl::core::SignalIdentifier SignalIdOf(const store::ExecutionKey& key, const std::string& signal_id) {
  flyteidl::core::SignalIdentifier id;
  *id.mutable_execution_id() = ExecutionIdOf(key);
  id.set_signal_id(signal_id);
  return id;
}

inline flyteidl::core::LiteralType SimpleType(flyteidl::core::SimpleType simple) {
  flyteidl::core::LiteralType type;
  type.set_simple(simple);
  return type;
}

inline flyteidl::core::Literal IntLiteral(int64_t value) {
  flyteidl::core::Literal literal;
  literal.mutable_scalar()->mutable_primitive()->set_integer(value);
  return literal;
}

// The integer a literal map holds under `name` (a task's first output, o0, unless told).
inline int64_t IntOf(const flyteidl::core::LiteralMap& map, const std::string& name = "o0") {
  return map.literals().at(name).scalar().primitive().integer();
}

inline flyteidl::core::Literal BoolLiteral(bool value) {
  flyteidl::core::Literal literal;
  literal.mutable_scalar()->mutable_primitive()->set_boolean(value);
  return literal;
}

inline flyteidl::core::Literal StringLiteral(const std::string& value) {
  flyteidl::core::Literal literal;
  literal.mutable_scalar()->mutable_primitive()->set_string_value(value);
  return literal;
}

}  // namespace flyte::testing

// LiteralType compatibility: which value types may flow into which input types, after
// flytepropeller's compiler/validators/typing.go, plus the types scalar literals carry.
#pragma once

#include <optional>
#include <string>

#include "flyteidl/core/literals.pb.h"
#include "flyteidl/core/types.pb.h"

namespace flyte::engine {

// True when a value of type `upstream` (an output, or a literal's type) may be bound to an
// input declared as `downstream`. Lenient wherever propeller is lenient (blob formats, empty
// collections, enum <-> string, untyped structured datasets), so that whatever flytekit emits
// and real Flyte accepts is accepted here too.
bool AreTypesCastable(const flyteidl::core::LiteralType& upstream, const flyteidl::core::LiteralType& downstream);

// True for `Optional[T]`: a union with a NONE variant. Such inputs need not be bound.
bool IsOptionalType(const flyteidl::core::LiteralType& type);

// The type a primitive value carries (INTEGER, FLOAT, ...; NONE when the oneof is empty).
flyteidl::core::LiteralType LiteralTypeOfPrimitive(const flyteidl::core::Primitive& primitive);

// The type a scalar literal carries, or nullopt when the scalar is empty. A msgpack binary is a
// STRUCT (flytekit dataclasses / dicts); a union scalar is a one-variant union of its tag type.
std::optional<flyteidl::core::LiteralType> LiteralTypeOfScalar(const flyteidl::core::Scalar& scalar);

// A short, human-readable rendering for error messages, e.g. `list<integer>` or
// `union<string | none>`.
std::string TypeToString(const flyteidl::core::LiteralType& type);

}  // namespace flyte::engine

// Binding resolution: turning a node's input bindings (constants, promises on upstream outputs with
// attr_path, collections, maps) into the LiteralMap written as its inputs.pb, after flytepropeller's
// pkg/controller/nodes/resolve.go and attr_path_resolver.go.
#pragma once

#include <string>

#include <google/protobuf/repeated_ptr_field.h>

#include "common/status.h"
#include "flyteidl/core/literals.pb.h"

namespace flyte::engine {

// Outputs of already-finished nodes, by node id ("start-node" holds the workflow inputs).
// Implemented by the executor over its state; a test fake is a std::map. Output aliases
// (Node.output_aliases) are the implementation's business: the map returned should answer to the
// names downstream nodes bind to.
class OutputLookup {
 public:
  virtual ~OutputLookup() = default;
  // NOT_FOUND if the node has not produced outputs (or does not exist).
  virtual StatusOr<const flyteidl::core::LiteralMap*> Outputs(const std::string& node_id) const = 0;
  // The literal an offloaded literal stands for (LiteralOffloadedMetadata.uri). Only needed when an
  // attr_path has to look inside an offloaded output, which propeller reads from its data store;
  // lookups without storage access keep the default, which refuses.
  virtual StatusOr<flyteidl::core::Literal> ReadOffloaded(
      const flyteidl::core::LiteralOffloadedMetadata& metadata) const {
    return absl::UnimplementedError("reading offloaded literal " + metadata.uri() + " is not supported here");
  }
};

// One binding value -> a literal:
//  - scalar: copied; collection / map: resolved element by element;
//  - offloaded_metadata: kept as a literal carrying the same offloaded_metadata;
//  - promise: the upstream node's output `var` (also the legacy `[i].var` form, element i of a list
//    output), narrowed by attr_path: string keys into literal maps, google.protobuf.Struct
//    (`Scalar.generic`) and msgpack `Scalar.binary` objects; int indexes into collections and
//    lists. Leaves selected inside a msgpack binary come back as propeller returns them: str / int /
//    float / bool as primitives, an array as a collection of msgpack binaries, anything else as a
//    msgpack binary of that value. Struct leaves come back as generic / collection / primitive
//    (numbers are floats, as in a Struct);
//  - BindingData.union is ignored, as propeller does: the value is passed unwrapped and flytekit's
//    union transformer accepts an unwrapped value for a union input.
// Errors name the node and output: NOT_FOUND when the upstream node has no outputs yet or lacks
// `var`; INVALID_ARGUMENT for an empty binding, a bad attr_path (missing key, index out of range,
// wrong attribute kind, malformed msgpack, unsupported binary tag). Propeller reports all of these
// as "BindingResolutionFailure".
StatusOr<flyteidl::core::Literal> ResolveBindingData(const flyteidl::core::BindingData& data,
                                                     const OutputLookup& outputs);

// All bindings of a node -> its input LiteralMap. Errors are those of ResolveBindingData, keeping
// their code, prefixed with the input's name.
StatusOr<flyteidl::core::LiteralMap> ResolveBindings(
    const google::protobuf::RepeatedPtrField<flyteidl::core::Binding>& bindings, const OutputLookup& outputs);

}  // namespace flyte::engine

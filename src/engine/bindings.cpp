#include "engine/bindings.h"

#include <absl/strings/str_cat.h>

#include <algorithm>
#include <cctype>
#include <cstdint>
#include <limits>
#include <memory>
#include <optional>
#include <string_view>
#include <utility>

#include <google/protobuf/struct.pb.h>

#include "common/msgpack.h"

namespace flyte::engine {
namespace {

namespace core = flyteidl::core;
using AttrPath = google::protobuf::RepeatedPtrField<core::PromiseAttribute>;

std::string Msg(const Status& status) { return std::string(status.message()); }

std::string AttrToString(const core::PromiseAttribute& attr) {
  switch (attr.value_case()) {
    case core::PromiseAttribute::kStringValue:
      return absl::StrCat("\"", attr.string_value(), "\"");
    case core::PromiseAttribute::kIntValue:
      return absl::StrCat(attr.int_value());
    case core::PromiseAttribute::VALUE_NOT_SET:
      break;
  }
  return "<empty>";
}

// Where a promise points, for error messages: `node [n0] output [o0]`.
struct PromiseContext {
  const std::string& node_id;
  const std::string& var;

  std::string Describe() const { return absl::StrCat("node [", node_id, "] output [", var, "]"); }
  Status Invalid(const std::string& what) const {
    return absl::InvalidArgumentError(absl::StrCat("attribute path of ", Describe(), ": ", what));
  }
};

// ---------------------------------------------------------------------------------------------
// msgpack: propeller decodes the whole value, walks the path and re-encodes the selected value;
// copying the selected value's own bytes gives the same encoding for anything flytekit writes
// (minimal-width ints, maps in insertion order instead of Go's random one).

core::Literal BinaryLiteral(std::string_view bytes, const std::string& tag) {
  core::Literal literal;
  core::Binary* binary = literal.mutable_scalar()->mutable_binary();
  binary->set_value(std::string(bytes));
  binary->set_tag(tag);
  return literal;
}

// Finds `key` among a map's string keys. Like a Go map built from the pairs, the last duplicate
// wins; non-string keys never match a string attribute.
StatusOr<const MsgpackValue*> FindMsgpackKey(const MsgpackValue& map, const std::string& key,
                                             const PromiseContext& ctx) {
  const MsgpackValue* found = nullptr;
  for (size_t i = 0; i + 1 < map.items.size(); i += 2) {
    if (map.items[i].kind == MsgpackKind::kStr && map.items[i].bytes == key) found = &map.items[i + 1];
  }
  if (found == nullptr) return ctx.Invalid(absl::StrCat("key [", key, "] does not exist"));
  return found;
}

// Applies one attribute to `value`; returns the selected value.
StatusOr<const MsgpackValue*> StepIntoMsgpack(const MsgpackValue& value, const core::PromiseAttribute& attr,
                                              const PromiseContext& ctx) {
  if (value.kind == MsgpackKind::kMap) {
    if (attr.value_case() != core::PromiseAttribute::kStringValue) {
      return ctx.Invalid(absl::StrCat("a map needs a string key, not ", AttrToString(attr)));
    }
    return FindMsgpackKey(value, attr.string_value(), ctx);
  }
  if (value.kind == MsgpackKind::kArray) {
    if (attr.value_case() != core::PromiseAttribute::kIntValue) {
      return ctx.Invalid(absl::StrCat("a list needs an int index, not ", AttrToString(attr)));
    }
    const int index = attr.int_value();
    if (index < 0 || static_cast<size_t>(index) >= value.items.size()) {
      return ctx.Invalid(absl::StrCat("index [", index, "] is out of range of a list of ", value.items.size()));
    }
    return &value.items[static_cast<size_t>(index)];
  }
  return ctx.Invalid(absl::StrCat("cannot apply ", AttrToString(attr), " to a msgpack ", MsgpackKindName(value.kind)));
}

// The literal propeller makes of a selected msgpack value: primitives become primitives, an
// array a collection of per-element msgpack binaries, everything else a msgpack binary.
StatusOr<core::Literal> MsgpackValueToLiteral(const MsgpackValue& value, const std::string& tag,
                                              const PromiseContext& ctx) {
  core::Literal literal;
  core::Primitive* primitive = literal.mutable_scalar()->mutable_primitive();
  switch (value.kind) {
    case MsgpackKind::kArray: {
      core::LiteralCollection* collection = literal.mutable_collection();
      for (const MsgpackValue& element : value.items) *collection->add_literals() = BinaryLiteral(element.encoded, tag);
      return literal;
    }
    case MsgpackKind::kStr:
      primitive->set_string_value(std::string(value.bytes));
      return literal;
    case MsgpackKind::kInt:
      primitive->set_integer(value.int_value);
      return literal;
    case MsgpackKind::kUint:
      if (value.uint_value > static_cast<uint64_t>(std::numeric_limits<int64_t>::max())) {
        return ctx.Invalid(absl::StrCat("unsigned value ", value.uint_value, " does not fit an int64"));
      }
      primitive->set_integer(static_cast<int64_t>(value.uint_value));
      return literal;
    case MsgpackKind::kFloat:
      primitive->set_float_value(value.float_value);
      return literal;
    case MsgpackKind::kBool:
      primitive->set_boolean(value.boolean);
      return literal;
    case MsgpackKind::kNil:
    case MsgpackKind::kBin:
    case MsgpackKind::kExt:
    case MsgpackKind::kMap:
      break;
  }
  return BinaryLiteral(value.encoded, tag);
}

StatusOr<core::Literal> ResolveInBinary(const core::Binary& binary, const AttrPath& path, int first,
                                        const PromiseContext& ctx) {
  if (binary.tag() != kMsgpackTag) {
    return ctx.Invalid(absl::StrCat("unsupported binary format [", binary.tag(), "], only msgpack can be indexed"));
  }
  // Propeller unmarshals the whole value first, so any malformed byte fails the binding.
  StatusOr<MsgpackValue> root = DecodeMsgpack(binary.value());
  if (!root.ok()) return ctx.Invalid(Msg(root.status()));
  const MsgpackValue* current = &*root;
  for (int i = first; i < path.size(); ++i) {
    ASSIGN_OR_RETURN(current, StepIntoMsgpack(*current, path[i], ctx));
  }
  return MsgpackValueToLiteral(*current, binary.tag(), ctx);
}

// ---------------------------------------------------------------------------------------------
// google.protobuf.Struct (dataclasses before flytekit 1.14 / msgpack).

StatusOr<core::Literal> StructValueToLiteral(const google::protobuf::Value& value, const PromiseContext& ctx) {
  core::Literal literal;
  switch (value.kind_case()) {
    case google::protobuf::Value::kStructValue:
      *literal.mutable_scalar()->mutable_generic() = value.struct_value();
      return literal;
    case google::protobuf::Value::kListValue: {
      core::LiteralCollection* collection = literal.mutable_collection();  // set even when empty
      for (const auto& element : value.list_value().values()) {
        ASSIGN_OR_RETURN(*collection->add_literals(), StructValueToLiteral(element, ctx));
      }
      return literal;
    }
    case google::protobuf::Value::kStringValue:
      literal.mutable_scalar()->mutable_primitive()->set_string_value(value.string_value());
      return literal;
    case google::protobuf::Value::kNumberValue:
      literal.mutable_scalar()->mutable_primitive()->set_float_value(value.number_value());
      return literal;
    case google::protobuf::Value::kBoolValue:
      literal.mutable_scalar()->mutable_primitive()->set_boolean(value.bool_value());
      return literal;
    case google::protobuf::Value::kNullValue:
      // Propeller yields an empty Literal here; a none is what that value means.
      literal.mutable_scalar()->mutable_none_type();
      return literal;
    case google::protobuf::Value::KIND_NOT_SET:
      break;
  }
  return ctx.Invalid("struct value has no kind");
}

StatusOr<const google::protobuf::Value*> StepIntoStruct(const google::protobuf::Value& value,
                                                        const core::PromiseAttribute& attr, const PromiseContext& ctx) {
  if (value.has_struct_value()) {
    if (attr.value_case() != core::PromiseAttribute::kStringValue) {
      return ctx.Invalid(absl::StrCat("a struct needs a string key, not ", AttrToString(attr)));
    }
    const auto& fields = value.struct_value().fields();
    auto it = fields.find(attr.string_value());
    if (it == fields.end()) return ctx.Invalid(absl::StrCat("key [", attr.string_value(), "] does not exist"));
    return &it->second;
  }
  if (value.has_list_value()) {
    if (attr.value_case() != core::PromiseAttribute::kIntValue) {
      return ctx.Invalid(absl::StrCat("a list needs an int index, not ", AttrToString(attr)));
    }
    const int index = attr.int_value();
    if (index < 0 || index >= value.list_value().values_size()) {
      return ctx.Invalid(
          absl::StrCat("index [", index, "] is out of range of a list of ", value.list_value().values_size()));
    }
    return &value.list_value().values(index);
  }
  return ctx.Invalid(absl::StrCat("cannot apply ", AttrToString(attr), " to a struct scalar"));
}

StatusOr<core::Literal> ResolveInStruct(const google::protobuf::Struct& object, const AttrPath& path, int first,
                                        const PromiseContext& ctx) {
  google::protobuf::Value root;
  *root.mutable_struct_value() = object;
  const google::protobuf::Value* current = &root;
  for (int i = first; i < path.size(); ++i) {
    ASSIGN_OR_RETURN(current, StepIntoStruct(*current, path[i], ctx));
  }
  return StructValueToLiteral(*current, ctx);
}

// ---------------------------------------------------------------------------------------------
// Literal maps and collections, then whatever scalar the path lands on.

// Walks `literal` along the attr_path as propeller does: literal maps and collections first
// (reading offloaded literals on the way), then the rest of the path inside a msgpack binary or a
// Struct. Like propeller, a binary is re-read even when the path ends on it.
StatusOr<core::Literal> ApplyAttrPath(const core::Literal& literal, const AttrPath& path, const OutputLookup& outputs,
                                      const PromiseContext& ctx) {
  const core::Literal* current = &literal;
  std::unique_ptr<core::Literal> loaded;  // owns the latest offloaded literal read
  int i = 0;
  for (; i < path.size(); ++i) {
    if (current->has_offloaded_metadata()) {
      StatusOr<core::Literal> read = outputs.ReadOffloaded(current->offloaded_metadata());
      if (!read.ok()) {
        return Status(read.status().code(),
                      absl::StrCat("reading offloaded ", ctx.Describe(), ": ", Msg(read.status())));
      }
      auto next = std::make_unique<core::Literal>(*std::move(read));
      current = next.get();
      loaded = std::move(next);
      if (current->has_offloaded_metadata())
        return ctx.Invalid("offloaded literal points to another offloaded literal");
    }
    const core::PromiseAttribute& attr = path[i];
    if (current->has_map()) {
      if (attr.value_case() != core::PromiseAttribute::kStringValue) {
        return ctx.Invalid(absl::StrCat("a map needs a string key, not ", AttrToString(attr)));
      }
      const auto& literals = current->map().literals();
      auto it = literals.find(attr.string_value());
      if (it == literals.end()) return ctx.Invalid(absl::StrCat("key [", attr.string_value(), "] does not exist"));
      current = &it->second;
    } else if (current->has_collection()) {
      if (attr.value_case() != core::PromiseAttribute::kIntValue) {
        return ctx.Invalid(absl::StrCat("a list needs an int index, not ", AttrToString(attr)));
      }
      const int index = attr.int_value();
      if (index < 0 || index >= current->collection().literals_size()) {
        return ctx.Invalid(
            absl::StrCat("index [", index, "] is out of range of a list of ", current->collection().literals_size()));
      }
      current = &current->collection().literals(index);
    } else {
      break;
    }
  }
  if (current->has_scalar() && current->scalar().has_binary()) {
    return ResolveInBinary(current->scalar().binary(), path, i, ctx);
  }
  if (current->has_scalar() && current->scalar().has_generic()) {
    return ResolveInStruct(current->scalar().generic(), path, i, ctx);
  }
  if (i < path.size()) {
    // Propeller silently ignores the rest of the path here and passes the wrong value on.
    return ctx.Invalid(absl::StrCat("cannot apply ", AttrToString(path[i]), " to this value"));
  }
  return *current;
}

// `[3].o0` (element 3 of the list output o0, legacy array tasks) or plain `o0`.
struct OutputName {
  std::string name;
  std::optional<int> index;
};

std::optional<OutputName> ParseOutputName(const std::string& var) {
  if (var.empty() || var.front() != '[') return OutputName{var, std::nullopt};
  const size_t close = var.find("].");
  if (close == std::string::npos || close == 1 || close > 10) return std::nullopt;
  const std::string digits = var.substr(1, close - 1);
  if (!std::all_of(digits.begin(), digits.end(), [](unsigned char c) { return std::isdigit(c); })) {
    return std::nullopt;
  }
  return OutputName{var.substr(close + 2), std::stoi(digits)};
}

StatusOr<core::Literal> ResolvePromise(const core::OutputReference& promise, const OutputLookup& outputs) {
  const PromiseContext ctx{promise.node_id(), promise.var()};
  if (promise.node_id().empty()) {
    return absl::InvalidArgumentError(absl::StrCat("binding to output [", promise.var(), "] names no node"));
  }
  const std::optional<OutputName> name = ParseOutputName(promise.var());
  if (!name) return absl::InvalidArgumentError(absl::StrCat("malformed output name in ", ctx.Describe()));

  StatusOr<const core::LiteralMap*> map = outputs.Outputs(promise.node_id());
  if (!map.ok()) {
    return Status(map.status().code(), absl::StrCat("outputs of node [", promise.node_id(), "] needed for output [",
                                                    promise.var(), "] are not available: ", Msg(map.status())));
  }
  auto it = (*map)->literals().find(name->name);
  if (it == (*map)->literals().end()) {
    return absl::NotFoundError(absl::StrCat("node [", promise.node_id(), "] has no output [", name->name, "]"));
  }
  const core::Literal* value = &it->second;
  if (name->index) {
    if (!value->has_collection()) return absl::InvalidArgumentError(absl::StrCat(ctx.Describe(), " is not a list"));
    if (*name->index >= value->collection().literals_size()) {
      return absl::NotFoundError(absl::StrCat(ctx.Describe(), " has no element ", *name->index));
    }
    value = &value->collection().literals(*name->index);
  }
  if (promise.attr_path().empty()) return *value;
  return ApplyAttrPath(*value, promise.attr_path(), outputs, ctx);
}

}  // namespace

StatusOr<core::Literal> ResolveBindingData(const core::BindingData& data, const OutputLookup& outputs) {
  core::Literal literal;
  switch (data.value_case()) {
    case core::BindingData::kScalar:
      *literal.mutable_scalar() = data.scalar();
      return literal;
    case core::BindingData::kCollection: {
      core::LiteralCollection* collection = literal.mutable_collection();
      for (const core::BindingData& element : data.collection().bindings()) {
        ASSIGN_OR_RETURN(*collection->add_literals(), ResolveBindingData(element, outputs));
      }
      return literal;
    }
    case core::BindingData::kMap: {
      auto* literals = literal.mutable_map()->mutable_literals();
      for (const auto& [key, element] : data.map().bindings()) {
        ASSIGN_OR_RETURN((*literals)[key], ResolveBindingData(element, outputs));
      }
      return literal;
    }
    case core::BindingData::kPromise:
      return ResolvePromise(data.promise(), outputs);
    case core::BindingData::kOffloadedMetadata:
      *literal.mutable_offloaded_metadata() = data.offloaded_metadata();
      return literal;
    case core::BindingData::VALUE_NOT_SET:
      break;
  }
  return absl::InvalidArgumentError("binding has no value");
}

StatusOr<core::LiteralMap> ResolveBindings(const google::protobuf::RepeatedPtrField<core::Binding>& bindings,
                                           const OutputLookup& outputs) {
  core::LiteralMap result;
  auto* literals = result.mutable_literals();
  for (const core::Binding& binding : bindings) {
    StatusOr<core::Literal> value = ResolveBindingData(binding.binding(), outputs);
    if (!value.ok()) {
      return Status(value.status().code(),
                    absl::StrCat("error binding input [", binding.var(), "]: ", Msg(value.status())));
    }
    (*literals)[binding.var()] = *std::move(value);
  }
  return result;
}

}  // namespace flyte::engine

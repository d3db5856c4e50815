#include "engine/bindings.h"

#include <absl/strings/str_cat.h>

#include <algorithm>
#include <cctype>
#include <cstdint>
#include <cstring>
#include <limits>
#include <memory>
#include <optional>
#include <string_view>
#include <utility>

#include <google/protobuf/struct.pb.h>

namespace flyte::engine {
namespace {

namespace core = flyteidl::core;
using AttrPath = google::protobuf::RepeatedPtrField<core::PromiseAttribute>;

// flytekit's tag for msgpack-encoded binaries (dataclasses, pydantic models, untyped dicts).
constexpr char kMsgpackTag[] = "msgpack";

// Deep enough for any real dataclass, shallow enough that hostile input cannot blow the stack.
constexpr int kMaxMsgpackDepth = 512;

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
// msgpack: only navigation is needed. Propeller decodes the whole value, walks the path and
// re-encodes the selected value; copying the selected value's bytes gives the same encoding for
// anything flytekit writes (minimal-width ints, maps in insertion order instead of Go's random one).

enum class MsgpackKind { kNil, kBool, kInt, kUint, kFloat32, kFloat64, kStr, kBin, kExt, kArray, kMap };

struct MsgpackHeader {
  MsgpackKind kind = MsgpackKind::kNil;
  size_t payload = 0;   // first byte after the header (after the type byte for ext)
  uint64_t length = 0;  // bytes for str/bin/ext, elements for arrays, pairs for maps
  bool boolean = false;
  int64_t int_value = 0;
  uint64_t uint_value = 0;
  double float_value = 0;
};

class MsgpackReader {
 public:
  explicit MsgpackReader(std::string_view data) : data_(data) {}

  size_t size() const { return data_.size(); }
  std::string_view Slice(size_t begin, size_t end) const { return data_.substr(begin, end - begin); }

  StatusOr<MsgpackHeader> ReadHeader(size_t pos) const {
    ASSIGN_OR_RETURN(uint8_t code, Byte(pos));
    MsgpackHeader h;
    h.payload = pos + 1;
    if (code <= 0x7f) return Uint(h, code);
    if (code >= 0xe0) return Int(h, static_cast<int8_t>(code));
    if (code <= 0x8f) return Sized(h, MsgpackKind::kMap, code & 0x0f);
    if (code <= 0x9f) return Sized(h, MsgpackKind::kArray, code & 0x0f);
    if (code <= 0xbf) return Sized(h, MsgpackKind::kStr, code & 0x1f);
    switch (code) {
      case 0xc0:
        return h;
      case 0xc2:
      case 0xc3:
        h.kind = MsgpackKind::kBool;
        h.boolean = code == 0xc3;
        return h;
      case 0xc4:
      case 0xc5:
      case 0xc6:
        return LengthPrefixed(h, MsgpackKind::kBin, 1u << (code - 0xc4));
      case 0xc7:
      case 0xc8:
      case 0xc9:
        return Ext(h, std::nullopt, 1u << (code - 0xc7));
      case 0xca:
        return Float32(h);
      case 0xcb:
        return Float64(h);
      case 0xcc:
      case 0xcd:
      case 0xce:
      case 0xcf: {
        ASSIGN_OR_RETURN(uint64_t v, BigEndian(h.payload, 1u << (code - 0xcc)));
        h.payload += 1u << (code - 0xcc);
        return Uint(h, v);
      }
      case 0xd0:
      case 0xd1:
      case 0xd2:
      case 0xd3:
        return SignedInt(h, 1u << (code - 0xd0));
      case 0xd4:
      case 0xd5:
      case 0xd6:
      case 0xd7:
      case 0xd8:
        return Ext(h, uint64_t{1} << (code - 0xd4), 0);
      case 0xd9:
      case 0xda:
      case 0xdb:
        return LengthPrefixed(h, MsgpackKind::kStr, 1u << (code - 0xd9));
      case 0xdc:
      case 0xdd:
        return LengthPrefixed(h, MsgpackKind::kArray, code == 0xdc ? 2 : 4);
      case 0xde:
      case 0xdf:
        return LengthPrefixed(h, MsgpackKind::kMap, code == 0xde ? 2 : 4);
      default:
        return absl::InvalidArgumentError(absl::StrCat("malformed msgpack: unknown type byte ", code, " at ", pos));
    }
  }

  // The offset just past the value starting at `pos`.
  StatusOr<size_t> Skip(size_t pos, int depth = 0) const {
    if (depth > kMaxMsgpackDepth) return absl::InvalidArgumentError("malformed msgpack: nesting too deep");
    ASSIGN_OR_RETURN(MsgpackHeader h, ReadHeader(pos));
    if (h.kind != MsgpackKind::kArray && h.kind != MsgpackKind::kMap) {
      const bool sized = h.kind == MsgpackKind::kStr || h.kind == MsgpackKind::kBin || h.kind == MsgpackKind::kExt;
      return sized ? h.payload + h.length : h.payload;
    }
    const uint64_t items = h.kind == MsgpackKind::kMap ? 2 * h.length : h.length;
    size_t next = h.payload;
    for (uint64_t i = 0; i < items; ++i) {
      ASSIGN_OR_RETURN(next, Skip(next, depth + 1));
    }
    return next;
  }

 private:
  StatusOr<uint8_t> Byte(size_t pos) const {
    if (pos >= data_.size()) return Truncated();
    return static_cast<uint8_t>(data_[pos]);
  }

  StatusOr<uint64_t> BigEndian(size_t pos, size_t width) const {
    if (pos > data_.size() || data_.size() - pos < width) return Truncated();
    uint64_t v = 0;
    for (size_t i = 0; i < width; ++i) v = (v << 8) | static_cast<uint8_t>(data_[pos + i]);
    return v;
  }

  static Status Truncated() { return absl::InvalidArgumentError("malformed msgpack: truncated data"); }

  static MsgpackHeader Uint(MsgpackHeader h, uint64_t v) {
    h.kind = MsgpackKind::kUint;
    h.uint_value = v;
    return h;
  }
  static MsgpackHeader Int(MsgpackHeader h, int64_t v) {
    h.kind = MsgpackKind::kInt;
    h.int_value = v;
    return h;
  }
  StatusOr<MsgpackHeader> Sized(MsgpackHeader h, MsgpackKind kind, uint64_t length) const {
    h.kind = kind;
    h.length = length;
    // Containers are checked element by element in Skip; byte payloads must fit right away.
    if ((kind == MsgpackKind::kStr || kind == MsgpackKind::kBin || kind == MsgpackKind::kExt) &&
        (h.payload > data_.size() || data_.size() - h.payload < length)) {
      return Truncated();
    }
    return h;
  }
  StatusOr<MsgpackHeader> LengthPrefixed(MsgpackHeader h, MsgpackKind kind, size_t width) const {
    ASSIGN_OR_RETURN(uint64_t length, BigEndian(h.payload, width));
    h.payload += width;
    return Sized(h, kind, length);
  }
  // fixext has a fixed data size; ext8/16/32 a length prefix. Either way a type byte follows.
  StatusOr<MsgpackHeader> Ext(MsgpackHeader h, std::optional<uint64_t> fixed, size_t width) const {
    uint64_t length = 0;
    if (fixed) {
      length = *fixed;
    } else {
      ASSIGN_OR_RETURN(length, BigEndian(h.payload, width));
      h.payload += width;
    }
    h.payload += 1;  // the ext type byte, which only matters to decoders of the value itself
    return Sized(h, MsgpackKind::kExt, length);
  }
  StatusOr<MsgpackHeader> SignedInt(MsgpackHeader h, size_t width) const {
    ASSIGN_OR_RETURN(uint64_t raw, BigEndian(h.payload, width));
    h.payload += width;
    if (width == 8) return Int(h, static_cast<int64_t>(raw));  // two's complement (C++20)
    const uint64_t sign_bit = uint64_t{1} << (8 * width - 1);
    const int64_t unsigned_value = static_cast<int64_t>(raw);
    return Int(h, (raw & sign_bit) ? unsigned_value - (int64_t{1} << (8 * width)) : unsigned_value);
  }
  StatusOr<MsgpackHeader> Float32(MsgpackHeader h) const {
    ASSIGN_OR_RETURN(uint64_t raw, BigEndian(h.payload, 4));
    h.payload += 4;
    const uint32_t bits = static_cast<uint32_t>(raw);
    float f;
    std::memcpy(&f, &bits, sizeof f);
    h.kind = MsgpackKind::kFloat32;
    h.float_value = f;
    return h;
  }
  StatusOr<MsgpackHeader> Float64(MsgpackHeader h) const {
    ASSIGN_OR_RETURN(uint64_t bits, BigEndian(h.payload, 8));
    h.payload += 8;
    double d;
    std::memcpy(&d, &bits, sizeof d);
    h.kind = MsgpackKind::kFloat64;
    h.float_value = d;
    return h;
  }

  std::string_view data_;
};

const char* MsgpackKindName(MsgpackKind kind) {
  switch (kind) {
    case MsgpackKind::kNil:
      return "nil";
    case MsgpackKind::kBool:
      return "bool";
    case MsgpackKind::kInt:
    case MsgpackKind::kUint:
      return "int";
    case MsgpackKind::kFloat32:
    case MsgpackKind::kFloat64:
      return "float";
    case MsgpackKind::kStr:
      return "str";
    case MsgpackKind::kBin:
      return "bin";
    case MsgpackKind::kExt:
      return "ext";
    case MsgpackKind::kArray:
      return "array";
    case MsgpackKind::kMap:
      return "map";
  }
  return "?";
}

core::Literal BinaryLiteral(std::string_view bytes, const std::string& tag) {
  core::Literal literal;
  core::Binary* binary = literal.mutable_scalar()->mutable_binary();
  binary->set_value(std::string(bytes));
  binary->set_tag(tag);
  return literal;
}

// Finds `key` among a map's string keys. Like a Go map built from the pairs, the last duplicate
// wins; non-string keys never match a string attribute.
StatusOr<size_t> FindMsgpackKey(const MsgpackReader& reader, const MsgpackHeader& map, const std::string& key,
                                const PromiseContext& ctx) {
  std::optional<size_t> found;
  size_t pos = map.payload;
  for (uint64_t i = 0; i < map.length; ++i) {
    ASSIGN_OR_RETURN(MsgpackHeader key_header, reader.ReadHeader(pos));
    ASSIGN_OR_RETURN(size_t value_pos, reader.Skip(pos));
    if (key_header.kind == MsgpackKind::kStr &&
        reader.Slice(key_header.payload, key_header.payload + key_header.length) == key) {
      found = value_pos;
    }
    ASSIGN_OR_RETURN(pos, reader.Skip(value_pos));
  }
  if (!found) return ctx.Invalid(absl::StrCat("key [", key, "] does not exist"));
  return *found;
}

StatusOr<size_t> MsgpackElement(const MsgpackReader& reader, const MsgpackHeader& array, int index,
                                const PromiseContext& ctx) {
  if (index < 0 || static_cast<uint64_t>(index) >= array.length) {
    return ctx.Invalid(absl::StrCat("index [", index, "] is out of range of a list of ", array.length));
  }
  size_t pos = array.payload;
  for (int i = 0; i < index; ++i) {
    ASSIGN_OR_RETURN(pos, reader.Skip(pos));
  }
  return pos;
}

// Applies one attribute to the value at `pos`; returns the selected value's offset.
StatusOr<size_t> StepIntoMsgpack(const MsgpackReader& reader, size_t pos, const core::PromiseAttribute& attr,
                                 const PromiseContext& ctx) {
  ASSIGN_OR_RETURN(MsgpackHeader h, reader.ReadHeader(pos));
  if (h.kind == MsgpackKind::kMap) {
    if (attr.value_case() != core::PromiseAttribute::kStringValue) {
      return ctx.Invalid(absl::StrCat("a map needs a string key, not ", AttrToString(attr)));
    }
    return FindMsgpackKey(reader, h, attr.string_value(), ctx);
  }
  if (h.kind == MsgpackKind::kArray) {
    if (attr.value_case() != core::PromiseAttribute::kIntValue) {
      return ctx.Invalid(absl::StrCat("a list needs an int index, not ", AttrToString(attr)));
    }
    return MsgpackElement(reader, h, attr.int_value(), ctx);
  }
  return ctx.Invalid(absl::StrCat("cannot apply ", AttrToString(attr), " to a msgpack ", MsgpackKindName(h.kind)));
}

// The literal propeller makes of a selected msgpack value: primitives become primitives, an
// array a collection of per-element msgpack binaries, everything else a msgpack binary.
StatusOr<core::Literal> MsgpackValueToLiteral(const MsgpackReader& reader, size_t pos, const std::string& tag,
                                              const PromiseContext& ctx) {
  ASSIGN_OR_RETURN(MsgpackHeader h, reader.ReadHeader(pos));
  ASSIGN_OR_RETURN(size_t end, reader.Skip(pos));
  core::Literal literal;
  switch (h.kind) {
    case MsgpackKind::kArray: {
      core::LiteralCollection* collection = literal.mutable_collection();
      size_t element = h.payload;
      for (uint64_t i = 0; i < h.length; ++i) {
        ASSIGN_OR_RETURN(size_t element_end, reader.Skip(element));
        *collection->add_literals() = BinaryLiteral(reader.Slice(element, element_end), tag);
        element = element_end;
      }
      return literal;
    }
    case MsgpackKind::kStr:
      literal.mutable_scalar()->mutable_primitive()->set_string_value(
          std::string(reader.Slice(h.payload, h.payload + h.length)));
      return literal;
    case MsgpackKind::kInt:
      literal.mutable_scalar()->mutable_primitive()->set_integer(h.int_value);
      return literal;
    case MsgpackKind::kUint:
      if (h.uint_value > static_cast<uint64_t>(std::numeric_limits<int64_t>::max())) {
        return ctx.Invalid(absl::StrCat("unsigned value ", h.uint_value, " does not fit an int64"));
      }
      literal.mutable_scalar()->mutable_primitive()->set_integer(static_cast<int64_t>(h.uint_value));
      return literal;
    case MsgpackKind::kFloat32:
    case MsgpackKind::kFloat64:
      literal.mutable_scalar()->mutable_primitive()->set_float_value(h.float_value);
      return literal;
    case MsgpackKind::kBool:
      literal.mutable_scalar()->mutable_primitive()->set_boolean(h.boolean);
      return literal;
    case MsgpackKind::kNil:
    case MsgpackKind::kBin:
    case MsgpackKind::kExt:
    case MsgpackKind::kMap:
      break;
  }
  return BinaryLiteral(reader.Slice(pos, end), tag);
}

StatusOr<core::Literal> ResolveInBinary(const core::Binary& binary, const AttrPath& path, int first,
                                        const PromiseContext& ctx) {
  if (binary.tag() != kMsgpackTag) {
    return ctx.Invalid(absl::StrCat("unsupported binary format [", binary.tag(), "], only msgpack can be indexed"));
  }
  MsgpackReader reader(binary.value());
  // Propeller unmarshals the whole value first, so any malformed byte fails the binding.
  StatusOr<size_t> end = reader.Skip(0);
  if (!end.ok()) return ctx.Invalid(Msg(end.status()));
  if (*end != reader.size()) return ctx.Invalid("malformed msgpack: trailing bytes");
  size_t pos = 0;
  for (int i = first; i < path.size(); ++i) {
    ASSIGN_OR_RETURN(pos, StepIntoMsgpack(reader, pos, path[i], ctx));
  }
  return MsgpackValueToLiteral(reader, pos, binary.tag(), ctx);
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

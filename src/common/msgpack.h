// MessagePack: the one reader of the msgpack binaries flytekit writes (Scalar.binary tagged
// "msgpack": dataclasses, pydantic models, untyped dicts). Decodes a whole value into a tree that
// remembers each value's own bytes, so callers can both inspect values and copy them unchanged.
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

#include "common/status.h"

namespace flyte {

// flytekit's tag for msgpack-encoded binaries.
inline constexpr std::string_view kMsgpackTag = "msgpack";

// Containers nested deeper than this are refused: deep enough for any real dataclass, shallow
// enough that hostile input cannot exhaust the stack of the code that walks the tree.
inline constexpr int kMaxMsgpackDepth = 512;

enum class MsgpackKind { kNil, kBool, kInt, kUint, kFloat, kStr, kBin, kExt, kArray, kMap };

struct MsgpackValue {
  MsgpackKind kind = MsgpackKind::kNil;
  bool boolean = false;
  int64_t int_value = 0;            // kInt: negative integers (a signed encoding of one >= 0 is a kUint)
  uint64_t uint_value = 0;          // kUint
  double float_value = 0;           // kFloat
  bool float32 = false;             // kFloat: encoded as a float 32
  std::string_view bytes;           // kStr, kBin: the payload; kExt: the data after the type byte
  int8_t ext_type = 0;              // kExt
  std::vector<MsgpackValue> items;  // kArray: the elements; kMap: key, value, key, value...
  std::string_view encoded;         // the value's own bytes, a view into the decoded input
};

// "int", "str", "map"...: for error messages.
const char* MsgpackKindName(MsgpackKind kind);

// Decodes `data`, which must be exactly one value. The tree's views point into `data`.
// INVALID_ARGUMENT "malformed msgpack: ..." for truncated data, an unknown type byte, trailing
// bytes left over after the value, or nesting deeper than kMaxMsgpackDepth.
StatusOr<MsgpackValue> DecodeMsgpack(std::string_view data);

}  // namespace flyte

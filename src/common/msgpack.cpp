#include "common/msgpack.h"

#include <msgpack.hpp>

#include <algorithm>
#include <string>
#include <utility>

namespace flyte {
namespace {

// Bytes of a value that is not a str, bin or ext (those report where their payload ends), or of a
// container's header, given its type byte. The parser has checked that they are all there.
size_t HeaderSize(uint8_t code) {
  if (code >= 0xcc && code <= 0xcf) return 1 + (size_t{1} << (code - 0xcc));  // uint 8-64
  if (code >= 0xd0 && code <= 0xd3) return 1 + (size_t{1} << (code - 0xd0));  // int 8-64
  switch (code) {
    case 0xca:  // float 32
      return 5;
    case 0xcb:  // float 64
      return 9;
    case 0xdc:  // array 16
    case 0xde:  // map 16
      return 3;
    case 0xdd:  // array 32
    case 0xdf:  // map 32
      return 5;
    default:  // fixint, fixmap, fixarray, nil, bool
      return 1;
  }
}

// Bytes before the payload of a str, bin or ext (for an ext, the payload starts with its type byte).
size_t PayloadHeaderSize(uint8_t code) {
  switch (code) {
    case 0xd9:  // str 8
    case 0xc4:  // bin 8
    case 0xc7:  // ext 8
      return 2;
    case 0xda:  // str 16
    case 0xc5:  // bin 16
    case 0xc8:  // ext 16
      return 3;
    case 0xdb:  // str 32
    case 0xc6:  // bin 32
    case 0xc9:  // ext 32
      return 5;
    default:  // fixstr, fixext 1-16
      return 1;
  }
}

// A msgpack-c parse visitor that builds the tree. msgpack-c checks the encoding; this keeps the
// offsets (cursor_ is where the next value starts) so that every value knows its own bytes.
class TreeBuilder {
 public:
  explicit TreeBuilder(std::string_view data) : data_(data) {}

  MsgpackValue& root() { return root_; }
  const Status& error() const { return error_; }

  bool visit_nil() {
    Fixed(MsgpackKind::kNil);
    return true;
  }
  bool visit_boolean(bool v) {
    Fixed(MsgpackKind::kBool).boolean = v;
    return true;
  }
  bool visit_positive_integer(uint64_t v) {
    Fixed(MsgpackKind::kUint).uint_value = v;
    return true;
  }
  bool visit_negative_integer(int64_t v) {  // also int 8-64 encodings of values >= 0
    if (v >= 0) return visit_positive_integer(static_cast<uint64_t>(v));
    Fixed(MsgpackKind::kInt).int_value = v;
    return true;
  }
  bool visit_float32(float v) {
    MsgpackValue& value = Fixed(MsgpackKind::kFloat);
    value.float_value = v;
    value.float32 = true;
    return true;
  }
  bool visit_float64(double v) {
    Fixed(MsgpackKind::kFloat).float_value = v;
    return true;
  }
  bool visit_str(const char* /*v*/, uint32_t size) { return Payload(MsgpackKind::kStr, size); }
  bool visit_bin(const char* /*v*/, uint32_t size) { return Payload(MsgpackKind::kBin, size); }
  bool visit_ext(const char* /*v*/, uint32_t size) {  // the type byte, then size - 1 bytes of data
    if (!Payload(MsgpackKind::kExt, size)) return false;
    MsgpackValue& value = *last_;
    value.ext_type = static_cast<int8_t>(value.bytes.front());
    value.bytes.remove_prefix(1);
    return true;
  }
  bool start_array(uint32_t elements) { return Open(MsgpackKind::kArray, elements); }
  bool start_map(uint32_t pairs) { return Open(MsgpackKind::kMap, uint64_t{pairs} * 2); }
  bool end_array() { return Close(); }
  bool end_map() { return Close(); }
  bool start_array_item() { return true; }
  bool end_array_item() { return true; }
  bool start_map_key() { return true; }
  bool end_map_key() { return true; }
  bool start_map_value() { return true; }
  bool end_map_value() { return true; }
  void parse_error(size_t /*parsed_offset*/, size_t error_offset) {  // error_offset: the bad byte
    const auto code = static_cast<uint8_t>(error_offset < data_.size() ? data_[error_offset] : 0);
    error_ = absl::InvalidArgumentError("malformed msgpack: unknown type byte " + std::to_string(code) + " at " +
                                        std::to_string(error_offset));
  }
  void insufficient_bytes(size_t /*parsed_offset*/, size_t /*error_offset*/) {
    error_ =
        absl::InvalidArgumentError("malformed msgpack: truncated data (the data length lacks bytes the value needs)");
  }

 private:
  MsgpackValue& Add(MsgpackKind kind) {
    MsgpackValue& value = open_.empty() ? root_ : open_.back().first->items.emplace_back();
    value.kind = kind;
    last_ = &value;
    return value;
  }
  MsgpackValue& Fixed(MsgpackKind kind) {
    MsgpackValue& value = Add(kind);
    const size_t size = HeaderSize(static_cast<uint8_t>(data_[cursor_]));
    value.encoded = data_.substr(cursor_, size);
    cursor_ += size;
    return value;
  }
  // `size` payload bytes after the header. Where the payload starts comes from the type byte:
  // msgpack-c's payload pointer is not one into the input for an empty str or bin.
  bool Payload(MsgpackKind kind, uint32_t size) {
    MsgpackValue& value = Add(kind);
    const size_t begin = cursor_ + PayloadHeaderSize(static_cast<uint8_t>(data_[cursor_]));
    value.bytes = data_.substr(begin, size);
    value.encoded = data_.substr(cursor_, begin + size - cursor_);
    cursor_ = begin + size;
    return true;
  }
  bool Open(MsgpackKind kind, uint64_t items) {
    if (open_.size() >= static_cast<size_t>(kMaxMsgpackDepth)) {
      error_ = absl::InvalidArgumentError("malformed msgpack: nesting too deep");
      return false;
    }
    MsgpackValue& value = Add(kind);
    // Every item takes a byte at least: a count beyond the input is truncated data, found later.
    value.items.reserve(static_cast<size_t>(std::min<uint64_t>(items, data_.size() - cursor_)));
    open_.emplace_back(&value, cursor_);
    cursor_ += HeaderSize(static_cast<uint8_t>(data_[cursor_]));
    return true;
  }
  bool Close() {
    const auto [value, begin] = open_.back();
    value->encoded = data_.substr(begin, cursor_ - begin);
    open_.pop_back();
    return true;
  }

  std::string_view data_;
  size_t cursor_ = 0;
  MsgpackValue root_;
  MsgpackValue* last_ = nullptr;
  std::vector<std::pair<MsgpackValue*, size_t>> open_;  // containers being read and where they begin
  Status error_;
};

}  // namespace

const char* MsgpackKindName(MsgpackKind kind) {
  switch (kind) {
    case MsgpackKind::kNil:
      return "nil";
    case MsgpackKind::kBool:
      return "bool";
    case MsgpackKind::kInt:
    case MsgpackKind::kUint:
      return "int";
    case MsgpackKind::kFloat:
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

StatusOr<MsgpackValue> DecodeMsgpack(std::string_view data) {
  TreeBuilder builder(data);
  size_t end = 0;
  if (!msgpack::parse(data.data(), data.size(), end, builder)) {
    if (!builder.error().ok()) return builder.error();
    return absl::InvalidArgumentError(
        "malformed msgpack: truncated data (the data length lacks bytes the value needs)");
  }
  if (end != data.size()) {
    return absl::InvalidArgumentError("malformed msgpack: trailing bytes (" + std::to_string(data.size() - end) +
                                      " left over after the value)");
  }
  return std::move(builder.root());
}

}  // namespace flyte

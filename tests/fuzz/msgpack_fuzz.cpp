// MessagePack decoding (common/msgpack.cpp): any bytes either fail cleanly or decode into a tree
// whose views all lie inside the input, with the root's bytes being the whole input.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "common/msgpack.h"

namespace {

bool Inside(std::string_view inner, std::string_view outer) {
  return inner.empty() || (inner.data() >= outer.data() && inner.data() + inner.size() <= outer.data() + outer.size());
}

void Check(const flyte::MsgpackValue& value, std::string_view parent, int depth) {
  if (!Inside(value.encoded, parent) || !Inside(value.bytes, value.encoded) || depth > flyte::kMaxMsgpackDepth) abort();
  if (value.kind == flyte::MsgpackKind::kMap && value.items.size() % 2 != 0) abort();
  for (const auto& item : value.items) Check(item, value.encoded, depth + 1);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  auto decoded = flyte::DecodeMsgpack(input);
  if (!decoded.ok()) return 0;
  if (decoded->encoded != input) abort();
  Check(*decoded, input, 0);
  return 0;
}

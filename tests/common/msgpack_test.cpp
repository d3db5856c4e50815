#include "common/msgpack.h"

#include <doctest/doctest.h>

#include <string>

namespace flyte {
namespace {

std::string Bytes(std::initializer_list<int> bytes) {
  std::string out;
  for (int b : bytes) out += static_cast<char>(b);
  return out;
}

std::string ErrorOf(std::string_view data) {
  const StatusOr<MsgpackValue> value = DecodeMsgpack(data);
  REQUIRE_FALSE(value.ok());
  CHECK(absl::IsInvalidArgument(value.status()));
  return std::string(value.status().message());
}

TEST_CASE("msgpack: a map of every kind, each value with its own bytes") {
  // {"a": 1, "b": -2, "c": 1.5, "d": "xy", "e": [nil, true], "f": bin[1 2], "g": ext(-1, 4 bytes)}
  const std::string data = Bytes({0x87, 0xa1, 'a',  0x01, 0xa1, 'b', 0xfe, 0xa1, 'c',  0xcb, 0x3f, 0xf8, 0,    0,
                                  0,    0,    0,    0,    0xa1, 'd', 0xa2, 'x',  'y',  0xa1, 'e',  0x92, 0xc0, 0xc3,
                                  0xa1, 'f',  0xc4, 2,    1,    2,   0xa1, 'g',  0xd6, 0xff, 0,    0,    0,    7});
  const StatusOr<MsgpackValue> value = DecodeMsgpack(data);
  REQUIRE(value.ok());
  REQUIRE(value->kind == MsgpackKind::kMap);
  REQUIRE(value->items.size() == 14);
  CHECK(value->encoded == data);
  const auto& items = value->items;
  CHECK(items[0].bytes == "a");
  CHECK((items[1].kind == MsgpackKind::kUint && items[1].uint_value == 1));
  CHECK((items[3].kind == MsgpackKind::kInt && items[3].int_value == -2));
  CHECK((items[5].kind == MsgpackKind::kFloat && items[5].float_value == 1.5 && !items[5].float32));
  CHECK(items[5].encoded.size() == 9);
  CHECK((items[7].kind == MsgpackKind::kStr && items[7].bytes == "xy" && items[7].encoded == "\xa2xy"));
  REQUIRE(items[9].kind == MsgpackKind::kArray);
  CHECK(items[9].encoded == Bytes({0x92, 0xc0, 0xc3}));
  CHECK(items[9].items[0].kind == MsgpackKind::kNil);
  CHECK((items[9].items[1].kind == MsgpackKind::kBool && items[9].items[1].boolean));
  CHECK((items[11].kind == MsgpackKind::kBin && items[11].bytes == Bytes({1, 2})));
  CHECK((items[13].kind == MsgpackKind::kExt && items[13].ext_type == -1 && items[13].bytes == Bytes({0, 0, 0, 7})));
  CHECK(items[13].encoded == Bytes({0xd6, 0xff, 0, 0, 0, 7}));
}

TEST_CASE("msgpack: wide encodings keep their bytes") {
  const std::string map16 = Bytes({0xde, 0, 1, 0xa1, 'k', 0xcd, 1, 0x2c});
  const StatusOr<MsgpackValue> value = DecodeMsgpack(map16);
  REQUIRE(value.ok());
  CHECK(value->encoded == map16);
  CHECK(value->items[1].uint_value == 300);
  CHECK(value->items[1].encoded == Bytes({0xcd, 1, 0x2c}));

  const StatusOr<MsgpackValue> int8 = DecodeMsgpack(Bytes({0xd0, 0x05}));  // a signed encoding of 5
  REQUIRE(int8.ok());
  CHECK((int8->kind == MsgpackKind::kUint && int8->uint_value == 5));
  const StatusOr<MsgpackValue> float32 = DecodeMsgpack(Bytes({0xca, 0x3f, 0xc0, 0, 0}));
  REQUIRE(float32.ok());
  CHECK((float32->float32 && float32->float_value == 1.5));
  const std::string ext8_bytes = Bytes({0xc7, 3, 0x01, 'x', 'y', 'z'});  // the tree views it
  const StatusOr<MsgpackValue> ext8 = DecodeMsgpack(ext8_bytes);
  REQUIRE(ext8.ok());
  CHECK((ext8->ext_type == 1 && ext8->bytes == "xyz" && ext8->encoded.size() == 6));
}

TEST_CASE("msgpack: empty strings and bins keep every value's bytes in place") {
  // ["", "x", 5]: an empty fixstr first, then values after it.
  const std::string first = Bytes({0x93, 0xa0, 0xa1, 'x', 0x05});
  const StatusOr<MsgpackValue> list = DecodeMsgpack(first);
  REQUIRE(list.ok());
  REQUIRE(list->items.size() == 3);
  CHECK((list->items[0].kind == MsgpackKind::kStr && list->items[0].bytes.empty() &&
         list->items[0].encoded == Bytes({0xa0})));
  CHECK(list->items[1].bytes == "x");
  CHECK((list->items[2].uint_value == 5 && list->items[2].encoded == Bytes({0x05})));
  // {"inner": {"a": 1, "s": ""}, "z": 2}: the inner map's bytes end after its empty string.
  const std::string nested =
      Bytes({0x82, 0xa5, 'i', 'n', 'n', 'e', 'r', 0x82, 0xa1, 'a', 0x01, 0xa1, 's', 0xa0, 0xa1, 'z', 0x02});
  const StatusOr<MsgpackValue> map = DecodeMsgpack(nested);
  REQUIRE(map.ok());
  CHECK(map->items[1].encoded == Bytes({0x82, 0xa1, 'a', 0x01, 0xa1, 's', 0xa0}));
  CHECK(map->items[3].uint_value == 2);
  // An empty str8, bin8 and bin32 (each with a length field), then a fixint.
  const std::string sized = Bytes({0x94, 0xd9, 0, 0xc4, 0, 0xc6, 0, 0, 0, 0, 0x07});
  const StatusOr<MsgpackValue> empties = DecodeMsgpack(sized);
  REQUIRE(empties.ok());
  CHECK(empties->items[0].encoded == Bytes({0xd9, 0}));
  CHECK((empties->items[1].kind == MsgpackKind::kBin && empties->items[1].encoded == Bytes({0xc4, 0})));
  CHECK(empties->items[2].encoded == Bytes({0xc6, 0, 0, 0, 0}));
  CHECK((empties->items[3].uint_value == 7 && empties->items[3].encoded == Bytes({0x07})));
  // A lone empty string (the tree views its input, so the input outlives it).
  const std::string empty = Bytes({0xa0});
  const StatusOr<MsgpackValue> lone = DecodeMsgpack(empty);
  REQUIRE(lone.ok());
  CHECK((lone->kind == MsgpackKind::kStr && lone->encoded == empty && lone->bytes.empty()));
}

TEST_CASE("msgpack: malformed input is refused") {
  CHECK(ErrorOf("").find("truncated") != std::string::npos);
  CHECK(ErrorOf(Bytes({0x92, 0x01})).find("truncated") != std::string::npos);
  CHECK(ErrorOf(Bytes({0xd9, 9, 'a', 'b'})).find("truncated") != std::string::npos);
  CHECK(ErrorOf(Bytes({0xdd, 0xff, 0xff, 0xff, 0xff})).find("truncated") != std::string::npos);
  CHECK(ErrorOf(Bytes({0x01, 0x02})).find("trailing bytes (1 left over after the value)") != std::string::npos);
  CHECK(ErrorOf(Bytes({0x91, 0xc1})).find("unknown type byte 193 at 1") != std::string::npos);
}

TEST_CASE("msgpack: nesting is bounded by one limit") {
  std::string at_limit(kMaxMsgpackDepth, static_cast<char>(0x91));
  CHECK(DecodeMsgpack(at_limit + '\x01').ok());
  std::string deep(100000, static_cast<char>(0x91));
  CHECK(ErrorOf(deep + '\x01').find("nesting too deep") != std::string::npos);
}

}  // namespace
}  // namespace flyte

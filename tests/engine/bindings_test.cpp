#include "engine/bindings.h"

#include <doctest/doctest.h>
#include <google/protobuf/text_format.h>
#include <google/protobuf/util/message_differencer.h>

#include <cstdint>
#include <cstring>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <variant>
#include <vector>

namespace flyte::engine {
namespace {

namespace core = flyteidl::core;

template <typename T>
T Parse(const std::string& text) {
  T message;
  REQUIRE_MESSAGE(google::protobuf::TextFormat::ParseFromString(text, &message), text);
  return message;
}

// The executor's output store, as a map; offloaded literals are served from `offloaded`.
class FakeOutputs : public OutputLookup {
 public:
  std::map<std::string, core::LiteralMap> outputs;
  std::optional<std::map<std::string, core::Literal>> offloaded;  // nullopt: keep the default

  StatusOr<const core::LiteralMap*> Outputs(const std::string& node_id) const override {
    auto it = outputs.find(node_id);
    if (it == outputs.end()) return absl::NotFoundError("no outputs for " + node_id);
    return &it->second;
  }
  StatusOr<core::Literal> ReadOffloaded(const core::LiteralOffloadedMetadata& metadata) const override {
    if (!offloaded) return OutputLookup::ReadOffloaded(metadata);
    auto it = offloaded->find(metadata.uri());
    if (it == offloaded->end()) return absl::NotFoundError("no object at " + metadata.uri());
    return it->second;
  }
};

// ---------------------------------------------------------------------------------------------
// A tiny msgpack writer for building test values (minimal encodings, like flytekit's).

std::string Byte(int b) { return std::string(1, static_cast<char>(b)); }
std::string BigEndian(uint64_t v, int width) {
  std::string out;
  for (int i = width - 1; i >= 0; --i) out += Byte(static_cast<int>((v >> (8 * i)) & 0xff));
  return out;
}
std::string MpNil() { return Byte(0xc0); }
std::string MpBool(bool b) { return Byte(b ? 0xc3 : 0xc2); }
std::string MpInt(int64_t v) {
  if (v >= 0 && v <= 0x7f) return Byte(static_cast<int>(v));
  if (v < 0 && v >= -32) return Byte(static_cast<int>(v & 0xff));
  return Byte(0xd3) + BigEndian(static_cast<uint64_t>(v), 8);
}
std::string MpStr(const std::string& s) { return Byte(0xa0 | static_cast<int>(s.size())) + s; }  // < 32 bytes
std::string MpF64(double d) {
  uint64_t bits;
  std::memcpy(&bits, &d, sizeof bits);
  return Byte(0xcb) + BigEndian(bits, 8);
}
std::string MpArr(const std::vector<std::string>& items) {
  std::string out = Byte(0x90 | static_cast<int>(items.size()));
  for (const auto& item : items) out += item;
  return out;
}
std::string MpMap(const std::vector<std::pair<std::string, std::string>>& pairs) {
  std::string out = Byte(0x80 | static_cast<int>(pairs.size()));
  for (const auto& [key, value] : pairs) out += MpStr(key) + value;
  return out;
}

core::Literal Bin(const std::string& bytes, const std::string& tag = "msgpack") {
  core::Literal literal;
  literal.mutable_scalar()->mutable_binary()->set_value(bytes);
  literal.mutable_scalar()->mutable_binary()->set_tag(tag);
  return literal;
}
core::Literal Int(int64_t v) {
  return Parse<core::Literal>("scalar { primitive { integer: " + std::to_string(v) + " } }");
}
core::Literal Str(const std::string& s) {
  core::Literal literal;
  literal.mutable_scalar()->mutable_primitive()->set_string_value(s);
  return literal;
}
core::Literal Float(double d) {
  core::Literal literal;
  literal.mutable_scalar()->mutable_primitive()->set_float_value(d);
  return literal;
}
core::Literal Bool(bool b) {
  core::Literal literal;
  literal.mutable_scalar()->mutable_primitive()->set_boolean(b);
  return literal;
}
core::Literal Collection(const std::vector<core::Literal>& items) {
  core::Literal literal;
  literal.mutable_collection();
  for (const auto& item : items) *literal.mutable_collection()->add_literals() = item;
  return literal;
}

bool SameLiteral(const core::Literal& a, const core::Literal& b) {
  return google::protobuf::util::MessageDifferencer::Equals(a, b);
}

using Attr = std::variant<std::string, int>;

core::BindingData Promise(const std::string& node, const std::string& var, const std::vector<Attr>& path = {}) {
  core::BindingData data;
  data.mutable_promise()->set_node_id(node);
  data.mutable_promise()->set_var(var);
  for (const Attr& attr : path) {
    core::PromiseAttribute* out = data.mutable_promise()->add_attr_path();
    if (std::holds_alternative<std::string>(attr)) {
      out->set_string_value(std::get<std::string>(attr));
    } else {
      out->set_int_value(std::get<int>(attr));
    }
  }
  return data;
}

// Either the literal expected or the error (code + a piece of the message).
struct Expect {
  std::optional<core::Literal> literal;
  absl::StatusCode code = absl::StatusCode::kOk;
  std::string message;
};
Expect Ok(core::Literal literal) { return Expect{std::move(literal), absl::StatusCode::kOk, ""}; }
Expect Err(absl::StatusCode code, std::string message) { return Expect{std::nullopt, code, std::move(message)}; }

void Check(const std::string& name, const StatusOr<core::Literal>& got, const Expect& want) {
  CAPTURE(name);
  if (want.literal) {
    REQUIRE_MESSAGE(got.ok(), got.status().ToString());
    CHECK_MESSAGE(SameLiteral(*got, *want.literal), got->ShortDebugString(), " != ", want.literal->ShortDebugString());
  } else {
    REQUIRE_FALSE(got.ok());
    CHECK(got.status().code() == want.code);
    CHECK_MESSAGE(std::string(got.status().message()).find(want.message) != std::string::npos,
                  std::string(got.status().message()));
  }
}

FakeOutputs StandardOutputs() {
  FakeOutputs fake;
  fake.outputs["start-node"] = Parse<core::LiteralMap>(R"pb(
    literals {
      key: "x"
      value { scalar { primitive { integer: 7 } } }
    })pb");
  fake.outputs["n0"] = Parse<core::LiteralMap>(R"pb(
    literals {
      key: "o0"
      value { scalar { primitive { string_value: "hello" } } }
    }
    literals {
      key: "list"
      value {
        collection {
          literals { scalar { primitive { integer: 10 } } }
          literals { scalar { primitive { integer: 20 } } }
        }
      }
    })pb");
  return fake;
}

TEST_CASE("ResolveBindingData resolves every binding kind") {
  const FakeOutputs outputs = StandardOutputs();
  struct Case {
    std::string name;
    core::BindingData data;
    Expect want;
  };
  core::BindingData with_union = Parse<core::BindingData>(R"pb(
    scalar { primitive { integer: 3 } }
    union {
      targetType {
        union_type {
          variants { simple: INTEGER }
          variants { simple: NONE }
        }
      }
    })pb");
  core::BindingData collection;
  *collection.mutable_collection()->add_bindings() = Parse<core::BindingData>("scalar { primitive { integer: 1 } }");
  *collection.mutable_collection()->add_bindings() = Promise("start-node", "x");
  core::BindingData map;
  (*map.mutable_map()->mutable_bindings())["a"] = Promise("n0", "o0");
  (*map.mutable_map()->mutable_bindings())["b"] = collection;
  core::Literal map_literal;
  (*map_literal.mutable_map()->mutable_literals())["a"] = Str("hello");
  (*map_literal.mutable_map()->mutable_literals())["b"] = Collection({Int(1), Int(7)});
  core::BindingData empty_collection;
  empty_collection.mutable_collection();
  core::BindingData bad_collection;
  *bad_collection.mutable_collection()->add_bindings() = Promise("n0", "missing");

  const std::vector<Case> cases = {
      {"scalar is copied", Parse<core::BindingData>("scalar { primitive { float_value: 1.5 } }"), Ok(Float(1.5))},
      {"none scalar", Parse<core::BindingData>("scalar { none_type {} }"),
       Ok(Parse<core::Literal>("scalar { none_type {} }"))},
      {"collection of scalar and promise", collection, Ok(Collection({Int(1), Int(7)}))},
      {"empty collection", empty_collection, Ok(Collection({}))},
      {"map of promise and collection", map, Ok(map_literal)},
      {"promise on a task output", Promise("n0", "o0"), Ok(Str("hello"))},
      {"promise on a workflow input", Promise("start-node", "x"), Ok(Int(7))},
      {"legacy indexed output", Promise("n0", "[1].list"), Ok(Int(20))},
      {"offloaded metadata is kept",
       Parse<core::BindingData>(R"pb(offloaded_metadata { uri: "s3://b/o" size_bytes: 10 })pb"),
       Ok(Parse<core::Literal>(R"pb(offloaded_metadata { uri: "s3://b/o" size_bytes: 10 })pb"))},
      {"union info is ignored, as in propeller", with_union, Ok(Int(3))},
      {"empty binding", core::BindingData(), Err(absl::StatusCode::kInvalidArgument, "no value")},
      {"promise on a node without outputs", Promise("n9", "o0"),
       Err(absl::StatusCode::kNotFound, "outputs of node [n9] needed for output [o0]")},
      {"promise on a missing output", Promise("n0", "o9"),
       Err(absl::StatusCode::kNotFound, "node [n0] has no output [o9]")},
      {"promise without node", Promise("", "o0"), Err(absl::StatusCode::kInvalidArgument, "names no node")},
      {"malformed indexed name", Promise("n0", "[x].list"), Err(absl::StatusCode::kInvalidArgument, "malformed")},
      {"index past the list", Promise("n0", "[2].list"), Err(absl::StatusCode::kNotFound, "has no element 2")},
      {"index into a non-list", Promise("n0", "[0].o0"), Err(absl::StatusCode::kInvalidArgument, "is not a list")},
      {"error inside a collection", bad_collection,
       Err(absl::StatusCode::kNotFound, "node [n0] has no output [missing]")},
  };
  for (const Case& c : cases) Check(c.name, ResolveBindingData(c.data, outputs), c.want);
}

TEST_CASE("attr_path walks literal maps, collections, Structs and msgpack binaries") {
  // A flytekit dataclass as msgpack.
  const std::string inner = MpMap({{"i", MpInt(7)}});
  const std::string dataclass = MpMap({
      {"a", MpInt(1)},
      {"b", MpStr("s")},
      {"c", MpF64(1.5)},
      {"d", MpBool(true)},
      {"e", MpNil()},
      {"f", MpArr({MpInt(1), MpInt(2)})},
      {"g", MpMap({{"h", MpArr({inner})}})},
      {"j", Byte(0xc4) + Byte(2) + "\x01\x02"},
      {"n", MpInt(-5)},
      {"big", Byte(0xcf) + BigEndian(UINT64_MAX, 8)},
      {"dup", MpInt(1)},
      {"dup", MpInt(2)},
  });
  const std::string g_bytes = MpMap({{"h", MpArr({inner})}});

  FakeOutputs outputs;
  core::LiteralMap& n0 = outputs.outputs["n0"];
  (*n0.mutable_literals())["dc"] = Bin(dataclass);
  core::Literal map_out;
  (*map_out.mutable_map()->mutable_literals())["a"] = Int(1);
  (*map_out.mutable_map()->mutable_literals())["dc"] = Bin(MpMap({{"x", MpInt(3)}}));
  (*map_out.mutable_map()->mutable_literals())["m"] = Bin(MpInt(5));
  (*map_out.mutable_map()->mutable_literals())["p"] = Bin("\x05", "pickle");
  (*map_out.mutable_map()->mutable_literals())["u"] = Parse<core::Literal>(R"pb(
    scalar { union { value { scalar { primitive { integer: 1 } } } } })pb");
  (*n0.mutable_literals())["map"] = map_out;
  (*n0.mutable_literals())["list"] = Collection({Int(10), Int(20), Collection({Int(30)})});
  (*n0.mutable_literals())["prim"] = Int(4);
  (*n0.mutable_literals())["pickle"] = Bin("\x80\x04", "pickle");
  (*n0.mutable_literals())["truncated"] = Bin(Byte(0x82) + MpStr("a"));
  (*n0.mutable_literals())["trailing"] = Bin(MpMap({{"a", MpInt(1)}}) + Byte(0x01));
  (*n0.mutable_literals())["reserved"] = Bin(MpMap({{"a", Byte(0xc1)}}));
  (*n0.mutable_literals())["st"] = Parse<core::Literal>(R"pb(
    scalar {
      generic {
        fields {
          key: "a"
          value { number_value: 1 }
        }
        fields {
          key: "b"
          value { string_value: "s" }
        }
        fields {
          key: "c"
          value { bool_value: true }
        }
        fields {
          key: "d"
          value { null_value: NULL_VALUE }
        }
        fields {
          key: "e"
          value {
            list_value {
              values { number_value: 1 }
              values {
                struct_value {
                  fields {
                    key: "f"
                    value { number_value: 2 }
                  }
                }
              }
            }
          }
        }
        fields {
          key: "g"
          value {
            struct_value {
              fields {
                key: "h"
                value { string_value: "i" }
              }
            }
          }
        }
      }
    })pb");

  const core::Literal struct_g = Parse<core::Literal>(R"pb(
    scalar {
      generic {
        fields {
          key: "h"
          value { string_value: "i" }
        }
      }
    })pb");
  const core::Literal struct_f = Parse<core::Literal>(R"pb(
    scalar {
      generic {
        fields {
          key: "f"
          value { number_value: 2 }
        }
      }
    })pb");

  using absl::StatusCode;
  struct Case {
    std::string name;
    std::string var;
    std::vector<Attr> path;
    Expect want;
  };
  const std::vector<Case> cases = {
      // Literal maps and collections.
      {"map key", "map", {"a"}, Ok(Int(1))},
      {"missing map key", "map", {"zz"}, Err(StatusCode::kInvalidArgument, "key [zz] does not exist")},
      {"int on a map", "map", {0}, Err(StatusCode::kInvalidArgument, "needs a string key")},
      {"collection index", "list", {1}, Ok(Int(20))},
      {"nested collection index", "list", {2, 0}, Ok(Int(30))},
      {"index out of range", "list", {3}, Err(StatusCode::kInvalidArgument, "index [3] is out of range")},
      {"negative index", "list", {-1}, Err(StatusCode::kInvalidArgument, "index [-1] is out of range")},
      {"string on a collection", "list", {"a"}, Err(StatusCode::kInvalidArgument, "needs an int index")},
      {"path past a primitive", "prim", {"a"}, Err(StatusCode::kInvalidArgument, "cannot apply \"a\"")},
      {"path past a union", "map", {"u", "x"}, Err(StatusCode::kInvalidArgument, "cannot apply \"x\"")},
      // Into a msgpack binary reached through a literal map.
      {"map then msgpack field", "map", {"dc", "x"}, Ok(Int(3))},
      {"binary at path end is re-read", "map", {"dc"}, Ok(Bin(MpMap({{"x", MpInt(3)}})))},
      {"msgpack scalar at path end becomes a primitive", "map", {"m"}, Ok(Int(5))},
      {"non-msgpack binary at path end", "map", {"p"}, Err(StatusCode::kInvalidArgument, "unsupported binary format")},
      // msgpack dataclass fields.
      {"msgpack int", "dc", {"a"}, Ok(Int(1))},
      {"msgpack negative int", "dc", {"n"}, Ok(Int(-5))},
      {"msgpack str", "dc", {"b"}, Ok(Str("s"))},
      {"msgpack float", "dc", {"c"}, Ok(Float(1.5))},
      {"msgpack bool", "dc", {"d"}, Ok(Bool(true))},
      {"msgpack nil stays binary", "dc", {"e"}, Ok(Bin(MpNil()))},
      {"msgpack array becomes a collection of binaries", "dc", {"f"}, Ok(Collection({Bin(MpInt(1)), Bin(MpInt(2))}))},
      {"msgpack array element", "dc", {"f", 1}, Ok(Int(2))},
      {"msgpack nested object stays binary", "dc", {"g"}, Ok(Bin(g_bytes))},
      {"msgpack deep path", "dc", {"g", "h", 0, "i"}, Ok(Int(7))},
      {"msgpack object in a list", "dc", {"g", "h", 0}, Ok(Bin(inner))},
      {"msgpack bin stays binary", "dc", {"j"}, Ok(Bin(Byte(0xc4) + Byte(2) + "\x01\x02"))},
      {"msgpack duplicate key: last wins", "dc", {"dup"}, Ok(Int(2))},
      {"msgpack uint64 beyond int64", "dc", {"big"}, Err(StatusCode::kInvalidArgument, "does not fit an int64")},
      {"msgpack missing key", "dc", {"zz"}, Err(StatusCode::kInvalidArgument, "key [zz] does not exist")},
      {"msgpack int on a map", "dc", {0}, Err(StatusCode::kInvalidArgument, "needs a string key")},
      {"msgpack string on a list", "dc", {"f", "x"}, Err(StatusCode::kInvalidArgument, "needs an int index")},
      {"msgpack index out of range", "dc", {"f", 5}, Err(StatusCode::kInvalidArgument, "index [5] is out of range")},
      {"msgpack path past a scalar", "dc", {"a", "x"}, Err(StatusCode::kInvalidArgument, "to a msgpack int")},
      {"unsupported binary tag", "pickle", {"a"}, Err(StatusCode::kInvalidArgument, "unsupported binary format")},
      {"truncated msgpack", "truncated", {"a"}, Err(StatusCode::kInvalidArgument, "truncated")},
      {"trailing bytes", "trailing", {"a"}, Err(StatusCode::kInvalidArgument, "trailing bytes")},
      {"reserved type byte", "reserved", {"a"}, Err(StatusCode::kInvalidArgument, "unknown type byte 193")},
      // google.protobuf.Struct.
      {"struct number is a float", "st", {"a"}, Ok(Float(1))},
      {"struct string", "st", {"b"}, Ok(Str("s"))},
      {"struct bool", "st", {"c"}, Ok(Bool(true))},
      {"struct null is none", "st", {"d"}, Ok(Parse<core::Literal>("scalar { none_type {} }"))},
      {"struct list becomes a collection", "st", {"e"}, Ok(Collection({Float(1), struct_f}))},
      {"struct list element field", "st", {"e", 1, "f"}, Ok(Float(2))},
      {"struct object stays generic", "st", {"g"}, Ok(struct_g)},
      {"struct missing key", "st", {"zz"}, Err(StatusCode::kInvalidArgument, "key [zz] does not exist")},
      {"struct index out of range", "st", {"e", 9}, Err(StatusCode::kInvalidArgument, "index [9] is out of range")},
      {"struct string on a list", "st", {"e", "x"}, Err(StatusCode::kInvalidArgument, "needs an int index")},
      {"struct int on an object", "st", {0}, Err(StatusCode::kInvalidArgument, "needs a string key")},
      {"struct path past a scalar", "st", {"b", "x"}, Err(StatusCode::kInvalidArgument, "cannot apply \"x\"")},
  };
  for (const Case& c : cases) {
    StatusOr<core::Literal> got = ResolveBindingData(Promise("n0", c.var, c.path), outputs);
    Check(c.name, got, c.want);
    if (!c.want.literal) {
      // Every error names the promise it came from.
      CHECK(std::string(got.status().message()).find("node [n0] output [" + c.var + "]") != std::string::npos);
    }
  }
}

TEST_CASE("msgpack wider encodings decode like the minimal ones") {
  struct Case {
    std::string name;
    std::string value;  // msgpack of the field `v`
    Expect want;
  };
  const std::string str8 = Byte(0xd9) + Byte(3) + "abc";
  const std::string array16 = Byte(0xdc) + BigEndian(2, 2) + MpInt(1) + MpInt(2);
  const std::string map16 = Byte(0xde) + BigEndian(1, 2) + MpStr("k") + MpInt(1);
  const std::string fixext1 = Byte(0xd4) + Byte(0x05) + Byte(0x01);
  const std::string timestamp = Byte(0xd6) + Byte(0xff) + BigEndian(1700000000, 4);
  const std::string ext8 = Byte(0xc7) + Byte(3) + Byte(0x01) + "xyz";
  const std::vector<Case> cases = {
      {"uint8", Byte(0xcc) + Byte(200), Ok(Int(200))},
      {"uint16", Byte(0xcd) + BigEndian(300, 2), Ok(Int(300))},
      {"uint32", Byte(0xce) + BigEndian(70000, 4), Ok(Int(70000))},
      {"uint64", Byte(0xcf) + BigEndian(1ULL << 40, 8), Ok(Int(int64_t{1} << 40))},
      {"negative fixint", Byte(0xe0), Ok(Int(-32))},
      {"int8", Byte(0xd0) + Byte(0x9c), Ok(Int(-100))},
      {"int16", Byte(0xd1) + BigEndian(static_cast<uint16_t>(-300), 2), Ok(Int(-300))},
      {"int32", Byte(0xd2) + BigEndian(static_cast<uint32_t>(-70000), 4), Ok(Int(-70000))},
      {"int64", Byte(0xd3) + BigEndian(static_cast<uint64_t>(INT64_MIN), 8), Ok(Int(INT64_MIN))},
      {"positive int8", Byte(0xd0) + Byte(0x05), Ok(Int(5))},
      {"float32", Byte(0xca) + BigEndian(0x3fc00000, 4), Ok(Float(1.5))},
      {"false", MpBool(false), Ok(Bool(false))},
      {"str8", str8, Ok(Str("abc"))},
      {"array16", array16, Ok(Collection({Bin(MpInt(1)), Bin(MpInt(2))}))},
      {"map16 stays binary", map16, Ok(Bin(map16))},
      {"fixext stays binary", fixext1, Ok(Bin(fixext1))},
      {"timestamp ext stays binary", timestamp, Ok(Bin(timestamp))},
      {"ext8 stays binary", ext8, Ok(Bin(ext8))},
      {"truncated uint16", Byte(0xcd) + Byte(1), Err(absl::StatusCode::kInvalidArgument, "truncated")},
      {"truncated str8", Byte(0xd9) + Byte(9) + "ab", Err(absl::StatusCode::kInvalidArgument, "truncated")},
      {"truncated array", Byte(0x93) + MpInt(1), Err(absl::StatusCode::kInvalidArgument, "truncated")},
      {"huge array32 count", Byte(0xdd) + BigEndian(0xffffffff, 4),
       Err(absl::StatusCode::kInvalidArgument, "truncated")},
  };
  for (const Case& c : cases) {
    FakeOutputs outputs;
    // The value is spliced raw after the key so that any encoding can be exercised.
    (*outputs.outputs["n0"].mutable_literals())["dc"] = Bin(Byte(0x81) + MpStr("v") + c.value);
    Check(c.name, ResolveBindingData(Promise("n0", "dc", {"v"}), outputs), c.want);
  }
}

TEST_CASE("msgpack nesting depth is bounded") {
  std::string deep;
  for (int i = 0; i < 100000; ++i) deep += Byte(0x91);
  deep += MpInt(1);
  FakeOutputs outputs;
  (*outputs.outputs["n0"].mutable_literals())["dc"] = Bin(Byte(0x81) + MpStr("v") + deep);
  Check("deep", ResolveBindingData(Promise("n0", "dc", {"v"}), outputs),
        Err(absl::StatusCode::kInvalidArgument, "nesting too deep"));
}

TEST_CASE("attr_path reads offloaded literals through the lookup") {
  FakeOutputs outputs;
  (*outputs.outputs["n0"].mutable_literals())["big"] =
      Parse<core::Literal>(R"pb(offloaded_metadata { uri: "s3://bucket/big.pb" size_bytes: 1000 })pb");
  (*outputs.outputs["n0"].mutable_literals())["twice"] =
      Parse<core::Literal>(R"pb(offloaded_metadata { uri: "s3://bucket/twice.pb" })pb");
  core::Literal big;
  (*big.mutable_map()->mutable_literals())["a"] = Collection({Int(1), Int(2)});
  (*big.mutable_map()->mutable_literals())["inner"] =
      Parse<core::Literal>(R"pb(offloaded_metadata { uri: "s3://bucket/inner.pb" })pb");

  SUBCASE("without storage the lookup refuses") {
    Check("default", ResolveBindingData(Promise("n0", "big", {"a"}), outputs),
          Err(absl::StatusCode::kUnimplemented, "s3://bucket/big.pb"));
  }
  SUBCASE("with storage") {
    outputs.offloaded.emplace();
    (*outputs.offloaded)["s3://bucket/big.pb"] = big;
    (*outputs.offloaded)["s3://bucket/inner.pb"] = Collection({Int(5), Int(6)});
    (*outputs.offloaded)["s3://bucket/twice.pb"] = Parse<core::Literal>(R"pb(offloaded_metadata { uri: "s3://x" })pb");
    Check("path into offloaded", ResolveBindingData(Promise("n0", "big", {"a", 1}), outputs), Ok(Int(2)));
    Check("offloaded inside offloaded", ResolveBindingData(Promise("n0", "big", {"inner", 0}), outputs), Ok(Int(5)));
    Check("path ending on offloaded keeps it", ResolveBindingData(Promise("n0", "big", {"inner"}), outputs),
          Ok(big.map().literals().at("inner")));
    Check("no path keeps it offloaded", ResolveBindingData(Promise("n0", "big"), outputs),
          Ok(outputs.outputs["n0"].literals().at("big")));
    Check("offloaded pointing to offloaded", ResolveBindingData(Promise("n0", "twice", {"a"}), outputs),
          Err(absl::StatusCode::kInvalidArgument, "another offloaded"));
  }
}

TEST_CASE("ResolveBindings builds the input map and names the failing input") {
  const FakeOutputs outputs = StandardOutputs();
  google::protobuf::RepeatedPtrField<core::Binding> bindings;
  core::Binding* a = bindings.Add();
  a->set_var("a");
  *a->mutable_binding() = Promise("start-node", "x");
  core::Binding* b = bindings.Add();
  b->set_var("b");
  *b->mutable_binding() = Parse<core::BindingData>(R"pb(scalar { primitive { string_value: "lit" } })pb");

  StatusOr<core::LiteralMap> got = ResolveBindings(bindings, outputs);
  REQUIRE(got.ok());
  CHECK(got->literals_size() == 2);
  CHECK(SameLiteral(got->literals().at("a"), Int(7)));
  CHECK(SameLiteral(got->literals().at("b"), Str("lit")));

  CHECK(ResolveBindings({}, outputs)->literals().empty());

  core::Binding* c = bindings.Add();
  c->set_var("c");
  *c->mutable_binding() = Promise("n0", "nope");
  got = ResolveBindings(bindings, outputs);
  REQUIRE_FALSE(got.ok());
  CHECK(got.status().code() == absl::StatusCode::kNotFound);
  CHECK(std::string(got.status().message()) == "error binding input [c]: node [n0] has no output [nope]");
}

}  // namespace
}  // namespace flyte::engine

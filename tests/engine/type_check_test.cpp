#include "engine/type_check.h"

#include <doctest/doctest.h>
#include <google/protobuf/text_format.h>

#include <string>
#include <vector>

namespace flyte::engine {
namespace {

namespace core = flyteidl::core;

core::LiteralType T(const std::string& text) {
  core::LiteralType type;
  REQUIRE(google::protobuf::TextFormat::ParseFromString(text, &type));
  return type;
}

struct CastCase {
  std::string name;
  const char* upstream;
  const char* downstream;
  bool castable;
};

TEST_CASE("AreTypesCastable follows propeller's typing rules") {
  const std::vector<CastCase> cases = {
      {"same simple", "simple: INTEGER", "simple: INTEGER", true},
      {"different simple", "simple: INTEGER", "simple: STRING", false},
      {"int is not float", "simple: INTEGER", "simple: FLOAT", false},
      {"none into none", "simple: NONE", "simple: NONE", true},
      {"int into none", "simple: INTEGER", "simple: NONE", false},
      {"none into int", "simple: NONE", "simple: INTEGER", false},
      {"none into optional", "simple: NONE", "union_type { variants { simple: INTEGER } variants { simple: NONE } }",
       true},
      {"value into optional", "simple: INTEGER",
       "union_type { variants { simple: INTEGER } variants { simple: NONE } }", true},
      {"wrong value into optional", "simple: STRING",
       "union_type { variants { simple: INTEGER } variants { simple: NONE } }", false},
      {"ambiguous union variant", "blob { }",
       "union_type { variants { blob { format: \"csv\" } } variants { blob { format: \"png\" } } }", false},
      {"union into wider union", "union_type { variants { simple: INTEGER } variants { simple: NONE } }",
       "union_type { variants { simple: STRING } variants { simple: INTEGER } variants { simple: NONE } }", true},
      {"union into narrower union", "union_type { variants { simple: STRING } variants { simple: INTEGER } }",
       "union_type { variants { simple: INTEGER } variants { simple: NONE } }", false},
      {"optional into plain", "union_type { variants { simple: INTEGER } variants { simple: NONE } }",
       "simple: INTEGER", false},
      {"one-variant union into its variant", "union_type { variants { simple: INTEGER } }", "simple: INTEGER", true},
      {"list of same", "collection_type { simple: INTEGER }", "collection_type { simple: INTEGER }", true},
      {"list of different", "collection_type { simple: STRING }", "collection_type { simple: INTEGER }", false},
      {"empty list into any list", "collection_type { simple: NONE }", "collection_type { simple: STRING }", true},
      {"list into scalar", "collection_type { simple: INTEGER }", "simple: INTEGER", false},
      {"nested lists", "collection_type { collection_type { simple: INTEGER } }",
       "collection_type { collection_type { simple: INTEGER } }", true},
      {"list elements into optionals", "collection_type { simple: INTEGER }",
       "collection_type { union_type { variants { simple: INTEGER } variants { simple: NONE } } }", true},
      {"map of same", "map_value_type { simple: FLOAT }", "map_value_type { simple: FLOAT }", true},
      {"map of different", "map_value_type { simple: FLOAT }", "map_value_type { simple: INTEGER }", false},
      {"empty map", "map_value_type { simple: NONE }", "map_value_type { simple: INTEGER }", true},
      {"blob same format", "blob { format: \"csv\" }", "blob { format: \"csv\" }", true},
      {"blob generic upstream", "blob { }", "blob { format: \"csv\" }", true},
      {"blob generic downstream", "blob { format: \"csv\" }", "blob { }", true},
      {"blob formats differ", "blob { format: \"csv\" }", "blob { format: \"parquet\" }", false},
      {"blob dimensionality is not compared", "blob { dimensionality: MULTIPART }", "blob { }", true},
      {"string into blob", "simple: STRING", "blob { }", false},
      {"enum subset", "enum_type { values: \"a\" }", "enum_type { values: \"a\" values: \"b\" }", true},
      {"enum superset", "enum_type { values: \"a\" values: \"c\" }", "enum_type { values: \"a\" values: \"b\" }",
       false},
      {"enum into string", "enum_type { values: \"a\" }", "simple: STRING", true},
      {"string into enum", "simple: STRING", "enum_type { values: \"a\" }", true},
      {"metadata is ignored", "simple: INTEGER metadata { }", "simple: INTEGER", true},
      {"struct with schemas", "simple: STRUCT metadata { fields { key: \"title\" value { string_value: \"A\" } } }",
       "simple: STRUCT metadata { fields { key: \"title\" value { string_value: \"B\" } } }", true},
      {"tag mismatch", "simple: STRUCT structure { tag: \"A\" }", "simple: STRUCT structure { tag: \"B\" }", false},
      {"tag into untagged", "simple: STRUCT structure { tag: \"A\" }", "simple: STRUCT", false},
      {"untagged into tagged", "simple: STRUCT", "simple: STRUCT structure { tag: \"A\" }", true},
      {"dataset generic", "structured_dataset_type { }", "structured_dataset_type { format: \"parquet\" }", true},
      {"dataset format case", "structured_dataset_type { format: \"PARQUET\" }",
       "structured_dataset_type { format: \"parquet\" }", true},
      {"dataset formats differ", "structured_dataset_type { format: \"csv\" }",
       "structured_dataset_type { format: \"parquet\" }", false},
      {"dataset column subset",
       "structured_dataset_type { columns { name: \"a\" literal_type { simple: INTEGER } } "
       "columns { name: \"b\" literal_type { simple: STRING } } }",
       "structured_dataset_type { columns { name: \"a\" literal_type { simple: INTEGER } } }", true},
      {"dataset column missing", "structured_dataset_type { columns { name: \"a\" literal_type { simple: INTEGER } } }",
       "structured_dataset_type { columns { name: \"b\" literal_type { simple: INTEGER } } }", false},
      {"dataset column type differs",
       "structured_dataset_type { columns { name: \"a\" literal_type { simple: STRING } } }",
       "structured_dataset_type { columns { name: \"a\" literal_type { simple: INTEGER } } }", false},
      {"none into dataset", "simple: NONE", "structured_dataset_type { }", true},
      {"schema into dataset", "schema { columns { name: \"a\" type: INTEGER } }",
       "structured_dataset_type { columns { name: \"a\" literal_type { simple: INTEGER } } }", true},
      {"schema into csv dataset", "schema { }", "structured_dataset_type { format: \"csv\" }", false},
      {"parquet dataset into schema", "structured_dataset_type { format: \"parquet\" }", "schema { }", true},
      {"csv dataset into schema", "structured_dataset_type { format: \"csv\" }", "schema { }", false},
      {"schema column subset", "schema { columns { name: \"a\" type: INTEGER } columns { name: \"b\" type: FLOAT } }",
       "schema { columns { name: \"b\" type: FLOAT } }", true},
      {"schema column type differs", "schema { columns { name: \"a\" type: INTEGER } }",
       "schema { columns { name: \"a\" type: FLOAT } }", false},
  };
  for (const auto& c : cases) {
    CAPTURE(c.name);
    CHECK(AreTypesCastable(T(c.upstream), T(c.downstream)) == c.castable);
  }
}

TEST_CASE("IsOptionalType is a union with a NONE variant") {
  CHECK(IsOptionalType(T("union_type { variants { simple: STRING } variants { simple: NONE } }")));
  CHECK_FALSE(IsOptionalType(T("union_type { variants { simple: STRING } variants { simple: INTEGER } }")));
  CHECK_FALSE(IsOptionalType(T("simple: NONE")));
}

TEST_CASE("LiteralTypeOfScalar") {
  auto scalar = [](const std::string& text) {
    core::Scalar s;
    REQUIRE(google::protobuf::TextFormat::ParseFromString(text, &s));
    return s;
  };
  CHECK(LiteralTypeOfScalar(scalar("primitive { integer: 3 }"))->simple() == core::INTEGER);
  CHECK(LiteralTypeOfScalar(scalar("primitive { float_value: 0.5 }"))->simple() == core::FLOAT);
  CHECK(LiteralTypeOfScalar(scalar("primitive { string_value: \"x\" }"))->simple() == core::STRING);
  CHECK(LiteralTypeOfScalar(scalar("none_type { }"))->simple() == core::NONE);
  CHECK(LiteralTypeOfScalar(scalar("binary { value: \"\\x80\" tag: \"msgpack\" }"))->simple() == core::STRUCT);
  CHECK(LiteralTypeOfScalar(scalar("binary { value: \"x\" }"))->simple() == core::BINARY);
  CHECK(LiteralTypeOfScalar(scalar("generic { }"))->simple() == core::STRUCT);
  CHECK(
      LiteralTypeOfScalar(scalar("blob { uri: \"s3://x\" metadata { type { format: \"csv\" } } }"))->blob().format() ==
      "csv");
  CHECK_FALSE(LiteralTypeOfScalar(scalar("blob { uri: \"s3://x\" }")).has_value());
  CHECK_FALSE(LiteralTypeOfScalar(scalar("")).has_value());
  auto in_union =
      LiteralTypeOfScalar(scalar("union { value { scalar { primitive { integer: 1 } } } "
                                 "type { simple: INTEGER } }"));
  REQUIRE(in_union.has_value());
  CHECK(AreTypesCastable(*in_union, T("simple: INTEGER")));
  CHECK(AreTypesCastable(*in_union, T("union_type { variants { simple: INTEGER } variants { simple: NONE } }")));
}

TEST_CASE("TypeToString renders types for messages") {
  CHECK(TypeToString(T("simple: INTEGER")) == "integer");
  CHECK(TypeToString(T("collection_type { map_value_type { simple: STRING } }")) == "list<map<string, string>>");
  CHECK(TypeToString(T("union_type { variants { simple: FLOAT } variants { simple: NONE } }")) ==
        "union<float | none>");
  CHECK(TypeToString(T("blob { format: \"csv\" }")) == "blob(csv)");
  CHECK(TypeToString(T("enum_type { values: \"a\" values: \"b\" }")) == "enum{a,b}");
}

}  // namespace
}  // namespace flyte::engine

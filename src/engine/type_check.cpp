#include "engine/type_check.h"

#include <algorithm>
#include <iterator>
#include <map>
#include <string_view>
#include <utility>

#include <absl/strings/ascii.h>
#include <absl/strings/str_join.h>

#include "common/msgpack.h"

namespace flyte::engine {
namespace {

using flyteidl::core::LiteralType;
using flyteidl::core::SchemaType;
using flyteidl::core::SimpleType;
using flyteidl::core::StructuredDatasetType;

bool IsNone(const LiteralType& type) { return type.has_simple() && type.simple() == flyteidl::core::NONE; }

bool IsSimple(const LiteralType& type, SimpleType simple) { return type.has_simple() && type.simple() == simple; }

const std::string& Tag(const LiteralType& type) { return type.structure().tag(); }

// Simple types, enums and untyped values: equal after ignoring structure / metadata /
// annotation, with propeller's enum <-> string leniency.
bool TrivialCastsFrom(const LiteralType& upstream, const LiteralType& downstream) {
  if (upstream.has_enum_type() && IsSimple(downstream, flyteidl::core::STRING)) return true;
  if (downstream.has_enum_type() && IsSimple(upstream, flyteidl::core::STRING)) return true;
  // A tagged type (flytekit's FlyteError, dataclass names...) only flows into the same tag.
  if (!Tag(upstream).empty() && Tag(downstream) != Tag(upstream)) return false;
  if (upstream.type_case() != downstream.type_case()) return false;
  switch (downstream.type_case()) {
    case LiteralType::kSimple:
      // Propeller compares the JSON schemas of two STRUCTs (dataclasses) and accepts a missing
      // schema; we accept every STRUCT pair rather than re-implement JSON-schema subtyping.
      return upstream.simple() == downstream.simple();
    case LiteralType::kEnumType: {
      // Propeller wants identical value lists; any subset is just as safe at run time.
      const auto& allowed = downstream.enum_type().values();
      return std::all_of(
          upstream.enum_type().values().begin(), upstream.enum_type().values().end(),
          [&](const std::string& v) { return std::find(allowed.begin(), allowed.end(), v) != allowed.end(); });
    }
    case LiteralType::TYPE_NOT_SET:
      return true;
    default:
      return false;
  }
}

bool CollectionCastsFrom(const LiteralType& upstream, const LiteralType& downstream) {
  if (!upstream.has_collection_type()) return false;
  // An empty list literal carries element type NONE and fits any list.
  if (IsNone(upstream.collection_type())) return true;
  return AreTypesCastable(upstream.collection_type(), downstream.collection_type());
}

bool MapCastsFrom(const LiteralType& upstream, const LiteralType& downstream) {
  if (!upstream.has_map_value_type()) return false;
  if (IsNone(upstream.map_value_type())) return true;
  return AreTypesCastable(upstream.map_value_type(), downstream.map_value_type());
}

// Propeller checks formats only (an empty format is generic); dimensionality is not compared.
bool BlobCastsFrom(const LiteralType& upstream, const LiteralType& downstream) {
  if (!upstream.has_blob()) return false;
  const std::string& from = upstream.blob().format();
  const std::string& to = downstream.blob().format();
  return from.empty() || to.empty() || from == to;
}

// Each primitive kind, the schema column type that holds it, and its simple type.
struct PrimitiveKind {
  flyteidl::core::Primitive::ValueCase primitive;
  SchemaType::SchemaColumn::SchemaColumnType column;
  SimpleType simple;
};
constexpr PrimitiveKind kPrimitiveKinds[] = {
    {flyteidl::core::Primitive::kInteger, SchemaType::SchemaColumn::INTEGER, flyteidl::core::INTEGER},
    {flyteidl::core::Primitive::kFloatValue, SchemaType::SchemaColumn::FLOAT, flyteidl::core::FLOAT},
    {flyteidl::core::Primitive::kStringValue, SchemaType::SchemaColumn::STRING, flyteidl::core::STRING},
    {flyteidl::core::Primitive::kBoolean, SchemaType::SchemaColumn::BOOLEAN, flyteidl::core::BOOLEAN},
    {flyteidl::core::Primitive::kDatetime, SchemaType::SchemaColumn::DATETIME, flyteidl::core::DATETIME},
    {flyteidl::core::Primitive::kDuration, SchemaType::SchemaColumn::DURATION, flyteidl::core::DURATION},
};

template <typename Matches>
const PrimitiveKind* FindPrimitiveKind(Matches matches) {
  const auto* kind = std::find_if(std::begin(kPrimitiveKinds), std::end(kPrimitiveKinds), matches);
  return kind == std::end(kPrimitiveKinds) ? nullptr : kind;
}

bool SchemaColumnMatchesSimple(SchemaType::SchemaColumn::SchemaColumnType column, SimpleType simple) {
  const PrimitiveKind* kind = FindPrimitiveKind([&](const PrimitiveKind& k) { return k.column == column; });
  return kind != nullptr && kind->simple == simple;
}

// Columns of schemas and structured datasets: the downstream declares none (generic) or a subset
// of the upstream's, each fitting the upstream column of its name (`fits(upstream, downstream)`).
template <typename UpstreamColumns, typename DownstreamColumns, typename Fits>
bool ColumnsFit(const UpstreamColumns& upstream, const DownstreamColumns& downstream, Fits fits) {
  if (upstream.empty() || downstream.empty()) return true;
  std::map<std::string_view, const typename UpstreamColumns::value_type*> available;
  for (const auto& column : upstream) available[column.name()] = &column;
  return std::all_of(downstream.begin(), downstream.end(), [&](const auto& column) {
    auto it = available.find(column.name());
    return it != available.end() && fits(*it->second, column);
  });
}

bool DatasetFromDataset(const StructuredDatasetType& upstream, const StructuredDatasetType& downstream) {
  // An empty format on either side is generic (flyteorg/flyte#2864).
  if (!upstream.format().empty() && !downstream.format().empty() &&
      absl::AsciiStrToLower(upstream.format()) != absl::AsciiStrToLower(downstream.format())) {
    return false;
  }
  return ColumnsFit(upstream.columns(), downstream.columns(), [](const auto& from, const auto& to) {
    return AreTypesCastable(from.literal_type(), to.literal_type());
  });
}

bool IsParquetOrGeneric(const std::string& format) {
  return format.empty() || absl::AsciiStrToLower(format) == "parquet";
}

bool SchemaCastsFrom(const LiteralType& upstream, const LiteralType& downstream) {
  const auto& columns = downstream.schema().columns();
  if (upstream.has_schema()) {
    return ColumnsFit(upstream.schema().columns(), columns,
                      [](const auto& from, const auto& to) { return from.type() == to.type(); });
  }
  if (!upstream.has_structured_dataset_type()) return false;
  // A FlyteSchema can only be read from parquet.
  if (!IsParquetOrGeneric(upstream.structured_dataset_type().format())) return false;
  return ColumnsFit(upstream.structured_dataset_type().columns(), columns, [](const auto& from, const auto& to) {
    return SchemaColumnMatchesSimple(to.type(), from.literal_type().simple());
  });
}

bool DatasetCastsFrom(const LiteralType& upstream, const LiteralType& downstream) {
  if (IsNone(upstream)) return true;  // structured datasets are nullable
  if (upstream.has_schema()) {
    if (!IsParquetOrGeneric(downstream.structured_dataset_type().format())) return false;
    return ColumnsFit(upstream.schema().columns(), downstream.structured_dataset_type().columns(),
                      [](const auto& from, const auto& to) {
                        return SchemaColumnMatchesSimple(from.type(), to.literal_type().simple());
                      });
  }
  if (!upstream.has_structured_dataset_type()) return false;
  return DatasetFromDataset(upstream.structured_dataset_type(), downstream.structured_dataset_type());
}

bool UnionCastsFrom(const LiteralType& upstream, const LiteralType& downstream) {
  const auto& variants = downstream.union_type().variants();
  if (upstream.has_union_type()) {
    // Every upstream variant must fit some downstream variant.
    return std::all_of(upstream.union_type().variants().begin(), upstream.union_type().variants().end(),
                       [&](const LiteralType& from) {
                         return std::any_of(variants.begin(), variants.end(),
                                            [&](const LiteralType& to) { return AreTypesCastable(from, to); });
                       });
  }
  // A plain value must select exactly one variant; two candidates would be ambiguous at run time.
  return std::count_if(variants.begin(), variants.end(),
                       [&](const LiteralType& to) { return AreTypesCastable(upstream, to); }) == 1;
}

// The rule of each downstream type that has its own; simple types, enums and untyped values
// share TrivialCastsFrom.
constexpr std::pair<LiteralType::TypeCase, bool (*)(const LiteralType&, const LiteralType&)> kCastRules[] = {
    {LiteralType::kCollectionType, CollectionCastsFrom},
    {LiteralType::kMapValueType, MapCastsFrom},
    {LiteralType::kBlob, BlobCastsFrom},
    {LiteralType::kSchema, SchemaCastsFrom},
    {LiteralType::kUnionType, UnionCastsFrom},
    {LiteralType::kStructuredDatasetType, DatasetCastsFrom},
};

bool CastsFrom(const LiteralType& upstream, const LiteralType& downstream) {
  for (const auto& [type_case, casts_from] : kCastRules) {
    if (type_case == downstream.type_case()) return casts_from(upstream, downstream);
  }
  if (IsNone(downstream)) return IsNone(upstream);
  return TrivialCastsFrom(upstream, downstream);
}

std::string SimpleTypeName(SimpleType simple) {
  std::string name = flyteidl::core::SimpleType_Name(simple);
  return name.empty() ? "simple(" + std::to_string(static_cast<int>(simple)) + ")" : absl::AsciiStrToLower(name);
}

}  // namespace

bool AreTypesCastable(const LiteralType& upstream, const LiteralType& downstream) {
  // A one-variant union (what a union scalar literal carries) may stand for its variant.
  if (upstream.has_union_type() && upstream.union_type().variants_size() == 1 &&
      CastsFrom(upstream.union_type().variants(0), downstream)) {
    return true;
  }
  return CastsFrom(upstream, downstream);
}

bool IsOptionalType(const LiteralType& type) {
  if (!type.has_union_type()) return false;
  const auto& variants = type.union_type().variants();
  return std::any_of(variants.begin(), variants.end(), IsNone);
}

LiteralType LiteralTypeOfPrimitive(const flyteidl::core::Primitive& primitive) {
  const PrimitiveKind* kind =
      FindPrimitiveKind([&](const PrimitiveKind& k) { return k.primitive == primitive.value_case(); });
  LiteralType type;
  type.set_simple(kind != nullptr ? kind->simple : flyteidl::core::NONE);
  return type;
}

std::optional<LiteralType> LiteralTypeOfScalar(const flyteidl::core::Scalar& scalar) {
  LiteralType type;
  switch (scalar.value_case()) {
    case flyteidl::core::Scalar::kPrimitive:
      return LiteralTypeOfPrimitive(scalar.primitive());
    case flyteidl::core::Scalar::kBlob:
      if (!scalar.blob().has_metadata()) return std::nullopt;
      *type.mutable_blob() = scalar.blob().metadata().type();
      return type;
    case flyteidl::core::Scalar::kBinary:
      // flytekit >= 1.14 sends dataclasses / dicts as msgpack binaries (RFC 5741).
      type.set_simple(scalar.binary().tag() == kMsgpackTag ? flyteidl::core::STRUCT : flyteidl::core::BINARY);
      return type;
    case flyteidl::core::Scalar::kSchema:
      *type.mutable_schema() = scalar.schema().type();
      return type;
    case flyteidl::core::Scalar::kStructuredDataset:
      *type.mutable_structured_dataset_type() = scalar.structured_dataset().metadata().structured_dataset_type();
      return type;
    case flyteidl::core::Scalar::kNoneType:
      type.set_simple(flyteidl::core::NONE);
      return type;
    case flyteidl::core::Scalar::kError:
      type.set_simple(flyteidl::core::ERROR);
      return type;
    case flyteidl::core::Scalar::kGeneric:
      type.set_simple(flyteidl::core::STRUCT);
      return type;
    case flyteidl::core::Scalar::kUnion:
      *type.mutable_union_type()->add_variants() = scalar.union_().type();
      return type;
    default:
      return std::nullopt;
  }
}

std::string TypeToString(const LiteralType& type) {
  std::string tag = Tag(type).empty() ? "" : "[" + Tag(type) + "]";
  switch (type.type_case()) {
    case LiteralType::kSimple:
      return SimpleTypeName(type.simple()) + tag;
    case LiteralType::kSchema:
      return "schema";
    case LiteralType::kCollectionType:
      return "list<" + TypeToString(type.collection_type()) + ">";
    case LiteralType::kMapValueType:
      return "map<string, " + TypeToString(type.map_value_type()) + ">";
    case LiteralType::kBlob:
      return std::string(type.blob().dimensionality() == flyteidl::core::BlobType::MULTIPART ? "multipart-blob"
                                                                                             : "blob") +
             "(" + type.blob().format() + ")";
    case LiteralType::kEnumType:
      return "enum{" + absl::StrJoin(type.enum_type().values(), ",") + "}";
    case LiteralType::kStructuredDatasetType:
      return "structured-dataset(" + type.structured_dataset_type().format() + ")";
    case LiteralType::kUnionType: {
      std::string out = "union<";
      for (int i = 0; i < type.union_type().variants_size(); ++i) {
        if (i > 0) out += " | ";
        out += TypeToString(type.union_type().variants(i));
      }
      return out + ">" + tag;
    }
    default:
      return "untyped";
  }
}

}  // namespace flyte::engine

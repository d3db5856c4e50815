#include "plugins/literal_text.h"

#include "common/msgpack.h"
#include "plugins/go_format.h"

namespace flyte::plugins {
namespace {

namespace core = flyteidl::core;

StatusOr<std::string> DecodedMsgpackText(std::string_view bytes) {
  ASSIGN_OR_RETURN(const MsgpackValue value, DecodeMsgpack(bytes));
  return GoMsgpackText(value);
}

StatusOr<std::string> SerializePrimitive(const core::Primitive& primitive) {
  switch (primitive.value_case()) {
    case core::Primitive::kInteger:
      return std::to_string(primitive.integer());
    case core::Primitive::kBoolean:
      return std::string(primitive.boolean() ? "true" : "false");
    case core::Primitive::kDatetime:
      return TimestampString(primitive.datetime());
    case core::Primitive::kDuration:
      return SecondsNanosText(primitive.duration().seconds(), primitive.duration().nanos());
    case core::Primitive::kFloatValue:
      return GoFloat(primitive.float_value(), /*single=*/false);
    case core::Primitive::kStringValue:
      return primitive.string_value();
    case core::Primitive::VALUE_NOT_SET:
      break;
  }
  return absl::InvalidArgumentError("received an unexpected primitive type [<nil>]");
}

std::string ScalarTypeName(const core::Scalar& scalar) {
  switch (scalar.value_case()) {
    case core::Scalar::kNoneType:
      return "*core.Scalar_NoneType";
    case core::Scalar::kError:
      return "*core.Scalar_Error";
    case core::Scalar::kGeneric:
      return "*core.Scalar_Generic";
    case core::Scalar::kStructuredDataset:
      return "*core.Scalar_StructuredDataset";
    case core::Scalar::kUnion:
      return "*core.Scalar_Union";
    default:
      return "<nil>";
  }
}

StatusOr<std::string> SerializeScalar(const core::Scalar& scalar) {
  switch (scalar.value_case()) {
    case core::Scalar::kPrimitive:
      return SerializePrimitive(scalar.primitive());
    case core::Scalar::kBlob:
      return scalar.blob().uri();
    case core::Scalar::kSchema:
      return scalar.schema().uri();
    case core::Scalar::kBinary: {
      if (scalar.binary().tag() != kMsgpackTag) {
        return absl::InvalidArgumentError("unsupported binary tag [" + scalar.binary().tag() + "]");
      }
      StatusOr<std::string> decoded = DecodedMsgpackText(scalar.binary().value());
      if (!decoded.ok()) {
        return absl::InvalidArgumentError("failed to unmarshal messagepack bytes, err:[" +
                                          std::string(decoded.status().message()) + "]");
      }
      return decoded;
    }
    default:
      return absl::InvalidArgumentError("received an unexpected scalar type [" + ScalarTypeName(scalar) + "]");
  }
}

StatusOr<std::string> SerializeLiteral(const core::Literal& literal) {
  switch (literal.value_case()) {
    case core::Literal::kScalar:
      return SerializeScalar(literal.scalar());
    case core::Literal::kCollection: {
      std::string text = "[";
      for (int i = 0; i < literal.collection().literals_size(); ++i) {
        ASSIGN_OR_RETURN(std::string element, SerializeLiteral(literal.collection().literals(i)));
        if (i > 0) text += ',';
        text += element;
      }
      return text + "]";
    }
    case core::Literal::kMap:
      return absl::InvalidArgumentError("received an unexpected primitive type [*core.Literal_Map]");
    case core::Literal::kOffloadedMetadata:
      return absl::InvalidArgumentError("received an unexpected primitive type [*core.Literal_OffloadedMetadata]");
    case core::Literal::VALUE_NOT_SET:
      break;
  }
  return absl::InvalidArgumentError("received an unexpected primitive type [<nil>]");
}

}  // namespace

StatusOr<std::string> InputText(std::string_view name, const flyteidl::core::LiteralMap& inputs) {
  const auto found = inputs.literals().find(std::string(name));
  if (found == inputs.literals().end()) {
    return absl::InvalidArgumentError("requested input is not found [" + std::string(name) + "]");
  }
  StatusOr<std::string> value = SerializeLiteral(found->second);
  if (!value.ok()) {
    return absl::InvalidArgumentError("failed to bind a value to inputName [" + std::string(name) +
                                      "]: " + std::string(value.status().message()));
  }
  return value;
}

}  // namespace flyte::plugins

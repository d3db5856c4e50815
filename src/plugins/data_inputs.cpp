// Data passing's inputs (data_passing.h): the input folder as copilot's downloader lays it out.
#include <absl/strings/escaping.h>
#include <absl/time/time.h>

#include <algorithm>
#include <charconv>
#include <cmath>

#include "common/log_format.h"
#include "plugins/attempt_command.h"
#include "plugins/data_files.h"
#include "plugins/data_passing.h"

namespace flyte::plugins {
namespace {

namespace fs = std::filesystem;
using flyteidl::core::DataLoadingConfig;
using flyteidl::core::Literal;
using flyteidl::core::LiteralMap;
using flyteidl::core::Primitive;
using flyteidl::core::Scalar;

// The shortest text that reads back as `value`, fixed-point as Go's strconv.FormatFloat(v, 'f', -1)
// (copilot's text for a float input) or in either notation for JSON.
std::string FloatText(double value, std::chars_format format) {
  if (std::isnan(value)) return "NaN";
  if (std::isinf(value)) return value > 0 ? "+Inf" : "-Inf";
  char text[400];
  const auto end = std::to_chars(text, text + sizeof text, value, format).ptr;
  return std::string(text, end);
}

// time.Duration's String(): "1h2m3.5s", "1.5ms", "0s".
std::string GoDuration(absl::Duration duration) {
  return duration == absl::ZeroDuration() ? "0s" : absl::FormatDuration(duration);
}

absl::Duration DurationOf(const google::protobuf::Duration& d) {
  return absl::Seconds(d.seconds()) + absl::Nanoseconds(d.nanos());
}

// Go's time.RFC3339Nano in UTC: "2023-11-14T22:13:20.12Z", trailing zeros of the fraction dropped.
std::string Rfc3339Nano(const google::protobuf::Timestamp& ts) {
  return absl::FormatTime("%Y-%m-%d%ET%H:%M:%E*SZ", absl::FromUnixSeconds(ts.seconds()) + absl::Nanoseconds(ts.nanos()),
                          absl::UTCTimeZone());
}

void StructValueJson(const google::protobuf::Value& value, std::string* out);

void StructJson(const google::protobuf::Struct& object, std::string* out) {
  std::vector<std::string> keys;
  for (const auto& [key, unused] : object.fields()) keys.push_back(key);
  std::sort(keys.begin(), keys.end());
  *out += "{";
  for (size_t i = 0; i < keys.size(); ++i) {
    *out += (i == 0 ? "" : ",") + log::JsonQuoted(keys[i]) + ":";
    StructValueJson(object.fields().at(keys[i]), out);
  }
  *out += "}";
}

void StructValueJson(const google::protobuf::Value& value, std::string* out) {
  switch (value.kind_case()) {
    case google::protobuf::Value::kNumberValue:
      *out +=
          std::isfinite(value.number_value()) ? FloatText(value.number_value(), std::chars_format::general) : "null";
      break;
    case google::protobuf::Value::kStringValue:
      *out += log::JsonQuoted(value.string_value());
      break;
    case google::protobuf::Value::kBoolValue:
      *out += value.bool_value() ? "true" : "false";
      break;
    case google::protobuf::Value::kStructValue:
      StructJson(value.struct_value(), out);
      break;
    case google::protobuf::Value::kListValue:
      *out += "[";
      for (int i = 0; i < value.list_value().values_size(); ++i) {
        if (i > 0) *out += ",";
        StructValueJson(value.list_value().values(i), out);
      }
      *out += "]";
      break;
    default:
      *out += "null";
  }
}

// Lays one input out as copilot's downloader does: `host` is where it goes on this machine, `seen`
// the same place as the task sees it. `local` gets the literal with blobs named by `seen`, `json`
// its value as copilot's inputs.json holds it.
class InputWriter {
 public:
  explicit InputWriter(fs::path buckets_dir) : buckets_dir_(std::move(buckets_dir)) {}

  Status Write(const Literal& literal, const fs::path& host, const std::string& seen, Literal* local,
               std::string* json) {
    *local = literal;
    switch (literal.value_case()) {
      case Literal::kScalar:
        return WriteScalar(literal.scalar(), host, seen, local->mutable_scalar(), json);
      case Literal::kCollection: {
        std::error_code error;
        fs::create_directories(host, error);
        *json += "[";
        auto* items = local->mutable_collection()->mutable_literals();
        for (int i = 0; i < items->size(); ++i) {
          if (i > 0) *json += ",";
          const std::string name = std::to_string(i);
          RETURN_IF_ERROR(Write(literal.collection().literals(i), host / name, seen + "/" + name, &(*items)[i], json));
        }
        *json += "]";
        return absl::OkStatus();
      }
      case Literal::kMap: {
        std::error_code error;
        fs::create_directories(host, error);
        return WriteMap(literal.map(), host, seen, local->mutable_map(), json);
      }
      case Literal::kOffloadedMetadata: {
        // The literal lives in a file of its own (a large value): the task gets the value itself.
        ASSIGN_OR_RETURN(const fs::path path, LocalPath(literal.offloaded_metadata().uri()));
        ASSIGN_OR_RETURN(const std::string bytes, ReadWholeFile(path));
        Literal loaded;
        if (!loaded.ParseFromString(bytes)) return absl::FailedPreconditionError("cannot read " + path.string());
        return Write(loaded, host, seen, local, json);
      }
      default:
        return absl::FailedPreconditionError("an input literal of an unknown kind");
    }
  }

  Status WriteMap(const LiteralMap& map, const fs::path& host, const std::string& seen, LiteralMap* local,
                  std::string* json) {
    std::vector<std::string> names;
    for (const auto& [name, unused] : map.literals()) names.push_back(name);
    std::sort(names.begin(), names.end());  // as Go's encoding/json orders a map's keys
    *json += "{";
    for (size_t i = 0; i < names.size(); ++i) {
      *json += (i == 0 ? "" : ",") + log::JsonQuoted(names[i]) + ":";
      RETURN_IF_ERROR(Write(map.literals().at(names[i]), host / names[i], seen + "/" + names[i],
                            &(*local->mutable_literals())[names[i]], json));
    }
    *json += "}";
    return absl::OkStatus();
  }

 private:
  Status WriteScalar(const Scalar& scalar, const fs::path& host, const std::string& seen, Scalar* local,
                     std::string* json) {
    switch (scalar.value_case()) {
      case Scalar::kPrimitive:
        return WritePrimitive(scalar.primitive(), host, json);
      case Scalar::kBlob:
        RETURN_IF_ERROR(CopyBlob(scalar.blob().uri(), host));
        local->mutable_blob()->set_uri(seen);
        *json += log::JsonQuoted(seen);
        return absl::OkStatus();
      case Scalar::kSchema:  // a folder of files, as copilot treats it
        RETURN_IF_ERROR(CopyBlob(scalar.schema().uri(), host));
        local->mutable_schema()->set_uri(seen);
        *json += log::JsonQuoted(seen);
        return absl::OkStatus();
      case Scalar::kBinary:
        *json += log::JsonQuoted(absl::Base64Escape(scalar.binary().value()));
        return WriteFile(host, scalar.binary().value());
      case Scalar::kError:
        *json += log::JsonQuoted(scalar.error().message());
        return WriteFile(host, scalar.error().message());
      case Scalar::kGeneric: {
        std::string text;
        StructJson(scalar.generic(), &text);
        *json += text;
        return WriteFile(host, text);
      }
      case Scalar::kUnion: {
        Literal inner;
        RETURN_IF_ERROR(Write(scalar.union_().value(), host, seen, &inner, json));
        *local->mutable_union_()->mutable_value() = std::move(inner);
        return absl::OkStatus();
      }
      case Scalar::kNoneType:
        *json += "null";
        return WriteFile(host, "null");
      default:
        return absl::FailedPreconditionError("input \"" + host.filename().string() +
                                             "\" is of a kind data passing does not lay out (structured datasets are "
                                             "not supported, as in Flyte's copilot)");
    }
  }

  static Status WritePrimitive(const Primitive& primitive, const fs::path& host, std::string* json) {
    std::string text;
    switch (primitive.value_case()) {
      case Primitive::kInteger:
        text = std::to_string(primitive.integer());
        *json += text;
        break;
      case Primitive::kFloatValue: {
        const double value = primitive.float_value();
        text = FloatText(value, std::chars_format::fixed);
        *json += std::isfinite(value) ? FloatText(value, std::chars_format::general) : "null";
        break;
      }
      case Primitive::kStringValue:
        text = primitive.string_value();
        *json += log::JsonQuoted(text);
        break;
      case Primitive::kBoolean:
        text = primitive.boolean() ? "true" : "false";
        *json += text;
        break;
      case Primitive::kDatetime:
        text = Rfc3339Nano(primitive.datetime());
        *json += log::JsonQuoted(text);
        break;
      case Primitive::kDuration:
        text = GoDuration(DurationOf(primitive.duration()));
        *json += std::to_string(absl::ToInt64Nanoseconds(DurationOf(primitive.duration())));  // Go's time.Duration
        break;
      default:
        text = "null";
        *json += text;
    }
    return WriteFile(host, text);
  }

  Status CopyBlob(const std::string& uri, const fs::path& host) const {
    ASSIGN_OR_RETURN(const fs::path from, DataPath(uri, buckets_dir_));
    return CopyTree(from, host);
  }

  const fs::path buckets_dir_;
};

}  // namespace

Status WriteDataFolders(const DataPassing& data, const std::string& seen_as) {
  std::error_code error;
  for (const fs::path& folder : {data.inputs, data.outputs}) {
    if (folder.empty()) continue;
    fs::remove_all(folder, error);  // a retry starts from nothing
    fs::create_directories(folder, error);
    if (error) return absl::FailedPreconditionError("cannot make " + folder.string() + ": " + error.message());
  }
  if (data.inputs.empty()) return absl::OkStatus();
  LiteralMap inputs;
  if (!data.inputs_path.empty()) {
    ASSIGN_OR_RETURN(const fs::path path, LocalPath(data.inputs_path));
    // No inputs.pb: the task takes no inputs.
    if (fs::exists(path, error)) {
      ASSIGN_OR_RETURN(const std::string bytes, ReadWholeFile(path));
      if (!inputs.ParseFromString(bytes))
        return absl::FailedPreconditionError("unable to read inputs from " + path.string());
    }
  }
  LiteralMap local;
  std::string json;
  RETURN_IF_ERROR(InputWriter(data.buckets_dir).WriteMap(inputs, data.inputs, seen_as, &local, &json));
  RETURN_IF_ERROR(WriteFile(data.inputs / "inputs.pb", local.SerializeAsString()));
  // JSON is YAML too: inputs.yaml holds the same document, which any YAML reader reads as copilot's.
  if (data.format == DataLoadingConfig::JSON) return WriteFile(data.inputs / "inputs.json", json);
  if (data.format == DataLoadingConfig::YAML) return WriteFile(data.inputs / "inputs.yaml", json + "\n");
  return absl::OkStatus();
}

}  // namespace flyte::plugins

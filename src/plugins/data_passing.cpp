#include "plugins/data_passing.h"

#include <absl/strings/ascii.h>
#include <absl/strings/escaping.h>
#include <absl/strings/numbers.h>
#include <absl/time/time.h>
#include <unistd.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <sstream>

#include "flyteidl/core/errors.pb.h"
#include "plugins/attempt_command.h"

namespace flyte::plugins {
namespace {

namespace fs = std::filesystem;
using flyteidl::core::DataLoadingConfig;
using flyteidl::core::Literal;
using flyteidl::core::LiteralMap;
using flyteidl::core::LiteralType;
using flyteidl::core::Primitive;
using flyteidl::core::Scalar;
using flyteidl::core::SimpleType;

// Copilot reads a primitive output from a file of at most this many bytes.
constexpr std::uintmax_t kMaxPrimitiveSize = 1024;
constexpr std::string_view kErrorFile = "_ERROR";

std::string JsonString(std::string_view text) {
  std::string out = "\"";
  for (const char c : text) {
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      default:
        if (static_cast<unsigned char>(c) < 0x20) {
          char escaped[8];
          std::snprintf(escaped, sizeof escaped, "\\u%04x", c);
          out += escaped;
        } else {
          out += c;
        }
    }
  }
  return out + "\"";
}

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
    *out += (i == 0 ? "" : ",") + JsonString(keys[i]) + ":";
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
      *out += JsonString(value.string_value());
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

Status WriteFile(const fs::path& path, std::string_view bytes) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  if (!out || !out.write(bytes.data(), static_cast<std::streamsize>(bytes.size())) || !out.flush()) {
    return absl::FailedPreconditionError("cannot write " + path.string());
  }
  return absl::OkStatus();
}

// Written whole or not at all: the engine may read it at any moment after the task's end.
Status WriteFileAtomically(const fs::path& path, std::string_view bytes) {
  const fs::path temporary = path.string() + ".tmp-" + std::to_string(::getpid());
  std::error_code error;
  fs::create_directories(path.parent_path(), error);
  RETURN_IF_ERROR(WriteFile(temporary, bytes));
  fs::rename(temporary, path, error);
  if (error) return absl::FailedPreconditionError("cannot write " + path.string() + ": " + error.message());
  return absl::OkStatus();
}

StatusOr<std::string> ReadWholeFile(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream bytes;
  if (!in || !(bytes << in.rdbuf())) return absl::FailedPreconditionError("cannot read " + path.string());
  return bytes.str();
}

// Copies a file, or a folder with everything in it, to `to` (replacing what was there).
Status CopyTree(const fs::path& from, const fs::path& to) {
  std::error_code error;
  fs::remove_all(to, error);
  fs::create_directories(to.parent_path(), error);
  if (fs::is_directory(from, error)) {
    fs::copy(from, to, fs::copy_options::recursive, error);
  } else {
    fs::copy_file(from, to, error);
  }
  if (error) return absl::FailedPreconditionError("copying " + from.string() + ": " + error.message());
  return absl::OkStatus();
}

// Lays one input out as copilot's downloader does: `host` is where it goes on this machine, `seen`
// the same place as the task sees it. `local` gets the literal with blobs named by `seen`, `json`
// its value as copilot's inputs.json holds it.
class InputWriter {
 public:
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
      *json += (i == 0 ? "" : ",") + JsonString(names[i]) + ":";
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
        *json += JsonString(seen);
        return absl::OkStatus();
      case Scalar::kSchema:  // a folder of files, as copilot treats it
        RETURN_IF_ERROR(CopyBlob(scalar.schema().uri(), host));
        local->mutable_schema()->set_uri(seen);
        *json += JsonString(seen);
        return absl::OkStatus();
      case Scalar::kBinary:
        *json += JsonString(absl::Base64Escape(scalar.binary().value()));
        return WriteFile(host, scalar.binary().value());
      case Scalar::kError:
        *json += JsonString(scalar.error().message());
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
        *json += JsonString(text);
        break;
      case Primitive::kBoolean:
        text = primitive.boolean() ? "true" : "false";
        *json += text;
        break;
      case Primitive::kDatetime:
        text = Rfc3339Nano(primitive.datetime());
        *json += JsonString(text);
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

  static Status CopyBlob(const std::string& uri, const fs::path& host) {
    ASSIGN_OR_RETURN(const fs::path from, LocalPath(uri));
    return CopyTree(from, host);
  }
};

// An output's file, or the one file named `<name>.<extension>` when there is no `<name>` (copilot
// lets a task add an extension). The error names the file as the task does.
StatusOr<fs::path> OutputFile(const DataPassing& data, const std::string& name) {
  std::error_code error;
  const fs::path& folder = data.outputs;
  const fs::path exact = folder / name;
  if (fs::exists(exact, error)) return exact;
  std::vector<fs::path> matches;
  for (const auto& entry : fs::directory_iterator(folder, error)) {
    if (entry.path().filename().string().rfind(name + ".", 0) == 0) matches.push_back(entry.path());
  }
  if (matches.size() == 1) return matches.front();
  return absl::NotFoundError("file not found at path [" + (fs::path(data.task_outputs) / name).string() + "]");
}

StatusOr<Primitive> ParsePrimitive(SimpleType type, const std::string& text) {
  Primitive primitive;
  switch (type) {
    case flyteidl::core::INTEGER: {
      int64_t value = 0;
      if (!absl::SimpleAtoi(text, &value)) return absl::InvalidArgumentError("failed to parse integer value");
      primitive.set_integer(value);
      return primitive;
    }
    case flyteidl::core::FLOAT: {
      double value = 0;
      if (!absl::SimpleAtod(text, &value)) return absl::InvalidArgumentError("failed to parse Float value");
      primitive.set_float_value(value);
      return primitive;
    }
    case flyteidl::core::BOOLEAN: {
      // Go's strconv.ParseBool.
      for (const std::string_view yes : {"1", "t", "T", "TRUE", "true", "True"}) {
        if (text == yes) primitive.set_boolean(true);
      }
      if (primitive.has_boolean()) return primitive;
      for (const std::string_view no : {"0", "f", "F", "FALSE", "false", "False"}) {
        if (text == no) primitive.set_boolean(false);
      }
      if (primitive.has_boolean()) return primitive;
      return absl::InvalidArgumentError("failed to parse Bool value");
    }
    case flyteidl::core::STRING:
      primitive.set_string_value(text);
      return primitive;
    case flyteidl::core::DURATION: {
      absl::Duration value;
      if (!absl::ParseDuration(text, &value)) {
        return absl::InvalidArgumentError("failed to parse Duration, valid formats: e.g. 300ms, -1.5h, 2h45m");
      }
      primitive.mutable_duration()->set_seconds(absl::IDivDuration(value, absl::Seconds(1), &value));
      primitive.mutable_duration()->set_nanos(static_cast<int32_t>(absl::ToInt64Nanoseconds(value)));
      return primitive;
    }
    case flyteidl::core::DATETIME: {
      absl::Time value;
      std::string error;
      if (!absl::ParseTime(absl::RFC3339_full, text, &value, &error)) {
        return absl::InvalidArgumentError("failed to parse Datetime in RFC3339 format");
      }
      const absl::Duration since = value - absl::UnixEpoch();
      absl::Duration rest;
      primitive.mutable_datetime()->set_seconds(absl::IDivDuration(since, absl::Seconds(1), &rest));
      if (rest < absl::ZeroDuration()) {  // a Timestamp's nanos are never negative
        primitive.mutable_datetime()->set_seconds(primitive.datetime().seconds() - 1);
        rest += absl::Seconds(1);
      }
      primitive.mutable_datetime()->set_nanos(static_cast<int32_t>(absl::ToInt64Nanoseconds(rest)));
      return primitive;
    }
    default:
      return absl::InvalidArgumentError("unsupported type " + flyteidl::core::SimpleType_Name(type));
  }
}

// One declared output read back from the task's file, as copilot's uploader does.
StatusOr<Literal> ReadOutput(const DataPassing& data, const std::string& name, const LiteralType& type) {
  ASSIGN_OR_RETURN(const fs::path file, OutputFile(data, name));
  std::error_code error;
  Literal literal;
  if (type.has_blob()) {
    const std::string uri = data.raw_output_prefix + "/" + name;
    ASSIGN_OR_RETURN(const fs::path to, LocalPath(uri));
    RETURN_IF_ERROR(CopyTree(file, to));
    auto* blob = literal.mutable_scalar()->mutable_blob();
    blob->set_uri(uri);
    *blob->mutable_metadata()->mutable_type() = type.blob();
    blob->mutable_metadata()->mutable_type()->set_dimensionality(
        fs::is_directory(file, error) ? flyteidl::core::BlobType::MULTIPART : flyteidl::core::BlobType::SINGLE);
    return literal;
  }
  if (!type.has_simple()) {
    return absl::InvalidArgumentError("data passing does not read outputs of type " + type.ShortDebugString() +
                                      " (Flyte's copilot reads primitives and blobs)");
  }
  if (fs::is_directory(file, error)) {
    return absl::InvalidArgumentError("expected file for type [" + SimpleType_Name(type.simple()) +
                                      "], found dir at path [" + file.string() + "]");
  }
  if (const std::uintmax_t size = fs::file_size(file, error); size > kMaxPrimitiveSize) {
    return absl::InvalidArgumentError("maximum allowed filesize is [1024], but found [" + std::to_string(size) + "]");
  }
  ASSIGN_OR_RETURN(std::string text, ReadWholeFile(file));
  text = std::string(absl::StripAsciiWhitespace(text));
  switch (type.simple()) {
    case flyteidl::core::NONE:
      literal.mutable_scalar()->mutable_none_type();
      return literal;
    case flyteidl::core::ERROR:
      literal.mutable_scalar()->mutable_error()->set_message(text);
      return literal;
    case flyteidl::core::BINARY:
      literal.mutable_scalar()->mutable_binary()->set_value(text);
      literal.mutable_scalar()->mutable_binary()->set_tag("msgpack");
      return literal;
    default: {
      StatusOr<Primitive> primitive = ParsePrimitive(type.simple(), text);
      if (!primitive.ok()) {
        return absl::InvalidArgumentError("output \"" + name + "\": " + std::string(primitive.status().message()) +
                                          " from " + file.string());
      }
      *literal.mutable_scalar()->mutable_primitive() = *std::move(primitive);
      return literal;
    }
  }
}

// The outputs as a literal map: the task's own outputs.pb, else one literal per declared output.
StatusOr<std::string> OutputsDocument(const DataPassing& data) {
  std::error_code error;
  if (fs::exists(data.outputs / "outputs.pb", error)) return ReadWholeFile(data.outputs / "outputs.pb");
  LiteralMap outputs;
  for (const auto& [name, variable] : data.output_variables.variables()) {
    ASSIGN_OR_RETURN(Literal literal, ReadOutput(data, name, variable.type()));
    (*outputs.mutable_literals())[name] = std::move(literal);
  }
  return outputs.SerializeAsString();
}

Status WriteError(const DataPassing& data, const std::string& message) {
  flyteidl::core::ErrorDocument document;
  auto* error = document.mutable_error();
  error->set_code("OutputUploadFailed");
  error->set_message(message);
  error->set_kind(flyteidl::core::ContainerError::RECOVERABLE);
  error->set_origin(flyteidl::core::ExecutionError::USER);
  ASSIGN_OR_RETURN(const fs::path prefix, LocalPath(data.output_prefix));
  return WriteFileAtomically(prefix / "error.pb", document.SerializeAsString());
}

// Replaces `from` in `text` where it names a path (followed by nothing, or by "/").
std::string ReplacePathPrefix(std::string text, const std::string& from, const std::string& to) {
  if (from.empty()) return text;
  for (size_t at = text.find(from); at != std::string::npos; at = text.find(from, at)) {
    const size_t end = at + from.size();
    const bool whole = (end == text.size() || text[end] == '/' ||
                        !(absl::ascii_isalnum(text[end]) || text[end] == '_' || text[end] == '-' || text[end] == '.'));
    if (!whole) {
      at = end;
      continue;
    }
    text.replace(at, from.size(), to);
    at += to.size();
  }
  return text;
}

}  // namespace

std::optional<DataPassing> DataPassingFor(const TaskAttempt& attempt) {
  const DataLoadingConfig& config = attempt.task.container().data_config();
  if (!config.enabled() || (config.input_path().empty() && config.output_path().empty())) return std::nullopt;
  DataPassing data;
  const fs::path base = fs::absolute(fs::path(attempt.log_dir) / "data");
  if (!config.input_path().empty()) data.inputs = base / "inputs";
  if (!config.output_path().empty()) data.outputs = base / "outputs";
  data.task_inputs = config.input_path();
  data.task_outputs = config.output_path();
  data.format = config.format();
  data.inputs_path = attempt.inputs_path;
  data.output_prefix = attempt.output_prefix;
  data.raw_output_prefix = attempt.raw_output_prefix;
  data.output_variables = attempt.task.interface().outputs();
  return data;
}

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
  RETURN_IF_ERROR(InputWriter().WriteMap(inputs, data.inputs, seen_as, &local, &json));
  RETURN_IF_ERROR(WriteFile(data.inputs / "inputs.pb", local.SerializeAsString()));
  // JSON is YAML too: inputs.yaml holds the same document, which any YAML reader reads as copilot's.
  if (data.format == DataLoadingConfig::JSON) return WriteFile(data.inputs / "inputs.json", json);
  if (data.format == DataLoadingConfig::YAML) return WriteFile(data.inputs / "inputs.yaml", json + "\n");
  return absl::OkStatus();
}

Status CollectOutputs(const DataPassing& data) {
  if (data.outputs.empty()) return absl::OkStatus();
  std::error_code error;
  if (fs::exists(data.outputs / kErrorFile, error)) {
    ASSIGN_OR_RETURN(const std::string text, ReadWholeFile(data.outputs / kErrorFile));
    return WriteError(data, "User Error: " + text);
  }
  const StatusOr<std::string> outputs = OutputsDocument(data);
  if (!outputs.ok()) return WriteError(data, std::string(outputs.status().message()));
  ASSIGN_OR_RETURN(const fs::path prefix, LocalPath(data.output_prefix));
  return WriteFileAtomically(prefix / "outputs.pb", *outputs);
}

std::vector<std::string> MapDataPaths(std::vector<std::string> line, const DataPassing& data) {
  for (std::string& entry : line) {
    if (!data.inputs.empty()) entry = ReplacePathPrefix(std::move(entry), data.task_inputs, data.inputs.string());
    if (!data.outputs.empty()) entry = ReplacePathPrefix(std::move(entry), data.task_outputs, data.outputs.string());
  }
  return line;
}

}  // namespace flyte::plugins

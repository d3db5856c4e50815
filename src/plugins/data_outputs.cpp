// Data passing's outputs (data_passing.h): the output folder read back as copilot's uploader does.
#include <absl/strings/ascii.h>
#include <absl/strings/numbers.h>
#include <absl/time/time.h>

#include "flyteidl/core/errors.pb.h"
#include "plugins/attempt_command.h"
#include "plugins/data_files.h"
#include "plugins/data_passing.h"

namespace flyte::plugins {
namespace {

namespace fs = std::filesystem;
using flyteidl::core::Literal;
using flyteidl::core::LiteralMap;
using flyteidl::core::LiteralType;
using flyteidl::core::Primitive;
using flyteidl::core::SimpleType;

// Copilot reads a primitive output from a file of at most this many bytes.
constexpr std::uintmax_t kMaxPrimitiveSize = 1024;
constexpr std::string_view kErrorFile = "_ERROR";

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
    ASSIGN_OR_RETURN(const fs::path to, DataPath(uri, data.buckets_dir));
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

}  // namespace

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

}  // namespace flyte::plugins

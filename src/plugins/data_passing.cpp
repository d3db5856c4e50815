#include "plugins/data_passing.h"

#include <absl/strings/ascii.h>

namespace flyte::plugins {
namespace {

namespace fs = std::filesystem;
using flyteidl::core::DataLoadingConfig;

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
  data.buckets_dir = attempt.buckets_dir;
  data.output_variables = attempt.task.interface().outputs();
  return data;
}

std::vector<std::string> MapDataPaths(std::vector<std::string> line, const DataPassing& data) {
  for (std::string& entry : line) {
    if (!data.inputs.empty()) entry = ReplacePathPrefix(std::move(entry), data.task_inputs, data.inputs.string());
    if (!data.outputs.empty()) entry = ReplacePathPrefix(std::move(entry), data.task_outputs, data.outputs.string());
  }
  return line;
}

}  // namespace flyte::plugins

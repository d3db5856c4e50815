#include "plugins/template_args.h"

#include <algorithm>
#include <cstdint>
#include <string_view>
#include <utility>

#include "plugins/literal_text.h"
#include "plugins/template_placeholders.h"

namespace flyte::plugins {
namespace {

namespace core = flyteidl::core;

// ReplaceAllStringFunc of the inputs regex; every failing reference is reported, as Go collects them.
StatusOr<std::string> ReplaceInputReferences(std::string_view text, const core::LiteralMap& inputs) {
  std::string out;
  std::string errors;
  size_t copied = 0;
  for (size_t pos = text.find('{'); pos != std::string_view::npos; pos = text.find('{', pos)) {
    const InputReference reference = MatchInputReference(text, pos);
    if (reference.length == 0) {
      ++pos;
      continue;
    }
    out.append(text.substr(copied, pos - copied));
    StatusOr<std::string> value = InputText(reference.name, inputs);
    if (value.ok()) {
      out.append(*value);
    } else {
      if (!errors.empty()) errors += "; ";
      errors += "input template [" + std::string(text.substr(pos, reference.length)) +
                "]: " + std::string(value.status().message());
    }
    pos += reference.length;
    copied = pos;
  }
  if (!errors.empty()) return absl::InvalidArgumentError(errors);
  out.append(text.substr(copied));
  return out;
}

uint32_t Fnv32a(std::string_view text) {
  uint32_t hash = 2166136261u;
  for (char c : text) {
    hash ^= static_cast<uint8_t>(c);
    hash *= 16777619u;
  }
  return hash;
}

// template.go: a leading run of characters other than letters and `_` becomes "a", then every run
// of characters other than letters, digits and `_` becomes "_".
std::string PerRetryUniqueKey(std::string_view generated_name) {
  auto is_alpha = [](char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_'; };
  auto is_alnum = [&](char c) { return is_alpha(c) || (c >= '0' && c <= '9'); };
  std::string key;
  size_t start = 0;
  while (start < generated_name.size() && !is_alpha(generated_name[start])) ++start;
  if (start > 0) key = "a";
  for (size_t i = start; i < generated_name.size(); ++i) {
    if (is_alnum(generated_name[i])) {
      key += generated_name[i];
    } else if (is_alnum(generated_name[i - 1])) {  // the first of a run; i > start as [start] is a letter
      key += '_';
    }
  }
  return key;
}

struct Substitution {
  std::string_view keyword;
  std::string value;
};

// template.go's render() order; it matters because a value may contain a later template.
std::vector<Substitution> SubstitutionsFor(const TaskAttempt& attempt) {
  return {
      {"Input", attempt.inputs_path},
      {"OutputPrefix", attempt.output_prefix},
      {"InputPrefix", attempt.input_prefix},
      {"RawOutputDataPrefix", attempt.raw_output_prefix},
      {"PrevCheckpointPrefix", attempt.prev_checkpoint_prefix.empty() ? "\"\"" : attempt.prev_checkpoint_prefix},
      {"CheckpointOutputPrefix", attempt.checkpoint_prefix},
      {"PerRetryUniqueKey", PerRetryUniqueKey(GeneratedName(attempt))},
      {"TaskTemplatePath", TaskTemplatePath(attempt)},
      // The sandbox's namespace mapping is flyteadmin's default "{{ project }}-{{ domain }}".
      {"Namespace", attempt.project + "-" + attempt.domain},
  };
}

}  // namespace

std::string GeneratedName(const TaskAttempt& attempt) {
  constexpr size_t kMaxLength = 50;  // propeller's IDMaxLength
  std::string joined;
  for (const std::string& part : {attempt.execution_name, attempt.node_id, std::to_string(attempt.attempt)}) {
    if (!joined.empty()) joined += '-';
    joined += part;
  }
  if (joined.size() <= kMaxLength) return joined;
  const uint32_t hash = Fnv32a(joined);
  const char bytes[4] = {static_cast<char>(hash >> 24), static_cast<char>(hash >> 16), static_cast<char>(hash >> 8),
                         static_cast<char>(hash)};
  return "f" + PropellerBase32(std::string_view(bytes, sizeof bytes));
}

std::string PropellerBase32(std::string_view bytes) {
  constexpr std::string_view kAlphabet = "abcdefghijklmnopqrstuvwxyz123456";
  std::string out;
  uint32_t buffer = 0;
  int bits = 0;
  for (const char byte : bytes) {
    buffer = (buffer << 8) | static_cast<uint8_t>(byte);
    bits += 8;
    while (bits >= 5) {
      out += kAlphabet[(buffer >> (bits - 5)) & 0x1f];
      bits -= 5;
    }
  }
  if (bits > 0) out += kAlphabet[(buffer << (5 - bits)) & 0x1f];
  return out;
}

std::string TaskTemplatePath(const TaskAttempt& attempt) {
  std::string path = attempt.input_prefix;
  if (path.empty() || path.back() != '/') path += '/';
  return path + "task.pb";
}

bool ReferencesInputValues(const std::vector<std::string>& args) {
  for (const std::string& arg : args) {
    for (size_t pos = arg.find('{'); pos != std::string::npos; pos = arg.find('{', pos + 1)) {
      if (MatchInputReference(arg, pos).length != 0) return true;
    }
  }
  return false;
}

bool ReferencesTaskTemplatePath(const std::vector<std::string>& args) {
  return std::any_of(args.begin(), args.end(),
                     [](const std::string& arg) { return ContainsKeyword(arg, "TaskTemplatePath"); });
}

StatusOr<std::vector<std::string>> RenderArgs(const std::vector<std::string>& args, const TaskAttempt& attempt,
                                              const flyteidl::core::LiteralMap* inputs) {
  const std::vector<Substitution> substitutions = SubstitutionsFor(attempt);
  std::vector<std::string> rendered;
  rendered.reserve(args.size());
  for (const std::string& arg : args) {
    std::string value = arg;
    for (const Substitution& substitution : substitutions) {
      value = ReplaceKeyword(value, substitution.keyword, substitution.value);
    }
    if (inputs != nullptr && !inputs->literals().empty()) {
      ASSIGN_OR_RETURN(value, ReplaceInputReferences(value, *inputs));
    }
    rendered.push_back(std::move(value));
  }
  return rendered;
}

}  // namespace flyte::plugins

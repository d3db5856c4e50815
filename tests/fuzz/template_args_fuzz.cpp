// A task's command-line templates (plugins/template_args.cpp, template_placeholders.cpp) rendered
// with input values as propeller prints them (plugins/go_format.cpp). Input: the arguments, one a
// line, then a NUL and the inputs as a serialized flyteidl.core.LiteralMap (none when it does not
// parse). The first argument doubles as the execution name, so long names take the hashed path.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "plugins/template_args.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  const size_t nul = input.find('\0');
  std::vector<std::string> args;
  const std::string_view lines = input.substr(0, nul);
  for (size_t start = 0; start <= lines.size();) {
    const size_t end = std::min(lines.find('\n', start), lines.size());
    args.emplace_back(lines.substr(start, end - start));
    start = end + 1;
  }
  flyteidl::core::LiteralMap inputs;
  const bool has_inputs =
      nul != std::string_view::npos && inputs.ParseFromArray(data + nul + 1, static_cast<int>(size - nul - 1));

  flyte::plugins::TaskAttempt attempt;
  attempt.id = "p/d/e/n0/0";
  attempt.project = "p";
  attempt.domain = "d";
  attempt.execution_name = args.front();
  attempt.node_id = "n0";
  attempt.inputs_path = "file:///data/n0/inputs.pb";
  attempt.input_prefix = "file:///data/n0";
  attempt.output_prefix = "file:///data/n0/0";
  attempt.raw_output_prefix = "file:///raw/{{.namespace}}/e-n0-0";
  attempt.checkpoint_prefix = "file:///raw/e-n0-0/_flytecheckpoints";
  (void)flyte::plugins::ReferencesInputValues(args);
  (void)flyte::plugins::ReferencesTaskTemplatePath(args);
  (void)flyte::plugins::GeneratedName(attempt);
  (void)flyte::plugins::RenderArgs(args, attempt, has_inputs ? &inputs : nullptr);
  return 0;
}

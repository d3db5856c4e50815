// Finds Flyte's container templates in an argument as the regexes of flyteplugins'
// pluginmachinery/core/template/template.go do: `(?i){{\s*[\.$]Keyword\s*}}` (Go's Unicode case
// folding, Go's `\s`) and `{{\s*[\.$]Inputs\.name\s*}}`, matched by hand: the patterns are fixed and
// tiny, and a scanner is far cheaper than building regexes for every task start.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace flyte::plugins {

struct InputReference {
  size_t length = 0;  // 0: no match
  std::string_view name;
};

// `{{\s*[.$]Inputs\.([^}\s]+)\s*}}` at `pos`.
InputReference MatchInputReference(std::string_view text, size_t pos);

// Go's Regexp.ReplaceAllString for one keyword: leftmost, non-overlapping matches, `value`
// inserted verbatim (Go would expand `$name` inside it, which would corrupt a path that had one).
std::string ReplaceKeyword(std::string_view text, std::string_view keyword, std::string_view value);

bool ContainsKeyword(std::string_view text, std::string_view keyword);

}  // namespace flyte::plugins

// Percent-encoding and query strings, shared by the URLs we sign and the HTTP server that reads them.
#pragma once

#include <map>
#include <string>
#include <string_view>

#include "common/status.h"

namespace flyte {

// Encodes everything but unreserved characters; keeps '/' when `keep_slash`.
std::string PercentEncode(std::string_view text, bool keep_slash);
// INVALID_ARGUMENT on a malformed escape, saying where but not quoting the text. '+' stays '+'
// unless `plus_is_space` (query strings).
StatusOr<std::string> PercentDecode(std::string_view text, bool plus_is_space = false);

// "a=1&b=x%20y" → {a:1, b:"x y"}; repeated keys keep every value in order. An error names the
// parameter (when its name is an identifier), never its value.
StatusOr<std::multimap<std::string, std::string>> ParseQuery(std::string_view query);

}  // namespace flyte

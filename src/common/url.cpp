#include "common/url.h"

#include <algorithm>

namespace flyte {
namespace {

bool Unreserved(unsigned char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '.' ||
         c == '_' || c == '~';
}

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// A parameter's name as an error message may repeat it: names of forms and queries are
// identifiers (sort_by.key, client_secret); anything else may be a value sent without its '='.
std::string ParameterName(std::string_view key) {
  constexpr size_t kMaxNameBytes = 64;
  const bool identifier =
      !key.empty() && key.size() <= kMaxNameBytes && std::all_of(key.begin(), key.end(), [](char c) {
        return Unreserved(static_cast<unsigned char>(c)) || c == '[' || c == ']';
      });
  return identifier ? "parameter " + std::string(key) : "a parameter";
}

}  // namespace

std::string PercentEncode(std::string_view text, bool keep_slash) {
  static constexpr char kDigits[] = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : text) {
    if (Unreserved(c) || (keep_slash && c == '/')) {
      out.push_back(static_cast<char>(c));
    } else {
      out.push_back('%');
      out.push_back(kDigits[c >> 4]);
      out.push_back(kDigits[c & 0xf]);
    }
  }
  return out;
}

StatusOr<std::string> PercentDecode(std::string_view text, bool plus_is_space) {
  std::string out;
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '%') {
      // Where, never what: the text may be a secret (the token endpoint's client_secret) or
      // megabytes long.
      if (i + 2 >= text.size()) {
        return absl::InvalidArgumentError("truncated percent escape at byte " + std::to_string(i));
      }
      int high = HexValue(text[i + 1]);
      int low = HexValue(text[i + 2]);
      if (high < 0 || low < 0) return absl::InvalidArgumentError("bad percent escape at byte " + std::to_string(i));
      out.push_back(static_cast<char>(high * 16 + low));
      i += 2;
    } else if (plus_is_space && text[i] == '+') {
      out.push_back(' ');
    } else {
      out.push_back(text[i]);
    }
  }
  return out;
}

StatusOr<std::multimap<std::string, std::string>> ParseQuery(std::string_view query) {
  std::multimap<std::string, std::string> out;
  size_t start = 0;
  while (start < query.size()) {
    size_t end = query.find('&', start);
    if (end == std::string_view::npos) end = query.size();
    std::string_view pair = query.substr(start, end - start);
    if (!pair.empty()) {
      size_t eq = pair.find('=');
      auto key = PercentDecode(pair.substr(0, eq), true);
      if (!key.ok()) return absl::InvalidArgumentError("a parameter name: " + std::string(key.status().message()));
      std::string value;
      if (eq != std::string_view::npos) {
        auto decoded = PercentDecode(pair.substr(eq + 1), true);
        if (!decoded.ok()) {
          return absl::InvalidArgumentError(ParameterName(*key) + ": " + std::string(decoded.status().message()));
        }
        value = *std::move(decoded);
      }
      out.emplace(*std::move(key), std::move(value));
    }
    start = end + 1;
  }
  return out;
}

}  // namespace flyte

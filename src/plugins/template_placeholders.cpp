#include "plugins/template_placeholders.h"

namespace flyte::plugins {
namespace {

// Go's `\s` (RE2 Perl class): tab, newline, form feed, carriage return and space; not \v.
bool IsBlank(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\f' || c == '\r'; }

size_t SkipBlanks(std::string_view text, size_t pos) {
  while (pos < text.size() && IsBlank(text[pos])) ++pos;
  return pos;
}

char AsciiLower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

// Bytes of text[pos...] matching the ASCII letter `c` under Go's (?i), 0 if none. Go folds case by
// Unicode rules, so KELVIN SIGN (U+212A) matches k and LONG S (U+017F) matches s.
size_t MatchFolded(std::string_view text, size_t pos, char c) {
  if (pos < text.size() && AsciiLower(text[pos]) == AsciiLower(c)) return 1;
  const char lower = AsciiLower(c);
  if (lower == 'k' && text.substr(pos, 3) == "\xE2\x84\xAA") return 3;
  if (lower == 's' && text.substr(pos, 2) == "\xC5\xBF") return 2;
  return 0;
}

// Position after `{{\s*[.$]<keyword>` at `pos`, or npos.
size_t MatchOpening(std::string_view text, size_t pos, std::string_view keyword) {
  if (text.substr(pos, 2) != "{{") return std::string_view::npos;
  pos = SkipBlanks(text, pos + 2);
  if (pos >= text.size() || (text[pos] != '.' && text[pos] != '$')) return std::string_view::npos;
  ++pos;
  for (char c : keyword) {
    const size_t matched = MatchFolded(text, pos, c);
    if (matched == 0) return std::string_view::npos;
    pos += matched;
  }
  return pos;
}

// Position after `\s*}}` at `pos`, or npos.
size_t MatchClosing(std::string_view text, size_t pos) {
  pos = SkipBlanks(text, pos);
  return text.substr(pos, 2) == "}}" ? pos + 2 : std::string_view::npos;
}

// Length of `{{\s*[.$]<keyword>\s*}}` at `pos`, 0 if it does not match there.
size_t MatchKeyword(std::string_view text, size_t pos, std::string_view keyword) {
  const size_t after_keyword = MatchOpening(text, pos, keyword);
  if (after_keyword == std::string_view::npos) return 0;
  const size_t end = MatchClosing(text, after_keyword);
  return end == std::string_view::npos ? 0 : end - pos;
}

}  // namespace

// `{{\s*[.$]Inputs\.([^}\s]+)\s*}}` at `pos`. The name cannot contain `}` or a blank, so the greedy
// run is the only candidate: no backtracking is needed to agree with the regex.
InputReference MatchInputReference(std::string_view text, size_t pos) {
  const size_t name_begin = MatchOpening(text, pos, "Inputs.");
  if (name_begin == std::string_view::npos) return {};
  size_t name_end = name_begin;
  while (name_end < text.size() && text[name_end] != '}' && !IsBlank(text[name_end])) ++name_end;
  if (name_end == name_begin) return {};
  const size_t end = MatchClosing(text, name_end);
  if (end == std::string_view::npos) return {};
  return {end - pos, text.substr(name_begin, name_end - name_begin)};
}

// Go's Regexp.ReplaceAllString for one keyword: leftmost, non-overlapping matches. (Go would also
// expand `$name` inside `value`; paths here never contain `$`, and expanding them would corrupt a
// path that did, so values are inserted verbatim.)
std::string ReplaceKeyword(std::string_view text, std::string_view keyword, std::string_view value) {
  std::string out;
  size_t copied = 0;
  for (size_t pos = text.find('{'); pos != std::string_view::npos; pos = text.find('{', pos)) {
    const size_t length = MatchKeyword(text, pos, keyword);
    if (length == 0) {
      ++pos;
      continue;
    }
    out.append(text.substr(copied, pos - copied)).append(value);
    pos += length;
    copied = pos;
  }
  if (copied == 0) return std::string(text);
  out.append(text.substr(copied));
  return out;
}

bool ContainsKeyword(std::string_view text, std::string_view keyword) {
  for (size_t pos = text.find('{'); pos != std::string_view::npos; pos = text.find('{', pos + 1)) {
    if (MatchKeyword(text, pos, keyword) != 0) return true;
  }
  return false;
}

}  // namespace flyte::plugins

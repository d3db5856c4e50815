#include "common/log_format.h"

#include <time.h>

#include <array>
#include <cmath>
#include <cstdio>

#include "common/text.h"

namespace flyte::log {
namespace {

constexpr std::array<std::string_view, 4> kLevelNames{"debug", "info", "warn", "error"};

char Lower(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }

bool StartsWithNoCase(std::string_view text, std::string_view prefix) {
  if (text.size() < prefix.size()) return false;
  for (size_t i = 0; i < prefix.size(); ++i) {
    if (Lower(text[i]) != prefix[i]) return false;
  }
  return true;
}

bool IsWordChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-' || c == '.';
}

// Where a value inside text ends: at white space, a quote, a bracket or a separator.
bool EndsValue(char c) {
  return static_cast<unsigned char>(c) <= ' ' || c == '"' || c == '\'' || c == '<' || c == '>' || c == ',' ||
         c == ';' || c == ')' || c == ']' || c == '}';
}

size_t ValueEnd(std::string_view text, size_t from, bool stop_at_ampersand) {
  size_t end = from;
  while (end < text.size() && !EndsValue(text[end]) && !(stop_at_ampersand && text[end] == '&')) ++end;
  return end;
}

// The length of the UTF-8 sequence at `at` when it is well formed, else 0.
size_t Utf8Length(std::string_view text, size_t at) {
  const auto lead = static_cast<unsigned char>(text[at]);
  const size_t length = lead < 0x80 ? 1 : lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : lead >= 0xC0 ? 2 : 0;
  if (length == 0 || at + length > text.size()) return 0;
  return IsValidUtf8(text.substr(at, length)) ? length : 0;
}

void AppendHexByte(std::string& out, std::string_view prefix, unsigned char byte) {
  char hex[8];
  std::snprintf(hex, sizeof hex, "%02x", byte);
  out += prefix;
  out += hex;
}

// How a quoted value writes what cannot stand as it is: `control` and two hex digits for a control
// byte; `invalid` for a byte that is not UTF-8, or `control` and its hex when `invalid` is empty.
struct Escapes {
  std::string_view control;
  std::string_view invalid;
};
constexpr Escapes kJsonEscapes{"\\u00", "\\ufffd"};  // U+FFFD keeps the line valid JSON
constexpr Escapes kTextEscapes{"\\x", ""};           // Go's escapes, as logfmt readers expect

// `text` in double quotes; quotes, backslashes, \n \r \t and the bytes above escaped, so an event
// never spans lines.
void AppendQuoted(std::string& out, std::string_view text, const Escapes& escapes) {
  out += '"';
  for (size_t i = 0; i < text.size();) {
    const char c = text[i];
    const auto byte = static_cast<unsigned char>(c);
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (c == '\n') {
      out += "\\n";
    } else if (c == '\r') {
      out += "\\r";
    } else if (c == '\t') {
      out += "\\t";
    } else if (byte < 0x20 || byte == 0x7f) {
      AppendHexByte(out, escapes.control, byte);
    } else if (const size_t length = Utf8Length(text, i); length == 0) {
      if (escapes.invalid.empty()) {
        AppendHexByte(out, escapes.control, byte);
      } else {
        out += escapes.invalid;
      }
    } else {
      out.append(text.substr(i, length));
      i += length;
      continue;
    }
    ++i;
  }
  out += '"';
}

bool NeedsQuotes(std::string_view text) {
  if (text.empty()) return true;
  for (char c : text) {
    const auto byte = static_cast<unsigned char>(c);
    if (byte <= ' ' || byte >= 0x7f || c == '"' || c == '=' || c == '\\') return true;
  }
  return false;
}

// A logfmt value: bare when it is plain, else quoted.
void AppendTextValue(std::string& out, std::string_view text) {
  if (NeedsQuotes(text)) {
    AppendQuoted(out, text, kTextEscapes);
  } else {
    out.append(text);
  }
}

// Keys are ours, but one with a space or quote would break the line: such characters become '_'.
void AppendKey(std::string& out, std::string_view key) {
  for (char c : key) out += IsWordChar(c) ? c : '_';
}

std::string Rfc3339Millis(std::chrono::system_clock::time_point time) {
  const auto millis = std::chrono::duration_cast<std::chrono::milliseconds>(time.time_since_epoch()).count();
  const time_t seconds = static_cast<time_t>(millis / 1000);
  tm utc{};
  gmtime_r(&seconds, &utc);
  char text[64];  // room for any int the compiler sees, though years have four digits
  std::snprintf(text, sizeof text, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", utc.tm_year + 1900, utc.tm_mon + 1,
                utc.tm_mday, utc.tm_hour, utc.tm_min, utc.tm_sec, static_cast<int>(millis % 1000));
  return text;
}

// Three decimals (durations in milliseconds); null for what JSON has no number for.
std::string Number(double number) {
  if (!std::isfinite(number)) return "null";
  char text[40];
  std::snprintf(text, sizeof text, "%.3f", number);
  return text;
}

class LineWriter {
 public:
  LineWriter(Format format, const Redactor& redactor) : format_(format), redactor_(redactor) {
    if (format_ == Format::kJson) line_ += '{';
  }

  // A value of ours that needs no redaction (time, level, component).
  void Plain(std::string_view key, std::string_view text) {
    Key(key);
    Text(text);
  }

  void Add(const Field& field) {
    Key(field.key());
    const bool secret = Redactor::IsSecretKey(field.key());
    std::visit(
        [&](const auto& value) {
          using T = std::decay_t<decltype(value)>;
          if constexpr (std::is_same_v<T, std::string_view>) {
            Text(secret ? std::string(kRedacted) : redactor_.Text(value));
          } else if constexpr (std::is_same_v<T, bool>) {
            line_ += value ? "true" : "false";
          } else if constexpr (std::is_same_v<T, double>) {
            line_ += Number(value);
          } else {
            line_ += std::to_string(value);
          }
        },
        field.value());
  }

  std::string Finish() && {
    line_ += format_ == Format::kJson ? "}\n" : "\n";
    return std::move(line_);
  }

 private:
  void Key(std::string_view key) {
    if (format_ == Format::kJson) {
      if (line_.size() > 1) line_ += ',';
      line_ += '"';
      AppendKey(line_, key);
      line_ += "\":";
    } else {
      if (!line_.empty()) line_ += ' ';
      AppendKey(line_, key);
      line_ += '=';
    }
  }

  void Text(std::string_view text) {
    if (format_ == Format::kJson) {
      AppendQuoted(line_, text, kJsonEscapes);
    } else {
      AppendTextValue(line_, text);
    }
  }

  const Format format_;
  const Redactor& redactor_;
  std::string line_;
};

}  // namespace

std::optional<Level> ParseLevel(std::string_view name) {
  for (size_t i = 0; i < kLevelNames.size(); ++i) {
    if (name == kLevelNames[i]) return static_cast<Level>(i);
  }
  return std::nullopt;
}

std::optional<Format> ParseFormat(std::string_view name) {
  if (name == "text") return Format::kText;
  if (name == "json") return Format::kJson;
  return std::nullopt;
}

std::string JsonQuoted(std::string_view text) {
  std::string out;
  AppendQuoted(out, text, kJsonEscapes);
  return out;
}

std::string_view LevelName(Level level) { return kLevelNames[static_cast<size_t>(level)]; }

bool Redactor::IsSecretKey(std::string_view key) {
  static constexpr std::array<std::string_view, 8> kSecretWords{"authorization", "secret", "password",    "token",
                                                                "signature",     "cookie", "signing_key", "credential"};
  std::string lower(key.size(), ' ');
  for (size_t i = 0; i < key.size(); ++i) lower[i] = Lower(key[i]);
  for (std::string_view word : kSecretWords) {
    if (lower.find(word) != std::string::npos) return true;
  }
  return false;
}

std::string Redactor::Text(std::string_view text) const {
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size();) {
    const std::string_view rest = text.substr(i);
    const bool word_start = i == 0 || !IsWordChar(text[i - 1]);
    bool known = false;
    for (const std::string& secret : secrets_) {
      if (rest.starts_with(secret)) {
        out += kRedacted;
        i += secret.size();
        known = true;
        break;
      }
    }
    if (known) continue;
    // An Authorization header's scheme stays; its credential goes.
    if (word_start && (StartsWithNoCase(rest, "bearer ") || StartsWithNoCase(rest, "basic "))) {
      const size_t credential = i + rest.find(' ') + 1;
      const size_t end = ValueEnd(text, credential, false);
      out.append(text.substr(i, credential - i));
      if (end > credential) out += kRedacted;
      i = end;
      continue;
    }
    // A JWT: base64url segments joined by dots, the first one a JSON object ("eyJ" is `{"`).
    if (word_start && rest.starts_with("eyJ")) {
      size_t end = i;
      while (end < text.size() && IsWordChar(text[end])) ++end;
      if (text.substr(i, end - i).find('.') != std::string_view::npos) {
        out += kRedacted;
        i = end;
        continue;
      }
    }
    // A URL's query string (a signed URL's expiry and signature, say) goes whole.
    if (text[i] == '?' && i > 0 && !EndsValue(text[i - 1])) {
      const size_t end = ValueEnd(text, i + 1, false);
      if (text.substr(i + 1, end - i - 1).find('=') != std::string_view::npos) {
        out += '?';
        out += kRedacted;
        i = end;
        continue;
      }
    }
    // `client_secret=…`, `signature=…` in a form body or a message.
    if (text[i] == '=') {
      size_t key_start = i;
      while (key_start > 0 && IsWordChar(text[key_start - 1])) --key_start;
      if (key_start < i && IsSecretKey(text.substr(key_start, i - key_start))) {
        out += '=';
        out += kRedacted;
        i = ValueEnd(text, i + 1, true);
        continue;
      }
    }
    out += text[i++];
  }
  return out;
}

std::string FormatEvent(const EventRecord& event, Format format, const Redactor& redactor) {
  LineWriter line(format, redactor);
  line.Plain("time", Rfc3339Millis(event.time));
  line.Plain("level", LevelName(event.level));
  line.Plain("component", event.component);
  line.Add(Field("msg", event.message));
  if (!event.request_id.empty()) line.Add(Field("request_id", event.request_id));
  for (const Field& field : event.fields) line.Add(field);
  return std::move(line).Finish();
}

}  // namespace flyte::log

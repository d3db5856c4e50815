// How one log event becomes one line: logfmt text (`time=… level=info component=server msg="…"
// key=value`) or a JSON object, newlines and quotes escaped so an event never spans lines, and
// redacted: no secret, bearer token, JWT or signed URL query string survives into the line.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <type_traits>
#include <variant>
#include <vector>

namespace flyte::log {

enum class Level { kDebug, kInfo, kWarn, kError };
enum class Format { kText, kJson };

// "debug", "info", "warn", "error" / "text", "json"; nullopt for anything else.
std::optional<Level> ParseLevel(std::string_view name);
std::optional<Format> ParseFormat(std::string_view name);
std::string_view LevelName(Level level);

// `text` as a JSON string, quoted as the log's JSON lines quote it (control bytes \u00XX, a byte
// that is not UTF-8 U+FFFD): for any JSON the sandbox writes by hand.
std::string JsonQuoted(std::string_view text);

// One typed key=value of an event. It holds a view of a text value: build it in the call that
// logs, never keep it.
class Field {
 public:
  using Value = std::variant<std::string_view, int64_t, uint64_t, double, bool>;

  Field(std::string_view key, std::string_view text) : key_(key), value_(text) {}
  Field(std::string_view key, const char* text) : key_(key), value_(std::string_view(text)) {}
  Field(std::string_view key, const std::string& text) : key_(key), value_(std::string_view(text)) {}
  Field(std::string_view key, bool flag) : key_(key), value_(flag) {}
  Field(std::string_view key, double number) : key_(key), value_(number) {}
  template <class Integer>
  requires(std::is_integral_v<Integer> && !std::is_same_v<Integer, bool>) Field(std::string_view key, Integer number)
      : key_(key), value_(Widen(number)) {}

  std::string_view key() const { return key_; }
  const Value& value() const { return value_; }

 private:
  template <class Integer>
  static Value Widen(Integer number) {
    if constexpr (std::is_signed_v<Integer>) return static_cast<int64_t>(number);
    return static_cast<uint64_t>(number);
  }

  std::string_view key_;
  Value value_;
};

struct EventRecord {
  std::chrono::system_clock::time_point time;
  Level level = Level::kInfo;
  std::string_view component;
  std::string_view message;
  std::string_view request_id;  // "" outside an API call
  std::span<const Field> fields;
};

// Replaces what must never reach a log: the values of fields whose key names a credential
// (authorization, secret, token, password, signature, cookie, signing key), and anywhere in text:
// `Bearer`/`Basic` credentials, JWTs, URL query strings (a signed URL's expiry and signature),
// `secret=`/`signature=`/`token=` pairs, and the known secrets given here.
class Redactor {
 public:
  explicit Redactor(std::vector<std::string> secrets = {}) : secrets_(std::move(secrets)) {}
  std::string Text(std::string_view text) const;
  static bool IsSecretKey(std::string_view key);

 private:
  std::vector<std::string> secrets_;
};

inline constexpr std::string_view kRedacted = "[redacted]";

// The event as one line ending in '\n'. Time is UTC, RFC 3339 with milliseconds.
std::string FormatEvent(const EventRecord& event, Format format, const Redactor& redactor);

}  // namespace flyte::log

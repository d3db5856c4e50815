// The sandbox's log: one line per event on stderr, with time, level, component, message, the
// request id of the API call being served and typed key=value fields (log_format.h writes them
// as text or JSON and keeps secrets out). Events below the configured level cost one atomic load.
#pragma once

#include <atomic>
#include <initializer_list>
#include <string>
#include <string_view>
#include <vector>

#include "common/log_format.h"

namespace flyte::log {

// `log.level` and `log.format` of the config file (`--log-level`, `--log-format`).
struct LogConfig {
  Level level = Level::kInfo;
  Format format = Format::kText;
};

// Sets the level and format of every event from now on. Thread-safe.
void Configure(const LogConfig& config);
// Values no event may show (client secret, static tokens, the signing key): each is replaced
// wherever it appears. Shorter ones than 8 bytes are not taken, they would blank common words.
void AddSecrets(const std::vector<std::string>& secrets);

namespace internal {
inline std::atomic<int> threshold{static_cast<int>(Level::kInfo)};
void Write(Level level, std::string_view component, std::string_view message, std::initializer_list<Field> fields);
}  // namespace internal

inline bool Enabled(Level level) {
  return static_cast<int>(level) >= internal::threshold.load(std::memory_order_relaxed);
}

// Nothing is formatted unless the level is enabled; fields only hold views of their values.
inline void Event(Level level, std::string_view component, std::string_view message,
                  std::initializer_list<Field> fields = {}) {
  if (Enabled(level)) internal::Write(level, component, message, fields);
}
inline void Debug(std::string_view component, std::string_view message, std::initializer_list<Field> fields = {}) {
  Event(Level::kDebug, component, message, fields);
}
inline void Info(std::string_view component, std::string_view message, std::initializer_list<Field> fields = {}) {
  Event(Level::kInfo, component, message, fields);
}
inline void Warn(std::string_view component, std::string_view message, std::initializer_list<Field> fields = {}) {
  Event(Level::kWarn, component, message, fields);
}
inline void Error(std::string_view component, std::string_view message, std::initializer_list<Field> fields = {}) {
  Event(Level::kError, component, message, fields);
}

// The request id of the API call this thread serves from now on ("" when it serves none): its
// events carry it. Set and cleared by the thread itself (gRPC's interceptor hooks of a call run on
// the thread that runs its handler).
void SetThreadRequestId(std::string request_id);

// The request id this thread's events carry now ("" outside an API call).
std::string_view CurrentRequestId();

}  // namespace flyte::log

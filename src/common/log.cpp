#include "common/log.h"

#include <unistd.h>

#include <cerrno>

#include <absl/base/thread_annotations.h>
#include <absl/synchronization/mutex.h>

namespace flyte::log {
namespace {

constexpr size_t kMinSecretBytes = 8;

// The format and the redactor every event goes through, and the one writer of stderr: an event
// is one write(2) under the mutex, so lines of different threads never interleave.
class Sink {
 public:
  void Configure(Format format) {
    absl::MutexLock lock(&mu_);
    format_ = format;
  }

  void AddSecrets(const std::vector<std::string>& secrets) {
    absl::MutexLock lock(&mu_);
    for (const std::string& secret : secrets) {
      if (secret.size() >= kMinSecretBytes) secrets_.push_back(secret);
    }
    redactor_ = Redactor(secrets_);
  }

  void Write(const EventRecord& event) {
    absl::MutexLock lock(&mu_);
    const std::string line = FormatEvent(event, format_, redactor_);
    for (size_t written = 0; written < line.size();) {
      const ssize_t n = ::write(STDERR_FILENO, line.data() + written, line.size() - written);
      if (n <= 0 && errno != EINTR) return;  // nowhere to log to: the event is lost, not the process
      if (n > 0) written += static_cast<size_t>(n);
    }
  }

 private:
  absl::Mutex mu_;
  Format format_ ABSL_GUARDED_BY(mu_) = Format::kText;
  std::vector<std::string> secrets_ ABSL_GUARDED_BY(mu_);
  Redactor redactor_ ABSL_GUARDED_BY(mu_);
};

Sink& TheSink() {
  static Sink* sink = new Sink();  // never destroyed: threads may log while the process exits
  return *sink;
}

thread_local std::string current_request_id;

}  // namespace

void Configure(const LogConfig& config) {
  TheSink().Configure(config.format);
  internal::threshold.store(static_cast<int>(config.level), std::memory_order_relaxed);
}

void AddSecrets(const std::vector<std::string>& secrets) { TheSink().AddSecrets(secrets); }

void SetThreadRequestId(std::string request_id) { current_request_id = std::move(request_id); }

std::string_view CurrentRequestId() { return current_request_id; }

namespace internal {

void Write(Level level, std::string_view component, std::string_view message, std::initializer_list<Field> fields) {
  TheSink().Write({std::chrono::system_clock::now(), level, component, message, current_request_id,
                   std::span<const Field>(fields.begin(), fields.size())});
}

}  // namespace internal
}  // namespace flyte::log

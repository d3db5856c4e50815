#include "app/config.h"

#include <cstdlib>

namespace flyte::app {

std::filesystem::path ExpandHome(const std::filesystem::path& path) {
  const std::string text = path.string();
  if (text == "~" || text.rfind("~/", 0) == 0) {
    const char* home = std::getenv("HOME");
    std::filesystem::path base = home != nullptr ? home : "/";
    return text.size() <= 2 ? base : base / text.substr(2);
  }
  return path;
}

SandboxConfig DefaultConfig() {
  SandboxConfig config;
  config.state.dir = ExpandHome("~/.flyte/sandbox");
  config.state.client_config = ExpandHome("~/.flyte/config-sandbox.yaml");
  return config;
}

std::string RawDataBucket(std::string_view prefix) {
  constexpr std::string_view kScheme = "s3://";
  if (!prefix.starts_with(kScheme)) return "";
  prefix.remove_prefix(kScheme.size());
  return std::string(prefix.substr(0, prefix.find('/')));
}

StatusOr<std::chrono::seconds> ParseDuration(std::string_view text) {
  if (text.empty()) return absl::InvalidArgumentError("empty duration");
  int64_t total = 0;
  size_t i = 0;
  while (i < text.size()) {
    size_t start = i;
    while (i < text.size() && text[i] >= '0' && text[i] <= '9') ++i;
    if (start == i || i == text.size()) {
      return absl::InvalidArgumentError("bad duration \"" + std::string(text) + "\" (use e.g. 30s, 15m, 1h)");
    }
    int64_t value = std::stoll(std::string(text.substr(start, i - start)));
    switch (text[i++]) {
      case 's':
        total += value;
        break;
      case 'm':
        total += value * 60;
        break;
      case 'h':
        total += value * 3600;
        break;
      case 'd':
        total += value * 86400;
        break;
      default:
        return absl::InvalidArgumentError("bad duration \"" + std::string(text) + "\" (use e.g. 30s, 15m, 1h)");
    }
  }
  return std::chrono::seconds(total);
}

}  // namespace flyte::app

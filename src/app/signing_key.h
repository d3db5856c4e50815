// The key that signs data URLs, kept in the state folder so URLs stay valid across restarts.
#pragma once

#include <filesystem>
#include <string>

#include "common/status.h"

namespace flyte::app {

// The 32-byte key in `<dir>/signing.key`; a new random one (written 0600) when there is none.
StatusOr<std::string> LoadSigningKey(const std::filesystem::path& dir);

}  // namespace flyte::app

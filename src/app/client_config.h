// The flytekit/flytectl client config `flyte sandbox start` writes (state.client_config), so
// `export FLYTECTL_CONFIG=...` points clients at the sandbox.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>

#include "common/status.h"

namespace flyte::app {

// The first line of every file we write: teardown only removes a client config that has it.
inline constexpr std::string_view kClientConfigMarker = "# Written by `flyte sandbox start`";

// The file's text: admin endpoint dns:///<client_address>, insecure; console http://<client_address>.
std::string ClientConfigText(const std::filesystem::path& file, const std::string& client_address);

Status WriteClientConfig(const std::filesystem::path& file, const std::string& client_address);

// True when `file` starts with kClientConfigMarker.
bool IsOurClientConfig(const std::filesystem::path& file);

}  // namespace flyte::app

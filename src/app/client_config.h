// The flytekit/flytectl client config `flyte sandbox start` writes (state.client_config), so
// `export FLYTECTL_CONFIG=...` points clients at the sandbox.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

#include "common/status.h"

namespace flyte::app {

// The first line of every file we write: teardown only removes a client config that has it.
inline constexpr std::string_view kClientConfigMarker = "# Written by `flyte sandbox start`";

// How the written config authenticates, when the sandbox requires it and keeps its client secret
// in a file: flytekit's and flytectl's ClientSecret with that file (never the secret itself).
struct ClientSecretAuth {
  std::string client_id;
  std::filesystem::path secret_file;
};

// The S3 endpoint and its keys: flytekit then reads s3:// data (raw data kept there, see
// storage.raw_data_prefix) through it, as the demo's config points it at MinIO.
struct ClientS3 {
  std::string endpoint;  // http://127.0.0.1:30002
  std::string access_key_id;
  std::string secret_access_key;
};

// The file's text: admin endpoint dns:///<client_address>, insecure, and `auth`'s settings when
// given; console http://<client_address>; storage.connection when `s3` is given.
std::string ClientConfigText(const std::filesystem::path& file, const std::string& client_address,
                             const std::optional<ClientSecretAuth>& auth,
                             const std::optional<ClientS3>& s3 = std::nullopt);

Status WriteClientConfig(const std::filesystem::path& file, const std::string& client_address,
                         const std::optional<ClientSecretAuth>& auth = std::nullopt,
                         const std::optional<ClientS3>& s3 = std::nullopt);

// True when `file` starts with kClientConfigMarker.
bool IsOurClientConfig(const std::filesystem::path& file);

}  // namespace flyte::app

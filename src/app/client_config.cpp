#include "app/client_config.h"

#include <fstream>

#include "app/atomic_file.h"

namespace flyte::app {

std::string ClientConfigText(const std::filesystem::path& file, const std::string& client_address,
                             const std::optional<ClientSecretAuth>& auth, const std::optional<ClientS3>& s3) {
  // flytekit's names (storage.connection.*, as `flytectl demo start` writes them).
  const std::string storage_lines = s3 ? "storage:\n  type: minio\n  connection:\n    endpoint: " + s3->endpoint +
                                             "\n    access-key: " + s3->access_key_id +
                                             "\n    secret-key: " + s3->secret_access_key + "\n"
                                       : "";
  const std::string auth_lines = auth ? "  authType: ClientSecret\n  clientId: " + auth->client_id +
                                            "\n  clientSecretLocation: " + auth->secret_file.string() + "\n"
                                      : "";
  return std::string(kClientConfigMarker) +
         ". Point flytectl and flytekit at the sandbox with:\n"
         "#   export FLYTECTL_CONFIG=" +
         file.string() +
         "\n"
         "admin:\n"
         "  endpoint: dns:///" +
         client_address +
         "\n"
         "  insecure: true\n" +
         auth_lines +
         "console:\n"
         "  endpoint: http://" +
         client_address + "\n" + storage_lines;
}

Status WriteClientConfig(const std::filesystem::path& file, const std::string& client_address,
                         const std::optional<ClientSecretAuth>& auth, const std::optional<ClientS3>& s3) {
  return WriteFileAtomically(file, ClientConfigText(file, client_address, auth, s3));
}

bool IsOurClientConfig(const std::filesystem::path& file) {
  std::ifstream in(file);
  std::string first_line;
  return std::getline(in, first_line) && first_line.rfind(kClientConfigMarker, 0) == 0;
}

}  // namespace flyte::app

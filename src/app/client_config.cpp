#include "app/client_config.h"

#include <fstream>

#include "app/atomic_file.h"

namespace flyte::app {

std::string ClientConfigText(const std::filesystem::path& file, const std::string& client_address,
                             const std::optional<ClientSecretAuth>& auth) {
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
         client_address + "\n";
}

Status WriteClientConfig(const std::filesystem::path& file, const std::string& client_address,
                         const std::optional<ClientSecretAuth>& auth) {
  return WriteFileAtomically(file, ClientConfigText(file, client_address, auth));
}

bool IsOurClientConfig(const std::filesystem::path& file) {
  std::ifstream in(file);
  std::string first_line;
  return std::getline(in, first_line) && first_line.rfind(kClientConfigMarker, 0) == 0;
}

}  // namespace flyte::app

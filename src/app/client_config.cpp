#include "app/client_config.h"

#include <fstream>

#include "app/atomic_file.h"

namespace flyte::app {

std::string ClientConfigText(const std::filesystem::path& file, const std::string& client_address) {
  return std::string(kClientConfigMarker) +
         ". Point flytectl and flytekit at the sandbox with:\n"
         "#   export FLYTECTL_CONFIG=" +
         file.string() +
         "\n"
         "admin:\n"
         "  endpoint: dns:///" +
         client_address +
         "\n"
         "  insecure: true\n"
         "console:\n"
         "  endpoint: http://" +
         client_address + "\n";
}

Status WriteClientConfig(const std::filesystem::path& file, const std::string& client_address) {
  return WriteFileAtomically(file, ClientConfigText(file, client_address));
}

bool IsOurClientConfig(const std::filesystem::path& file) {
  std::ifstream in(file);
  std::string first_line;
  return std::getline(in, first_line) && first_line.rfind(kClientConfigMarker, 0) == 0;
}

}  // namespace flyte::app

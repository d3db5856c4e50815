#include "app/client_config.h"

#include <doctest/doctest.h>

#include <fstream>
#include <sstream>

#include "fakes/temp_dir.h"

namespace flyte::app {
namespace {

TEST_CASE("client config: points flytectl and flytekit at the sandbox, insecure") {
  testing::TempDir temp;
  const auto file = temp.path() / "nested" / "config-sandbox.yaml";
  REQUIRE(WriteClientConfig(file, "localhost:31000").ok());
  const std::string text = testing::ReadFile(file);
  CHECK(text.rfind(kClientConfigMarker, 0) == 0);
  CHECK(text.find("#   export FLYTECTL_CONFIG=" + file.string() + "\n") != std::string::npos);
  CHECK(text.find("admin:\n  endpoint: dns:///localhost:31000\n  insecure: true\n") != std::string::npos);
  CHECK(text.find("console:\n  endpoint: http://localhost:31000\n") != std::string::npos);
  CHECK(IsOurClientConfig(file));
}

TEST_CASE("client config: with a client secret file, clients authenticate with it (never the secret itself)") {
  const std::string text = ClientConfigText("/home/u/.flyte/config-sandbox.yaml", "192.0.2.2:30080",
                                            ClientSecretAuth{"ci", "/home/u/.flyte/ci-secret"});
  CHECK(text.find("admin:\n  endpoint: dns:///192.0.2.2:30080\n  insecure: true\n  authType: ClientSecret\n"
                  "  clientId: ci\n  clientSecretLocation: /home/u/.flyte/ci-secret\n") != std::string::npos);
}

TEST_CASE("client config: with the S3 endpoint, flytekit reads s3:// data through it") {
  const std::string text = ClientConfigText("/home/u/.flyte/config-sandbox.yaml", "localhost:30080", std::nullopt,
                                            ClientS3{"http://127.0.0.1:30002", "minio", "miniostorage"});
  CHECK(text.find("storage:\n  type: minio\n  connection:\n    endpoint: http://127.0.0.1:30002\n"
                  "    access-key: minio\n    secret-key: miniostorage\n") != std::string::npos);
  CHECK(ClientConfigText("/c.yaml", "localhost:30080", std::nullopt).find("storage:") == std::string::npos);
}

TEST_CASE("client config: a file someone else wrote is not ours") {
  testing::TempDir temp;
  const auto file = temp.path() / "config.yaml";
  std::ofstream(file) << "admin:\n  endpoint: dns:///example.com:443\n";
  CHECK_FALSE(IsOurClientConfig(file));
  CHECK_FALSE(IsOurClientConfig(temp.path() / "missing.yaml"));
}

}  // namespace
}  // namespace flyte::app

#include "plugins/kubernetes/kubeconfig.h"

#include <doctest/doctest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

#include "common/digest.h"
#include "fakes/temp_dir.h"

namespace flyte::plugins {
namespace {

namespace fs = std::filesystem;

// A folder of its own for config files, removed at the end.
struct ConfigFolder : testing::TempDir {
  fs::path Write(const std::string& name, const std::string& text) const {
    std::ofstream(path() / name) << text;
    return path() / name;
  }
};

constexpr char kCa[] = "-----BEGIN CERTIFICATE-----\nCA\n-----END CERTIFICATE-----\n";
constexpr char kCert[] = "-----BEGIN CERTIFICATE-----\nCLIENT\n-----END CERTIFICATE-----\n";
constexpr char kKey[] = "-----BEGIN PRIVATE KEY-----\nKEY\n-----END PRIVATE KEY-----\n";

// One context `c` naming cluster `k` and user `u`, with the given cluster and user bodies.
std::string Config(const std::string& cluster, const std::string& user, const std::string& context_extra = "") {
  return "apiVersion: v1\nkind: Config\ncurrent-context: c\n"
         "clusters:\n- name: k\n  cluster:\n" +
         cluster + "users:\n- name: u\n  user:\n" + user +
         "contexts:\n- name: c\n  context:\n    cluster: k\n    user: u\n" + context_extra;
}

StatusOr<KubeConfig> Parse(const ConfigFolder& folder, const std::string& text, const std::string& context = "") {
  return ParseKubeConfig({{folder.path() / "config", text}}, context);
}

TEST_CASE("kubeconfig: inline data, a bearer token, the context's namespace") {
  ConfigFolder folder;
  auto config = Parse(
      folder, Config("    server: https://127.0.0.1:6443\n    certificate-authority-data: " + Base64Encode(kCa) + "\n",
                     "    token: abc\n", "    namespace: flyte\n"));
  REQUIRE_MESSAGE(config.ok(), config.status());
  CHECK(config->context == "c");
  CHECK(config->namespace_ == "flyte");
  CHECK(config->cluster.server == "https://127.0.0.1:6443");
  CHECK(config->cluster.ca_pem == kCa);
  CHECK(config->user.token == "abc");
  CHECK_FALSE(config->user.exec);
}

TEST_CASE("kubeconfig: files relative to the kubeconfig's folder, client certificate and key, default namespace") {
  ConfigFolder folder;
  folder.Write("ca.crt", kCa);
  folder.Write("client.crt", kCert);
  folder.Write("client.key", kKey);
  auto config = Parse(
      folder,
      Config("    server: https://k:6443\n    certificate-authority: ca.crt\n"
             "    tls-server-name: api.example\n",
             "    client-certificate: client.crt\n    client-key: " + (folder.path() / "client.key").string() + "\n"));
  REQUIRE_MESSAGE(config.ok(), config.status());
  CHECK(config->namespace_ == "default");
  CHECK(config->cluster.ca_pem == kCa);
  CHECK(config->cluster.tls_server_name == "api.example");
  CHECK(config->user.client_certificate_pem == kCert);
  CHECK(config->user.client_key_pem == kKey);
}

TEST_CASE("kubeconfig: -data wins over the path form") {
  ConfigFolder folder;
  auto config = Parse(folder, Config("    server: https://k\n    certificate-authority: missing.crt\n"
                                     "    certificate-authority-data: " +
                                         Base64Encode(kCa) + "\n",
                                     "    token: t\n"));
  REQUIRE_MESSAGE(config.ok(), config.status());
  CHECK(config->cluster.ca_pem == kCa);
}

TEST_CASE("kubeconfig: a token file relative to the kubeconfig, and an exec plugin") {
  ConfigFolder folder;
  auto config = Parse(folder, Config("    server: https://k\n    insecure-skip-tls-verify: true\n",
                                     "    tokenFile: token\n"
                                     "    exec:\n"
                                     "      apiVersion: client.authentication.k8s.io/v1\n"
                                     "      command: ./bin/get-token\n"
                                     "      args: [--cluster, k]\n"
                                     "      env:\n      - name: A\n        value: b\n"
                                     "      interactiveMode: Never\n"
                                     "      provideClusterInfo: true\n"
                                     "      installHint: install get-token\n"));
  REQUIRE_MESSAGE(config.ok(), config.status());
  CHECK(config->cluster.insecure_skip_tls_verify);
  CHECK(config->user.token_file == folder.path() / "token");
  REQUIRE(config->user.exec);
  const ExecPlugin& exec = *config->user.exec;
  CHECK(exec.command == (folder.path() / "./bin/get-token").string());
  CHECK(exec.args == std::vector<std::string>{"--cluster", "k"});
  REQUIRE(exec.env.size() == 1);
  CHECK(exec.env[0] == std::pair<std::string, std::string>{"A", "b"});
  CHECK(exec.api_version == "client.authentication.k8s.io/v1");
  CHECK(exec.provide_cluster_info);
  CHECK(exec.install_hint == "install get-token");
}

TEST_CASE("kubeconfig: an exec command without a slash is looked up on PATH") {
  ConfigFolder folder;
  auto config = Parse(folder, Config("    server: https://k\n",
                                     "    exec:\n      apiVersion: client.authentication.k8s.io/v1beta1\n"
                                     "      command: aws\n"));
  REQUIRE_MESSAGE(config.ok(), config.status());
  CHECK(config->user.exec->command == "aws");
}

TEST_CASE("kubeconfig: a named context instead of the current one; a context without a user is anonymous") {
  ConfigFolder folder;
  const std::string text = Config("    server: https://k\n", "    token: t\n") +
                           "- name: other\n  context:\n    cluster: k\n    namespace: ns2\n";
  auto config = Parse(folder, text, "other");
  REQUIRE_MESSAGE(config.ok(), config.status());
  CHECK(config->context == "other");
  CHECK(config->namespace_ == "ns2");
  CHECK(config->user.token.empty());
}

TEST_CASE("kubeconfig: several files merge, the first to name an entry or the current context winning") {
  ConfigFolder folder;
  const std::string first = "current-context: a\nclusters:\n- name: k\n  cluster:\n    server: https://first\n";
  const std::string second =
      "current-context: b\nclusters:\n- name: k\n  cluster:\n    server: https://second\n"
      "users:\n- name: u\n  user:\n    token: t2\n"
      "contexts:\n- name: a\n  context:\n    cluster: k\n    user: u\n";
  auto config = ParseKubeConfig({{folder.path() / "one", first}, {folder.path() / "two", second}}, "");
  REQUIRE_MESSAGE(config.ok(), config.status());
  CHECK(config->context == "a");
  CHECK(config->cluster.server == "https://first");
  CHECK(config->user.token == "t2");
}

TEST_CASE("kubeconfig: what client-go refuses is refused, naming the file and the entry") {
  ConfigFolder folder;
  const auto refused = [&](const std::string& text, const std::string& context = "") {
    auto config = Parse(folder, text, context);
    REQUIRE_FALSE(config.ok());
    CHECK(config.status().code() == absl::StatusCode::kInvalidArgument);
    CHECK(std::string(config.status().message()).find((folder.path() / "config").string()) != std::string::npos);
    return std::string(config.status().message());
  };
  CHECK(refused(Config("    server: https://k\n", "    token: t\n"), "nope").find("no context \"nope\"") !=
        std::string::npos);
  CHECK(refused(Config("    insecure-skip-tls-verify: true\n", "    token: t\n")).find("has no server") !=
        std::string::npos);
  CHECK(refused(Config("    server: https://k\n    insecure-skip-tls-verify: true\n    certificate-authority-data: " +
                           Base64Encode(kCa) + "\n",
                       "    token: t\n"))
            .find("insecure-skip-tls-verify") != std::string::npos);
  CHECK(refused(Config("    server: https://k\n", "    client-certificate-data: " + Base64Encode(kCert) + "\n"))
            .find("needs its key") != std::string::npos);
  CHECK(refused(Config("    server: https://k\n", "    username: a\n    password: b\n")).find("not supported") !=
        std::string::npos);
  CHECK(refused(Config("    server: https://k\n", "    auth-provider:\n      name: gcp\n")).find("auth-provider") !=
        std::string::npos);
  CHECK(refused(Config("    server: https://k\n", "    exec:\n      command: x\n      apiVersion: v2\n"))
            .find("apiVersion") != std::string::npos);
  CHECK(refused(Config("    server: https://k\n",
                       "    exec:\n      command: x\n      apiVersion: "
                       "client.authentication.k8s.io/v1\n      interactiveMode: Always\n"))
            .find("terminal") != std::string::npos);
  CHECK(refused(Config("    server: https://k\n    certificate-authority: missing.crt\n", "    token: t\n"))
            .find("missing.crt") != std::string::npos);
  CHECK(refused(Config("    server: https://k\n    certificate-authority-data: '%%'\n", "    token: t\n"))
            .find("not base64") != std::string::npos);
  CHECK(refused(Config("    server: ftp://k\n", "    token: t\n")).find("https://") != std::string::npos);
  CHECK(refused("clusters: [oops\n").find("not YAML") != std::string::npos);
  CHECK(refused("clusters: []\n").find("no current-context") != std::string::npos);
  const std::string no_cluster = "current-context: c\ncontexts:\n- name: c\n  context:\n    cluster: gone\n";
  CHECK(refused(no_cluster).find("cluster \"gone\"") != std::string::npos);
}

TEST_CASE("kubeconfig: found in $KUBECONFIG's list, else ~/.kube/config, else in-cluster, else not found") {
  ConfigFolder folder;
  const std::string text = Config("    server: https://from-env\n", "    token: t\n");
  folder.Write("missing-is-skipped", "");
  fs::remove(folder.path() / "missing-is-skipped");
  const fs::path listed = folder.Write("listed", text);
  auto from_env =
      LoadKubeConfig("", "",
                     {{"KUBECONFIG", (folder.path() / "missing-is-skipped").string() + ":" + listed.string()},
                      {"HOME", folder.path().string()}});
  REQUIRE_MESSAGE(from_env.ok(), from_env.status());
  CHECK(from_env->cluster.server == "https://from-env");

  fs::create_directories(folder.path() / ".kube");
  folder.Write(".kube/config", Config("    server: https://from-home\n", "    token: t\n"));
  auto from_home = LoadKubeConfig("", "", {{"HOME", folder.path().string()}});
  REQUIRE_MESSAGE(from_home.ok(), from_home.status());
  CHECK(from_home->cluster.server == "https://from-home");

  auto explicit_path = LoadKubeConfig(listed.string(), "", {{"HOME", folder.path().string()}});
  REQUIRE_MESSAGE(explicit_path.ok(), explicit_path.status());
  CHECK(explicit_path->cluster.server == "https://from-env");

  auto none = LoadKubeConfig("", "", {{"HOME", (folder.path() / "nobody").string()}});
  REQUIRE_FALSE(none.ok());
  CHECK(none.status().code() == absl::StatusCode::kNotFound);
  CHECK(std::string(none.status().message()).find("nobody/.kube/config") != std::string::npos);
}

}  // namespace
}  // namespace flyte::plugins

#include "plugins/kubernetes/exec_credential.h"

#include <doctest/doctest.h>
#include <sys/stat.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

#include "common/digest.h"
#include "fakes/temp_dir.h"

namespace flyte::plugins {
namespace {

namespace fs = std::filesystem;

constexpr char kV1[] = "client.authentication.k8s.io/v1";

// A folder of its own for scripts, removed at the end.
struct ScriptFolder : testing::TempDir {
  // An executable shell script.
  std::string Script(const std::string& name, const std::string& body) const {
    const fs::path file = path() / name;
    std::ofstream(file) << "#!/bin/sh\n" << body;
    ::chmod(file.c_str(), 0755);
    return file.string();
  }
};

TEST_CASE("exec credential: a token, a certificate and key, an expiry; what is malformed is refused") {
  auto token = ParseExecCredential(R"({"apiVersion":"client.authentication.k8s.io/v1","kind":"ExecCredential",)"
                                   R"("status":{"token":"abc","expirationTimestamp":"2030-01-02T03:04:05Z"}})",
                                   kV1);
  REQUIRE_MESSAGE(token.ok(), token.status());
  CHECK(token->token == "abc");
  REQUIRE(token->expiry);
  CHECK(std::chrono::system_clock::to_time_t(*token->expiry) == 1893553445);

  auto certificate =
      ParseExecCredential(R"({"apiVersion":"client.authentication.k8s.io/v1beta1","kind":"ExecCredential",)"
                          R"("status":{"clientCertificateData":"CERT","clientKeyData":"KEY"}})",
                          "client.authentication.k8s.io/v1beta1");
  REQUIRE_MESSAGE(certificate.ok(), certificate.status());
  CHECK(certificate->client_certificate_pem == "CERT");
  CHECK(certificate->client_key_pem == "KEY");
  CHECK_FALSE(certificate->expiry);

  for (const std::string bad : {
           R"(not json)",
           R"({"apiVersion":"client.authentication.k8s.io/v1beta1","kind":"ExecCredential","status":{"token":"a"}})",
           R"({"apiVersion":"client.authentication.k8s.io/v1","kind":"Pod","status":{"token":"a"}})",
           R"({"apiVersion":"client.authentication.k8s.io/v1","kind":"ExecCredential"})",
           R"({"apiVersion":"client.authentication.k8s.io/v1","kind":"ExecCredential","status":{}})",
           R"({"apiVersion":"client.authentication.k8s.io/v1","kind":"ExecCredential","status":{"clientKeyData":"K"}})",
           R"({"apiVersion":"client.authentication.k8s.io/v1","kind":"ExecCredential",)"
           R"("status":{"token":"a","expirationTimestamp":"tomorrow"}})",
       }) {
    CAPTURE(bad);
    auto parsed = ParseExecCredential(bad, kV1);
    REQUIRE_FALSE(parsed.ok());
    CHECK(std::string(parsed.status().message()).find("exec credential plugin") != std::string::npos);
  }
}

TEST_CASE("exec credential: KUBERNETES_EXEC_INFO carries the cluster only when asked") {
  ExecPlugin plugin;
  plugin.command = "x";
  plugin.api_version = kV1;
  KubeCluster cluster;
  cluster.server = "https://k:6443";
  cluster.ca_pem = "CA";
  cluster.tls_server_name = "api";
  const std::string bare = ExecInfo(plugin, cluster);
  CHECK(bare.find(R"("interactive":false)") != std::string::npos);
  CHECK(bare.find(R"("kind":"ExecCredential")") != std::string::npos);
  CHECK(bare.find("cluster") == std::string::npos);
  plugin.provide_cluster_info = true;
  const std::string told = ExecInfo(plugin, cluster);
  CHECK(told.find(R"("server":"https://k:6443")") != std::string::npos);
  CHECK(told.find(R"("certificate-authority-data":")" + Base64Encode("CA") + "\"") != std::string::npos);
  CHECK(told.find(R"("tls-server-name":"api")") != std::string::npos);
}

TEST_CASE("exec credential: the plugin runs with its args, env and KUBERNETES_EXEC_INFO; failures say why") {
  ScriptFolder folder;
  KubeCluster cluster;
  cluster.server = "https://k";
  ExecPlugin plugin;
  plugin.command = folder.Script("get-token",
                                 "case \"$KUBERNETES_EXEC_INFO\" in *ExecCredential*) ;; *) exit 3;; esac\n"
                                 "printf '{\"apiVersion\":\"%s\",\"kind\":\"ExecCredential\",\"status\":"
                                 "{\"token\":\"%s-%s\"}}' \"$API\" \"$1\" \"$FROM_ENV\"\n");
  plugin.args = {"arg"};
  plugin.env = {{"FROM_ENV", "env"}, {"API", kV1}};
  plugin.api_version = kV1;
  auto made = RunExecPlugin(plugin, cluster, std::chrono::seconds(10));
  REQUIRE_MESSAGE(made.ok(), made.status());
  CHECK(made->token == "arg-env");

  ExecPlugin failing = plugin;
  failing.command = folder.Script("fails", "echo 'no login' >&2; exit 4\n");
  auto failed = RunExecPlugin(failing, cluster, std::chrono::seconds(10));
  REQUIRE_FALSE(failed.ok());
  CHECK(std::string(failed.status().message()).find("exit code 4") != std::string::npos);

  ExecPlugin missing = plugin;
  missing.command = "no-such-credential-plugin";
  missing.install_hint = "install it with apt";
  auto absent = RunExecPlugin(missing, cluster, std::chrono::seconds(10));
  REQUIRE_FALSE(absent.ok());
  CHECK(std::string(absent.status().message()).find("install it with apt") != std::string::npos);

  ExecPlugin slow = plugin;
  slow.command = folder.Script("slow", "exec sleep 30\n");
  auto late = RunExecPlugin(slow, cluster, std::chrono::milliseconds(200));
  REQUIRE_FALSE(late.ok());
  CHECK(std::string(late.status().message()).find("did not finish") != std::string::npos);
}

TEST_CASE("exec credential: credentials are made again once expired or rejected, not before") {
  ScriptFolder folder;
  const fs::path counter = folder.path() / "runs";
  KubeConfig config;
  config.cluster.server = "https://k";
  // Each run prints a new token; the first expires at once, the next ones in 2030.
  config.user.exec = ExecPlugin();
  config.user.exec->api_version = kV1;
  config.user.exec->command = folder.Script(
      "count", "n=$(cat " + counter.string() + " 2>/dev/null || echo 0); n=$((n+1)); echo $n > " + counter.string() +
                   "\n"
                   "if [ $n = 1 ]; then e=2000-01-01T00:00:00Z; else e=2030-01-01T00:00:00Z; fi\n"
                   "printf '{\"apiVersion\":\"client.authentication.k8s.io/v1\",\"kind\":"
                   "\"ExecCredential\",\"status\":{\"token\":\"t%s\",\"expirationTimestamp\":"
                   "\"%s\"}}' $n $e\n");
  KubeCredentials credentials(config);
  auto first = credentials.Current();
  REQUIRE_MESSAGE(first.ok(), first.status());
  CHECK(first->token == "t1");
  auto second = credentials.Current();  // t1 had expired
  REQUIRE(second.ok());
  CHECK(second->token == "t2");
  CHECK(credentials.Current()->token == "t2");  // cached until it expires
  credentials.Rejected(*first);                 // an old one's 401 changes nothing
  CHECK(credentials.Current()->token == "t2");
  credentials.Rejected(*second);
  CHECK(credentials.Current()->token == "t3");
}

TEST_CASE("exec credential: a token file is read, trimmed, and read again after a 401") {
  ScriptFolder folder;
  const fs::path file = folder.path() / "token";
  std::ofstream(file) << "  first\n";
  KubeConfig config;
  config.user.token_file = file;
  KubeCredentials credentials(config);
  auto first = credentials.Current();
  REQUIRE_MESSAGE(first.ok(), first.status());
  CHECK(first->token == "first");
  std::ofstream(file) << "second";
  CHECK(credentials.Current()->token == "first");  // within the minute
  credentials.Rejected(*first);
  CHECK(credentials.Current()->token == "second");
  std::ofstream(file) << "\n";
  credentials.Rejected(*credentials.Current());
  auto empty = credentials.Current();
  REQUIRE_FALSE(empty.ok());
  CHECK(std::string(empty.status().message()).find("is empty") != std::string::npos);
}

}  // namespace
}  // namespace flyte::plugins

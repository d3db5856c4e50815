#include "plugins/kubernetes/kube_http.h"

#include <doctest/doctest.h>

#include <string>

namespace flyte::plugins {
namespace {

TEST_CASE("kube http: the server URL's parts, an IPv6 host, the default ports, a path prefix") {
  auto plain = ParseServerAddress("https://127.0.0.1:6443");
  REQUIRE(plain.ok());
  CHECK(plain->tls);
  CHECK(plain->host == "127.0.0.1");
  CHECK(plain->port == "6443");
  CHECK(plain->path_prefix.empty());

  auto prefixed = ParseServerAddress("https://rancher.example/k8s/clusters/c-1/");
  REQUIRE(prefixed.ok());
  CHECK(prefixed->host == "rancher.example");
  CHECK(prefixed->port == "443");
  CHECK(prefixed->path_prefix == "/k8s/clusters/c-1");

  auto ipv6 = ParseServerAddress("https://[::1]:16443");
  REQUIRE(ipv6.ok());
  CHECK(ipv6->host == "::1");
  CHECK(ipv6->port == "16443");

  auto proxy = ParseServerAddress("http://localhost");
  REQUIRE(proxy.ok());
  CHECK_FALSE(proxy->tls);
  CHECK(proxy->port == "80");

  for (const std::string bad : {"ftp://k", "https://", "https://[::1:80"}) {
    CAPTURE(bad);
    CHECK(ParseServerAddress(bad).status().code() == absl::StatusCode::kInvalidArgument);
  }
}

TEST_CASE("kube http: a CA or client certificate OpenSSL cannot read is refused when the client is made") {
  KubeConfig config;
  config.cluster.server = "https://127.0.0.1:1";
  config.cluster.ca_pem = "-----BEGIN CERTIFICATE-----\nnot a certificate\n-----END CERTIFICATE-----\n";
  auto bad_ca = KubeHttp::Make(config);
  REQUIRE_FALSE(bad_ca.ok());
  CHECK(std::string(bad_ca.status().message()).find("certificate authority") != std::string::npos);

  config.cluster.ca_pem.clear();
  config.user.client_certificate_pem = "not PEM";
  config.user.client_key_pem = "not PEM";
  auto bad_certificate = KubeHttp::Make(config);
  REQUIRE_FALSE(bad_certificate.ok());
  CHECK(std::string(bad_certificate.status().message()).find("client certificate") != std::string::npos);
}

TEST_CASE("kube http: a server that is not there is UNAVAILABLE, naming it") {
  KubeConfig config;
  config.cluster.server = "https://127.0.0.1:1";
  config.cluster.insecure_skip_tls_verify = true;
  auto client = KubeHttp::Make(config);
  REQUIRE_MESSAGE(client.ok(), client.status());
  auto response = (*client)->Call({"GET", "/version"}, {.io_timeout = std::chrono::seconds(2)});
  REQUIRE_FALSE(response.ok());
  CHECK(response.status().code() == absl::StatusCode::kUnavailable);
  CHECK(std::string(response.status().message()).find("https://127.0.0.1:1") != std::string::npos);
}

}  // namespace
}  // namespace flyte::plugins

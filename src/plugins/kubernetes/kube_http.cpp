#include "plugins/kubernetes/kube_http.h"

#include <openssl/ssl.h>

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/ssl/host_name_verification.hpp>

#include "plugins/http_exchange.h"

namespace flyte::plugins {

namespace asio = boost::asio;
namespace ssl = asio::ssl;
using Tcp = asio::ip::tcp;

struct KubeHttp::Tls {
  explicit Tls(std::string certificate_pem)
      : context(ssl::context::tls_client), certificate(std::move(certificate_pem)) {}
  ssl::context context;
  std::string certificate;  // the client certificate it presents ("" for none)
};

StatusOr<ServerAddress> ParseServerAddress(const std::string& server) {
  ServerAddress address;
  std::string_view rest = server;
  if (rest.rfind("https://", 0) == 0) {
    rest.remove_prefix(8);
  } else if (rest.rfind("http://", 0) == 0) {
    address.tls = false;
    rest.remove_prefix(7);
  } else {
    return absl::InvalidArgumentError("the API server's URL \"" + server + "\" is not https:// or http://");
  }
  const size_t slash = rest.find('/');
  std::string_view authority = rest.substr(0, slash);
  if (slash != std::string_view::npos) {
    address.path_prefix = std::string(rest.substr(slash));
    while (!address.path_prefix.empty() && address.path_prefix.back() == '/') address.path_prefix.pop_back();
  }
  std::string_view port;
  if (!authority.empty() && authority.front() == '[') {  // [::1]:6443
    const size_t close = authority.find(']');
    if (close == std::string_view::npos)
      return absl::InvalidArgumentError("the API server's URL \"" + server + "\" has an unclosed [");
    address.host = std::string(authority.substr(1, close - 1));
    if (close + 1 < authority.size() && authority[close + 1] == ':') port = authority.substr(close + 2);
  } else {
    const size_t colon = authority.rfind(':');
    address.host = std::string(authority.substr(0, colon));
    if (colon != std::string_view::npos) port = authority.substr(colon + 1);
  }
  if (address.host.empty()) return absl::InvalidArgumentError("the API server's URL \"" + server + "\" has no host");
  address.port = port.empty() ? (address.tls ? "443" : "80") : std::string(port);
  return address;
}

StatusOr<std::unique_ptr<KubeHttp>> KubeHttp::Make(const KubeConfig& config) {
  auto address = ParseServerAddress(config.cluster.server);
  if (!address.ok()) return address.status();
  std::unique_ptr<KubeHttp> client(new KubeHttp(config, std::move(*address)));
  // The configured trust and a static client certificate are checked now, not at the first task.
  auto credential = client->credentials_.Current();
  Credential first = credential.ok() ? *credential : Credential{};
  if (!credential.ok() && !config.user.exec) return credential.status();
  auto tls = client->TlsFor(first);
  if (!tls.ok()) return tls.status();
  return client;
}

KubeHttp::KubeHttp(const KubeConfig& config, ServerAddress address)
    : server_(config.cluster.server), address_(std::move(address)), cluster_(config.cluster), credentials_(config) {}

StatusOr<std::shared_ptr<KubeHttp::Tls>> KubeHttp::TlsFor(const Credential& credential) {
  absl::MutexLock lock(&mu_);
  if (tls_ && tls_->certificate == credential.client_certificate_pem) return tls_;
  auto tls = std::make_shared<Tls>(credential.client_certificate_pem);
  boost::system::error_code error;
  const std::string& ca = cluster_.ca_pem;
  if (cluster_.insecure_skip_tls_verify) {
    tls->context.set_verify_mode(ssl::verify_none);
  } else {
    tls->context.set_verify_mode(ssl::verify_peer);
    if (ca.empty()) {
      tls->context.set_default_verify_paths(error);
    } else {
      tls->context.add_certificate_authority(asio::buffer(ca), error);
    }
    if (error) return absl::InvalidArgumentError("the kubeconfig's certificate authority: " + error.message());
  }
  if (!credential.client_certificate_pem.empty()) {
    tls->context.use_certificate_chain(asio::buffer(credential.client_certificate_pem), error);
    if (error) return absl::InvalidArgumentError("the kubeconfig's client certificate: " + error.message());
    tls->context.use_private_key(asio::buffer(credential.client_key_pem), ssl::context::pem, error);
    if (error) return absl::InvalidArgumentError("the kubeconfig's client key: " + error.message());
  }
  tls_ = tls;
  return tls;
}

StatusOr<HttpResponse> KubeHttp::Once(const HttpRequest& request, const Credential& credential,
                                      const HttpOptions& options, const BodySink& sink) {
  const auto broken = [&](std::string_view step, const boost::system::error_code& error) -> Status {
    if (options.cancellation != nullptr && options.cancellation->cancelled()) {
      return absl::CancelledError("the request was cancelled");
    }
    return absl::UnavailableError("Kubernetes API server " + server_ + ": " + std::string(step) + ": " +
                                  error.message());
  };
  asio::io_context io;
  boost::system::error_code error;
  Tcp::resolver resolver(io);
  const auto endpoints = resolver.resolve(address_.host, address_.port, error);
  if (error) return broken("resolving " + address_.host, error);
  Tcp::socket socket(io);
  for (const auto& endpoint : endpoints) {
    socket.close(error);
    socket.open(endpoint.endpoint().protocol(), error);
    if (error) continue;
    // Linux applies the send timeout to connect() too: an unreachable server fails in time.
    SetSocketTimeouts(socket.native_handle(), options.io_timeout);
    socket.connect(endpoint.endpoint(), error);
    if (!error) break;
  }
  if (error) return broken("connect", error);
  socket.set_option(Tcp::no_delay(true), error);
  CancellationEntry entry(options.cancellation);
  if (!entry.Enter(socket.native_handle())) return absl::CancelledError("the request was cancelled");

  HttpRequest sent = request;
  sent.target = address_.path_prefix + request.target;
  if (!credential.token.empty()) sent.headers["Authorization"] = "Bearer " + credential.token;
  sent.headers.try_emplace("Accept", "application/json");
  const std::string host = address_.host.find(':') != std::string::npos ? "[" + address_.host + "]" : address_.host;
  if (!address_.tls) return Exchange(socket, sent, host + ":" + address_.port, sink, broken);

  auto tls = TlsFor(credential);
  if (!tls.ok()) return tls.status();
  ssl::stream<Tcp::socket&> stream(socket, (*tls)->context);
  const std::string& name = cluster_.tls_server_name.empty() ? address_.host : cluster_.tls_server_name;
  asio::ip::make_address(name, error);
  if (error) SSL_set_tlsext_host_name(stream.native_handle(), name.c_str());  // SNI: names only, never addresses
  if (!cluster_.insecure_skip_tls_verify) stream.set_verify_callback(ssl::host_name_verification(name));
  stream.handshake(ssl::stream_base::client, error);
  if (error) return broken("TLS handshake", error);
  return Exchange(stream, sent, host + ":" + address_.port, sink, broken);
}

StatusOr<HttpResponse> KubeHttp::Call(const HttpRequest& request, const HttpOptions& options, const BodySink& sink) {
  auto credential = credentials_.Current();
  if (!credential.ok()) return credential.status();
  auto response = Once(request, *credential, options, sink);
  if (!response.ok() || response->status != 401) return response;
  credentials_.Rejected(*credential);  // once more with new ones, when the kubeconfig can make them
  auto renewed = credentials_.Current();
  if (!renewed.ok() || *renewed == *credential) return response;
  return Once(request, *renewed, options, sink);
}

}  // namespace flyte::plugins

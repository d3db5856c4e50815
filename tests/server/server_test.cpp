#include "server/server.h"

#include <doctest/doctest.h>
#include <grpcpp/client_context.h>
#include <grpcpp/create_channel.h>
#include <grpcpp/security/credentials.h>

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include "fakes/admin_fixture.h"
#include "flyteidl/service/admin.grpc.pb.h"

namespace flyte::server {
namespace {

namespace beast = boost::beast;
namespace http = beast::http;

// GET http://127.0.0.1:<port><target>, blocking.
http::response<http::string_body> Get(int port, const std::string& target) {
  boost::asio::io_context io;
  beast::tcp_stream stream(io);
  stream.connect(
      boost::asio::ip::tcp::endpoint(boost::asio::ip::make_address("127.0.0.1"), static_cast<unsigned short>(port)));
  http::request<http::empty_body> request{http::verb::get, target, 11};
  request.set(http::field::host, "127.0.0.1");
  http::write(stream, request);
  beast::flat_buffer buffer;
  http::response<http::string_body> response;
  http::read(stream, buffer, response);
  return response;
}

ServerConfig AnyPort() {
  ServerConfig config;
  config.port = 0;
  config.shutdown_grace = std::chrono::seconds(1);
  return config;
}

TEST_CASE("server: binds port 0 to a free port and says how clients reach it") {
  auto server = Server::Bind(AnyPort());
  REQUIRE(server.ok());
  CHECK((*server)->config().port > 0);
  CHECK((*server)->config().ClientAddress() == "localhost:" + std::to_string((*server)->config().port));
  (*server)->Shutdown();  // never served: nothing to stop
}

TEST_CASE("server: bound to one address beyond loopback, clients reach it there") {
  ServerConfig config;
  config.port = 30080;
  config.bind_address = "192.0.2.2";
  CHECK(config.ClientAddress() == "192.0.2.2:30080");
  config.bind_address = "fd00::2";
  CHECK(config.ClientAddress() == "[fd00::2]:30080");
  config.bind_address = "0.0.0.0";
  CHECK(config.ClientAddress() == "localhost:30080");
  config.public_address = "flyte.example:443";
  CHECK(config.ClientAddress() == "flyte.example:443");
}

TEST_CASE("server: a port in use is refused with a clear message") {
  auto first = Server::Bind(AnyPort());
  REQUIRE(first.ok());
  ServerConfig same = AnyPort();
  same.port = (*first)->config().port;
  auto second = Server::Bind(same);
  REQUIRE_FALSE(second.ok());
  CHECK(absl::IsFailedPrecondition(second.status()));
  CHECK(std::string(second.status().message()).find("already in use") != std::string::npos);
}

TEST_CASE("server: serves the admin layer over gRPC and HTTP on one port") {
  testing::AdminFixture fixture;
  auto server = Server::Bind(AnyPort());
  REQUIRE(server.ok());
  const int port = (*server)->config().port;
  const auth::Authenticator open_access({}, "key", "http://localhost", SystemClock());
  REQUIRE((*server)
              ->Serve({*fixture.admin, *fixture.blobs, fixture.signer, open_access, fixture.dir.path() / "logs"})
              .ok());

  CHECK(Get(port, "/healthz").result() == http::status::ok);
  auto projects = Get(port, "/api/v1/projects");
  CHECK(projects.result() == http::status::ok);
  CHECK(projects.body().find("flytesnacks") != std::string::npos);

  auto stub = flyteidl::service::AdminService::NewStub(
      grpc::CreateChannel("127.0.0.1:" + std::to_string(port), grpc::InsecureChannelCredentials()));
  grpc::ClientContext context;
  flyteidl::admin::ProjectListRequest request;
  flyteidl::admin::Projects reply;
  REQUIRE(stub->ListProjects(&context, request, &reply).ok());
  REQUIRE(reply.projects_size() == 1);
  CHECK(reply.projects(0).id() == "flytesnacks");

  (*server)->Shutdown();
}

}  // namespace
}  // namespace flyte::server

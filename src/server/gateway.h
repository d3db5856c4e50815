// The HTTP JSON gateway (grpc-gateway conventions): an HTTP request on a derived route becomes
// the gRPC request message (body, then path captures and query parameters), is sent through the
// in-process gRPC channel, and the reply goes back as JSON (proto field names, defaults emitted)
// or as binary protobuf when the client asks for application/octet-stream, like FlyteConsole.
#pragma once

#include <grpcpp/channel.h>
#include <grpcpp/generic/generic_stub.h>

#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "server/route_table.h"

namespace flyte::server {

struct HttpReply {
  int status = 200;
  std::string content_type = "application/json";
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers = {};  // extra response headers
};

struct GatewayRequest {
  std::string verb;
  std::string target;  // path and query string
  std::string content_type;
  std::string accept;
  std::string body;
  std::string authorization;  // the caller's bearer, passed on to the gRPC call
  std::string request_id;     // the HTTP request's, passed on so the gRPC call logs the same id
};

class Gateway {
 public:
  Gateway(std::shared_ptr<grpc::Channel> channel, RouteTable routes);

  // Completes with the reply, possibly on a gRPC thread. Never blocks.
  void Handle(GatewayRequest request, std::function<void(HttpReply)> done);

  // An error reply in the gateway's format: {"code": <grpc code>, "message": ..., "details": []},
  // with the HTTP status of the gRPC code unless `http_status` is given; the message is bounded.
  static HttpReply ErrorReply(int grpc_code, const std::string& message, int http_status = 0);

 private:
  std::shared_ptr<grpc::Channel> channel_;
  grpc::GenericStub stub_;
  RouteTable routes_;
};

}  // namespace flyte::server

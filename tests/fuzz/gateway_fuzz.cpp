// The HTTP JSON gateway (server/gateway.cpp, route_table.cpp): route matching with path captures,
// the JSON or binary body, query parameters mapped onto the request message's fields. Input:
// "<verb> <path?query>\n<content type>\n<accept>\n<body>". Requests that map go through the
// in-process channel to a server that answers every method UNIMPLEMENTED.
#include <grpcpp/generic/async_generic_service.h>
#include <grpcpp/server_builder.h>

#include <cstddef>
#include <cstdint>
#include <future>
#include <string>
#include <string_view>

#include "fuzz/fuzz_input.h"
#include "server/gateway.h"
#include "server/grpc_services.h"

namespace {

flyte::server::Gateway& FuzzGateway() {
  // Process-lifetime, like the sandbox's own server: never torn down between inputs.
  static grpc::CallbackGenericService* unimplemented = new grpc::CallbackGenericService;
  static grpc::Server* server = [] {
    grpc::ServerBuilder builder;
    builder.RegisterCallbackGenericService(unimplemented);
    return builder.BuildAndStart().release();
  }();
  static auto* gateway =
      new flyte::server::Gateway(server->InProcessChannel(grpc::ChannelArguments()),
                                 flyte::server::RouteTable::FromServices(flyte::server::ServedServiceDescriptors()));
  return *gateway;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view input(reinterpret_cast<const char*>(data), size);
  flyte::server::GatewayRequest request;
  const std::string request_line(flyte::fuzz::NextLine(input));
  const size_t space = request_line.find(' ');
  request.verb = request_line.substr(0, space);
  request.target = space == std::string::npos ? "" : request_line.substr(space + 1);
  request.content_type = flyte::fuzz::NextLine(input);
  request.accept = flyte::fuzz::NextLine(input);
  request.body = std::string(input);
  std::promise<flyte::server::HttpReply> reply;
  FuzzGateway().Handle(std::move(request), [&reply](flyte::server::HttpReply r) { reply.set_value(std::move(r)); });
  (void)reply.get_future().get();
  return 0;
}

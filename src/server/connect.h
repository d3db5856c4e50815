// The Connect protocol (connectrpc.com/docs/protocol), which the Flyte 2 SDK speaks instead of
// gRPC: HTTP/1.1 POST to /<package>.<Service>/<Method>, the request message as the body (binary
// protobuf or JSON, gzip when Content-Encoding says so), the reply message as a 200 body, an error
// as {"code": "not_found", "message": ...} with the HTTP status of its code. A client reads a
// reply without that JSON body by its HTTP status alone (a bare 404 is "unimplemented"), so
// every reply to a Connect path, including every refusal, goes through here.
// Unary calls only, for now. Thread-safe once built: handlers are registered before serving.
#pragma once

#include <google/protobuf/message.h>

#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "absl/container/flat_hash_map.h"
#include "common/status.h"
#include "server/gateway.h"

namespace flyte::server {

struct ConnectRequest {
  std::string path;  // /<package>.<Service>/<Method>
  std::string content_type;
  std::string content_encoding;
  std::string body;
};

// Whether `target` is a Connect path (a Flyte 2 service's, whose packages start "flyteidl2.").
bool IsConnectPath(std::string_view target);

// An error reply as Connect sends it: the JSON body and the HTTP status of `status`'s code.
HttpReply ConnectError(const Status& status);
// A reply of the HTTP layer to a Connect call (a refusal by the guard, auth or a limit, in the
// gateway's form {"code": <gRPC code>, "message": ...}) in Connect's form, its HTTP status kept.
// Successes and replies already in Connect's form pass unchanged.
HttpReply AsConnectError(HttpReply reply);

class ConnectRouter {
 public:
  using Handler = std::function<Status(const google::protobuf::Message& request, google::protobuf::Message* reply)>;

  // The method's descriptor must be in the generated pool (its service is compiled in).
  template <typename Request, typename Reply>
  void Add(std::string_view method, std::function<Status(const Request&, Reply*)> handler) {
    AddHandler(method, [handler = std::move(handler)](const google::protobuf::Message& request,
                                                      google::protobuf::Message* reply) {
      return handler(static_cast<const Request&>(request), static_cast<Reply*>(reply));
    });
  }

  // The reply to one request; `max_body_bytes` bounds the body once decompressed.
  HttpReply Handle(const ConnectRequest& request, size_t max_body_bytes) const;

 private:
  void AddHandler(std::string_view method, Handler handler);

  struct Method {
    const google::protobuf::Message* request_prototype;
    const google::protobuf::Message* reply_prototype;
    Handler handler;
  };
  absl::flat_hash_map<std::string, Method> methods_;  // by path
};

}  // namespace flyte::server

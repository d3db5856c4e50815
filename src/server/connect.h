// The Connect protocol (connectrpc.com/docs/protocol), which the Flyte 2 SDK speaks instead of
// gRPC: HTTP/1.1 POST to /<package>.<Service>/<Method>, the request message as the body (binary
// protobuf or JSON, gzip when Content-Encoding says so), the reply message as a 200 body, an error
// as {"code": "not_found", "message": ...} with the HTTP status of its code. A client reads a
// reply without that JSON body by its HTTP status alone (a bare 404 is "unimplemented"), so
// every reply to a Connect path, including every refusal, goes through here.
// Server streams (application/connect+proto or +json) frame each message in an envelope
// (connect_envelope.h); the router opens them, connect_stream.h writes them. Thread-safe once
// built: handlers are registered before serving.
#pragma once

#include <google/protobuf/message.h>

#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "absl/container/flat_hash_map.h"
#include "admin/reply_stream.h"
#include "common/status.h"
#include "server/gateway.h"

namespace flyte::server {

struct ConnectRequest {
  std::string path;  // /<package>.<Service>/<Method>
  std::string content_type;
  std::string content_encoding;
  std::string body;
  std::string message_encoding = {};  // a stream's Connect-Content-Encoding
};

// Whether `target` is a Connect path (a Flyte 2 service's, whose packages start "flyteidl2.").
bool IsConnectPath(std::string_view target);
// Whether a Connect request's content type is a stream's (application/connect+<codec>).
bool IsConnectStream(std::string_view content_type);

// The error object of Connect's wire: {"code": "not_found", "message": ...}.
std::string ConnectErrorJson(const Status& status);

// One open server-streaming call, driven by the transport (connect_stream.h): Next (blocking: it
// reads the store) appends the envelopes of the messages due since its last call, the first call
// those already there, and sets *ended when the call is complete.
class ConnectStreamCall {
 public:
  using Next = std::function<Status(std::vector<std::unique_ptr<google::protobuf::Message>>*, bool*)>;
  // What a stream's opener returns: its Next and ReplyStream::PollInterval.
  struct Opened {
    Next next;
    std::chrono::milliseconds poll{0};
  };
  ConnectStreamCall(bool json, Opened opened) : json_(json), opened_(std::move(opened)) {}
  Status NextEnvelopes(std::string* envelopes, bool* ended);
  // Zero: Next is called only after a wake; else also once this long passed without one.
  std::chrono::milliseconds poll_interval() const { return opened_.poll; }

 private:
  bool json_;
  Opened opened_;
};

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

  using StreamOpener = std::function<StatusOr<ConnectStreamCall::Opened>(const google::protobuf::Message& request,
                                                                         admin::StreamWake wake)>;

  // A server-streaming method: `open` checks the request and returns its stream.
  template <typename Request, typename Reply>
  void AddStream(
      std::string_view method,
      std::function<StatusOr<std::unique_ptr<admin::ReplyStream<Reply>>>(const Request&, admin::StreamWake)> open) {
    AddStreamHandler(
        method,
        [open = std::move(open)](const google::protobuf::Message& request,
                                 admin::StreamWake wake) -> StatusOr<ConnectStreamCall::Opened> {
          ASSIGN_OR_RETURN(std::unique_ptr<admin::ReplyStream<Reply>> opened,
                           open(static_cast<const Request&>(request), std::move(wake)));
          std::shared_ptr<admin::ReplyStream<Reply>> stream = std::move(opened);
          const std::chrono::milliseconds poll = stream->PollInterval();
          return ConnectStreamCall::Opened{
              [stream](std::vector<std::unique_ptr<google::protobuf::Message>>* out, bool* ended) -> Status {
                std::vector<Reply> replies;
                RETURN_IF_ERROR(stream->Next(&replies, ended));
                for (Reply& reply : replies) out->push_back(std::make_unique<Reply>(std::move(reply)));
                return absl::OkStatus();
              },
              poll};
        });
  }

  // The reply to one request; `max_body_bytes` bounds the body once decompressed.
  HttpReply Handle(const ConnectRequest& request, size_t max_body_bytes) const;
  // Opens a streaming call (IsConnectStream): UNIMPLEMENTED for a path not served as a stream.
  // `wake` is called, from any thread, when the stream has messages due.
  StatusOr<ConnectStreamCall> OpenStream(const ConnectRequest& request, size_t max_body_bytes,
                                         admin::StreamWake wake) const;

 private:
  void AddHandler(std::string_view method, Handler handler);
  void AddStreamHandler(std::string_view method, StreamOpener open);

  struct Method {
    const google::protobuf::Message* request_prototype;
    const google::protobuf::Message* reply_prototype;
    Handler handler;
  };
  absl::flat_hash_map<std::string, Method> methods_;  // by path
  struct StreamMethod {
    const google::protobuf::Message* request_prototype;
    StreamOpener open;
  };
  absl::flat_hash_map<std::string, StreamMethod> streams_;  // by path
};

}  // namespace flyte::server

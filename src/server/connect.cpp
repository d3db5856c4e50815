#include "server/connect.h"

#include <google/protobuf/descriptor.h>
#include <google/protobuf/struct.pb.h>
#include <google/protobuf/util/json_util.h>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "common/log.h"
#include "common/log_format.h"
#include "server/connect_envelope.h"
#include "server/gzip.h"
#include "server/status_mapping.h"

namespace flyte::server {
namespace {

namespace pb = google::protobuf;

// Connect's code names and HTTP statuses (connectrpc.com/docs/protocol#error-codes).
struct CodeOnWire {
  std::string_view name;
  int http_status;
};

CodeOnWire WireCode(absl::StatusCode code) {
  switch (code) {
    case absl::StatusCode::kCancelled:
      return {"canceled", 499};
    case absl::StatusCode::kInvalidArgument:
      return {"invalid_argument", 400};
    case absl::StatusCode::kDeadlineExceeded:
      return {"deadline_exceeded", 504};
    case absl::StatusCode::kNotFound:
      return {"not_found", 404};
    case absl::StatusCode::kAlreadyExists:
      return {"already_exists", 409};
    case absl::StatusCode::kPermissionDenied:
      return {"permission_denied", 403};
    case absl::StatusCode::kResourceExhausted:
      return {"resource_exhausted", 429};
    case absl::StatusCode::kFailedPrecondition:
      return {"failed_precondition", 400};
    case absl::StatusCode::kAborted:
      return {"aborted", 409};
    case absl::StatusCode::kOutOfRange:
      return {"out_of_range", 400};
    case absl::StatusCode::kUnimplemented:
      return {"unimplemented", 501};
    case absl::StatusCode::kUnavailable:
      return {"unavailable", 503};
    case absl::StatusCode::kDataLoss:
      return {"data_loss", 500};
    case absl::StatusCode::kUnauthenticated:
      return {"unauthenticated", 401};
    // The SDK answers `unknown` by starting a login when TLS is on: the sandbox's own failures
    // are `internal`.
    default:
      return {"internal", 500};
  }
}

// The body as sent, inflated when gzipped. pyqwest has been seen to mark a body gzip that does
// not start with gzip's magic bytes (flyte's own server strips the header for that): such a body
// is taken as it is.
StatusOr<std::string> Decoded(const ConnectRequest& request, size_t max_bytes) {
  const std::string encoding = absl::AsciiStrToLower(request.content_encoding);
  if (encoding.empty() || encoding == "identity" || (encoding == "gzip" && !LooksGzipped(request.body))) {
    if (request.body.size() > max_bytes) return absl::ResourceExhaustedError("the request is too large");
    return request.body;
  }
  if (encoding != "gzip") {
    return absl::UnimplementedError(
        absl::StrCat("content encoding \"", Echo(encoding), "\" is not supported: use gzip"));
  }
  return Gunzip(request.body, max_bytes);
}

enum class Codec { kProto, kJson };

StatusOr<Codec> CodecOf(std::string_view content_type) {
  const std::string media = absl::AsciiStrToLower(std::string(content_type.substr(0, content_type.find(';'))));
  if (media == "application/proto") return Codec::kProto;
  if (media == "application/json") return Codec::kJson;
  return absl::InvalidArgumentError(absl::StrCat("Content-Type \"", Echo(content_type),
                                                 "\" is not a Connect unary codec: send application/proto or "
                                                 "application/json"));
}

Status Parse(Codec codec, const std::string& body, pb::Message* message) {
  if (codec == Codec::kProto) {
    if (!message->ParseFromString(body)) {
      return absl::InvalidArgumentError(absl::StrCat("the body is not a ", message->GetTypeName()));
    }
    return absl::OkStatus();
  }
  pb::util::JsonParseOptions options;
  options.ignore_unknown_fields = true;  // a newer client's fields, as binary protobuf keeps them
  const auto parsed = pb::util::JsonStringToMessage(body.empty() ? "{}" : body, message, options);
  if (!parsed.ok()) return absl::InvalidArgumentError(absl::StrCat("the body is not a JSON ", message->GetTypeName()));
  return absl::OkStatus();
}

StatusOr<std::string> Serialize(Codec codec, const pb::Message& message) {
  std::string out;
  if (codec == Codec::kProto) {
    if (!message.SerializeToString(&out)) return absl::InternalError("cannot serialize the reply");
    return out;
  }
  pb::util::JsonPrintOptions options;
  options.preserve_proto_field_names = false;  // Connect's JSON is protobuf's canonical JSON (camelCase)
  if (!pb::util::MessageToJsonString(message, &out, options).ok()) {
    return absl::InternalError("cannot write the reply as JSON");
  }
  return out;
}

// A method of the compiled protocol by "<package>.<Service>/<Method>"; null (logged) when absent.
const pb::MethodDescriptor* FindMethod(std::string_view method) {
  const std::string full_name(method);
  const size_t slash = full_name.find('/');
  const pb::MethodDescriptor* descriptor = slash == std::string::npos
                                               ? nullptr
                                               : pb::DescriptorPool::generated_pool()->FindMethodByName(
                                                     full_name.substr(0, slash) + "." + full_name.substr(slash + 1));
  if (descriptor == nullptr) log::Error("connect", "no such method in the compiled protocol", {{"method", full_name}});
  return descriptor;
}

}  // namespace

bool IsConnectPath(std::string_view target) { return target.starts_with("/flyteidl2."); }

bool IsConnectStream(std::string_view content_type) {
  constexpr std::string_view kPrefix = "application/connect+";
  return content_type.size() > kPrefix.size() &&
         absl::AsciiStrToLower(std::string(content_type.substr(0, kPrefix.size()))) == kPrefix;
}

std::string ConnectErrorJson(const Status& status) {
  return absl::StrCat("{\"code\":\"", std::string(WireCode(status.code()).name),
                      "\",\"message\":", log::JsonQuoted(BoundedMessage(std::string(status.message()))), "}");
}

HttpReply ConnectError(const Status& status) {
  return HttpReply{WireCode(status.code()).http_status, "application/json", ConnectErrorJson(status)};
}

HttpReply AsConnectError(HttpReply reply) {
  if (reply.status == 200) return reply;
  pb::Struct body;
  if (reply.content_type == "application/json" && pb::util::JsonStringToMessage(reply.body, &body).ok()) {
    const auto code = body.fields().find("code");
    if (code != body.fields().end() && code->second.has_string_value()) return reply;  // Connect's already
    const auto message = body.fields().find("message");
    if (code != body.fields().end() && code->second.has_number_value() && message != body.fields().end()) {
      const int status = reply.status;
      reply = ConnectError(
          Status(static_cast<absl::StatusCode>(code->second.number_value()), message->second.string_value()));
      reply.status = status;
      return reply;
    }
  }
  const int status = reply.status;
  const absl::StatusCode code = status == 401                    ? absl::StatusCode::kUnauthenticated
                                : status == 403                  ? absl::StatusCode::kPermissionDenied
                                : status == 404                  ? absl::StatusCode::kUnimplemented
                                : status == 413 || status == 429 ? absl::StatusCode::kResourceExhausted
                                : status == 503                  ? absl::StatusCode::kUnavailable
                                : status < 500                   ? absl::StatusCode::kInvalidArgument
                                                                 : absl::StatusCode::kInternal;
  HttpReply converted = ConnectError(Status(code, reply.body));
  converted.status = status;
  converted.headers = std::move(reply.headers);
  return converted;
}

void ConnectRouter::AddHandler(std::string_view method, Handler handler) {
  const pb::MethodDescriptor* descriptor = FindMethod(method);
  if (descriptor == nullptr) return;
  pb::MessageFactory* factory = pb::MessageFactory::generated_factory();
  methods_["/" + std::string(method)] = Method{factory->GetPrototype(descriptor->input_type()),
                                               factory->GetPrototype(descriptor->output_type()), std::move(handler)};
}

void ConnectRouter::AddStreamHandler(std::string_view method, StreamOpener open) {
  const pb::MethodDescriptor* descriptor = FindMethod(method);
  if (descriptor == nullptr) return;
  streams_["/" + std::string(method)] =
      StreamMethod{pb::MessageFactory::generated_factory()->GetPrototype(descriptor->input_type()), std::move(open)};
}

StatusOr<ConnectStreamCall> ConnectRouter::OpenStream(const ConnectRequest& request, size_t max_body_bytes,
                                                      admin::StreamWake wake) const {
  const auto method = streams_.find(request.path);
  if (method == streams_.end()) {
    return absl::UnimplementedError(absl::StrCat(Echo(request.path), " is not served as a stream by this sandbox"));
  }
  const std::string media = absl::AsciiStrToLower(request.content_type.substr(0, request.content_type.find(';')));
  const bool json = media == "application/connect+json";
  if (!json && media != "application/connect+proto") {
    return absl::InvalidArgumentError(absl::StrCat("Content-Type \"", Echo(request.content_type),
                                                   "\" is not a Connect stream codec: send application/connect+proto "
                                                   "or application/connect+json"));
  }
  StatusOr<std::string> body = Decoded(request, max_body_bytes);  // a whole-body Content-Encoding, if any
  if (!body.ok()) return body.status();
  ASSIGN_OR_RETURN(std::string message, RequestMessage(*body, request.message_encoding, max_body_bytes));
  std::unique_ptr<pb::Message> input(method->second.request_prototype->New());
  RETURN_IF_ERROR(Parse(json ? Codec::kJson : Codec::kProto, message, input.get()));
  ASSIGN_OR_RETURN(ConnectStreamCall::Opened opened, method->second.open(*input, std::move(wake)));
  return ConnectStreamCall(json, std::move(opened));
}

Status ConnectStreamCall::NextEnvelopes(std::string* envelopes, bool* ended) {
  std::vector<std::unique_ptr<pb::Message>> messages;
  RETURN_IF_ERROR(opened_.next(&messages, ended));
  for (const auto& message : messages) {
    ASSIGN_OR_RETURN(std::string payload, Serialize(json_ ? Codec::kJson : Codec::kProto, *message));
    *envelopes += Envelope(payload);
  }
  return absl::OkStatus();
}

HttpReply ConnectRouter::Handle(const ConnectRequest& request, size_t max_body_bytes) const {
  const auto method = methods_.find(request.path);
  if (method == methods_.end()) {
    return ConnectError(absl::UnimplementedError(absl::StrCat(Echo(request.path), " is not served by this sandbox")));
  }
  const StatusOr<Codec> codec = CodecOf(request.content_type);
  if (!codec.ok()) {
    HttpReply reply = ConnectError(codec.status());
    reply.status = 415;
    reply.headers.emplace_back("Accept-Post", "application/proto, application/json");
    return reply;
  }
  StatusOr<std::string> body = Decoded(request, max_body_bytes);
  if (!body.ok()) return ConnectError(body.status());
  std::unique_ptr<pb::Message> input(method->second.request_prototype->New());
  if (Status parsed = Parse(*codec, *body, input.get()); !parsed.ok()) return ConnectError(parsed);
  std::unique_ptr<pb::Message> output(method->second.reply_prototype->New());
  if (Status handled = method->second.handler(*input, output.get()); !handled.ok()) return ConnectError(handled);
  StatusOr<std::string> reply = Serialize(*codec, *output);
  if (!reply.ok()) return ConnectError(reply.status());
  return HttpReply{200, *codec == Codec::kProto ? "application/proto" : "application/json", *std::move(reply)};
}

}  // namespace flyte::server

#include "server/gateway.h"

#include <google/protobuf/dynamic_message.h>
#include <google/protobuf/struct.pb.h>
#include <google/protobuf/util/json_util.h>
#include <grpcpp/client_context.h>

#include "common/text.h"
#include "common/url.h"
#include "server/request_id.h"
#include "server/status_mapping.h"

namespace flyte::server {
namespace {

using google::protobuf::FieldDescriptor;
using google::protobuf::Message;

bool WantsBinary(const std::string& header) { return header.find("application/octet-stream") != std::string::npos; }

std::string StatusJson(int code, const std::string& message) {
  google::protobuf::Value escaped;
  escaped.set_string_value(BoundedMessage(message));
  std::string quoted;
  (void)google::protobuf::util::MessageToJsonString(escaped, &quoted);
  return "{\"code\":" + std::to_string(code) + ",\"message\":" + quoted + ",\"details\":[]}";
}

// Sets `path` ("id.project", "sort_by.key") on `message` from text, grpc-gateway style.
absl::Status SetField(Message* message, const std::string& path, const std::string& value) {
  size_t dot = path.find('.');
  const std::string name = path.substr(0, dot);
  const FieldDescriptor* field = message->GetDescriptor()->FindFieldByName(name);
  if (field == nullptr) field = message->GetDescriptor()->FindFieldByLowercaseName(name);
  if (field == nullptr) field = message->GetDescriptor()->FindFieldByCamelcaseName(name);
  if (field == nullptr) return absl::InvalidArgumentError("unknown field \"" + Echo(path) + "\"");
  const auto* reflection = message->GetReflection();
  if (dot != std::string::npos) {
    if (field->cpp_type() != FieldDescriptor::CPPTYPE_MESSAGE || field->is_repeated()) {
      return absl::InvalidArgumentError("\"" + Echo(path) + "\" does not name a nested field");
    }
    return SetField(reflection->MutableMessage(message, field), path.substr(dot + 1), value);
  }
  auto bad = [&] {
    return absl::InvalidArgumentError("bad value \"" + Echo(value) + "\" for field \"" + Echo(path) + "\"");
  };
  try {
    switch (field->cpp_type()) {
      case FieldDescriptor::CPPTYPE_STRING:
        // A proto string must be UTF-8: the in-process call would fail to parse it (INTERNAL).
        if (field->type() == FieldDescriptor::TYPE_STRING && !IsValidUtf8(value)) {
          return absl::InvalidArgumentError("field \"" + Echo(path) + "\" is not valid UTF-8");
        }
        if (field->is_repeated())
          reflection->AddString(message, field, value);
        else
          reflection->SetString(message, field, value);
        return absl::OkStatus();
      case FieldDescriptor::CPPTYPE_INT32:
        reflection->SetInt32(message, field, std::stoi(value));
        return absl::OkStatus();
      case FieldDescriptor::CPPTYPE_INT64:
        reflection->SetInt64(message, field, std::stoll(value));
        return absl::OkStatus();
      case FieldDescriptor::CPPTYPE_UINT32:
        reflection->SetUInt32(message, field, static_cast<uint32_t>(std::stoul(value)));
        return absl::OkStatus();
      case FieldDescriptor::CPPTYPE_UINT64:
        reflection->SetUInt64(message, field, std::stoull(value));
        return absl::OkStatus();
      case FieldDescriptor::CPPTYPE_BOOL:
        if (value != "true" && value != "false") return bad();
        reflection->SetBool(message, field, value == "true");
        return absl::OkStatus();
      case FieldDescriptor::CPPTYPE_ENUM: {
        const auto* by_name = field->enum_type()->FindValueByName(value);
        const auto* found = by_name != nullptr ? by_name : field->enum_type()->FindValueByNumber(std::stoi(value));
        if (found == nullptr) return bad();
        reflection->SetEnum(message, field, found);
        return absl::OkStatus();
      }
      default:
        return absl::InvalidArgumentError("field \"" + Echo(path) + "\" cannot be set from a URL");
    }
  } catch (const std::exception&) {
    return bad();
  }
}

absl::Status FillRequest(const RouteMatch& match, const GatewayRequest& http, const std::string& query,
                         Message* request) {
  const Route& route = *match.route;
  if (!route.body.empty() && !http.body.empty()) {
    Message* target = request;
    if (route.body != "*") {
      const FieldDescriptor* field = request->GetDescriptor()->FindFieldByName(route.body);
      if (field == nullptr) return absl::InternalError("route body field " + route.body + " missing");
      target = request->GetReflection()->MutableMessage(request, field);
    }
    if (WantsBinary(http.content_type)) {
      if (!target->ParseFromString(http.body))
        return absl::InvalidArgumentError("request body is not a valid protobuf");
    } else {
      auto parsed = google::protobuf::util::JsonStringToMessage(http.body, target);
      if (!parsed.ok()) return absl::InvalidArgumentError("request body: " + Echo(parsed.message().as_string()));
    }
  }
  for (const auto& [path, value] : match.captures) {
    absl::Status status = SetField(request, path, value);
    if (!status.ok()) return status;
  }
  if (route.body != "*") {
    auto params = ParseQuery(query);
    if (!params.ok()) return params.status();
    for (const auto& [path, value] : *params) {
      absl::Status status = SetField(request, path, value);
      if (!status.ok()) return status;
    }
  }
  return absl::OkStatus();
}

grpc::ByteBuffer ToByteBuffer(const std::string& bytes) {
  grpc::Slice slice(bytes);
  return grpc::ByteBuffer(&slice, 1);
}

std::string FromByteBuffer(const grpc::ByteBuffer& buffer) {
  std::vector<grpc::Slice> slices;
  (void)buffer.Dump(&slices);
  std::string out;
  for (const auto& slice : slices) out.append(reinterpret_cast<const char*>(slice.begin()), slice.size());
  return out;
}

// State of one in-flight call; freed when gRPC completes it.
struct Call {
  grpc::ClientContext context;
  grpc::ByteBuffer request;
  grpc::ByteBuffer response;
  std::unique_ptr<Message> response_message;
  bool binary = false;
  std::function<void(HttpReply)> done;
};

}  // namespace

Gateway::Gateway(std::shared_ptr<grpc::Channel> channel, RouteTable routes)
    : channel_(std::move(channel)), stub_(channel_), routes_(std::move(routes)) {}

HttpReply Gateway::ErrorReply(int grpc_code, const std::string& message, int http_status) {
  if (http_status == 0) http_status = HttpStatusOf(static_cast<grpc::StatusCode>(grpc_code));
  return {http_status, "application/json", StatusJson(grpc_code, message)};
}

void Gateway::Handle(GatewayRequest http, std::function<void(HttpReply)> done) {
  const size_t question = http.target.find('?');
  const std::string path = http.target.substr(0, question);
  const std::string query = question == std::string::npos ? "" : http.target.substr(question + 1);
  bool path_known = false;
  auto match = routes_.Match(http.verb, path, &path_known);
  if (!match) {
    done(path_known ? ErrorReply(12, "method not allowed on " + Echo(path), 405)
                    : ErrorReply(5, "no API route for " + Echo(path)));
    return;
  }
  auto* factory = google::protobuf::MessageFactory::generated_factory();
  std::unique_ptr<Message> request(factory->GetPrototype(match->route->method->input_type())->New());
  absl::Status filled = FillRequest(*match, http, query, request.get());
  if (!filled.ok()) {
    done(ErrorReply(static_cast<int>(filled.code()), std::string(filled.message())));
    return;
  }
  auto call = std::make_shared<Call>();
  if (!http.authorization.empty()) call->context.AddMetadata("authorization", http.authorization);
  call->context.AddMetadata(kRequestIdHeader, http.request_id);
  call->request = ToByteBuffer(request->SerializeAsString());
  call->response_message.reset(factory->GetPrototype(match->route->method->output_type())->New());
  call->binary = WantsBinary(http.accept) || (http.accept.empty() && WantsBinary(http.content_type));
  call->done = std::move(done);
  stub_.UnaryCall(&call->context, match->route->grpc_path, grpc::StubOptions(), &call->request, &call->response,
                  [call](grpc::Status status) {
                    if (!status.ok()) {
                      call->done(ErrorReply(status.error_code(), status.error_message()));
                      return;
                    }
                    Message& message = *call->response_message;
                    if (!message.ParseFromString(FromByteBuffer(call->response))) {
                      call->done(ErrorReply(13, "malformed response from the service"));
                      return;
                    }
                    if (call->binary) {
                      call->done({200, "application/octet-stream", message.SerializeAsString()});
                      return;
                    }
                    google::protobuf::util::JsonPrintOptions options;
                    options.preserve_proto_field_names = true;
                    options.always_print_primitive_fields = true;
                    std::string json;
                    (void)google::protobuf::util::MessageToJsonString(message, &json, options);
                    call->done({200, "application/json", std::move(json)});
                  });
}

}  // namespace flyte::server

#include "server/status_mapping.h"

#include "common/text.h"

namespace flyte::server {

std::string Echo(std::string_view request_text) {
  constexpr size_t kEchoBytes = 200;
  if (IsValidUtf8(request_text)) return Abbreviate(request_text, kEchoBytes);
  // Replies are JSON or gRPC status messages, both UTF-8: show broken bytes as '?'.
  std::string ascii(request_text.substr(0, kEchoBytes + 1));
  for (char& c : ascii) {
    if (static_cast<unsigned char>(c) >= 0x80) c = '?';
  }
  return Abbreviate(ascii, kEchoBytes);
}

std::string BoundedMessage(std::string_view message) { return ElideMiddle(message, 1024); }

grpc::Status ToGrpcStatus(const Status& status) {
  if (status.ok()) return grpc::Status::OK;
  auto code = static_cast<grpc::StatusCode>(status.code());
  if (code == grpc::StatusCode::UNKNOWN) code = grpc::StatusCode::INTERNAL;
  return grpc::Status(code, BoundedMessage(std::string(status.message())));
}

int HttpStatusOf(grpc::StatusCode code) {
  switch (code) {
    case grpc::StatusCode::OK:
      return 200;
    case grpc::StatusCode::CANCELLED:
      return 499;
    case grpc::StatusCode::INVALID_ARGUMENT:
    case grpc::StatusCode::FAILED_PRECONDITION:
    case grpc::StatusCode::OUT_OF_RANGE:
      return 400;
    case grpc::StatusCode::DEADLINE_EXCEEDED:
      return 504;
    case grpc::StatusCode::NOT_FOUND:
      return 404;
    case grpc::StatusCode::ALREADY_EXISTS:
    case grpc::StatusCode::ABORTED:
      return 409;
    case grpc::StatusCode::PERMISSION_DENIED:
      return 403;
    case grpc::StatusCode::UNAUTHENTICATED:
      return 401;
    case grpc::StatusCode::RESOURCE_EXHAUSTED:
      return 429;
    case grpc::StatusCode::UNIMPLEMENTED:
      return 501;
    case grpc::StatusCode::UNAVAILABLE:
      return 503;
    default:
      return 500;
  }
}

}  // namespace flyte::server

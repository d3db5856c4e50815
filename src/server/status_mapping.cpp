#include "server/status_mapping.h"

#include <utility>
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

namespace {

// grpc-gateway's table; codes not in it (UNKNOWN, INTERNAL, DATA_LOSS...) are 500.
constexpr std::pair<grpc::StatusCode, int> kHttpStatuses[] = {
    {grpc::StatusCode::OK, 200},
    {grpc::StatusCode::CANCELLED, 499},
    {grpc::StatusCode::INVALID_ARGUMENT, 400},
    {grpc::StatusCode::FAILED_PRECONDITION, 400},
    {grpc::StatusCode::OUT_OF_RANGE, 400},
    {grpc::StatusCode::DEADLINE_EXCEEDED, 504},
    {grpc::StatusCode::NOT_FOUND, 404},
    {grpc::StatusCode::ALREADY_EXISTS, 409},
    {grpc::StatusCode::ABORTED, 409},
    {grpc::StatusCode::PERMISSION_DENIED, 403},
    {grpc::StatusCode::UNAUTHENTICATED, 401},
    {grpc::StatusCode::RESOURCE_EXHAUSTED, 429},
    {grpc::StatusCode::UNIMPLEMENTED, 501},
    {grpc::StatusCode::UNAVAILABLE, 503},
};

}  // namespace

int HttpStatusOf(grpc::StatusCode code) {
  for (const auto& [grpc_code, http_status] : kHttpStatuses) {
    if (grpc_code == code) return http_status;
  }
  return 500;
}

}  // namespace flyte::server

#include "server/status_mapping.h"

#include <utility>

namespace flyte::server {

grpc::Status ToGrpcStatus(const Status& status) {
  if (status.ok()) return grpc::Status::OK;
  auto code = static_cast<grpc::StatusCode>(status.code());
  if (code == grpc::StatusCode::UNKNOWN) code = grpc::StatusCode::INTERNAL;
  return grpc::Status(code, std::string(status.message()));
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

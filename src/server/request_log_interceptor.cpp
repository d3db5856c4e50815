#include "server/request_log_interceptor.h"

#include <absl/status/status.h>
#include <grpcpp/server_context.h>

#include <chrono>
#include <string>

#include "common/log.h"
#include "server/request_id.h"

namespace flyte::server {
namespace {

using grpc::experimental::InterceptionHookPoints;

// Failures of the sandbox itself are worth a line at the default level; the rest (a client's
// mistake, a missing entity, success) only when debugging.
log::Level LevelOf(grpc::StatusCode code) {
  switch (code) {
    case grpc::StatusCode::INTERNAL:
    case grpc::StatusCode::UNKNOWN:
    case grpc::StatusCode::DATA_LOSS:
      return log::Level::kWarn;
    default:
      return log::Level::kDebug;
  }
}

std::string_view ClientRequestId(grpc::experimental::InterceptorBatchMethods* methods) {
  const auto* metadata = methods->GetRecvInitialMetadata();
  if (metadata == nullptr) return {};
  auto it = metadata->find(grpc::string_ref(kRequestIdHeader));
  return it == metadata->end() ? std::string_view() : std::string_view(it->second.data(), it->second.size());
}

class RequestLogInterceptor final : public grpc::experimental::Interceptor {
 public:
  explicit RequestLogInterceptor(grpc::experimental::ServerRpcInfo* info)
      : info_(info), started_(std::chrono::steady_clock::now()) {}

  // The sync server runs a call's hooks and its handler on one thread: the id set on it when the
  // call arrives is cleared when its status goes out.
  void Intercept(grpc::experimental::InterceptorBatchMethods* methods) override {
    if (methods->QueryInterceptionHookPoint(InterceptionHookPoints::POST_RECV_INITIAL_METADATA)) {
      request_id_ = RequestIdFor(ClientRequestId(methods));
      info_->server_context()->AddInitialMetadata(kRequestIdHeader, request_id_);
      log::SetThreadRequestId(request_id_);
    }
    if (methods->QueryInterceptionHookPoint(InterceptionHookPoints::PRE_SEND_STATUS)) {
      const grpc::Status status = methods->GetSendStatus();
      const double duration_ms =
          std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - started_).count();
      const log::Level level = LevelOf(status.error_code());
      if (log::Enabled(level)) {
        log::SetThreadRequestId(request_id_);  // in case the status goes out on another thread
        const std::string code = absl::StatusCodeToString(static_cast<absl::StatusCode>(status.error_code()));
        if (status.ok()) {
          log::Event(level, "grpc", "request",
                     {{"method", info_->method()}, {"code", code}, {"duration_ms", duration_ms}});
        } else {
          log::Event(level, "grpc", "request",
                     {{"method", info_->method()},
                      {"code", code},
                      {"duration_ms", duration_ms},
                      {"error", status.error_message()}});
        }
      }
      log::SetThreadRequestId("");
    }
    methods->Proceed();
  }

 private:
  grpc::experimental::ServerRpcInfo* info_;
  const std::chrono::steady_clock::time_point started_;
  std::string request_id_;
};

class Factory final : public grpc::experimental::ServerInterceptorFactoryInterface {
 public:
  grpc::experimental::Interceptor* CreateServerInterceptor(grpc::experimental::ServerRpcInfo* info) override {
    return new RequestLogInterceptor(info);
  }
};

}  // namespace

std::unique_ptr<grpc::experimental::ServerInterceptorFactoryInterface> MakeRequestLogInterceptorFactory() {
  return std::make_unique<Factory>();
}

}  // namespace flyte::server

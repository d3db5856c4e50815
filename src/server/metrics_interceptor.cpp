#include "server/metrics_interceptor.h"

#include <absl/status/status.h>
#include <google/protobuf/descriptor.h>

#include <chrono>
#include <optional>
#include <string>

#include "common/metrics.h"

namespace flyte::server {
namespace {

struct CallMetrics {
  metrics::Family<metrics::Counter>& handled;
  metrics::Family<metrics::Histogram>& seconds;
};

const CallMetrics& Metrics() {
  static const CallMetrics call_metrics{
      metrics::Default().AddCounter("flyte_grpc_server_handled_total",
                                    "gRPC calls completed (the HTTP gateway's included), by service, method and "
                                    "status code.",
                                    {"service", "method", "code"}),
      metrics::Default().AddHistogram("flyte_grpc_server_handling_seconds",
                                      "Time from a gRPC call's start to its status, by service and method.",
                                      {"service", "method"}, metrics::LatencyBuckets()),
  };
  return call_metrics;
}

// ("flyteidl.service.AdminService", "CreateExecution") of "/flyteidl.service.AdminService/CreateExecution".
// Only methods this binary knows (its generated descriptors, gRPC's health service) keep their
// names: a client may send any path, and each label value is a series kept for good.
std::pair<std::string, std::string> MethodLabels(std::string_view path) {
  const size_t slash = path.rfind('/');
  if (path.starts_with('/') && slash > 0) {
    const std::string service(path.substr(1, slash - 1));
    const std::string method(path.substr(slash + 1));
    const bool known =
        google::protobuf::DescriptorPool::generated_pool()->FindMethodByName(service + "." + method) != nullptr ||
        path == "/grpc.health.v1.Health/Check" || path == "/grpc.health.v1.Health/Watch";
    if (known) return {service, method};
  }
  return {"unknown", "unknown"};
}

// One call: counted once, with the status sent, or CANCELLED when it ends without one.
class MetricsInterceptor final : public grpc::experimental::Interceptor {
 public:
  explicit MetricsInterceptor(std::string_view method) : labels_(MethodLabels(method)) {}

  ~MetricsInterceptor() override {
    if (!recorded_) Record(grpc::StatusCode::CANCELLED);
  }

  void Intercept(grpc::experimental::InterceptorBatchMethods* methods) override {
    if (methods->QueryInterceptionHookPoint(grpc::experimental::InterceptionHookPoints::PRE_SEND_STATUS)) {
      Record(methods->GetSendStatus().error_code());
    }
    methods->Proceed();
  }

 private:
  void Record(grpc::StatusCode code) {
    recorded_ = true;
    const std::string code_name = absl::StatusCodeToString(static_cast<absl::StatusCode>(code));
    Metrics().handled.With({labels_.first, labels_.second, code_name}).Increment();
    Metrics().seconds.With({labels_.first, labels_.second}).ObserveSince(started_);
  }

  const std::pair<std::string, std::string> labels_;
  const std::chrono::steady_clock::time_point started_ = std::chrono::steady_clock::now();
  bool recorded_ = false;
};

class Factory final : public grpc::experimental::ServerInterceptorFactoryInterface {
 public:
  Factory() { (void)Metrics(); }  // registered now, so a scrape shows them before the first call

  grpc::experimental::Interceptor* CreateServerInterceptor(grpc::experimental::ServerRpcInfo* info) override {
    return new MetricsInterceptor(info->method());
  }
};

}  // namespace

std::unique_ptr<grpc::experimental::ServerInterceptorFactoryInterface> MakeMetricsInterceptorFactory() {
  return std::make_unique<Factory>();
}

}  // namespace flyte::server

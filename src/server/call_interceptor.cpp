#include "server/call_interceptor.h"

#include <absl/container/flat_hash_map.h>
#include <absl/status/status.h>
#include <absl/synchronization/mutex.h>
#include <google/protobuf/descriptor.h>
#include <grpcpp/server_context.h>

#include <array>
#include <atomic>
#include <chrono>
#include <string>

#include "common/log.h"
#include "common/metrics.h"
#include "server/request_id.h"

namespace flyte::server {
namespace {

using grpc::experimental::InterceptionHookPoints;

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

constexpr size_t kStatusCodes = static_cast<size_t>(grpc::StatusCode::UNAUTHENTICATED) + 1;

// One method's series, found once: a call looks its method up in a table rather than in the
// descriptor pool and the metric families.
class MethodSeries {
 public:
  MethodSeries(std::string service, std::string method)
      : service_(std::move(service)),
        method_(std::move(method)),
        seconds_(Metrics().seconds.With({service_, method_})) {}

  void Record(grpc::StatusCode code, std::chrono::steady_clock::time_point started) {
    const size_t index = static_cast<size_t>(code) < kStatusCodes ? static_cast<size_t>(code)
                                                                  : static_cast<size_t>(grpc::StatusCode::UNKNOWN);
    metrics::Counter* handled = handled_[index].load(std::memory_order_acquire);
    if (handled == nullptr) {  // a code's series appears with its first call (With is idempotent)
      const std::string code_name = absl::StatusCodeToString(static_cast<absl::StatusCode>(index));
      handled = &Metrics().handled.With({service_, method_, code_name});
      handled_[index].store(handled, std::memory_order_release);
    }
    handled->Increment();
    seconds_.ObserveSince(started);
  }

 private:
  const std::string service_;
  const std::string method_;
  metrics::Histogram& seconds_;
  std::array<std::atomic<metrics::Counter*>, kStatusCodes> handled_{};
};

// Only methods this binary knows (its generated descriptors, gRPC's health service) get series of
// their own: a client may send any path, and each label value is a series kept for good.
class MethodTable {
 public:
  MethodSeries& Find(std::string_view path) {
    {
      absl::ReaderMutexLock lock(&mu_);
      if (auto it = methods_.find(absl::string_view(path.data(), path.size())); it != methods_.end()) {
        return *it->second;
      }
    }
    const size_t slash = path.rfind('/');
    if (!path.starts_with('/') || slash == 0 || slash == std::string_view::npos) return unknown_;
    std::string service(path.substr(1, slash - 1));
    std::string method(path.substr(slash + 1));
    const bool known =
        google::protobuf::DescriptorPool::generated_pool()->FindMethodByName(service + "." + method) != nullptr ||
        path == "/grpc.health.v1.Health/Check" || path == "/grpc.health.v1.Health/Watch";
    if (!known) return unknown_;
    absl::MutexLock lock(&mu_);
    auto [it, inserted] = methods_.try_emplace(std::string(path), nullptr);
    if (inserted) it->second = std::make_unique<MethodSeries>(std::move(service), std::move(method));
    return *it->second;
  }

 private:
  absl::Mutex mu_;
  absl::flat_hash_map<std::string, std::unique_ptr<MethodSeries>> methods_ ABSL_GUARDED_BY(mu_);
  MethodSeries unknown_{"unknown", "unknown"};
};

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

// One call: counted once, with the status sent, or CANCELLED when it ends without one.
class CallInterceptor final : public grpc::experimental::Interceptor {
 public:
  CallInterceptor(grpc::experimental::ServerRpcInfo* info, MethodSeries& series, CallBudget& budget)
      : info_(info), series_(series), budget_(budget) {
    budget_.CallStarted();
  }

  ~CallInterceptor() override {
    if (!recorded_) series_.Record(grpc::StatusCode::CANCELLED, started_);
    budget_.CallEnded();
  }

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
      recorded_ = true;
      series_.Record(status.error_code(), started_);
      Log(status);
      log::SetThreadRequestId("");
    }
    methods->Proceed();
  }

 private:
  void Log(const grpc::Status& status) {
    const log::Level level = LevelOf(status.error_code());
    if (!log::Enabled(level)) return;
    log::SetThreadRequestId(request_id_);  // in case the status goes out on another thread
    const double duration_ms =
        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - started_).count();
    const std::string code = absl::StatusCodeToString(static_cast<absl::StatusCode>(status.error_code()));
    if (status.ok()) {
      log::Event(level, "grpc", "request", {{"method", info_->method()}, {"code", code}, {"duration_ms", duration_ms}});
    } else {
      log::Event(level, "grpc", "request",
                 {{"method", info_->method()},
                  {"code", code},
                  {"duration_ms", duration_ms},
                  {"error", status.error_message()}});
    }
  }

  grpc::experimental::ServerRpcInfo* const info_;
  MethodSeries& series_;
  CallBudget& budget_;
  const std::chrono::steady_clock::time_point started_ = std::chrono::steady_clock::now();
  std::string request_id_;
  bool recorded_ = false;
};

class Factory final : public grpc::experimental::ServerInterceptorFactoryInterface {
 public:
  // The metrics are registered now, so a scrape shows them before the first call.
  explicit Factory(std::shared_ptr<CallBudget> budget) : budget_(std::move(budget)) { (void)Metrics(); }

  grpc::experimental::Interceptor* CreateServerInterceptor(grpc::experimental::ServerRpcInfo* info) override {
    return new CallInterceptor(info, methods_.Find(info->method()), *budget_);
  }

 private:
  MethodTable methods_;
  const std::shared_ptr<CallBudget> budget_;
};

}  // namespace

std::unique_ptr<grpc::experimental::ServerInterceptorFactoryInterface> MakeCallInterceptorFactory(
    std::shared_ptr<CallBudget> budget) {
  return std::make_unique<Factory>(std::move(budget));
}

}  // namespace flyte::server

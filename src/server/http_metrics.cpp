#include "server/http_metrics.h"

#include <array>

#include "common/metrics.h"

namespace flyte::server {
namespace {

struct RequestMetrics {
  metrics::Family<metrics::Counter>& requests;
  metrics::Family<metrics::Histogram>& seconds;
};

const RequestMetrics& Metrics() {
  static const RequestMetrics request_metrics{
      metrics::Default().AddCounter("flyte_http_requests_total",
                                    "HTTP/1.1 requests answered, by method, route and status code (the JSON "
                                    "gateway's calls are also counted as gRPC calls).",
                                    {"method", "route", "code"}),
      metrics::Default().AddHistogram("flyte_http_request_duration_seconds",
                                      "Time from an HTTP/1.1 request's header to the end of its reply, by route.",
                                      {"route"}, metrics::LatencyBuckets()),
  };
  return request_metrics;
}

std::string_view PathOf(std::string_view target) { return target.substr(0, target.find('?')); }

std::string RouteOf(std::string_view target) {
  const std::string_view path = PathOf(target);
  // Exact paths, then prefixes; first match wins.
  static constexpr std::array<std::string_view, 6> kExact{
      "/healthz", "/metrics", "/oauth2/token", "/.well-known/oauth-authorization-server", "/sandbox/v1/schedules", "/"};
  static constexpr std::array<std::string_view, 5> kPrefixes{"/api/v1/", "/data/", "/logs/", "/config/v1/",
                                                             "/console/"};
  for (const auto exact : kExact) {
    if (path == exact) return std::string(exact);
  }
  for (const auto prefix : kPrefixes) {
    if (path.starts_with(prefix)) return std::string(prefix.substr(0, prefix.size() - 1));
  }
  if (path == "/console") return "/console";
  return "other";
}

}  // namespace

bool IsMetricsPath(std::string_view target) { return PathOf(target) == "/metrics"; }

HttpRequestLabels LabelsOf(boost::beast::http::verb verb, std::string_view target) {
  const std::string method =
      verb == boost::beast::http::verb::unknown ? "other" : std::string(boost::beast::http::to_string(verb));
  return {method, RouteOf(target)};
}

void RecordHttpRequest(const HttpRequestLabels& labels, int status, std::chrono::steady_clock::time_point started) {
  Metrics().requests.With({labels.method, labels.route, std::to_string(status)}).Increment();
  Metrics().seconds.With({labels.route}).ObserveSince(started);
}

}  // namespace flyte::server

// Prometheus metrics of the HTTP/1.1 half of the port: requests by method, route and status, and
// their latency by route; and the path they are served at, GET /metrics.
#pragma once

#include <boost/beast/http/verb.hpp>

#include <chrono>
#include <string>
#include <string_view>

namespace flyte::server {

// /metrics (with or without a query).
bool IsMetricsPath(std::string_view target);

// Label values of one request. The route is the served prefix (/api/v1, /data, /logs, ...), not
// the path, and unknown methods are "other": a client chooses both, and each label value is a
// series kept for good.
struct HttpRequestLabels {
  std::string method, route;
};
HttpRequestLabels LabelsOf(boost::beast::http::verb verb, std::string_view target);

// One request answered with `status`, started at `started`.
void RecordHttpRequest(const HttpRequestLabels& labels, int status, std::chrono::steady_clock::time_point started);

}  // namespace flyte::server

#include "server/route_table.h"

#include <algorithm>
#include <iterator>

#include "common/url.h"
#include "google/api/annotations.pb.h"

namespace flyte::server {
namespace {

std::vector<std::string> SplitPath(std::string_view path) {
  std::vector<std::string> out;
  size_t start = 0;
  while (start < path.size()) {
    size_t end = path.find('/', start);
    if (end == std::string_view::npos) end = path.size();
    if (end > start) out.emplace_back(path.substr(start, end - start));
    start = end + 1;
  }
  return out;
}

bool IsCapture(const std::string& segment) {
  return segment.size() > 2 && segment.front() == '{' && segment.back() == '}';
}

size_t LiteralCount(const Route& route) {
  return static_cast<size_t>(
      std::count_if(route.segments.begin(), route.segments.end(), [](const std::string& s) { return !IsCapture(s); }));
}

using google::api::HttpRule;

// HttpRule's verbs, each with the accessor of its path template (its `custom` kind is not served).
struct VerbPattern {
  HttpRule::PatternCase pattern;
  const char* verb;
  const std::string& (HttpRule::*path)() const;
};
constexpr VerbPattern kVerbPatterns[] = {
    {HttpRule::kGet, "GET", &HttpRule::get},       {HttpRule::kPost, "POST", &HttpRule::post},
    {HttpRule::kPut, "PUT", &HttpRule::put},       {HttpRule::kDelete, "DELETE", &HttpRule::delete_},
    {HttpRule::kPatch, "PATCH", &HttpRule::patch},
};

void AddRule(const HttpRule& rule, const google::protobuf::MethodDescriptor* method, std::vector<Route>& out) {
  const auto* pattern = std::find_if(std::begin(kVerbPatterns), std::end(kVerbPatterns),
                                     [&](const VerbPattern& p) { return p.pattern == rule.pattern_case(); });
  if (pattern == std::end(kVerbPatterns)) return;
  Route route;
  route.verb = pattern->verb;
  route.path_template = (rule.*pattern->path)();
  route.segments = SplitPath(route.path_template);
  route.body = rule.body();
  route.method = method;
  route.grpc_path = "/" + method->service()->full_name() + "/" + method->name();
  out.push_back(std::move(route));
  for (const auto& extra : rule.additional_bindings()) AddRule(extra, method, out);
}

}  // namespace

RouteTable RouteTable::FromServices(const std::vector<const google::protobuf::ServiceDescriptor*>& services) {
  RouteTable table;
  for (const auto* service : services) {
    for (int i = 0; i < service->method_count(); ++i) {
      const auto* method = service->method(i);
      if (method->client_streaming() || method->server_streaming()) continue;
      if (!method->options().HasExtension(google::api::http)) continue;
      AddRule(method->options().GetExtension(google::api::http), method, table.routes_);
    }
  }
  std::stable_sort(table.routes_.begin(), table.routes_.end(),
                   [](const Route& a, const Route& b) { return LiteralCount(a) > LiteralCount(b); });
  return table;
}

std::optional<RouteMatch> RouteTable::Match(std::string_view verb, std::string_view path, bool* path_known) const {
  const std::vector<std::string> parts = SplitPath(path);
  if (path_known != nullptr) *path_known = false;
  for (const Route& route : routes_) {
    if (route.segments.size() != parts.size()) continue;
    RouteMatch match{&route, {}};
    bool matched = true;
    for (size_t i = 0; i < parts.size() && matched; ++i) {
      const std::string& segment = route.segments[i];
      if (IsCapture(segment)) {
        auto value = PercentDecode(parts[i]);
        matched = value.ok() && !value->empty();
        if (matched) match.captures.emplace_back(segment.substr(1, segment.size() - 2), *value);
      } else {
        matched = segment == parts[i];
      }
    }
    if (!matched) continue;
    if (path_known != nullptr) *path_known = true;
    if (route.verb == verb) return match;
  }
  return std::nullopt;
}

}  // namespace flyte::server

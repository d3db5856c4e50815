// HTTP routes of the JSON gateway, derived from the `google.api.http` options of the served
// gRPC services (never written by hand), and matching of a request path against them.
#pragma once

#include <google/protobuf/descriptor.h>

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace flyte::server {

struct Route {
  std::string verb;  // "GET", "POST", "PUT", "DELETE", "PATCH"
  std::string path_template;
  std::vector<std::string> segments;  // "api", "v1", "{id.project}", ...
  std::string body;                   // "" (no body), "*" (whole request) or a field path
  const google::protobuf::MethodDescriptor* method = nullptr;
  std::string grpc_path;  // "/flyteidl.service.AdminService/GetTask"
};

struct RouteMatch {
  const Route* route = nullptr;
  std::vector<std::pair<std::string, std::string>> captures;  // field path → percent-decoded value
};

class RouteTable {
 public:
  // Every method of `services` with an http rule, including additional_bindings.
  static RouteTable FromServices(const std::vector<const google::protobuf::ServiceDescriptor*>& services);

  // The route for `verb` + `path` (no query string); routes with more literal segments win.
  // nullopt when nothing matches; `path_known` tells a wrong verb (405) from an unknown path (404).
  std::optional<RouteMatch> Match(std::string_view verb, std::string_view path, bool* path_known = nullptr) const;

  const std::vector<Route>& routes() const { return routes_; }

 private:
  std::vector<Route> routes_;
};

}  // namespace flyte::server

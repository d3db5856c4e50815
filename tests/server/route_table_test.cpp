#include "server/route_table.h"

#include <doctest/doctest.h>

#include "flyteidl/service/admin.grpc.pb.h"
#include "flyteidl/service/signal.grpc.pb.h"

namespace flyte::server {
namespace {

RouteTable AdminRoutes() {
  const auto* service = google::protobuf::DescriptorPool::generated_pool()->FindServiceByName(
      flyteidl::service::AdminService::service_full_name());
  return RouteTable::FromServices({service});
}

TEST_CASE("routes: derived from google.api.http, including additional bindings") {
  RouteTable routes = AdminRoutes();
  CHECK(routes.routes().size() > 56);  // every AdminService method, plus extra bindings

  auto get_task = routes.Match("GET", "/api/v1/tasks/p/d/my%20task/v1");
  REQUIRE(get_task);
  CHECK(get_task->route->grpc_path == "/flyteidl.service.AdminService/GetTask");
  CHECK(get_task->captures ==
        std::vector<std::pair<std::string, std::string>>{
            {"id.project", "p"}, {"id.domain", "d"}, {"id.name", "my task"}, {"id.version", "v1"}});

  auto list_short = routes.Match("GET", "/api/v1/tasks/p/d");
  REQUIRE(list_short);
  CHECK(list_short->route->method->name() == "ListTasks");

  auto relaunch = routes.Match("POST", "/api/v1/executions/relaunch");
  REQUIRE(relaunch);
  CHECK(relaunch->route->method->name() == "RelaunchExecution");
  CHECK(relaunch->route->body == "*");
}

TEST_CASE("routes: SignalService lists and sets signals over HTTP; GetOrCreateSignal is gRPC only") {
  RouteTable routes = RouteTable::FromServices({google::protobuf::DescriptorPool::generated_pool()->FindServiceByName(
      flyteidl::service::SignalService::service_full_name())});
  CHECK(routes.routes().size() == 2);
  auto list = routes.Match("GET", "/api/v1/signals/p/d/e1");
  REQUIRE(list);
  CHECK(list->route->grpc_path == "/flyteidl.service.SignalService/ListSignals");
  CHECK(list->captures == std::vector<std::pair<std::string, std::string>>{{"workflow_execution_id.project", "p"},
                                                                           {"workflow_execution_id.domain", "d"},
                                                                           {"workflow_execution_id.name", "e1"}});
  auto set = routes.Match("POST", "/api/v1/signals");
  REQUIRE(set);
  CHECK(set->route->method->name() == "SetSignal");
  CHECK(set->route->body == "*");
}

TEST_CASE("routes: wrong verb and unknown path are told apart") {
  RouteTable routes = AdminRoutes();
  bool path_known = false;
  CHECK_FALSE(routes.Match("PATCH", "/api/v1/projects", &path_known));
  CHECK(path_known);
  CHECK_FALSE(routes.Match("GET", "/api/v1/nothing/here", &path_known));
  CHECK_FALSE(path_known);
}

}  // namespace
}  // namespace flyte::server

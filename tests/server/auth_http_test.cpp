#include "server/auth_http.h"

#include <doctest/doctest.h>

#include "fakes/fake_clock.h"

namespace flyte::server {
namespace {

auth::AuthConfig Required() {
  auth::AuthConfig config;
  config.required = true;
  config.static_tokens = {"static-token"};
  config.client_id = "ci";
  config.client_secret = "s3cret";
  return config;
}

int StatusOf(const std::optional<HttpReply>& reply) { return reply ? reply->status : 0; }

TEST_CASE("auth http: the console's pages and assets load without a token, its API calls do not") {
  testing::FakeClock clock;
  const auth::Authenticator auth(Required(), "key", "http://localhost:30080", clock);
  for (const char* open :
       {"/", "/console", "/console/", "/console/projects/p/domains/d/executions/x?tab=nodes",
        "/console/assets/main-ABC.js", "/healthz", "/oauth2/token", "/v2/domain/d/project/p/runs/r1"}) {
    CHECK_MESSAGE(StatusOf(RejectUnauthenticated(auth, open, "")) == 0, open);
  }
  for (const char* closed : {"/api/v1/projects", "/api/v1/executions/p/d", "/consolex", "/logs/x", "/metrics",
                             "/sandbox/v1/schedules", "/x/console/", "/flyteidl2.workflow.RunService/ListRuns"}) {
    CHECK_MESSAGE(StatusOf(RejectUnauthenticated(auth, closed, "")) == 401, closed);
    CHECK_MESSAGE(StatusOf(RejectUnauthenticated(auth, closed, "Bearer static-token")) == 0, closed);
  }
}

std::string Header(const HttpReply& reply, const std::string& name) {
  for (const auto& [key, value] : reply.headers) {
    if (key == name) return value;
  }
  return "";
}

TEST_CASE("auth http: a wrong secret in the form is a 400, never a Basic challenge a browser would prompt for") {
  testing::FakeClock clock;
  const auth::Authenticator auth(Required(), "key", "http://localhost:30080", clock);
  const std::string grant = "grant_type=client_credentials";
  HttpReply form = HandleTokenRequest(auth, "POST", "", grant + "&client_id=ci&client_secret=wrong");
  CHECK(form.status == 400);
  CHECK(form.body.find("invalid_client") != std::string::npos);
  CHECK(Header(form, "WWW-Authenticate").empty());
  // HTTP Basic credentials (flytekit's way): 401 challenging the scheme the client used.
  HttpReply basic = HandleTokenRequest(auth, "POST", "Basic Y2k6d3Jvbmc=", grant);  // ci:wrong
  CHECK(basic.status == 401);
  CHECK(Header(basic, "WWW-Authenticate") == "Basic realm=\"flyte\"");
  CHECK(HandleTokenRequest(auth, "POST", "", grant + "&client_id=ci&client_secret=s3cret").status == 200);
  CHECK(HandleTokenRequest(auth, "POST", "Basic Y2k6czNjcmV0", grant).status == 200);  // ci:s3cret
}

}  // namespace
}  // namespace flyte::server

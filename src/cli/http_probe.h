// A tiny blocking HTTP GET on loopback, for the CLI to ask a running sandbox something.
#pragma once

#include <chrono>
#include <optional>
#include <string>

namespace flyte::cli {

struct HttpAnswer {
  int status = 0;
  std::string body;
};

// GET http://<host>:<port><path> (with `Authorization: Bearer <bearer>` when one is given); no
// answer within `timeout` gives nullopt.
std::optional<HttpAnswer> HttpGet(const std::string& host, int port, const std::string& path,
                                  std::chrono::milliseconds timeout, const std::string& bearer = "");

// True when GET http://<host>:<port><path> answers 200 within `timeout`.
bool ProbeHttp(const std::string& host, int port, const std::string& path, std::chrono::milliseconds timeout);

}  // namespace flyte::cli

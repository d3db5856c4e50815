// A tiny blocking HTTP GET on loopback, for the CLI to ask a sandbox whether it is serving.
#pragma once

#include <chrono>
#include <string>

namespace flyte::cli {

// True when GET http://<host>:<port><path> answers 200 within `timeout`.
bool ProbeHttp(const std::string& host, int port, const std::string& path, std::chrono::milliseconds timeout);

}  // namespace flyte::cli

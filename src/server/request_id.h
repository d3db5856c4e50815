// The id of one API call (gRPC or HTTP): the client's `x-request-id` when it is sane, else one
// made here. It is on the call's log lines and goes back to the client in `x-request-id`.
#pragma once

#include <string>
#include <string_view>

namespace flyte::server {

inline constexpr char kRequestIdHeader[] = "x-request-id";

// `from_client` when it is 1 to 128 characters of letters, digits and `-_.:`; otherwise a new
// id: a random prefix for this process and a counter.
std::string RequestIdFor(std::string_view from_client);

}  // namespace flyte::server

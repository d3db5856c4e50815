// One HTTP request as its session answers and logs it: the reply's HTTP version, the request id
// the reply carries back (x-request-id), and the status the reply had.
#pragma once

#include <string>

#include "server/request_id.h"

namespace flyte::server {

struct HttpExchange {
  unsigned version = 11;
  std::string request_id;
  int status = 0;        // the reply's, once its header is written; 0 when none was
  bool connect = false;  // a Connect call: every error goes out in Connect's form (connect.h)

  // Marks a response about to be written as this exchange's reply.
  template <class Response>
  void Stamp(Response& response) {
    response.set(kRequestIdHeader, request_id);
    status = static_cast<int>(response.result_int());
  }
};

}  // namespace flyte::server

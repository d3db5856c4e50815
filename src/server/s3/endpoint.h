// The S3 port's requests: path-style S3 (/<bucket>/<key>) over the objects, each request's
// SigV4 signature checked before anything else, bodies streamed to and from files on the thread
// pool, replies and errors in S3's XML. Runs on the io_context like the main port's sessions
// (http_session.h reads the requests off the connection).
#pragma once

#include <boost/asio/thread_pool.hpp>

#include "server/http_session.h"
#include "server/s3/objects.h"
#include "server/s3/sigv4.h"

namespace flyte::server::s3 {

// What the endpoint serves with; everything must outlive it.
struct S3Service {
  Objects& objects;
  S3Credentials credentials;
  boost::asio::thread_pool& blocking;  // disk I/O runs here, never on the network threads
};

HttpRequestServer S3Routes(S3Service service);

}  // namespace flyte::server::s3

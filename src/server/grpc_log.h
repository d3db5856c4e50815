// gRPC's own messages (gpr_log: errors by default, more with GRPC_VERBOSITY) become events of the
// sandbox's log, so stderr stays one event per line in the configured format.
#pragma once

namespace flyte::server {

void RouteGrpcLogsToLog();

}  // namespace flyte::server

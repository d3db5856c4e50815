#include "server/grpc_log.h"

#include <grpc/support/log.h>

#include "common/log.h"

namespace flyte::server {
namespace {

log::Level LevelOf(gpr_log_severity severity) {
  switch (severity) {
    case GPR_LOG_SEVERITY_ERROR:
      return log::Level::kError;
    case GPR_LOG_SEVERITY_INFO:
      return log::Level::kInfo;
    default:
      return log::Level::kDebug;
  }
}

void ToLog(gpr_log_func_args* args) {
  log::Event(LevelOf(args->severity), "grpc", args->message, {{"file", args->file}, {"line", args->line}});
}

}  // namespace

void RouteGrpcLogsToLog() { gpr_set_log_function(ToLog); }

}  // namespace flyte::server

// Errors are values: absl::Status / absl::StatusOr with gRPC's canonical codes.
// The transport adapters (server/) are the only places that turn them into wire errors.
#pragma once

#include <absl/status/status.h>
#include <absl/status/statusor.h>

#include <string>
#include <string_view>

namespace flyte {

using Status = absl::Status;
template <typename T>
using StatusOr = absl::StatusOr<T>;

}  // namespace flyte

#define FLYTE_CONCAT_INNER(a, b) a##b
#define FLYTE_CONCAT(a, b) FLYTE_CONCAT_INNER(a, b)

// Returns from the calling function if `expr` yields a non-OK status.
#define RETURN_IF_ERROR(expr)                      \
  do {                                             \
    ::absl::Status flyte_status_ = (expr);         \
    if (!flyte_status_.ok()) return flyte_status_; \
  } while (false)

// `ASSIGN_OR_RETURN(auto x, FunctionReturningStatusOr())`.
#define ASSIGN_OR_RETURN(lhs, expr) ASSIGN_OR_RETURN_IMPL(FLYTE_CONCAT(flyte_or_, __LINE__), lhs, expr)
#define ASSIGN_OR_RETURN_IMPL(tmp, lhs, expr) \
  auto tmp = (expr);                          \
  if (!tmp.ok()) return tmp.status();         \
  lhs = std::move(tmp).value()

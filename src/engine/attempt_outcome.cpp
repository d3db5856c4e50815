#include "engine/attempt_outcome.h"

#include "flyteidl/core/errors.pb.h"

namespace flyte::engine {
namespace {

using flyteidl::core::ExecutionError;

AttemptResult Failure(AttemptOutcome outcome, ExecutionError::ErrorKind kind, std::string code, std::string message) {
  AttemptResult result;
  result.outcome = outcome;
  result.error.set_code(std::move(code));
  result.error.set_message(std::move(message));
  result.error.set_kind(kind);
  return result;
}

AttemptResult Failure(bool user, bool recoverable, std::string code, std::string message) {
  const AttemptOutcome outcome =
      user ? (recoverable ? AttemptOutcome::kUserRecoverable : AttemptOutcome::kUserNonRecoverable)
           : (recoverable ? AttemptOutcome::kSystemRecoverable : AttemptOutcome::kSystemNonRecoverable);
  return Failure(outcome, user ? ExecutionError::USER : ExecutionError::SYSTEM, std::move(code), std::move(message));
}

AttemptResult FromErrorDocument(const flyteidl::core::ErrorDocument& document, const std::string& uri) {
  const auto& error = document.error();
  AttemptResult result =
      Failure(error.origin() != ExecutionError::SYSTEM, error.kind() == flyteidl::core::ContainerError::RECOVERABLE,
              error.code(), error.message());
  result.error.set_error_uri(uri);
  return result;
}

}  // namespace

AttemptResult ReadAttemptResult(store::BlobStore& blobs, const std::string& attempt_dir,
                                const plugins::AttemptStatus& status, const flyteidl::core::TypedInterface& interface,
                                bool timed_out) {
  if (timed_out) {
    return Failure(AttemptOutcome::kTimedOut, ExecutionError::USER, "TimeoutExpired",
                   "task exceeded its timeout and was stopped");
  }
  if (status.phase == plugins::AttemptPhase::kFailedToStart) {
    // Retrying cannot fix a missing executable or a bad command line.
    return Failure(AttemptOutcome::kUserNonRecoverable, ExecutionError::USER, "StartFailed", status.message);
  }
  if (status.phase == plugins::AttemptPhase::kAborted) {
    return Failure(AttemptOutcome::kSystemNonRecoverable, ExecutionError::SYSTEM, "Aborted", "attempt was aborted");
  }
  if (status.failure) {
    return Failure(status.failure->user, status.failure->recoverable, status.failure->code, status.failure->message);
  }
  if (status.oom_killed) {
    // Flyte's pod plugin: a user error, retried within the task's retries.
    return Failure(AttemptOutcome::kUserRecoverable, ExecutionError::USER, "OOMKilled", status.message);
  }
  auto error_bytes = blobs.Get(attempt_dir + "/error.pb");
  if (error_bytes.ok()) {
    flyteidl::core::ErrorDocument document;
    if (!document.ParseFromString(*error_bytes) || !document.has_error()) {
      return Failure(AttemptOutcome::kSystemRecoverable, ExecutionError::SYSTEM, "ErrorFileBadFormat",
                     "error.pb written by the task could not be read");
    }
    return FromErrorDocument(document, blobs.NativeUrl(attempt_dir + "/error.pb").value_or(""));
  }
  if (status.exit_code != 0) {
    // SIGKILL or an unknown cause is the platform's fault; any other non-zero exit the user's.
    if (status.exit_code == 128 + 9) {
      return Failure(AttemptOutcome::kSystemRecoverable, ExecutionError::SYSTEM, "Interrupted",
                     "task process was killed (SIGKILL)");
    }
    return Failure(AttemptOutcome::kUserRecoverable, ExecutionError::USER, "NonZeroExit",
                   "task process exited with code " + std::to_string(status.exit_code) +
                       (status.message.empty() ? "" : ": " + status.message));
  }
  AttemptResult result;
  if (blobs.Size(attempt_dir + "/futures.pb").ok()) {
    result.outcome = AttemptOutcome::kSucceeded;
    result.dynamic = true;
    return result;
  }
  auto output_bytes = blobs.Get(attempt_dir + "/outputs.pb");
  if (!output_bytes.ok()) {
    if (interface.outputs().variables().empty()) {
      result.outcome = AttemptOutcome::kSucceeded;
      return result;
    }
    return Failure(AttemptOutcome::kSystemRecoverable, ExecutionError::SYSTEM, "OutputsNotFound",
                   "task exited successfully but wrote no outputs.pb");
  }
  if (!result.outputs.ParseFromString(*output_bytes)) {
    return Failure(AttemptOutcome::kSystemRecoverable, ExecutionError::SYSTEM, "OutputsBadFormat",
                   "outputs.pb written by the task could not be read");
  }
  result.outcome = AttemptOutcome::kSucceeded;
  return result;
}

}  // namespace flyte::engine

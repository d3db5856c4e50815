#include "admin/v2_data_proxy.h"

#include <algorithm>

#include <flyteidl2/common/phase.pb.h>

#include "admin/project_domain.h"
#include "admin/v2_actions.h"
#include "admin/v2_logs.h"
#include "admin/v2_tasks.h"
#include "admin/validation.h"
#include "common/digest.h"
#include "engine/v2/action_attempt.h"
#include "engine/v2/layout.h"

namespace flyte::admin {
namespace {

constexpr char kReportFile[] = "report.html";  // where the SDK's runtime puts a task's report
constexpr char kConditionOutput[] = "o0";      // the name the SDK gives a task's single output

// The action's row, NOT_FOUND naming it.
StatusOr<store::ActionRow> FindAction(store::RunStore& runs, const store::ActionKey& key) {
  StatusOr<store::ActionRow> row = runs.GetAction(key);
  if (absl::IsNotFound(row.status())) return absl::NotFoundError(Describe(key) + " not found");
  return row;
}

// `requested` (0: the last) if the action has started it; NOT_FOUND otherwise.
StatusOr<int64_t> AttemptOf(const store::ActionRow& row, uint32_t requested) {
  if (requested == 0) return row.attempts;
  if (requested > row.attempts) {
    return absl::NotFoundError("attempt " + std::to_string(requested) + " of " + Describe(row.key) +
                               " has not started (it has " + std::to_string(row.attempts) + ")");
  }
  return static_cast<int64_t>(requested);
}

}  // namespace

StatusOr<std::unique_ptr<ReplyStream<flyteidl2::dataproxy::TailLogsResponse>>> V2DataProxyService::TailLogs(
    const flyteidl2::dataproxy::TailLogsRequest& request, StreamWake wake) {
  const store::ActionKey key = KeyOf(request.action_id());
  RETURN_IF_ERROR(RequireField(key.run, "action_id.run.name"));
  RETURN_IF_ERROR(RequireField(key.name, "action_id.name"));
  ASSIGN_OR_RETURN(const store::ActionRow row, FindAction(deps_.runs, key));
  ASSIGN_OR_RETURN(const int64_t attempt, AttemptOf(row, request.attempt()));
  return TailAttemptLog(deps_.runs, key, attempt, deps_.actions.AttemptLog(key, attempt), std::move(wake));
}

Status V2DataProxyService::CreateDownloadLink(const flyteidl2::dataproxy::CreateDownloadLinkRequest& request,
                                              flyteidl2::dataproxy::CreateDownloadLinkResponse* response) {
  if (request.artifact_type() != flyteidl2::dataproxy::ARTIFACT_TYPE_REPORT) {
    return absl::InvalidArgumentError("this sandbox links only reports (ARTIFACT_TYPE_REPORT) of action attempts");
  }
  const store::ActionKey key = KeyOf(request.action_attempt_id().action_id());
  RETURN_IF_ERROR(RequireField(key.run, "action_attempt_id.action_id.run.name"));
  RETURN_IF_ERROR(RequireField(key.name, "action_attempt_id.action_id.name"));
  ASSIGN_OR_RETURN(const store::ActionRow row, FindAction(deps_.runs, key));
  ASSIGN_OR_RETURN(const int64_t attempt, AttemptOf(row, request.action_attempt_id().attempt()));
  ASSIGN_OR_RETURN(const std::vector<store::AttemptRow> attempts, deps_.runs.GetAttempts(key));
  const auto found = std::find_if(attempts.begin(), attempts.end(),
                                  [attempt](const store::AttemptRow& each) { return each.attempt == attempt; });
  if (found == attempts.end() || found->output_uri.empty()) return absl::OkStatus();
  flyteidl::service::CreateDownloadLocationRequest v1;
  v1.set_native_url(found->output_uri + "/" + kReportFile);
  *v1.mutable_expires_in() = request.expires_in();
  flyteidl::service::CreateDownloadLocationResponse reply;
  const Status signed_link = v1_.CreateDownloadLocation(v1, &reply);
  if (absl::IsNotFound(signed_link)) return absl::OkStatus();  // no report: the SDK says so
  RETURN_IF_ERROR(signed_link);
  response->mutable_pre_signed_urls()->add_signed_url(reply.signed_url());
  *response->mutable_pre_signed_urls()->mutable_expires_at() = reply.expires_at();
  return absl::OkStatus();
}

Status V2DataProxyService::GetActionData(const flyteidl2::dataproxy::GetActionDataRequest& request,
                                         flyteidl2::dataproxy::GetActionDataResponse* response) {
  const store::ActionKey key = KeyOf(request.action_id());
  ASSIGN_OR_RETURN(const store::ActionRow row, FindAction(deps_.runs, key));
  flyteidl2::workflow::ActionSpec spec;
  if (!spec.ParseFromString(row.spec))
    return absl::InternalError("the stored spec of action " + key.name + " does not parse");
  const std::string inputs_url = engine::v2::InputsFileUrl(spec.input_uri());
  response->set_inputs_uri(inputs_url);
  ASSIGN_OR_RETURN(const std::string inputs_key, deps_.blobs.KeyOf(inputs_url));
  if (StatusOr<std::string> bytes = deps_.blobs.Get(inputs_key); bytes.ok()) {
    if (!response->mutable_inputs()->ParseFromString(*bytes))
      return absl::InternalError(inputs_url + " does not parse");
  }
  if (row.phase != flyteidl2::common::ACTION_PHASE_SUCCEEDED) return absl::OkStatus();
  if (!row.signal.empty()) {
    // A signaled condition's value, as the one output it has.
    flyteidl2::workflow::SignalInfo signal;
    if (!signal.ParseFromString(row.signal)) return absl::InternalError("corrupt signal of action " + key.name);
    auto* output = response->mutable_outputs()->add_literals();
    output->set_name(kConditionOutput);
    *output->mutable_value() = signal.output();
    return absl::OkStatus();
  }
  ASSIGN_OR_RETURN(const std::vector<store::AttemptRow> attempts, deps_.runs.GetAttempts(key));
  if (attempts.empty() || attempts.back().output_uri.empty()) return absl::OkStatus();
  const std::string outputs_url = attempts.back().output_uri + "/" + engine::v2::kV2OutputsFile;
  response->set_outputs_uri(outputs_url);
  ASSIGN_OR_RETURN(const std::string outputs_key, deps_.blobs.KeyOf(outputs_url));
  // A task without outputs writes none.
  if (StatusOr<std::string> bytes = deps_.blobs.Get(outputs_key); bytes.ok()) {
    if (!response->mutable_outputs()->ParseFromString(*bytes))
      return absl::InternalError(outputs_url + " does not parse");
  }
  return absl::OkStatus();
}

Status V2DataProxyService::CreateUploadLocation(const flyteidl2::dataproxy::CreateUploadLocationRequest& request,
                                                flyteidl2::dataproxy::CreateUploadLocationResponse* response) {
  RETURN_IF_ERROR(CheckV2ProjectDomain(deps_.registry, deps_.config, request.project(), request.domain()));
  // The requests and replies have the same fields but for `org` (ignored, FLYTE2-PROTOCOL.md §0)
  // and `content_length`, which only a store that sizes uploads in advance needs.
  flyteidl::service::CreateUploadLocationRequest v1;
  v1.set_project(request.project());
  v1.set_domain(request.domain());
  v1.set_filename(request.filename());
  *v1.mutable_expires_in() = request.expires_in();
  v1.set_content_md5(request.content_md5());
  v1.set_filename_root(request.filename_root());
  v1.set_add_content_md5_metadata(request.add_content_md5_metadata());
  flyteidl::service::CreateUploadLocationResponse reply;
  RETURN_IF_ERROR(v1_.CreateUploadLocation(v1, &reply));
  response->set_signed_url(reply.signed_url());
  response->set_native_url(reply.native_url());
  *response->mutable_expires_at() = reply.expires_at();
  response->mutable_headers()->insert(reply.headers().begin(), reply.headers().end());
  return absl::OkStatus();
}

Status V2DataProxyService::UploadInputs(const flyteidl2::dataproxy::UploadInputsRequest& request,
                                        flyteidl2::dataproxy::UploadInputsResponse* response) {
  std::string project;
  std::string domain;
  if (request.has_run_id()) {
    project = request.run_id().project();
    domain = request.run_id().domain();
  } else {
    project = request.project_id().name();
    domain = request.project_id().domain();
  }
  RETURN_IF_ERROR(RequireField(project, "project"));
  RETURN_IF_ERROR(RequireField(domain, "domain"));
  RETURN_IF_ERROR(CheckV2ProjectDomain(deps_.registry, deps_.config, project, domain));
  // The run that follows starts the deployed task: refuse now, before anything is written.
  if (request.has_task_id()) RETURN_IF_ERROR(DeployedTask(deps_.tasks, request.task_id()).status());
  if (!request.base_dir().empty()) {
    return absl::InvalidArgumentError("base_dir is not supported: inputs are kept in the sandbox's object store");
  }
  ASSIGN_OR_RETURN(*response->mutable_offloaded_input_data(), OffloadInputs(project, domain, request.inputs()));
  return absl::OkStatus();
}

StatusOr<flyteidl2::common::OffloadedInputData> V2DataProxyService::OffloadInputs(
    const std::string& project, const std::string& domain, const flyteidl2::task::Inputs& inputs) {
  // The same inputs give the same bytes (literal maps in a fixed order), so the same folder.
  const std::string bytes = DeterministicBytes(inputs);
  const std::string hash = HexEncode(Sha256(bytes)).substr(0, 32);
  const std::string folder = engine::v2::V2OffloadedInputsKey(project, domain, hash);
  const std::string key = folder + "/" + engine::v2::kV2InputsFile;
  RETURN_IF_ERROR(store::ValidateKey(key));
  RETURN_IF_ERROR(deps_.blobs.Put(key, bytes));
  flyteidl2::common::OffloadedInputData out;
  ASSIGN_OR_RETURN(*out.mutable_uri(), deps_.blobs.NativeUrl(folder));
  out.set_inputs_hash(hash);
  return out;
}

}  // namespace flyte::admin

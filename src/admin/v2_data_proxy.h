// Flyte 2's DataProxyService (flyteidl2.dataproxy): the signed upload of code bundles, the very
// one Flyte 1's clients get (so the PUT goes to this sandbox's /data/ endpoint), the run
// inputs the SDK offloads before CreateRun (UploadInputs), and an action's inputs and outputs
// (GetActionData, for `run.outputs()` and `flyte get io`), an attempt's log (TailLogs, for
// `flyte get logs` and `flyte run --follow`) and a signed link to its report (CreateDownloadLink).
// Thread-safe: handlers run concurrently on the transport's threads.
#pragma once

#include <flyteidl2/dataproxy/dataproxy_service.pb.h>

#include <memory>

#include "admin/data_proxy_service.h"
#include "admin/deps.h"
#include "admin/reply_stream.h"

namespace flyte::admin {

class V2DataProxyService {
 public:
  // `v1` must outlive this service.
  V2DataProxyService(AdminDeps deps, DataProxyService& v1) : deps_(std::move(deps)), v1_(v1) {}

  Status CreateUploadLocation(const flyteidl2::dataproxy::CreateUploadLocationRequest& request,
                              flyteidl2::dataproxy::CreateUploadLocationResponse* response);
  Status UploadInputs(const flyteidl2::dataproxy::UploadInputsRequest& request,
                      flyteidl2::dataproxy::UploadInputsResponse* response);
  // The inputs the action read, and its outputs once it SUCCEEDED (empty before: not an error).
  // NOT_FOUND for an unknown action.
  Status GetActionData(const flyteidl2::dataproxy::GetActionDataRequest& request,
                       flyteidl2::dataproxy::GetActionDataResponse* response);

  // Streams the attempt's log (attempt 0: the last), then follows it until the attempt has ended
  // (v2_logs.h). NOT_FOUND for an unknown action or an attempt it has not started.
  StatusOr<std::unique_ptr<ReplyStream<flyteidl2::dataproxy::TailLogsResponse>>> TailLogs(
      const flyteidl2::dataproxy::TailLogsRequest& request, StreamWake wake);
  // ARTIFACT_TYPE_REPORT: a signed GET of the attempt's report.html (attempt 0: the last), none
  // when the task wrote no report. Other artifacts are INVALID_ARGUMENT.
  Status CreateDownloadLink(const flyteidl2::dataproxy::CreateDownloadLinkRequest& request,
                            flyteidl2::dataproxy::CreateDownloadLinkResponse* response);

  // Writes `inputs` as inputs.pb into a folder named by their digest under the project and
  // domain (checked by the caller); returns the folder's native URL and the digest.
  StatusOr<flyteidl2::common::OffloadedInputData> OffloadInputs(const std::string& project, const std::string& domain,
                                                                const flyteidl2::task::Inputs& inputs);

 private:
  AdminDeps deps_;
  DataProxyService& v1_;
};

}  // namespace flyte::admin

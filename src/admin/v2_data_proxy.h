// Flyte 2's DataProxyService (flyteidl2.dataproxy): the signed upload of code bundles, the very
// one Flyte 1's clients get (so the PUT goes to this sandbox's /data/ endpoint), the run
// inputs the SDK offloads before CreateRun (UploadInputs), and an action's inputs and outputs
// (GetActionData, for `run.outputs()` and `flyte get io`).
// Thread-safe: handlers run concurrently on the transport's threads.
#pragma once

#include <flyteidl2/dataproxy/dataproxy_service.pb.h>

#include "admin/data_proxy_service.h"
#include "admin/deps.h"

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

  // Writes `inputs` as inputs.pb into a folder named by their digest under the project and
  // domain (checked by the caller); returns the folder's native URL and the digest.
  StatusOr<flyteidl2::common::OffloadedInputData> OffloadInputs(const std::string& project, const std::string& domain,
                                                                const flyteidl2::task::Inputs& inputs);

 private:
  AdminDeps deps_;
  DataProxyService& v1_;
};

}  // namespace flyte::admin

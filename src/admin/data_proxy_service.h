// FlyteAdmin's DataProxyService: signed upload and download URLs into the object store
// (data_proxy.cpp), and the execution data behind flyte:// URLs and deck links (data_links.cpp),
// read through the node executions service.
// Thread-safe: handlers run concurrently on the transport's threads.
#pragma once

#include "admin/deps.h"
#include "admin/node_execution_service.h"
#include "flyteidl/service/dataproxy.pb.h"

namespace flyte::admin {

class DataProxyService {
 public:
  // `node_executions` must outlive this service.
  DataProxyService(AdminDeps deps, NodeExecutionService& node_executions)
      : deps_(std::move(deps)), node_executions_(node_executions) {}

  Status CreateUploadLocation(const flyteidl::service::CreateUploadLocationRequest& request,
                              flyteidl::service::CreateUploadLocationResponse* response);
  Status CreateDownloadLocation(const flyteidl::service::CreateDownloadLocationRequest& request,
                                flyteidl::service::CreateDownloadLocationResponse* response);
  Status CreateDownloadLink(const flyteidl::service::CreateDownloadLinkRequest& request,
                            flyteidl::service::CreateDownloadLinkResponse* response);
  Status GetData(const flyteidl::service::GetDataRequest& request, flyteidl::service::GetDataResponse* response);

 private:
  // A signed GET URL for the deck of a node execution; NOT_FOUND when it wrote none.
  Status DeckLink(const flyteidl::core::NodeExecutionIdentifier& id, const google::protobuf::Duration& ttl,
                  flyteidl::service::PreSignedURLs* out);

  AdminDeps deps_;
  NodeExecutionService& node_executions_;
};

}  // namespace flyte::admin

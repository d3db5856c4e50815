// Matchable attributes (FlyteAdmin's ResourceManager): one record per scope (project,
// project-domain, workflow) and resource type; update, get, delete and list them.
// Thread-safe: handlers run concurrently on the transport's threads; the store serialises writes.
#pragma once

#include "admin/deps.h"
#include "flyteidl/admin/matchable_resource.pb.h"
#include "flyteidl/admin/project_attributes.pb.h"
#include "flyteidl/admin/project_domain_attributes.pb.h"
#include "flyteidl/admin/workflow_attributes.pb.h"

namespace flyte::admin {

class AttributeService {
 public:
  explicit AttributeService(AdminDeps deps) : deps_(std::move(deps)) {}

  Status UpdateProjectAttributes(const flyteidl::admin::ProjectAttributesUpdateRequest& request,
                                 flyteidl::admin::ProjectAttributesUpdateResponse* response);
  Status GetProjectAttributes(const flyteidl::admin::ProjectAttributesGetRequest& request,
                              flyteidl::admin::ProjectAttributesGetResponse* response);
  Status DeleteProjectAttributes(const flyteidl::admin::ProjectAttributesDeleteRequest& request,
                                 flyteidl::admin::ProjectAttributesDeleteResponse* response);
  Status UpdateProjectDomainAttributes(const flyteidl::admin::ProjectDomainAttributesUpdateRequest& request,
                                       flyteidl::admin::ProjectDomainAttributesUpdateResponse* response);
  Status GetProjectDomainAttributes(const flyteidl::admin::ProjectDomainAttributesGetRequest& request,
                                    flyteidl::admin::ProjectDomainAttributesGetResponse* response);
  Status DeleteProjectDomainAttributes(const flyteidl::admin::ProjectDomainAttributesDeleteRequest& request,
                                       flyteidl::admin::ProjectDomainAttributesDeleteResponse* response);
  Status UpdateWorkflowAttributes(const flyteidl::admin::WorkflowAttributesUpdateRequest& request,
                                  flyteidl::admin::WorkflowAttributesUpdateResponse* response);
  Status GetWorkflowAttributes(const flyteidl::admin::WorkflowAttributesGetRequest& request,
                               flyteidl::admin::WorkflowAttributesGetResponse* response);
  Status DeleteWorkflowAttributes(const flyteidl::admin::WorkflowAttributesDeleteRequest& request,
                                  flyteidl::admin::WorkflowAttributesDeleteResponse* response);
  Status ListMatchableAttributes(const flyteidl::admin::ListMatchableAttributesRequest& request,
                                 flyteidl::admin::ListMatchableAttributesResponse* response);

 private:
  // Matchable attributes at one scope (domain/workflow empty for wider scopes).
  Status PutAttributes(const store::AttributesKey& scope, const flyteidl::admin::MatchingAttributes& attributes);
  StatusOr<flyteidl::admin::MatchingAttributes> FetchAttributes(const store::AttributesKey& key);

  AdminDeps deps_;
};

}  // namespace flyte::admin

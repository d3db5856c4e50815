#include "admin/version_service.h"

#include "common/version.h"

namespace flyte::admin {

Status VersionService::GetVersion(const flyteidl::admin::GetVersionRequest&,
                                  flyteidl::admin::GetVersionResponse* response) {
  auto* version = response->mutable_control_plane_version();
  version->set_version(kVersion);
  version->set_build(kGitCommit);
  version->set_buildtime(kBuildTime);
  return absl::OkStatus();
}

}  // namespace flyte::admin

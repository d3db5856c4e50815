// The version of this control plane (FlyteAdmin's VersionManager): what `flytectl version` shows.
#pragma once

#include "common/status.h"
#include "flyteidl/admin/version.pb.h"

namespace flyte::admin {

class VersionService {
 public:
  Status GetVersion(const flyteidl::admin::GetVersionRequest& request, flyteidl::admin::GetVersionResponse* response);
};

}  // namespace flyte::admin

// The check every handler that writes into a project and domain makes first.
#pragma once

#include <string>

#include "admin/admin_config.h"
#include "common/status.h"
#include "store/registry.h"

namespace flyte::admin {

// INVALID_ARGUMENT unless the project is registered (and not archived) and the domain configured.
Status CheckProjectDomain(store::Registry& registry, const AdminConfig& config, const std::string& project,
                          const std::string& domain);

// The same check for Flyte 2's services, whose clients expect NOT_FOUND for an unknown project
// (the open-source runs service's answer).
Status CheckV2ProjectDomain(store::Registry& registry, const AdminConfig& config, const std::string& project,
                            const std::string& domain);

}  // namespace flyte::admin

// The one list of Flyte 2 methods served over Connect (the counterpart of grpc_services.h for
// Flyte 1), each forwarded to the admin service that owns it. Methods not listed answer
// `unimplemented`, which the SDK's fallbacks expect.
#pragma once

#include "admin/admin.h"
#include "server/connect.h"

namespace flyte::server {

// `admin` must outlive the router.
ConnectRouter MakeConnectRouter(admin::Admin& admin);

}  // namespace flyte::server

// What the admin layer reads from the sandbox's configuration; app/ fills it from the YAML file.
#pragma once

#include <chrono>
#include <set>
#include <string>
#include <vector>

#include "flyteidl/admin/matchable_resource.pb.h"

namespace flyte::admin {

struct AdminConfig {
  std::vector<std::string> seed_projects{"flytesnacks"};  // registered on first start
  std::vector<std::string> domains{"development", "staging", "production"};
  std::chrono::seconds signed_url_ttl{3600};  // lifetime of a signed data URL when the request sets none
  // The platform's task resource defaults and ceilings (`tasks.resources`), for executions whose
  // workflow has no TASK_RESOURCE attributes. Empty: nothing set, nothing lowered.
  flyteidl::admin::TaskResourceAttributes task_resources;
  // Task types the sandbox runs as Kubernetes pods (tasks.plugins; set by app/, not read from the
  // config's admin section). A Flyte 2 run whose task is one of them keeps its data under the S3
  // endpoint's s3:// URLs instead of this machine's folders: its actions read and write them from
  // wherever they run, and hand them to each other and to the sandbox.
  std::set<std::string> pod_task_types;
};

}  // namespace flyte::admin

// The Pod one task attempt runs as, built as FlytePropeller's pod plugin builds it (README.md §1-3):
// its deterministic name, Flyte's labels and annotations plus the execution's, one container from
// the task's container (or the task's own pod spec, flytekit's `pod_template`), the command line
// with Flyte's templates filled in, Flyte's environment, resources, the service account,
// interruptible placement, `restartPolicy: Never`, the task's secrets (pod_secrets.h). Paths in
// the sandbox's object store become the s3:// URLs of its S3 endpoint, where the pod reads and
// writes its data. A named PodTemplate goes beneath it later (pod_template.h).
#pragma once

#include <google/protobuf/struct.pb.h>

#include <cstdint>
#include <filesystem>
#include <map>
#include <string>
#include <string_view>

#include "common/status.h"
#include "plugins/plugin.h"

namespace flyte::plugins {

// Labels the plugin finds its pods by.
inline constexpr char kSandboxLabel[] = "flyte.org/sandbox";       // which sandbox (its instance id)
inline constexpr char kTokenLabel[] = "flyte.org/attempt-token";   // the launch's token (plugin.h)
inline constexpr char kAttemptAnnotation[] = "flyte.org/attempt";  // the AttemptId

// The plugin's settings a pod is built with (tasks.kubernetes in the sandbox config).
struct PodSettings {
  std::string namespace_;
  std::string sandbox_id;  // kSandboxLabel's value
  // Beneath each attempt's own environment: how a pod reaches the S3 endpoint (FLYTE_AWS_*).
  std::map<std::string, std::string> env;
  std::string image_pull_policy;  // empty: Kubernetes' default
  // The sandbox's API (host:port) as pods reach it, for tasks that dial it
  // (TaskAttempt::api_address_variable: Flyte 2's parents); empty: the attempt's own address.
  std::string api_address;
  // For interruptible attempts: tolerations (JSON objects) and a node selector.
  google::protobuf::ListValue interruptible_tolerations;
  std::map<std::string, std::string> interruptible_node_selector;
};

// `path` in the store (beneath `buckets_dir`, whose folders are the S3 endpoint's buckets) as
// "s3://bucket/key"; anything else as it is.
std::string PodUrl(std::string_view path, const std::filesystem::path& buckets_dir);

// Propeller's label value: lowercase, each run of characters outside [-a-z0-9] one '-', at most 63
// characters, no '-' at either end.
std::string SanitizeLabelValue(std::string_view value);

// The Pod (a JSON object). Errors belong to the task, which fails to start: a bad template, a
// pod spec without its primary container, a resource that is not a quantity.
StatusOr<google::protobuf::Struct> PodFor(const TaskAttempt& attempt, const PodSettings& settings);

// Propeller's ApplyResourceOverrides for the primary container's `resources` (a JSON object):
// cpu and memory get a request (the limit) and a limit (the request) when they have only one; a
// request above its limit is lowered. FAILED_PRECONDITION when a value is not a quantity.
Status CompleteResources(google::protobuf::Struct& resources);

// The attempt's pod name (propeller's generated name: README.md §1.1).
std::string PodName(const TaskAttempt& attempt);

}  // namespace flyte::plugins

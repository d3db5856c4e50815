// The task attempts and settings the pod tests build pods from (pod_spec_test.cpp, the golden
// files of pod_golden_test.cpp).
#pragma once

#include "plugins/kubernetes/pod_spec.h"

namespace flyte::testing {

// A fast-registered Python task of execution "abc", node n0, attempt 0: its store paths beneath
// /state/blobs, resources, the execution's env, labels, annotations and service account.
inline plugins::TaskAttempt PythonAttempt() {
  plugins::TaskAttempt attempt;
  attempt.id = "flytesnacks/development/abc/n0/0";
  attempt.token = "0123456789abcdef0123456789abcdef";
  attempt.project = "flytesnacks";
  attempt.domain = "development";
  attempt.execution_name = "abc";
  attempt.workflow_name = "wf.My_Workflow";
  attempt.node_id = "n0";
  attempt.buckets_dir = "/state/blobs";
  attempt.inputs_path = "/state/blobs/metadata/abc/n0/data/inputs.pb";
  attempt.input_prefix = "/state/blobs/metadata/abc/n0/data";
  attempt.output_prefix = "/state/blobs/metadata/abc/n0/data/0";
  attempt.raw_output_prefix = "s3://my-bucket/data/ab/abc-n0-0";
  attempt.log_dir = "/state/logs/abc/n0/0";
  attempt.env = {{"FROM_EXECUTION", "1"}};
  attempt.labels = {{"team", "a"}, {"execution-id", "overridden"}};
  attempt.annotations = {{"note", "x"}};
  attempt.service_account = "runner";
  auto& task = attempt.task;
  task.set_type("python-task");
  task.mutable_id()->set_project("flytesnacks");
  task.mutable_id()->set_domain("development");
  task.mutable_id()->set_name("wf.Say_Hello");
  task.mutable_id()->set_version("v1");
  auto& container = *task.mutable_container();
  container.set_image("img:1");
  for (const char* arg : {"pyflyte-fast-execute", "--additional-distribution", "/state/blobs/uploads/x/code.tar.gz",
                          "--", "pyflyte-execute", "--inputs", "{{.input}}", "--output-prefix", "{{.outputPrefix}}",
                          "--raw-output-data-prefix", "{{.rawOutputDataPrefix}}"}) {
    container.add_args(arg);
  }
  auto* env = container.add_env();
  env->set_key("FROM_TASK");
  env->set_value("t");
  auto* request = container.mutable_resources()->add_requests();
  request->set_name(flyteidl::core::Resources::CPU);
  request->set_value("500m");
  auto* limit = container.mutable_resources()->add_limits();
  limit->set_name(flyteidl::core::Resources::MEMORY);
  limit->set_value("1Gi");
  auto* zero = container.mutable_resources()->add_limits();
  zero->set_name(flyteidl::core::Resources::GPU);
  zero->set_value("0");
  return attempt;
}

// Namespace flyte, sandbox-1, the S3 endpoint and a platform variable.
inline plugins::PodSettings Settings() {
  plugins::PodSettings settings;
  settings.namespace_ = "flyte";
  settings.sandbox_id = "sandbox-1";
  settings.env = {{"FLYTE_AWS_ENDPOINT", "http://10.0.0.1:30002"}, {"FROM_TASK", "platform"}};
  return settings;
}

}  // namespace flyte::testing

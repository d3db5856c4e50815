#include "engine/v2/action_attempt.h"

#include <google/protobuf/util/time_util.h>

#include <string_view>

#include "common/digest.h"
#include "engine/v2/layout.h"
#include "flyteidl/core/tasks.pb.h"
#include "plugins/template_placeholders.h"

namespace flyte::engine::v2 {
namespace {

using google::protobuf::util::TimeUtil;

constexpr std::string_view kInputsFile = "/inputs.pb";
constexpr char kEndpointVariable[] = "_U_EP_OVERRIDE";

// The SDK's runtime takes its org, endpoint and protocol from these (§3.2); the org is what the
// open-source devbox gives its tasks.
std::map<std::string, std::string> RuntimeEnvironment(const store::ActionKey& key,
                                                      const flyteidl2::workflow::ActionSpec& spec,
                                                      const ActionAttemptConfig& config) {
  std::map<std::string, std::string> env;
  env["ACTION_NAME"] = key.name;
  env["RUN_NAME"] = key.run;
  env["_U_RUN_BASE"] = spec.run_output_base();
  env["_U_ORG_NAME"] = "local";
  env[kEndpointVariable] = config.endpoint;
  env["_U_INSECURE"] = "true";
  env["_U_USE_ACTIONS"] = "1";
  // A parent writes each child's inputs.pb under <run base>/<child>/ as into an object store,
  // where no folder needs making; with the store's local folders, fsspec (the SDK's storage) makes
  // them only when told, and it reads that from here. Nothing else the SDK does changes.
  env["FSSPEC_FILE"] = R"({"auto_mkdir": true})";
  return env;
}

// The template as FlyteIDL 1 reads it (same field numbers), `{{.runStartTime}}` replaced as the
// open-source control plane does when it embeds the template (actions/k8s/client.go).
StatusOr<flyteidl::core::TaskTemplate> TemplateOf(const flyteidl2::workflow::ActionSpec& spec,
                                                  const flyteidl2::task::RunSpec& run_spec) {
  flyteidl::core::TaskTemplate task;
  if (!task.ParseFromString(spec.task().spec().task_template().SerializeAsString())) {
    return absl::InvalidArgumentError("the action's task template does not parse");
  }
  if (!task.has_container()) return absl::InvalidArgumentError("the action's task has no container to run");
  if (run_spec.has_run_start_time()) {
    const std::string start = TimeUtil::ToString(run_spec.run_start_time());
    for (std::string& arg : *task.mutable_container()->mutable_args()) {
      arg = plugins::ReplaceKeyword(arg, "runStartTime", start);
    }
  }
  return task;
}

}  // namespace

std::string AttemptIdOf(const store::ActionKey& key, int64_t attempt) {
  return V2AttemptKey(V2RunBaseKey(key.project, key.domain, key.run), key.name, attempt);
}

std::filesystem::path AttemptLogDir(const std::filesystem::path& logs_dir, const store::ActionKey& key,
                                    int64_t attempt) {
  return logs_dir / "v2" / key.project / key.domain / key.run / key.name / std::to_string(attempt);
}

std::filesystem::path AttemptLogFile(const std::filesystem::path& logs_dir, const store::ActionKey& key,
                                     int64_t attempt) {
  return AttemptLogDir(logs_dir, key, attempt) / plugins::kAttemptLogFile;
}

std::string InputsFileUrl(const std::string& input_uri) {
  std::string_view folder(input_uri);
  if (folder.ends_with(kInputsFile)) folder.remove_suffix(kInputsFile.size());
  while (folder.ends_with('/')) folder.remove_suffix(1);
  return std::string(folder) + std::string(kInputsFile);
}

StatusOr<plugins::TaskAttempt> MakeTaskAttempt(const store::ActionKey& key, const flyteidl2::workflow::ActionSpec& spec,
                                               const AttemptPlace& place, const ActionAttemptConfig& config) {
  plugins::TaskAttempt attempt;
  ASSIGN_OR_RETURN(attempt.task, TemplateOf(spec, place.run_spec));
  attempt.id = AttemptIdOf(key, place.attempt);
  attempt.project = key.project;
  attempt.domain = key.domain;
  attempt.execution_name = key.run;
  attempt.node_id = key.name;
  attempt.attempt = static_cast<int>(place.attempt - 1);  // FLYTE_ATTEMPT_NUMBER is 0-based
  attempt.inputs_path = InputsFileUrl(spec.input_uri());
  attempt.input_prefix = attempt.inputs_path.substr(0, attempt.inputs_path.size() - kInputsFile.size());
  attempt.output_prefix = place.output_url;
  attempt.raw_output_prefix = place.output_url;  // as the open-source executor does
  attempt.checkpoint_prefix = place.output_url + "/_flytecheckpoints";
  if (!place.previous_output_url.empty())
    attempt.prev_checkpoint_prefix = place.previous_output_url + "/_flytecheckpoints";
  // The run's envs, then the runtime's own variables, which the user's cannot replace.
  for (const auto& pair : place.run_spec.envs().values()) attempt.env[pair.key()] = pair.value();
  for (auto& [name, value] : RuntimeEnvironment(key, spec, config)) attempt.env[name] = std::move(value);
  attempt.log_dir = AttemptLogDir(config.logs_dir, key, place.attempt).string();
  attempt.buckets_dir = config.buckets_dir;
  attempt.path_prefix = config.path_prefix;
  attempt.api_address_variable = kEndpointVariable;
  attempt.token = "v2-" + HexEncode(Sha256(std::filesystem::absolute(attempt.log_dir).string())).substr(0, 32);
  return attempt;
}

}  // namespace flyte::engine::v2

// Where Flyte 2's data lives in the object store (FLYTE2-PROTOCOL.md §3.4, without the shard):
// each run's base folder (`_U_RUN_BASE`), under it a folder per action and an output folder per
// attempt, and the folders UploadInputs writes a run's inputs.pb into. Keys of the store, and
// the attempt ids the plugins see.
#pragma once

#include <cstdint>
#include <string>

namespace flyte::engine::v2 {

inline constexpr char kV2InputsFile[] = "inputs.pb";
inline constexpr char kV2OutputsFile[] = "outputs.pb";  // in an attempt's output folder

inline std::string V2RunBaseKey(const std::string& project, const std::string& domain, const std::string& run) {
  return "v2/" + project + "/" + domain + "/" + run;
}
inline std::string V2AttemptKey(const std::string& run_base, const std::string& action, int64_t attempt) {
  return run_base + "/" + action + "/" + std::to_string(attempt);
}
// An attempt's output folder beneath its run's base as the task sees it (`run_output_base`: a
// folder of this machine, or the S3 endpoint's s3:// URL for runs whose tasks run as pods).
inline std::string V2AttemptUrl(std::string run_output_base, const std::string& action, int64_t attempt) {
  if (!run_output_base.empty() && run_output_base.back() != '/') run_output_base += '/';
  return run_output_base + action + "/" + std::to_string(attempt);
}
inline std::string V2OffloadedInputsKey(const std::string& project, const std::string& domain,
                                        const std::string& hash) {
  return "v2/" + project + "/" + domain + "/offloaded-inputs/" + hash;
}

}  // namespace flyte::engine::v2

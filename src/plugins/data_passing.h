// Data passing for raw containers, as Flyte's copilot does it on a cluster: a task whose container
// has `data_config` (flytekit's ContainerTask with input_data_dir / output_data_dir) finds each
// input as a file named after its variable in its input folder, plus the whole map as inputs.pb
// (and inputs.json or inputs.yaml per the format), and leaves each declared output as a file named
// after it in its output folder (or outputs.pb there), which the sandbox reads back after a
// successful exit. Shared by the container plugin (the folders mounted at the task's paths) and
// the local process plugin (the task's paths in its command line mapped onto the folders).
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "common/status.h"
#include "flyteidl/core/interface.pb.h"
#include "flyteidl/core/tasks.pb.h"
#include "plugins/plugin.h"

namespace flyte::plugins {

// The attempt's data folders on this machine and what the task calls them.
struct DataPassing {
  std::filesystem::path inputs;   // <log_dir>/data/inputs; empty: the task takes no input folder
  std::filesystem::path outputs;  // <log_dir>/data/outputs; empty: no output folder
  std::string task_inputs;        // data_config.input_path: the task's name for `inputs`
  std::string task_outputs;       // data_config.output_path
  flyteidl::core::DataLoadingConfig::LiteralMapFormat format = flyteidl::core::DataLoadingConfig::JSON;
  std::string inputs_path;            // the attempt's inputs.pb
  std::string output_prefix;          // outputs.pb or error.pb go here
  std::string raw_output_prefix;      // blob outputs are copied under it, one per variable
  std::filesystem::path buckets_dir;  // where s3:// URLs of blobs are (TaskAttempt::buckets_dir)
  flyteidl::core::VariableMap output_variables;
};

// Present when the task's container asks for an input or an output folder.
std::optional<DataPassing> DataPassingFor(const TaskAttempt& attempt);

// Before the task starts: the input folder written afresh (each input as a file or folder named
// after its variable: primitives as text, blobs as the file or folder itself, collections and
// maps as folders; inputs.pb always, inputs.json or inputs.yaml per the format) and the output
// folder made empty. `seen_as` is the input folder as the task sees it: inputs.pb/.json/.yaml name
// the blobs by it. Errors belong to the task (an input that cannot be laid out): it fails to start.
Status WriteDataFolders(const DataPassing& data, const std::string& seen_as);

// After the task exited 0: its outputs as the attempt's outputs.pb (its own outputs.pb when it
// wrote one, else each declared output read from its file and typed by the interface, blobs
// copied under raw_output_prefix). An _ERROR file it wrote, or an output missing or malformed,
// becomes error.pb instead (code OutputUploadFailed, as copilot reports it). Errors: neither
// could be written.
Status CollectOutputs(const DataPassing& data);

// The task's command line with the task's names of the folders replaced by their paths here (a
// local process sees this machine's files).
std::vector<std::string> MapDataPaths(std::vector<std::string> line, const DataPassing& data);

}  // namespace flyte::plugins

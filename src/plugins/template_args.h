// Renders Flyte's container templates ({{.input}}, {{.outputPrefix}}, {{.inputs.x}}, ...) in a task's
// command line exactly as flyteplugins' pluginmachinery/core/template/template.go does.
#pragma once

#include <string>
#include <vector>

#include "common/status.h"
#include "flyteidl/core/literals.pb.h"
#include "plugins/plugin.h"

namespace flyte::plugins {

// Renders every argument: the templates are case-insensitive, take `.` or `$` and optional blanks
// (`{{ $OutputPrefix }}`), and are replaced one kind after the other in propeller's order, so a value
// may itself contain a later template (a raw output prefix with `{{.namespace}}`). Unknown templates
// stay as they are. `inputs` null or empty leaves `{{.inputs.x}}` as is, as propeller does for a
// task without inputs; otherwise a missing input or a literal kind propeller cannot print (map,
// union, struct, none...) is INVALID_ARGUMENT.
StatusOr<std::vector<std::string>> RenderArgs(const std::vector<std::string>& args, const TaskAttempt& attempt,
                                              const flyteidl::core::LiteralMap* inputs);

// Propeller's TaskExecutionID.GetGeneratedName: "<execution>-<node>-<attempt>", or "f" + base32 of
// its FNV-32a hash when that is longer than 50 characters. {{.perRetryUniqueKey}} is derived from it.
std::string GeneratedName(const TaskAttempt& attempt);

// Propeller's base32 (flyteplugins' encoding package): lowercase letters and 1-6, no padding, so
// that what it names is a valid Kubernetes name.
std::string PropellerBase32(std::string_view bytes);

// {{.taskTemplatePath}}: "<input prefix>/task.pb", where propeller offloads the task template.
std::string TaskTemplatePath(const TaskAttempt& attempt);

// Whether rendering needs the input values / the offloaded task template, so that a caller reads
// inputs.pb or writes task.pb only for the (rare) commands that use them.
bool ReferencesInputValues(const std::vector<std::string>& args);
bool ReferencesTaskTemplatePath(const std::vector<std::string>& args);

}  // namespace flyte::plugins

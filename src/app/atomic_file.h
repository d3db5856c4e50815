// Writing a whole file so readers see the old text or the new, never half of it.
#pragma once

#include <filesystem>
#include <string>

#include "common/status.h"

namespace flyte::app {

// Writes `text` to a temp file next to `file` and renames it over `file` (creating the folder).
Status WriteFileAtomically(const std::filesystem::path& file, const std::string& text);

}  // namespace flyte::app

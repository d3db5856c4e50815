// Files of data passing (data_passing.h): written whole, read whole, copied with their folders.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>

#include "common/status.h"

namespace flyte::plugins {

Status WriteFile(const std::filesystem::path& path, std::string_view bytes);
// Written whole or not at all: the engine may read it at any moment after the task's end.
Status WriteFileAtomically(const std::filesystem::path& path, std::string_view bytes);
StatusOr<std::string> ReadWholeFile(const std::filesystem::path& path);
// Copies a file, or a folder with everything in it, to `to` (replacing what was there).
Status CopyTree(const std::filesystem::path& from, const std::filesystem::path& to);

}  // namespace flyte::plugins

// Walking and pruning folders beneath the blob store's root, never through a symbolic link
// (private to the store). Blocking filesystem calls.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "store/object_info.h"

namespace flyte::store {

// Appends every regular file beneath `folder` (an O_PATH or open descriptor of a folder) to
// `out`, keyed `prefix` + its relative path; temp files (".tmp-*"), links and other kinds are
// skipped. Not sorted.
Status WalkObjects(int folder, const std::string& prefix, std::vector<ObjectInfo>& out);

// The sub-folders of `folder`, sorted; links are skipped.
StatusOr<std::vector<std::string>> SubFolders(int folder);

// Removes `name` in `parent` when it holds no file (only empty folders, which go too);
// FAILED_PRECONDITION otherwise.
Status RemoveEmptyTree(int parent, const std::string& name);

}  // namespace flyte::store

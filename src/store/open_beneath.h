// Opening files beneath a folder without following symbolic links anywhere on the way, nor
// reading hard links: a task may plant links in the object store or the logs folder, and the
// HTTP endpoints that serve them must not become a way to read or write outside the sandbox's
// state folder.
#pragma once

#include <sys/types.h>
#include <unistd.h>

#include <cstdint>
#include <filesystem>
#include <string_view>
#include <utility>

#include "common/file_descriptor.h"
#include "common/status.h"

namespace flyte::store {

using flyte::FileDescriptor;

// A regular file open for reading, and its size when it was opened.
struct ReadableFile {
  FileDescriptor fd;
  int64_t size = 0;
};

// The folder `path` itself (followed as given: it is the sandbox's own configuration), as a
// descriptor to open things beneath.
StatusOr<FileDescriptor> OpenRoot(const std::filesystem::path& path);

// Walks the folders of `relative` (a ValidateKey-clean path: no "..", "." or empty segment)
// beneath `root`, one segment at a time and never through a symbolic link; with `create`, missing
// folders are made (0700). PERMISSION_DENIED for a link, NOT_FOUND for a missing folder.
StatusOr<FileDescriptor> OpenFolderBeneath(int root, std::string_view relative, bool create);

// Opens the regular file `relative` beneath `root` for reading, refusing symbolic links on the
// way and at the end (PERMISSION_DENIED), anything not a regular file (a FIFO would block) and a
// file with more than one name. A task may hard-link any file of its user's into its folders
// (Landlock allows links between the places a task may write; fs.protected_hardlinks only stops
// links to other users' files), and a link stays that file: the user's key, or one changed later.
// The sandbox itself never makes a second name for a file here (writes are temp file + rename).
StatusOr<ReadableFile> OpenReadableBeneath(int root, std::string_view relative);

}  // namespace flyte::store

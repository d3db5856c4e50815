// What a running sandbox and its waiting Python zygotes hold in memory, read from /proc for
// `flyte sandbox status` (the same user's processes: no request to the sandbox needed).
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <optional>

namespace flyte::cli {

// Resident set size of `pid` in bytes (VmRSS of /proc/<pid>/status); nothing when it is gone.
std::optional<int64_t> ResidentBytes(pid_t pid);

struct Zygotes {
  int count = 0;
  int64_t resident_bytes = 0;  // summed: each has its own imported flytekit
};

// The sandbox's Python zygotes: its direct children running the zygote program
// (plugins/local/python_worker.h names it). Tasks they fork are their children, not counted.
Zygotes ZygotesOf(pid_t sandbox);

}  // namespace flyte::cli

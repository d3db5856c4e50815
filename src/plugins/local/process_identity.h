// Which process a pid is. After a restart (or a reboot) a saved pid may belong to anything; the
// pid with its start time and the boot it started in names one process only, whatever it has
// exec'd since. A task started in a pre-started interpreter has no environment of its own to tell
// it by, so this is how every re-attach recognises its process.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>

#include "common/status.h"

namespace flyte::plugins {

struct ProcessIdentity {
  int64_t pid = 0;
  uint64_t start_ticks = 0;  // /proc/<pid>/stat field 22: clock ticks after boot
  std::string boot_id;       // /proc/sys/kernel/random/boot_id
  bool operator==(const ProcessIdentity&) const = default;
};

// Nothing when the process is gone (or there is no procfs to ask).
std::optional<ProcessIdentity> IdentifyProcess(pid_t pid);

// One line, "<pid> <start ticks> <boot id>", replaced atomically.
Status SaveProcessIdentity(const std::filesystem::path& file, pid_t pid);

// Whether `pid` is still the process saved in `file`. Without procfs nothing can be told: trusted.
bool IsSavedProcess(const std::filesystem::path& file, pid_t pid);

}  // namespace flyte::plugins

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

// One line, "<pid> <start ticks> <boot id> <attempt token>", replaced atomically.
Status SaveProcessIdentity(const std::filesystem::path& file, pid_t pid, const std::string& token);

struct SavedProcess {
  pid_t pid = 0;
  bool running = false;  // still the process saved (not gone, nor its pid taken by another)
};
// The process `file` saved for `token`; nothing when it saved none for it. Without procfs nothing
// can be told: a saved process is trusted to run.
std::optional<SavedProcess> ReadSavedProcess(const std::filesystem::path& file, const std::string& token);

// A process whose initial environment holds `entry` ("NAME=value"): the processes of this user
// looked through, for one started with an attempt's token whose record was never written.
std::optional<pid_t> FindProcessWithEnvironment(const std::string& entry);

}  // namespace flyte::plugins

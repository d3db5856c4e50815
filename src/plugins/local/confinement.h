// Keeping task processes out of the sandbox's own files with Landlock (Linux 5.13+, no privileges
// needed): a task may read, write and run anything this user may, except in the state folder,
// where it may use only the folders tasks work in (blobs, logs with the attempts' working folders,
// the Python workers' program), not registry.db, signing.key or sandbox.pid. With Landlock ABI 6+
// it cannot signal the server either.
#pragma once

#include <sys/types.h>

#include <filesystem>
#include <functional>
#include <string>
#include <vector>

#include "common/status.h"

namespace flyte::plugins {

struct TaskConfinement {
  std::filesystem::path state_dir;               // empty: tasks are not confined
  std::vector<std::filesystem::path> task_dirs;  // inside state_dir: what tasks may use there
};

// The running kernel's Landlock ABI version; 0 when it has none or it is turned off.
int LandlockAbi();

// One line for the start-up banner: how task processes are confined, or that they are not.
std::string DescribeConfinement(const TaskConfinement& confinement);

// Runs `spawn` (which starts one process and returns 0 or an errno value) on a thread that has
// restricted itself: a Landlock domain belongs to the thread that asks for it and is inherited by
// the processes that thread starts, so the task is confined and the server is not. The rules and
// their thread are kept for every task, and made again when a folder on the way to the state
// folder changed (so that entries created next to it since are open to the next task) or a task
// folder was made anew. Without Landlock (or with an empty state_dir) `spawn` runs as it is.
int SpawnConfined(const TaskConfinement& confinement, const std::function<int()>& spawn);

// The rules SpawnConfined would confine a task with now (made again as it says), for a process
// that confines itself with them (`prctl(PR_SET_NO_NEW_PRIVS)`, then `landlock_restrict_self`): a
// descriptor of the caller's to close, or -1 when tasks are not confined (no Landlock, or an empty
// state_dir); an errno value when the rules cannot be made.
StatusOr<int> CurrentRuleset(const TaskConfinement& confinement);

}  // namespace flyte::plugins

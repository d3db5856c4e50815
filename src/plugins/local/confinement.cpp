#include "plugins/local/confinement.h"

#include <dirent.h>
#include <fcntl.h>
#include <linux/landlock.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <thread>

namespace flyte::plugins {
namespace {

namespace fs = std::filesystem;

// The syscall numbers are the same on every architecture; older libc headers lack the names.
#ifndef SYS_landlock_create_ruleset
constexpr long SYS_landlock_create_ruleset = 444;
constexpr long SYS_landlock_add_rule = 445;
constexpr long SYS_landlock_restrict_self = 446;
#endif

// The kernel's struct landlock_ruleset_attr as of ABI 6; older kernels take a prefix of it (the
// size passed says how much), and the headers of older distributions stop before `scoped`.
struct RulesetAttr {
  uint64_t handled_access_fs = 0;
  uint64_t handled_access_net = 0;
  uint64_t scoped = 0;
};
constexpr uint64_t kCreateVersion = 1U << 0;          // LANDLOCK_CREATE_RULESET_VERSION
constexpr uint64_t kAccessFsAbi1 = (1ULL << 13) - 1;  // EXECUTE .. MAKE_SYM
constexpr uint64_t kAccessFsRefer = 1ULL << 13;       // ABI 2
constexpr uint64_t kAccessFsTruncate = 1ULL << 14;    // ABI 3
constexpr uint64_t kAccessFsIoctlDev = 1ULL << 15;    // ABI 5
constexpr uint64_t kScopeSignal = 1ULL << 1;          // ABI 6: no signals to processes outside the domain
// What a rule on a file (not a folder) may grant.
constexpr uint64_t kFileAccess = LANDLOCK_ACCESS_FS_EXECUTE | LANDLOCK_ACCESS_FS_WRITE_FILE |
                                 LANDLOCK_ACCESS_FS_READ_FILE | kAccessFsTruncate | kAccessFsIoctlDev;

uint64_t HandledAccess(int abi) {
  uint64_t access = kAccessFsAbi1;
  if (abi >= 2) access |= kAccessFsRefer;
  if (abi >= 3) access |= kAccessFsTruncate;
  if (abi >= 5) access |= kAccessFsIoctlDev;
  return access;
}

class Fd {
 public:
  explicit Fd(int fd) : fd_(fd) {}
  ~Fd() {
    if (fd_ >= 0) ::close(fd_);
  }
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  int get() const { return fd_; }

 private:
  int fd_;
};

// Grants `access` beneath `fd` (a folder or a file). A failure leaves the entry closed to tasks,
// which is the safe side.
void Allow(int ruleset, int fd, uint64_t access) {
  struct landlock_path_beneath_attr rule = {};
  rule.allowed_access = access;
  rule.parent_fd = fd;
  (void)::syscall(SYS_landlock_add_rule, ruleset, LANDLOCK_RULE_PATH_BENEATH, &rule, 0);
}

// Every entry of `folder` except `skip` (the next folder on the way to the state folder). Symbolic
// links get no rule of their own: what they point to is reached by its own path.
void AllowEntriesBut(int ruleset, const fs::path& folder, const std::string& skip, uint64_t handled) {
  DIR* dir = ::opendir(folder.c_str());
  if (dir == nullptr) return;
  while (const dirent* entry = ::readdir(dir)) {
    const std::string name = entry->d_name;
    if (name == "." || name == ".." || name == skip) continue;
    Fd fd(::openat(::dirfd(dir), name.c_str(), O_PATH | O_NOFOLLOW | O_CLOEXEC));
    struct stat info;
    if (fd.get() < 0 || ::fstat(fd.get(), &info) != 0 || S_ISLNK(info.st_mode)) continue;
    Allow(ruleset, fd.get(), S_ISDIR(info.st_mode) ? handled : handled & kFileAccess);
  }
  ::closedir(dir);
}

// Landlock cannot deny beneath what it allows, so "everything but the state folder" is spelt out:
// every sibling of every folder on the way from / to it, then the task folders inside it. The
// folders on the way may be listed (so `ls ~` works), which lists the state folder's names too.
int MakeRuleset(const TaskConfinement& confinement, int abi) {
  RulesetAttr attr;
  attr.handled_access_fs = HandledAccess(abi);
  attr.scoped = abi >= 6 ? kScopeSignal : 0;
  const size_t size = abi >= 6 ? sizeof(RulesetAttr) : abi >= 4 ? 2 * sizeof(uint64_t) : sizeof(uint64_t);
  const int ruleset = static_cast<int>(::syscall(SYS_landlock_create_ruleset, &attr, size, 0));
  if (ruleset < 0) return -1;
  std::error_code error;
  const fs::path state = fs::weakly_canonical(fs::absolute(confinement.state_dir, error), error);
  if (error || !state.has_root_path()) {
    ::close(ruleset);
    errno = ENOENT;
    return -1;
  }
  fs::path folder = "/";
  for (auto part = std::next(state.begin()); part != state.end(); ++part) {
    Fd fd(::open(folder.c_str(), O_PATH | O_CLOEXEC));
    if (fd.get() >= 0) Allow(ruleset, fd.get(), LANDLOCK_ACCESS_FS_READ_DIR);
    AllowEntriesBut(ruleset, folder, part->string(), attr.handled_access_fs);
    folder /= *part;
  }
  for (const fs::path& inside : confinement.task_dirs) {
    fs::create_directories(inside, error);  // a rule needs the folder (a worker starts before any log)
    Fd fd(::open(inside.c_str(), O_PATH | O_CLOEXEC));
    if (fd.get() >= 0) Allow(ruleset, fd.get(), attr.handled_access_fs);
  }
  return ruleset;
}

}  // namespace

int LandlockAbi() {
  static const int abi = [] {
    const long version = ::syscall(SYS_landlock_create_ruleset, nullptr, 0, kCreateVersion);
    return version > 0 ? static_cast<int>(version) : 0;
  }();
  return abi;
}

std::string DescribeConfinement(const TaskConfinement& confinement) {
  if (confinement.state_dir.empty()) return "not confined";
  const int abi = LandlockAbi();
  if (abi == 0) {
    return "NOT confined: this kernel has no Landlock (Linux 5.13+, lsm=landlock), so tasks can read the "
           "registry and signing key";
  }
  return "confined by Landlock ABI " + std::to_string(abi) + ": of the state folder they use only their folders (" +
         (abi >= 6 ? "blobs, logs), and cannot signal the server"
                   : "blobs, logs); they can still signal the server (Landlock ABI 6+ stops that)");
}

int SpawnConfined(const TaskConfinement& confinement, const std::function<int()>& spawn) {
  const int abi = LandlockAbi();
  if (abi == 0 || confinement.state_dir.empty()) return spawn();
  int result = 0;
  std::thread spawner([&] {
    Fd ruleset(MakeRuleset(confinement, abi));
    // Without no_new_privs only a CAP_SYS_ADMIN thread may restrict itself; it is this thread's
    // alone and inherited by the task, which then cannot gain privileges through set-id programs.
    if (ruleset.get() < 0 || ::prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0 ||
        ::syscall(SYS_landlock_restrict_self, ruleset.get(), 0) != 0) {
      result = errno;
      return;
    }
    result = spawn();
  });
  spawner.join();
  return result;
}

}  // namespace flyte::plugins

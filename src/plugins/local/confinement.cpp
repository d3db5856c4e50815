#include "plugins/local/confinement.h"

#include <dirent.h>
#include <fcntl.h>
#include <linux/landlock.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <absl/synchronization/mutex.h>

#include <cerrno>
#include <cstdint>
#include <cstring>
#include <ctime>
#include <memory>
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

// The folders whose entries the rules list one by one: / and each folder on the way to the state
// folder (not the state folder itself).
std::vector<fs::path> FoldersOnTheWay(const fs::path& state) {
  std::vector<fs::path> folders;
  fs::path folder = "/";
  for (auto part = std::next(state.begin()); part != state.end(); ++part) {
    folders.push_back(folder);
    folder /= *part;
  }
  return folders;
}

// Landlock cannot deny beneath what it allows, so "everything but the state folder" is spelt out:
// every sibling of every folder on the way from / to it, then the task folders inside it. The
// folders on the way may be listed (so `ls ~` works), which lists the state folder's names too.
int MakeRuleset(const fs::path& state, const std::vector<fs::path>& task_dirs, int abi) {
  RulesetAttr attr;
  attr.handled_access_fs = HandledAccess(abi);
  attr.scoped = abi >= 6 ? kScopeSignal : 0;
  const size_t size = abi >= 6 ? sizeof(RulesetAttr) : abi >= 4 ? 2 * sizeof(uint64_t) : sizeof(uint64_t);
  const int ruleset = static_cast<int>(::syscall(SYS_landlock_create_ruleset, &attr, size, 0));
  if (ruleset < 0) return -1;
  const std::vector<fs::path> folders = FoldersOnTheWay(state);
  for (size_t i = 0; i < folders.size(); ++i) {
    Fd fd(::open(folders[i].c_str(), O_PATH | O_CLOEXEC));
    if (fd.get() >= 0) Allow(ruleset, fd.get(), LANDLOCK_ACCESS_FS_READ_DIR);
    const fs::path next = i + 1 < folders.size() ? folders[i + 1] : state;
    AllowEntriesBut(ruleset, folders[i], next.filename().string(), attr.handled_access_fs);
  }
  for (const fs::path& inside : task_dirs) {
    Fd fd(::open(inside.c_str(), O_PATH | O_CLOEXEC));
    if (fd.get() >= 0) Allow(ruleset, fd.get(), attr.handled_access_fs);
  }
  return ruleset;
}

// What the rules were made from: the folders on the way (an entry added, removed or renamed in
// one changes its mtime) and the task folders (rules hold inodes: a folder made anew is another,
// while what is made inside one is beneath its rule whatever its mtime says).
struct Stamp {
  dev_t dev = 0;
  ino_t ino = 0;
  timespec mtime{};
  bool operator==(const Stamp& other) const {
    return dev == other.dev && ino == other.ino && mtime.tv_sec == other.mtime.tv_sec &&
           mtime.tv_nsec == other.mtime.tv_nsec;
  }
};

// Folders' times come from a clock that ticks every few milliseconds: an entry made in the same
// tick as the one the stamp saw, after the rules listed the folder, would leave the stamp alike.
// A stamp this recent is not trusted to say "unchanged".
constexpr int64_t kSettledNanos = 200'000'000;

// A thread confined once by a set of rules, which starts every task while those rules stand. The
// processes it starts share its Landlock domain: confining a thread per task had the kernel copy
// every rule (tens of thousands with a busy /tmp on the way) into a domain of its own for each
// task, and free it when the task ended, about 11 ms a task.
class ConfinedThread {
 public:
  explicit ConfinedThread(int ruleset) : thread_([this, ruleset] { Loop(ruleset); }) {}
  ~ConfinedThread() {
    {
      absl::MutexLock lock(&mu_);
      stopping_ = true;
    }
    thread_.join();
  }
  ConfinedThread(const ConfinedThread&) = delete;
  ConfinedThread& operator=(const ConfinedThread&) = delete;

  // Runs `spawn` on the thread, one caller at a time: 0 or an errno value.
  int Run(const std::function<int()>& spawn) {
    absl::MutexLock caller(&callers_);
    absl::MutexLock lock(&mu_);
    mu_.Await(absl::Condition(
        +[](int* error) { return *error >= 0; }, &confine_error_));
    if (confine_error_ != 0) return confine_error_;
    job_ = &spawn;
    mu_.Await(absl::Condition(
        +[](const std::function<int()>** job) { return *job == nullptr; }, &job_));
    return result_;
  }

 private:
  void Loop(int ruleset) {
    // Without no_new_privs only a CAP_SYS_ADMIN thread may restrict itself; it is this thread's
    // alone and inherited by the tasks, which then cannot gain privileges through set-id programs.
    const int error =
        ::prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0 || ::syscall(SYS_landlock_restrict_self, ruleset, 0) != 0
            ? (errno != 0 ? errno : EPERM)
            : 0;
    absl::MutexLock lock(&mu_);
    confine_error_ = error;
    while (error == 0) {
      mu_.Await(absl::Condition(this, &ConfinedThread::HasWork));
      if (stopping_) return;
      result_ = (*job_)();
      job_ = nullptr;
    }
  }
  bool HasWork() const ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) { return stopping_ || job_ != nullptr; }

  absl::Mutex callers_;
  absl::Mutex mu_;
  int confine_error_ ABSL_GUARDED_BY(mu_) = -1;  // -1 until the thread has restricted itself
  const std::function<int()>* job_ ABSL_GUARDED_BY(mu_) = nullptr;
  int result_ ABSL_GUARDED_BY(mu_) = 0;
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  std::thread thread_;  // last: it starts once the fields above are ready
};

struct Rules {
  explicit Rules(int ruleset) : fd(ruleset) {}
  ~Rules() {
    thread.reset();
    if (fd >= 0) ::close(fd);
  }
  Rules(const Rules&) = delete;
  Rules& operator=(const Rules&) = delete;
  const int fd;
  int error = 0;    // errno when fd < 0
  std::string key;  // the confinement they were made for
  std::vector<Stamp> stamps;
  bool settled = false;                    // every stamp older than kSettledNanos when taken
  std::unique_ptr<ConfinedThread> thread;  // made with the rules when fd >= 0
};

int64_t Nanos(const timespec& t) { return static_cast<int64_t>(t.tv_sec) * 1'000'000'000 + t.tv_nsec; }

// Making the rules lists every entry of every folder on the way (tens of thousands in a busy
// /tmp): they are made again only when one of those folders changed, not for each task.
class RulesCache {
 public:
  std::shared_ptr<Rules> Get(const fs::path& state, const TaskConfinement& confinement, int abi) {
    std::string key = state.string();
    for (const fs::path& inside : confinement.task_dirs) key += "\n" + inside.string();
    std::error_code error;
    for (const fs::path& inside : confinement.task_dirs) {
      fs::create_directories(inside, error);  // a rule needs the folder (a worker starts before any log)
    }
    // Taken before the folders are listed, so that a change while they are is seen next time.
    std::vector<Stamp> stamps;
    timespec now{};
    ::clock_gettime(CLOCK_REALTIME, &now);
    bool settled = true;
    for (const fs::path& folder : FoldersOnTheWay(state)) {
      struct stat info {};
      if (::stat(folder.c_str(), &info) != 0) settled = false;
      stamps.push_back(Stamp{info.st_dev, info.st_ino, info.st_mtim});
      if (Nanos(now) - Nanos(info.st_mtim) < kSettledNanos) settled = false;
    }
    for (const fs::path& inside : confinement.task_dirs) {
      struct stat info {};
      if (::stat(inside.c_str(), &info) != 0) settled = false;
      stamps.push_back(Stamp{info.st_dev, info.st_ino, {}});
    }
    {
      absl::MutexLock lock(&mu_);
      if (rules_ != nullptr && rules_->settled && rules_->key == key && rules_->stamps == stamps) return rules_;
    }
    const int fd = MakeRuleset(state, confinement.task_dirs, abi);
    const int made_errno = errno;
    auto rules = std::make_shared<Rules>(fd);
    if (fd < 0) {
      rules->error = made_errno != 0 ? made_errno : EINVAL;
      return rules;
    }
    rules->thread = std::make_unique<ConfinedThread>(fd);
    rules->key = std::move(key);
    rules->stamps = std::move(stamps);
    rules->settled = settled;
    absl::MutexLock lock(&mu_);
    rules_ = rules;
    return rules;
  }

 private:
  absl::Mutex mu_;
  std::shared_ptr<Rules> rules_ ABSL_GUARDED_BY(mu_);  // one sandbox per process: one set
};

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

namespace {

// The rules for `confinement` now; nullptr when tasks are not confined; rules with fd < 0 (and
// their error) when they cannot be made.
std::shared_ptr<Rules> CurrentRules(const TaskConfinement& confinement) {
  const int abi = LandlockAbi();
  if (abi == 0 || confinement.state_dir.empty()) return nullptr;
  std::error_code error;
  const fs::path state = fs::weakly_canonical(fs::absolute(confinement.state_dir, error), error);
  if (error || !state.has_root_path()) {
    auto missing = std::make_shared<Rules>(-1);
    missing->error = ENOENT;
    return missing;
  }
  static RulesCache cache;
  return cache.Get(state, confinement, abi);
}

}  // namespace

int SpawnConfined(const TaskConfinement& confinement, const std::function<int()>& spawn) {
  const std::shared_ptr<Rules> rules = CurrentRules(confinement);
  if (rules == nullptr) return spawn();
  if (rules->fd < 0) return rules->error;
  return rules->thread->Run(spawn);
}

StatusOr<int> CurrentRuleset(const TaskConfinement& confinement) {
  const std::shared_ptr<Rules> rules = CurrentRules(confinement);
  if (rules == nullptr) return -1;
  const int fd = rules->fd < 0 ? -1 : ::fcntl(rules->fd, F_DUPFD_CLOEXEC, 3);
  if (fd < 0) {
    const int error = rules->fd < 0 ? rules->error : errno;
    return absl::InternalError("cannot make the tasks' Landlock rules: " + std::string(std::strerror(error)));
  }
  return fd;
}

}  // namespace flyte::plugins

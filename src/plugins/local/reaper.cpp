// LocalProcessPlugin's reaper: the thread that waits for every process (README.md says how),
// sends the delayed SIGKILLs and tells the engine.
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <climits>
#include <filesystem>
#include <string>

#include "plugins/local/local_process_plugin.h"

namespace flyte::plugins {
namespace {

// Without pidfds (Linux < 5.3) the reaper checks its processes this often.
constexpr auto kFallbackCheckInterval = std::chrono::milliseconds(200);

int MillisecondsUntil(std::chrono::steady_clock::time_point deadline, std::chrono::steady_clock::time_point now) {
  const auto wait = std::chrono::ceil<std::chrono::milliseconds>(deadline - now).count();
  return static_cast<int>(std::clamp<int64_t>(wait, 0, INT_MAX));
}

struct ExitInfo {
  int code = 0;
  std::string message;
};

std::string SignalName(int signal) {
  const char* abbreviation = ::sigabbrev_np(signal);
  return abbreviation != nullptr ? "SIG" + std::string(abbreviation) : "signal " + std::to_string(signal);
}

ExitInfo FromSiginfo(const siginfo_t& info) {
  if (info.si_code == CLD_EXITED) {
    return {info.si_status, "exited with code " + std::to_string(info.si_status)};
  }
  // CLD_KILLED or CLD_DUMPED: the shell's convention, as a container runtime reports it.
  return {128 + info.si_status, "killed by " + SignalName(info.si_status)};
}

// A wait status the zygote reported, in the same words.
ExitInfo FromWaitStatus(int status) {
  siginfo_t info{};
  info.si_code = WIFEXITED(status) ? CLD_EXITED : CLD_KILLED;
  info.si_status = WIFEXITED(status) ? WEXITSTATUS(status) : WTERMSIG(status);
  return FromSiginfo(info);
}

// What the reaper polls for a watch: the zygote's report while there is one, else the pidfd.
int PolledFd(int report_fd, int pidfd) { return report_fd >= 0 ? report_fd : pidfd; }

}  // namespace

void LocalProcessPlugin::Terminate(Watch& watch) {
  if (watch.terminating) return;
  watch.terminating = true;
  ::kill(watch.owns_group ? -watch.pid : watch.pid, SIGTERM);
  watch.kill_at = Clock::now() + config_.kill_grace;
  Wake();  // the reaper's next timeout is the SIGKILL
}

void LocalProcessPlugin::Notify(const AttemptId& id) {
  pending_notifications_.push_back(id);
  Wake();
}

void LocalProcessPlugin::Wake() {
  if (wake_fd_ < 0) return;  // no eventfd: the reaper runs on its fallback timer
  const uint64_t one = 1;
  [[maybe_unused]] const ssize_t written = ::write(wake_fd_, &one, sizeof one);  // EAGAIN: already pending
}

// The reaper: one thread blocked in poll() on one pidfd per process plus the wake-up eventfd, with
// the nearest pending SIGKILL as timeout. No SIGCHLD handler and never waitpid(-1): other parts of
// the server have children of their own. Callbacks run here, outside mu_, so they may call Check.
void LocalProcessPlugin::ReaperLoop() {
  std::vector<pollfd> fds;
  std::vector<WatchId> polled;  // polled[i] is watched through fds[i + 1]
  for (;;) {
    fds.assign(1, pollfd{wake_fd_, POLLIN, 0});
    polled.clear();
    int timeout_ms = -1;
    {
      absl::MutexLock lock(&mu_);
      const Clock::time_point now = Clock::now();
      if (stopping_ && (watches_.empty() || now >= give_up_at_)) {
        for (auto& [id, watch] : watches_) {
          if (watch.pidfd >= 0) ::close(watch.pidfd);  // the processes are left to init once we exit
          if (watch.report_fd >= 0) ::close(watch.report_fd);
        }
        return;
      }
      std::optional<Clock::time_point> next_kill = FireDeadlines(now);
      bool needs_timer = wake_fd_ < 0;
      for (const auto& [id, watch] : watches_) {
        if (const int fd = PolledFd(watch.report_fd, watch.pidfd); fd >= 0) {
          fds.push_back(pollfd{fd, POLLIN, 0});
          polled.push_back(id);
        } else {
          needs_timer = true;
        }
      }
      if (stopping_ && (!next_kill || give_up_at_ < *next_kill)) next_kill = give_up_at_;
      if (next_kill) timeout_ms = MillisecondsUntil(*next_kill, now);
      if (needs_timer) {
        const int interval = static_cast<int>(kFallbackCheckInterval.count());
        timeout_ms = timeout_ms < 0 ? interval : std::min(timeout_ms, interval);
      }
    }
    ::poll(fds.data(), fds.size(), timeout_ms);  // EINTR or a timeout: just look again
    if (fds[0].revents != 0) {
      uint64_t count = 0;
      [[maybe_unused]] const ssize_t read = ::read(wake_fd_, &count, sizeof count);
    }

    std::vector<AttemptId> changed;
    bool stopping = false;
    {
      absl::MutexLock lock(&mu_);
      for (size_t i = 0; i < polled.size(); ++i) {
        const auto watch = watches_.find(polled[i]);
        if (fds[i + 1].revents != 0 && watch != watches_.end() && HandleExit(watch->second)) watches_.erase(watch);
      }
      for (auto watch = watches_.begin(); watch != watches_.end();) {
        const bool ended = PolledFd(watch->second.report_fd, watch->second.pidfd) < 0 && HandleExit(watch->second);
        watch = ended ? watches_.erase(watch) : std::next(watch);
      }
      changed.swap(pending_notifications_);
      stopping = stopping_;
    }
    if (stopping || !on_change_) continue;  // the owner is going away: nobody to tell
    for (const AttemptId& id : changed) on_change_(id);
  }
}

bool LocalProcessPlugin::HandleExit(Watch& watch) {
  ExitInfo exit{0, "re-attached; exit code unknown"};
  bool reap = false;
  bool group_ended = false;  // the zygote killed the group already, and the id may be reused since
  if (watch.report_fd >= 0) {
    const TaskReport report = ReadTaskReport(watch.report_fd);
    if (report.state == TaskReport::State::kRunning) return false;
    ::close(watch.report_fd);
    watch.report_fd = -1;
    // The zygote died: the task, reparented, is watched by its pidfd from now on, like a
    // re-attached one (its exit code is then unknown).
    if (report.state == TaskReport::State::kZygoteGone) return false;
    exit = FromWaitStatus(report.wait_status);
    group_ended = true;
  } else if (watch.is_child) {
    // Look without reaping: the zombie keeps the group id from being reused until the group is killed.
    siginfo_t info{};
    if (::waitid(P_PID, watch.pid, &info, WEXITED | WNOHANG | WNOWAIT) != 0) {
      exit = {0, "exit code lost: the process was reaped elsewhere"};  // ECHILD: SIGCHLD ignored, or waitpid(-1)
    } else if (info.si_pid == 0) {
      return false;  // still running
    } else {
      exit = FromSiginfo(info);
      reap = true;
    }
  } else if (watch.pidfd < 0 && !(::kill(watch.pid, 0) != 0 && errno == ESRCH)) {
    return false;  // a readable pidfd means it ended; without one, it ends when its pid is gone
  } else if (std::error_code error;
             !watch.started_marker.empty() && !std::filesystem::exists(watch.started_marker, error)) {
    exit = {128 + SIGKILL, "the Python worker ended before it took the task"};  // never ran: tried again
  }
  // Like a container whose main process ends, the task's group goes with its leader: nothing it
  // left behind (a daemon, a stuck grandchild) survives it.
  if (watch.owns_group && !group_ended) ::kill(-watch.pid, SIGKILL);
  if (reap) ::waitpid(watch.pid, nullptr, 0);  // immediate: it is a zombie
  if (watch.pidfd >= 0) ::close(watch.pidfd);
  watch.pidfd = -1;

  const auto found = watch.attempt.empty() ? attempts_.end() : attempts_.find(watch.attempt);
  if (found == attempts_.end()) return true;  // finalized meanwhile
  AttemptRecord& record = found->second;
  record.watch = 0;
  record.status.exit_code = exit.code;
  if (record.status.phase == AttemptPhase::kRunning) {
    record.status.phase = AttemptPhase::kExited;
    record.status.message = exit.message;
  } else {
    record.status.message += " (" + exit.message + ")";
  }
  pending_notifications_.push_back(watch.attempt);  // delivered by this very iteration
  return true;
}

std::optional<LocalProcessPlugin::Clock::time_point> LocalProcessPlugin::FireDeadlines(Clock::time_point now) {
  std::optional<Clock::time_point> next;
  auto consider = [&](Clock::time_point at) { next = next ? std::min(*next, at) : at; };
  for (auto& [id, watch] : watches_) {
    if (!watch.kill_at) continue;
    if (*watch.kill_at > now) {
      consider(*watch.kill_at);
      continue;
    }
    ::kill(watch.owns_group ? -watch.pid : watch.pid, SIGKILL);
    watch.kill_at.reset();
  }
  for (auto spare = spares_.begin(); spare != spares_.end();) {
    const Clock::time_point idle_until = spare->last_used + config_.warm_python_idle;
    if (spare->busy || idle_until > now) {
      if (!spare->busy) consider(idle_until);
      ++spare;
      continue;
    }
    spare = Retire(spare);
  }
  return next;
}

}  // namespace flyte::plugins

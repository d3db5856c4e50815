// The plugins' blocking work (a container followed to its end, a pod's log) runs on threads of its
// own: each marks itself done as its last act, so joining a done one is immediate. Finished ones
// are joined whenever new work comes; the rest when the plugin goes away.
#pragma once

#include <functional>
#include <list>
#include <memory>
#include <thread>

#include <absl/base/thread_annotations.h>
#include <absl/synchronization/mutex.h>

namespace flyte::plugins {

class WorkerThreads {
 public:
  WorkerThreads() = default;
  ~WorkerThreads() { JoinAll(); }
  WorkerThreads(const WorkerThreads&) = delete;
  WorkerThreads& operator=(const WorkerThreads&) = delete;

  // Runs `work` on a thread of its own (joining the threads that have finished first).
  void Spawn(std::function<void()> work) {
    JoinFinished();
    auto done = std::make_shared<bool>(false);
    std::thread thread([this, work = std::move(work), done] {
      work();
      absl::MutexLock finished(&mu_);
      *done = true;
    });
    absl::MutexLock lock(&mu_);
    workers_.push_back({std::move(thread), std::move(done)});
  }

  // Waits for every thread, those its work spawns meanwhile included.
  void JoinAll() {
    for (;;) {
      std::list<Worker> workers;
      {
        absl::MutexLock lock(&mu_);
        workers.swap(workers_);
      }
      if (workers.empty()) return;
      for (Worker& worker : workers) worker.thread.join();
    }
  }

 private:
  struct Worker {
    std::thread thread;
    std::shared_ptr<bool> done;  // set under mu_ as the thread's last act
  };

  void JoinFinished() {
    std::list<Worker> finished;
    {
      absl::MutexLock lock(&mu_);
      for (auto worker = workers_.begin(); worker != workers_.end();) {
        auto next = std::next(worker);
        if (*worker->done) finished.splice(finished.end(), workers_, worker);
        worker = next;
      }
    }
    for (Worker& worker : finished) worker.thread.join();
  }

  absl::Mutex mu_;
  std::list<Worker> workers_ ABSL_GUARDED_BY(mu_);
};

}  // namespace flyte::plugins

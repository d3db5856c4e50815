#include "plugins/local/python_worker.h"

#include <doctest/doctest.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "fakes/python_entry_point.h"
#include "fakes/temp_dir.h"
#include "plugins/local/confinement.h"
#include "plugins/local/process_identity.h"

namespace flyte::plugins {
namespace {

namespace fs = std::filesystem;

using testing::FakeEntryPoint;
using testing::kSystemPython;
using testing::WriteExecutable;

// The worker's program, written where a sandbox would keep it (here: the test's folder).
std::string Program(const testing::TempDir& dir) {
  StatusOr<std::string> program = WriteWorkerProgram(dir.path() / "plugin-files");
  REQUIRE(program.ok());
  return *program;
}

Environment BaseEnv() { return {{"PATH", "/usr/bin:/bin"}, {"GREETING", "hello"}}; }

// A job running `argv` of `script` in `dir` (its folder, with task.log) with `env`.
WorkerJob JobIn(const fs::path& dir, const fs::path& script, std::vector<std::string> argv, Environment env) {
  WorkerJob job;
  job.script = script.string();
  job.argv = std::move(argv);
  job.env = std::move(env);
  job.work_dir = dir.string();
  job.log_file = (dir / "task.log").string();
  job.started_marker = (dir / "started").string();
  job.process_record = (dir / "process").string();
  return job;
}

// A job handed to `worker` and forked; fails the test when it was not.
ForkedTask Fork(PythonWorker& worker, const WorkerJob& job) {
  StatusOr<ForkedTask> task = HandOver(worker, job, -1, std::chrono::seconds(10));
  REQUIRE(task.ok());
  CHECK(task->pid != worker.pid);
  return *task;
}

// The wait status the zygote reports for `task`; fails the test if it has not ended within 10 s.
int WaitForReport(const ForkedTask& task) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  for (;;) {
    const TaskReport report = ReadTaskReport(task.report_fd);
    if (report.state == TaskReport::State::kEnded) {
      ::close(task.report_fd);
      return report.wait_status;
    }
    REQUIRE(report.state == TaskReport::State::kRunning);
    if (std::chrono::steady_clock::now() > deadline) {
      ::kill(-task.pid, SIGKILL);
      FAIL("the task did not end");
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
}

// The exit code of a task that exited (not killed by a signal).
int WaitForTask(const ForkedTask& task) {
  const int status = WaitForReport(task);
  REQUIRE(WIFEXITED(status));
  return WEXITSTATUS(status);
}

// The zygote's own exit code; fails the test (and kills it) if it has not ended within 10 s.
int WaitForExit(pid_t pid) {
  int status = 0;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (::waitpid(pid, &status, WNOHANG) == 0) {
    if (std::chrono::steady_clock::now() > deadline) {
      ::kill(pid, SIGKILL);
      ::waitpid(pid, &status, 0);
      FAIL("the worker did not exit");
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  REQUIRE(WIFEXITED(status));
  return WEXITSTATUS(status);
}

TEST_CASE("python worker: only Flyte's entry points with a plain python #! line have an interpreter") {
  testing::TempDir dir;
  WriteExecutable(dir.path() / "pyflyte-execute", "#!/opt/venv/bin/python\nimport sys\n");
  WriteExecutable(dir.path() / "pyflyte-map-execute", "#!/opt/venv/bin/python3.11\n");
  WriteExecutable(dir.path() / "v2" / "a0", "#!/opt/venv2/bin/python\n");
  WriteExecutable(dir.path() / "a" / "pyflyte-execute", "#!/usr/bin/env python3\n");
  WriteExecutable(dir.path() / "b" / "pyflyte-execute", "#!/opt/venv/bin/python -u\n");
  WriteExecutable(dir.path() / "c" / "pyflyte-execute", "#!/bin/sh\n");
  WriteExecutable(dir.path() / "my-script", "#!/opt/venv/bin/python\n");
  CHECK(EntryPointInterpreter((dir.path() / "pyflyte-execute").string()) == "/opt/venv/bin/python");
  CHECK(EntryPointInterpreter((dir.path() / "pyflyte-map-execute").string()) == "/opt/venv/bin/python3.11");
  CHECK(EntryPointInterpreter((dir.path() / "v2" / "a0").string()) == "/opt/venv2/bin/python");
  CHECK_FALSE(EntryPointInterpreter((dir.path() / "a" / "pyflyte-execute").string()).has_value());
  CHECK_FALSE(EntryPointInterpreter((dir.path() / "b" / "pyflyte-execute").string()).has_value());
  CHECK_FALSE(EntryPointInterpreter((dir.path() / "c" / "pyflyte-execute").string()).has_value());
  CHECK_FALSE(EntryPointInterpreter((dir.path() / "my-script").string()).has_value());
  CHECK_FALSE(EntryPointInterpreter((dir.path() / "d" / "pyflyte-execute").string()).has_value());
}

TEST_CASE("python worker: runs a job only in the environment it was started with, the attempt's own aside") {
  testing::TempDir dir;
  const std::string script = (dir.path() / "bin" / "pyflyte-execute").string();
  WriteExecutable(script, "#!/venv/bin/python\n");
  PythonWorker worker;
  worker.interpreter = "/venv/bin/python";
  worker.script_dir = (dir.path() / "bin").string();
  worker.env = {{"PATH", "/venv/bin:/usr/bin"},
                {"PYTHONPATH", "/lib/a"},
                {"FLYTE_INTERNAL_EXECUTION_ID", "pending"},
                {"FLYTE_ATTEMPT_NUMBER", "pending"}};
  Environment job = {{"PATH", "/venv/bin:/usr/bin"},           {"PYTHONPATH", "/lib/a"},
                     {"FLYTE_INTERNAL_EXECUTION_ID", "exec1"}, {"FLYTE_ATTEMPT_NUMBER", "2"},
                     {"FLYTE_INTERNAL_TASK_NAME", "wf.t"},     {"FLYTE_K8S_ARRAY_INDEX", "7"}};
  CHECK(CanRun(worker, "/venv/bin/python", script, job));
  CHECK_FALSE(CanRun(worker, "/other/bin/python", script, job));
  CHECK_FALSE(CanRun(worker, "/venv/bin/python", (dir.path() / "elsewhere" / "pyflyte-execute").string(), job));

  auto with = [&](const std::string& name, const std::string& value) {
    Environment changed = job;
    changed[name] = value;
    return changed;
  };
  CHECK_FALSE(CanRun(worker, "/venv/bin/python", script, with("EXTRA", "1")));
  CHECK_FALSE(CanRun(worker, "/venv/bin/python", script, with("PATH", "/usr/bin")));
  Environment without_path = job;
  without_path.erase("PATH");
  CHECK_FALSE(CanRun(worker, "/venv/bin/python", script, without_path));

  // PYTHONPATH may only grow by whole entries, which the worker puts on sys.path itself.
  CHECK(CanRun(worker, "/venv/bin/python", script, with("PYTHONPATH", "/lib/a:/work/attempt")));
  CHECK(CanRun(worker, "/venv/bin/python", script, with("PYTHONPATH", "/lib/a:/work/attempt:/more")));
  CHECK_FALSE(CanRun(worker, "/venv/bin/python", script, with("PYTHONPATH", "/work/attempt")));
  CHECK_FALSE(CanRun(worker, "/venv/bin/python", script, with("PYTHONPATH", "/lib/ab")));
  CHECK_FALSE(CanRun(worker, "/venv/bin/python", script, with("PYTHONPATH", "/lib/a::/w")));
  CHECK_FALSE(CanRun(worker, "/venv/bin/python", script, with("PYTHONPATH", "/lib/a:/lib/a")));  // Python drops it
  CHECK(CanRun(worker, "/venv/bin/python", script, with("PYTHONPATH", "/lib/a:src")));  // absolute once in its folder
  worker.env.erase("PYTHONPATH");
  CHECK(CanRun(worker, "/venv/bin/python", script, with("PYTHONPATH", "/work/attempt")));
  // A relative entry the worker started with was made absolute against another folder.
  worker.env["PYTHONPATH"] = "lib";
  CHECK_FALSE(CanRun(worker, "/venv/bin/python", script, with("PYTHONPATH", "lib:/work/attempt")));
}

TEST_CASE("python worker: a Flyte 2 zygote runs every action of its environment and nothing of flytekit's") {
  testing::TempDir dir;
  const std::string a0 = (dir.path() / "bin" / "a0").string();
  const std::string execute = (dir.path() / "bin" / "pyflyte-execute").string();
  WriteExecutable(a0, "#!/venv/bin/python\n");
  WriteExecutable(execute, "#!/venv/bin/python\n");
  const Environment base = {{"PATH", "/venv/bin:/usr/bin"}, {"_U_EP_OVERRIDE", "localhost:30080"}};
  const PythonWorker flyte2 = PlanPythonWorker("/venv/bin/python", a0, base);
  const PythonWorker flytekit = PlanPythonWorker("/venv/bin/python", execute, base);
  // Each action has its own run, name and output base: placeholders in the zygote, the job's in the task.
  CHECK(flyte2.env.at("ACTION_NAME") == "pending");
  Environment action = base;
  action.insert({{"ACTION_NAME", "a0"}, {"RUN_NAME", "r1"}, {"_U_RUN_BASE", "file:///s/r1"}});
  CHECK(CanRun(flyte2, "/venv/bin/python", a0, action));
  action["RUN_NAME"] = "r2";
  CHECK(CanRun(flyte2, "/venv/bin/python", a0, action));
  // One SDK per zygote, even in a virtualenv that has both.
  CHECK_FALSE(CanRun(flyte2, "/venv/bin/python", execute, base));
  CHECK_FALSE(CanRun(flytekit, "/venv/bin/python", a0, action));
  CHECK(CanRun(flytekit, "/venv/bin/python", execute, base));
}

TEST_CASE("python worker: imports ahead, then runs the job as the entry point's own interpreter would") {
  testing::TempDir dir;
  const fs::path script = FakeEntryPoint(dir.path());
  Environment base = BaseEnv();
  base["PYTHONPATH"] = (dir.path() / "lib").string();
  auto worker = StartPythonWorker(kSystemPython, script.string(), base, Program(dir));
  REQUIRE(worker.ok());
  CHECK(worker->env.at("FLYTE_INTERNAL_EXECUTION_ID") == "pending");
  CHECK(worker->env.at("GREETING") == "hello");

  const fs::path work = dir.path() / "work";
  fs::create_directories(work);
  WorkerJob job;
  job.script = script.string();
  job.argv = {"pyflyte-execute", "3"};
  job.env = base;
  job.env["FLYTE_INTERNAL_EXECUTION_ID"] = "exec7";
  job.env["FLYTE_ATTEMPT_TOKEN"] = "token-7";
  job.env["PYTHONPATH"] = (dir.path() / "lib").string() + ":" + work.string();
  job.work_dir = work.string();
  job.log_file = (dir.path() / "task.log").string();
  job.started_marker = (dir.path() / "started").string();
  job.process_record = (dir.path() / "process").string();
  job.setup = {"/bin/sh", "-c", "echo unpacked > setup.txt; echo 'not for the log'"};
  const ForkedTask task = Fork(*worker, job);
  // Written by the child before it says its pid: a restarted sandbox finds it by this.
  CHECK(ReadSavedProcess(job.process_record, job.env.at("FLYTE_ATTEMPT_TOKEN"))->pid == task.pid);
  CHECK(WaitForTask(task) == 3);
  CHECK(fs::exists(job.started_marker));  // the child says it took the job before anything ran

  const std::string log = testing::ReadFile(job.log_file);
  CAPTURE(log);
  CHECK(log.starts_with("flytekit imported early\n"));
  CHECK(log.find("imported before: True\n") != std::string::npos);
  CHECK(log.find("argv: ['" + script.string() + "', '3']\n") != std::string::npos);
  CHECK(log.find("cwd: " + work.string() + "\n") != std::string::npos);
  CHECK(log.find("env: exec7 hello\n") != std::string::npos);
  CHECK(log.find("sys.path[1:3]: ['" + (dir.path() / "lib").string() + "', '" + work.string() + "']\n") !=
        std::string::npos);
  CHECK(log.find("name: __main__\n") != std::string::npos);
  CHECK(log.find("stdin: ''\n") != std::string::npos);
  CHECK(log.find("not for the log") == std::string::npos);
  CHECK(testing::ReadFile(work / "setup.txt") == "unpacked\n");
  ::close(worker->control_fd);
  CHECK(WaitForExit(worker->pid) == 0);
}

TEST_CASE("python worker: ends as the interpreter would: exit message, threads, atexit, buffered output") {
  testing::TempDir dir;
  FakeEntryPoint(dir.path());
  const fs::path script = dir.path() / "bin" / "pyflyte-map-execute";
  WriteExecutable(script, std::string("#!") + kSystemPython + R"PY(
import atexit
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor

def late():
    time.sleep(0.3)
    print("thread finished")

threading.Thread(target=late).start()
pool = ThreadPoolExecutor(1)  # left open: the interpreter's exit hooks stop it
pool.submit(time.sleep, 0.1)
atexit.register(lambda: print("atexit ran"))
sys.stdout.write("buffered, never flushed by the script\n")
sys.exit("the task's last words")
)PY");
  auto worker = StartPythonWorker(kSystemPython, script.string(), BaseEnv(), Program(dir));
  REQUIRE(worker.ok());
  WorkerJob job = JobIn(dir.path(), script, {"pyflyte-map-execute"}, BaseEnv());
  CHECK(WaitForTask(Fork(*worker, job)) == 1);
  const std::string log = testing::ReadFile(job.log_file);
  CAPTURE(log);
  for (const char* line :
       {"thread finished\n", "atexit ran\n", "buffered, never flushed by the script\n", "the task's last words\n"}) {
    CHECK(log.find(line) != std::string::npos);
  }
  ::close(worker->control_fd);
  CHECK(WaitForExit(worker->pid) == 0);
}

TEST_CASE("python worker: a forked task is confined by the rules of its hand-over, not of its zygote's start") {
  if (LandlockAbi() == 0) {
    MESSAGE("this kernel has no Landlock: nothing to check");
    return;
  }
  testing::TempDir dir;
  const fs::path state = dir.path() / "state";
  const fs::path work = state / "logs" / "attempt";
  fs::create_directories(work);
  std::ofstream(state / "signing.key") << "secret";
  const TaskConfinement confinement{state, {state / "logs"}};
  const fs::path script = dir.path() / "bin" / "probe.py";
  fs::create_directories(script.parent_path());
  std::ofstream(script) << R"PY(import sys
for path in sys.argv[1:]:
    try:
        open(path).read()
        print("read", path)
    except PermissionError:
        print("denied", path)
)PY";
  auto worker = StartPythonWorker(kSystemPython, script.string(), BaseEnv(), Program(dir));
  REQUIRE(worker.ok());
  REQUIRE(AwaitReady(*worker, std::chrono::seconds(30)));
  // Made beside the state folder's path after the zygote started: a task spawned now may read it,
  // so a forked one may too; the state folder's own files stay closed.
  fs::create_directories(dir.path() / "later");
  std::ofstream(dir.path() / "later" / "data.txt") << "data";
  const std::string later = (dir.path() / "later" / "data.txt").string();
  const std::string secret = (state / "signing.key").string();
  const StatusOr<int> ruleset = CurrentRuleset(confinement);
  REQUIRE(ruleset.ok());
  REQUIRE(*ruleset >= 0);
  const WorkerJob job = JobIn(work, script, {"probe", later, secret}, BaseEnv());
  StatusOr<ForkedTask> task = HandOver(*worker, job, *ruleset, std::chrono::seconds(10));
  ::close(*ruleset);
  REQUIRE(task.ok());
  CHECK(WaitForTask(*task) == 0);
  CHECK(testing::ReadFile(job.log_file) == "read " + later + "\ndenied " + secret + "\n");
  ::close(worker->control_fd);
  CHECK(WaitForExit(worker->pid) == 0);
}

// A worker's job whose setup is `setup`: its exit code and its log.
std::pair<int, std::string> RunWithSetup(std::vector<std::string> setup) {
  testing::TempDir dir;
  const fs::path script = FakeEntryPoint(dir.path());
  auto worker = StartPythonWorker(kSystemPython, script.string(), BaseEnv(), Program(dir));
  REQUIRE(worker.ok());
  WorkerJob job = JobIn(dir.path(), script, {"pyflyte-execute", "0"}, BaseEnv());
  job.setup = std::move(setup);
  const int code = WaitForTask(Fork(*worker, job));
  ::close(worker->control_fd);
  return {code, testing::ReadFile(job.log_file)};
}

TEST_CASE("python worker: a failing setup is the task's exit code, and the command does not run") {
  const auto [code, log] = RunWithSetup({"/bin/sh", "-c", "echo 'cannot unpack' >&2; exit 2"});
  CHECK(code == 2);
  CHECK(log.find("cannot unpack") != std::string::npos);
  CHECK(log.find("argv:") == std::string::npos);
}

TEST_CASE("python worker: a setup command that cannot start exits 127, as the shell would") {
  const auto [code, log] = RunWithSetup({"no-such-tar", "-xzf", "code.tar.gz"});
  CHECK(code == 127);
  CHECK(log.find("no-such-tar: No such file or directory") != std::string::npos);
}

TEST_CASE(
    "python worker: packages changed since its imports: the job runs in a fresh interpreter, the zygote retires") {
  testing::TempDir dir;
  const fs::path script = FakeEntryPoint(dir.path());
  Environment base = BaseEnv();
  base["PYTHONPATH"] = (dir.path() / "site").string();
  fs::create_directories(dir.path() / "site");
  auto worker = StartPythonWorker(kSystemPython, script.string(), base, Program(dir));
  REQUIRE(worker.ok());
  // Once it has imported (and looked at where from), a package is installed.
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (!fs::exists(dir.path() / "imported") && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  REQUIRE(fs::exists(dir.path() / "imported"));
  std::this_thread::sleep_for(std::chrono::milliseconds(500));
  fs::create_directories(dir.path() / "site" / "newly_installed");

  WorkerJob job = JobIn(dir.path(), script, {"pyflyte-execute", "5"}, base);
  CHECK(WaitForTask(Fork(*worker, job)) == 5);
  CHECK(WaitForExit(worker->pid) == 0);  // takes no more jobs: the next task needs a new zygote
  const std::string log = testing::ReadFile(job.log_file);
  CAPTURE(log);
  CHECK(log.find("flytekit imported early") == std::string::npos);  // neither copied nor imported again
  CHECK(log.find("imported before: False\n") != std::string::npos);
  CHECK(log.find("argv: ['" + script.string() + "', '5']\n") != std::string::npos);
}

TEST_CASE("python worker: its program is written again when it went missing or differs") {
  testing::TempDir dir;
  const std::string program = Program(dir);
  CHECK(fs::path(program).filename() == "flyte_python_worker.py");
  CHECK((fs::status(fs::path(program).parent_path()).permissions() & fs::perms::all) == fs::perms::owner_all);
  const auto size = fs::file_size(program);
  fs::remove(program);  // e.g. a tmp cleaner
  CHECK(Program(dir) == program);
  CHECK(fs::file_size(program) == size);
  std::ofstream(program) << "print('an older sandbox')\n";
  CHECK(Program(dir) == program);
  CHECK(fs::file_size(program) == size);
}

TEST_CASE("python worker: exits quietly when the sandbox goes away before giving it a job") {
  testing::TempDir dir;
  auto worker = StartPythonWorker(kSystemPython, FakeEntryPoint(dir.path()).string(), BaseEnv(), Program(dir));
  REQUIRE(worker.ok());
  ::close(worker->control_fd);
  CHECK(WaitForExit(worker->pid) == 0);
}

TEST_CASE("python worker: a job too large to hand over at once leaves the worker waiting") {
  testing::TempDir dir;
  auto worker = StartPythonWorker(kSystemPython, FakeEntryPoint(dir.path()).string(), BaseEnv(), Program(dir));
  REQUIRE(worker.ok());
  WorkerJob job;
  job.argv = {"pyflyte-execute", std::string(100 * 1024, 'x')};
  CHECK(absl::IsFailedPrecondition(HandOver(*worker, job, -1, std::chrono::seconds(10)).status()));
  ::close(worker->control_fd);
  CHECK(WaitForExit(worker->pid) == 0);
}

// A fake flytekit whose import leaves state behind, as the real one does (a cached temporary
// folder, a module global), or runs `extra`; and a task script that prints what it finds.
fs::path StatefulEntryPoint(const fs::path& dir, const std::string& extra = "") {
  const fs::path script = FakeEntryPoint(dir);
  // flytekit keeps a random.Random of its own, made at import, for the names of the files and
  // folders it writes: shared by forked tasks unless reseeded, two tasks write to the same paths.
  fs::create_directories(dir / "bin" / "flytekit" / "interfaces");
  std::ofstream(dir / "bin" / "flytekit" / "interfaces" / "__init__.py");
  std::ofstream(dir / "bin" / "flytekit" / "interfaces" / "random.py") << "import random as _random\n"
                                                                       << "random = _random.Random()\n";
  std::ofstream(dir / "bin" / "flytekit" / "bin" / "entrypoint.py") << "import tempfile\n"
                                                                    << "import flytekit.interfaces.random\n"
                                                                    << "tempfile.gettempdir()\n"
                                                                    << "counter = 0\n"
                                                                    << extra;
  WriteExecutable(script, std::string("#!") + kSystemPython + R"PY(
import os
import random
import sys
import tempfile
import flytekit.bin.entrypoint as entrypoint
import flytekit.interfaces.random

entrypoint.counter += 1
print("counter:", entrypoint.counter)
print("random:", random.random())
print("flytekit random:", flytekit.interfaces.random.random.random())
print("tmp:", tempfile.gettempdir())
print("group:", os.getpgid(0) == os.getpid())
sys.stdout.flush()
if len(sys.argv) > 1:
    os.kill(os.getpid(), int(sys.argv[1]))
)PY");
  return script;
}

std::string Line(const std::string& log, const std::string& name) {
  const size_t start = log.find(name + ": ");
  return start == std::string::npos ? "" : log.substr(start, log.find('\n', start) - start);
}

TEST_CASE("zygote: each task starts from the state after the imports: globals, seeds, temporary folder") {
  testing::TempDir dir;
  const fs::path script = StatefulEntryPoint(dir.path());
  auto worker = StartPythonWorker(kSystemPython, script.string(), BaseEnv(), Program(dir));
  REQUIRE(worker.ok());
  std::vector<std::string> logs;
  for (const char* name : {"one", "two"}) {
    const fs::path folder = dir.path() / name;
    fs::create_directories(folder / "tmp");
    Environment env = BaseEnv();
    env["TMPDIR"] = (folder / "tmp").string();
    const WorkerJob job = JobIn(folder, script, {"pyflyte-execute"}, env);
    CHECK(WaitForTask(Fork(*worker, job)) == 0);
    logs.push_back(testing::ReadFile(job.log_file));
    CAPTURE(logs.back());
    CHECK(Line(logs.back(), "counter") == "counter: 1");  // the second task does not see the first's
    CHECK(Line(logs.back(), "tmp") == "tmp: " + (folder / "tmp").string());
    CHECK(Line(logs.back(), "group") == "group: True");
  }
  CHECK(Line(logs[0], "random") != Line(logs[1], "random"));
  CHECK(Line(logs[0], "flytekit random") != Line(logs[1], "flytekit random"));
  ::close(worker->control_fd);
  CHECK(WaitForExit(worker->pid) == 0);
}

TEST_CASE("zygote: a task killed by a signal is reported so") {
  testing::TempDir dir;
  const fs::path script = StatefulEntryPoint(dir.path());
  auto worker = StartPythonWorker(kSystemPython, script.string(), BaseEnv(), Program(dir));
  REQUIRE(worker.ok());
  const int status = WaitForReport(Fork(*worker, JobIn(dir.path(), script, {"pyflyte-execute", "9"}, BaseEnv())));
  CHECK(WIFSIGNALED(status));
  CHECK(WTERMSIG(status) == SIGKILL);
  ::close(worker->control_fd);
  CHECK(WaitForExit(worker->pid) == 0);
}

TEST_CASE("zygote: its task outlives it and says its own status; end-of-file if it dies unsaid") {
  testing::TempDir dir;
  const fs::path script = FakeEntryPoint(dir.path());
  auto worker = StartPythonWorker(kSystemPython, script.string(), BaseEnv(), Program(dir));
  REQUIRE(worker.ok());
  const ForkedTask ending = Fork(*worker, JobIn(dir.path(), script, {"pyflyte-execute", "3", "1"}, BaseEnv()));
  const ForkedTask killed = Fork(*worker, JobIn(dir.path(), script, {"pyflyte-execute", "0", "60"}, BaseEnv()));
  ::kill(worker->pid, SIGKILL);
  ::waitpid(worker->pid, nullptr, 0);
  // Each task holds its own end of the pipe: the zygote's death says nothing yet.
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  CHECK(ReadTaskReport(killed.report_fd).state == TaskReport::State::kRunning);
  CHECK(::kill(killed.pid, 0) == 0);  // still running, as after a sandbox's kill -9
  // One ending by itself reports its exit status, with no zygote to reap it.
  const int status = WaitForReport(ending);
  CHECK(WIFEXITED(status));
  CHECK(WEXITSTATUS(status) == 3);
  // One killed says nothing: end-of-file, and the sandbox watches its pidfd instead.
  ::kill(-killed.pid, SIGKILL);
  TaskReport report;
  for (int tries = 0; tries < 1000 && report.state == TaskReport::State::kRunning; ++tries) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
    report = ReadTaskReport(killed.report_fd);
  }
  CHECK(report.state == TaskReport::State::kZygoteGone);
  ::close(killed.report_fd);
  ::close(worker->control_fd);
}

TEST_CASE("zygote: with its socket closed it takes no job, and exits once its tasks have ended") {
  testing::TempDir dir;
  const fs::path script = FakeEntryPoint(dir.path());
  auto worker = StartPythonWorker(kSystemPython, script.string(), BaseEnv(), Program(dir));
  REQUIRE(worker.ok());
  const ForkedTask task = Fork(*worker, JobIn(dir.path(), script, {"pyflyte-execute", "6", "0.5"}, BaseEnv()));
  ::close(worker->control_fd);
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  int status = 0;
  CHECK(::waitpid(worker->pid, &status, WNOHANG) == 0);  // waits for its task, to report it
  CHECK(WaitForTask(task) == 6);
  CHECK(WaitForExit(worker->pid) == 0);
}

TEST_CASE("zygote: never forks while a second thread runs") {
  testing::TempDir dir;
  const fs::path script = StatefulEntryPoint(
      dir.path(), "import threading, time\nthreading.Thread(target=time.sleep, args=(60,), daemon=True).start()\n");
  auto worker = StartPythonWorker(kSystemPython, script.string(), BaseEnv(), Program(dir));
  REQUIRE(worker.ok());
  const WorkerJob job = JobIn(dir.path(), script, {"pyflyte-execute"}, BaseEnv());
  const StatusOr<ForkedTask> task = HandOver(*worker, job, -1, std::chrono::seconds(10));
  CHECK(absl::IsUnavailable(task.status()));
  CHECK(!fs::exists(job.started_marker));  // nothing of the task ran; the sandbox starts it elsewhere
  CHECK(WaitForExit(worker->pid) == 0);
  ::close(worker->control_fd);
}

// A stand-in zygote: takes one job and forks a child that says its pid after `delay`, then reports
// into `result` whether it was told to go (1), or found `go` closed (0). The stand-in itself waits
// to be killed, as a stuck zygote would be.
pid_t StandInZygote(int control, std::chrono::milliseconds delay, int result) {
  const pid_t zygote = ::fork();
  if (zygote != 0) return zygote;
  char data[70 * 1024];
  iovec buffer{data, sizeof data};
  alignas(cmsghdr) char rights[CMSG_SPACE(2 * sizeof(int))] = {};
  msghdr message{};
  message.msg_iov = &buffer;
  message.msg_iovlen = 1;
  message.msg_control = rights;
  message.msg_controllen = sizeof rights;
  if (::recvmsg(control, &message, 0) <= 0) ::_exit(1);
  int fds[2];
  std::memcpy(fds, CMSG_DATA(CMSG_FIRSTHDR(&message)), sizeof fds);
  if (::fork() == 0) {
    const timespec pause{0, static_cast<long>(delay.count()) * 1000000L};
    ::nanosleep(&pause, nullptr);
    char line[32];
    const int length = std::snprintf(line, sizeof line, "pid %d\n", static_cast<int>(::getpid()));
    ::signal(SIGPIPE, SIG_IGN);  // a sandbox that gave up closed its end of the report pipe too
    [[maybe_unused]] const ssize_t said = ::write(fds[0], line, static_cast<size_t>(length));
    char go = 0;
    const char told = ::read(fds[1], &go, 1) == 1 && go == 'g' ? 1 : 0;
    if (::write(result, &told, 1) != 1) ::_exit(1);
    ::_exit(0);
  }
  for (;;) ::pause();
}

// What the stand-in's child reported into `result` (-1: nothing within 10 s).
int ChildWasTold(int result) {
  pollfd readable{result, POLLIN, 0};
  char told = -1;
  if (::poll(&readable, 1, 10000) != 1 || ::read(result, &told, 1) != 1) return -1;
  return told;
}

TEST_CASE("zygote: a child that says its pid too late is never told to start the task") {
  // Named members, not a structured binding: clang 14 cannot capture one in doctest's CAPTURE.
  for (const auto& run :
       {std::pair{std::chrono::milliseconds(100), 0}, std::pair{std::chrono::milliseconds(10000), 1}}) {
    const std::chrono::milliseconds timeout = run.first;
    const int expected = run.second;
    CAPTURE(timeout.count());
    int sockets[2];
    int result[2];
    REQUIRE(::socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sockets) == 0);
    REQUIRE(::pipe2(result, O_CLOEXEC) == 0);
    PythonWorker worker;
    worker.ready = true;
    worker.control_fd = sockets[0];
    worker.pid = StandInZygote(sockets[1], std::chrono::milliseconds(500), result[1]);
    ::close(sockets[1]);
    ::close(result[1]);
    WorkerJob job;
    job.argv = {"pyflyte-execute"};
    const StatusOr<ForkedTask> task = HandOver(worker, job, -1, timeout);
    CHECK(task.ok() == (expected == 1));
    // Given up on, the child finds `go` closed: whatever runs the task instead, it will not.
    CHECK(ChildWasTold(result[0]) == expected);
    if (task.ok()) ::close(task->report_fd);
    ::kill(worker.pid, SIGKILL);
    ::waitpid(worker.pid, nullptr, 0);
    ::close(sockets[0]);
    ::close(result[0]);
  }
}

}  // namespace
}  // namespace flyte::plugins

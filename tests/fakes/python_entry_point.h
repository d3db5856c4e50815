// A stand-in for flytekit's `pyflyte-execute`, run by Debian's python3: it prints what it sees
// (whether flytekit was imported before it ran, its command line, folder, a few variables and
// sys.path[1:3]), sleeps for argv[2] seconds if given, and exits with the code in argv[1]. Next to
// it, a `flytekit.bin.entrypoint` module (found as sys.path[0]) prints when it is imported and
// leaves a file `imported` in `dir`.
#pragma once

#include <filesystem>
#include <fstream>
#include <string>

namespace flyte::testing {

inline constexpr const char* kSystemPython = "/usr/bin/python3";

inline void WriteExecutable(const std::filesystem::path& path, const std::string& text) {
  std::filesystem::create_directories(path.parent_path());
  std::ofstream(path) << text;
  std::filesystem::permissions(path, std::filesystem::perms::owner_all);
}

// Writes <dir>/bin/pyflyte-execute and its fake flytekit package; returns the script's path.
inline std::filesystem::path FakeEntryPoint(const std::filesystem::path& dir) {
  const std::filesystem::path bin = dir / "bin";
  WriteExecutable(bin / "pyflyte-execute", std::string("#!") + kSystemPython + R"PY(
import os
import sys
import time
print("imported before:", "flytekit.bin.entrypoint" in sys.modules)
print("argv:", sys.argv)
print("cwd:", os.getcwd())
print("env:", os.environ.get("FLYTE_INTERNAL_EXECUTION_ID"), os.environ.get("GREETING"))
print("sys.path[1:3]:", sys.path[1:3])
print("name:", __name__)
print("stdin:", repr(sys.stdin.read()), flush=True)
if len(sys.argv) > 2:
    time.sleep(float(sys.argv[2]))
sys.exit(int(sys.argv[1]))
)PY");
  std::filesystem::create_directories(bin / "flytekit" / "bin");
  std::ofstream(bin / "flytekit" / "__init__.py") << "";
  std::ofstream(bin / "flytekit" / "bin" / "__init__.py") << "";
  std::ofstream(bin / "flytekit" / "bin" / "entrypoint.py")
      << "print('flytekit imported early')\nopen(" << std::filesystem::path(dir / "imported") << ", 'w').close()\n";
  return bin / "pyflyte-execute";
}

}  // namespace flyte::testing

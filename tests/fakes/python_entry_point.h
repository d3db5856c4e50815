// A stand-in for flytekit's `pyflyte-execute`, run by Debian's python3: the Python files in
// tests/fakes/flytekit/ installed into a test's folder. It prints what it sees (whether flytekit was
// imported before it ran, its command line, folder, a few variables and sys.path[1:3]), sleeps for
// argv[2] seconds if given, and exits with the code in argv[1]. Next to it, a
// `flytekit.bin.entrypoint` module (found as sys.path[0]) prints when it is imported and leaves a
// file `imported` in `dir`.
#pragma once

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#ifndef FLYTE_SOURCE_DIR
#error "FLYTE_SOURCE_DIR must point at the repository"
#endif

namespace flyte::testing {

inline constexpr const char* kSystemPython = "/usr/bin/python3";

inline void WriteExecutable(const std::filesystem::path& path, const std::string& text) {
  std::filesystem::create_directories(path.parent_path());
  std::ofstream(path) << text;
  std::filesystem::permissions(path, std::filesystem::perms::owner_all);
}

// Writes <dir>/bin/pyflyte-execute and its fake flytekit package; returns the script's path.
inline std::filesystem::path FakeEntryPoint(const std::filesystem::path& dir) {
  const std::filesystem::path fakes = std::filesystem::path(FLYTE_SOURCE_DIR) / "tests" / "fakes" / "flytekit";
  const std::filesystem::path bin = dir / "bin";
  std::ostringstream program;
  program << std::ifstream(fakes / "pyflyte_execute.py").rdbuf();
  WriteExecutable(bin / "pyflyte-execute", std::string("#!") + kSystemPython + "\n" + program.str());
  std::filesystem::create_directories(bin);
  std::filesystem::copy(fakes / "flytekit", bin / "flytekit",
                        std::filesystem::copy_options::recursive | std::filesystem::copy_options::overwrite_existing);
  return bin / "pyflyte-execute";
}

}  // namespace flyte::testing
